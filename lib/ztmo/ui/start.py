"""The start page: what this is for, the three basic principles, and the way in."""

from __future__ import annotations

import ipywidgets as w

from ..content import load_guide
from ..params import Params, resolve
from .base import app_root, error_box, esc, html_block, safe_app
from .nav import COMING, PILLAR_PATHS, App, card

HERE = "index.ipynb"


def _principles_html(guide) -> str:
    items = "".join(
        f'<div class="ztmo-card"><span class="ztmo-kicker">Basisprincipe {i}</span>'
        f"<h3>{esc(p.titel)}</h3><p>{esc(p.uitleg)}</p></div>"
        for i, p in enumerate(guide.principes, start=1)
    )
    return (
        "<h2>De drie basisprincipes</h2>"
        f'<p class="ztmo-motto"><em>{esc(guide.motto)}</em></p>'
        f'<div class="ztmo-principles">{items}</div>'
    )


def _nav_html(guide, params: Params) -> str:
    pillars = "".join(
        card(App(PILLAR_PATHS[p.nummer], p.titel, p.kernzin), HERE, params,
             kicker=f"Pijler {p.nummer} · {p.doel}")
        for p in guide.pijlers
    )
    coming = "".join(card(app, HERE, params) for app in COMING)
    return (
        "<h2>Kies een pijler</h2>"
        "<p>Elke pijler heeft vijf handvatten. Je bekijkt ze een voor een en geeft aan "
        "hoe goed het bij jullie lukt. Aan het eind zie je een overzicht en een vraag "
        "om samen te bespreken.</p>"
        f'<nav class="ztmo-nav" aria-label="Pijlers">{pillars}</nav>'
        "<h2>Straks ook</h2>"
        f'<div class="ztmo-nav">{coming}</div>'
    )


def build_start(params: Params) -> w.VBox:
    guide = load_guide()
    children: list[w.Widget] = [error_box(e) for e in params.errors]
    if params.regio:
        children.append(html_block(
            f'<p class="ztmo-notice">Je werkt met de regio <strong>{esc(params.regio)}</strong>.</p>'
        ))
    children.append(html_block(_principles_html(guide), "ztmo-principles-block"))
    children.append(html_block(_nav_html(guide, params), "ztmo-navigation"))
    return app_root(children, "ztmo-start")


def start_page(regio: str = "", sessie: str = "", deelnemer: str = "") -> w.Widget:
    """The start page app; parameters come from Papermill or the page's link."""
    return safe_app(lambda: build_start(resolve(regio, sessie, deelnemer)), "startpagina")
