"""The start page: what this is for, the three basic principles, and the way in."""

from __future__ import annotations

import ipywidgets as w

from ..content import Guide, load_guide
from ..params import Params
from .base import app_root, error_box, esc, html_block, launch
from .nav import COMING, PILLAR_PATHS, App, card

HERE = "index.ipynb"


def principles_html(guide: Guide) -> str:
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


def nav_html(guide: Guide, params: Params) -> str:
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


class StartPage:
    def __init__(self, guide: Guide, params: Params):
        self.guide = guide
        self.notices = w.VBox([])
        self.region = html_block("")
        self.nav = html_block("", "ztmo-navigation")
        self.root = app_root(
            [self.notices, self.region, html_block(principles_html(guide), "ztmo-principles-block"),
             self.nav],
            "ztmo-start",
        )
        self.set_params(params)

    def set_params(self, params: Params) -> None:
        self.params = params
        self.notices.children = tuple(error_box(e) for e in params.errors)
        self.region.value = (
            f'<p class="ztmo-notice">Je werkt met de regio <strong>{esc(params.regio)}</strong>.</p>'
            if params.regio else ""
        )
        self.nav.value = nav_html(self.guide, params)


def start_page(regio: str = "", sessie: str = "", deelnemer: str = "") -> w.Widget:
    """The start page app; parameters come from Papermill or the page's link."""
    guide = load_guide
    return launch(lambda p: StartPage(guide(), p), (regio, sessie, deelnemer), "startpagina")
