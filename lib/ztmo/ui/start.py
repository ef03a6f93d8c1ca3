"""The start page: what this is for, the three basic principles, and the way in."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

import ipywidgets as w

from ..activities import WHAT_IS_HOME
from ..content import Guide, load_guide
from ..params import Params
from .base import app_root, error_box, esc, guarded, html_block, launch
from .group import WordCloud, group_box
from .nav import GROUPWORK, LEARNING, REGION, TRAINER, App, Nav, card
from .session import (
    PRIVACY,
    AnswerBox,
    Live,
    SessionLink,
    answer_sink,
    join,
    open_session,
    shared_store,
)

HERE = "index.ipynb"
NICKNAME_HINT = "Verzin een bijnaam, geen echte naam. Mag ook leeg blijven."


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
        f'<p class="ztmo-source">Bron: {esc(guide.bron)}</p>'
    )


def nav_html(guide: Guide, params: Params, journey: bool = False) -> str:
    nav = Nav(HERE, params, journey)
    pillars = "".join(
        nav.card(f"pijler{p.nummer}", App("", p.titel, p.kernzin),
                 kicker=f"Pijler {p.nummer} · {p.doel}")
        for p in guide.pijlers
    )
    learning = "".join(nav.card(step, app, kicker="Leervoorkeuren")
                       for step, app in zip(("scan", "duo", "groep"), LEARNING))
    groupwork = "".join(nav.card(step, app, kicker="Werkvorm")
                        for step, app in zip(("muur", "tijdlijn", "praktijk", "beloften",
                                              "vlaggen"), GROUPWORK))
    region = nav.card("regio", REGION, kicker="Cijfers")
    trainer = card(TRAINER, HERE, replace(params, sessie="", deelnemer=""))
    return (
        "<h2>Kies een pijler</h2>"
        "<p>Elke pijler heeft vijf handvatten. Je bekijkt ze één voor één en geeft aan "
        "hoe goed het bij jullie lukt. Aan het eind zie je een overzicht en een vraag "
        "om samen te bespreken.</p>"
        f'<nav class="ztmo-nav" aria-label="Pijlers">{pillars}</nav>'
        "<h2>Samen leren</h2>"
        f'<nav class="ztmo-nav" aria-label="Leervoorkeuren">{learning}</nav>'
        "<h2>Werkvormen voor de groep</h2>"
        "<p>Denk samen na: deel ideeën en stem met stippen, lees het verhaal van een "
        "verzonnen gezin, kies een goed voorbeeld, kijk naar de tien beloften aan het kind, "
        "en sluit af met vier vlaggen.</p>"
        f'<nav class="ztmo-nav" aria-label="Werkvormen">{groupwork}</nav>'
        "<h2>Jouw regio</h2>"
        f'<nav class="ztmo-nav" aria-label="Regio">{region}</nav>'
        f'<h2>Voor trainers</h2><div class="ztmo-nav">{trainer}</div>'
    )


class StartPage:
    """Welcome, join a session, "Wat is thuis?", and the way to the activities.

    ``on_join`` gets the new parameters after joining (the journey then updates the
    address and every view); on its own the page just applies them itself.
    """

    def __init__(self, guide: Guide, params: Params, journey: bool = False,
                 on_join: Callable[[Params], None] | None = None):
        self.guide = guide
        self.journey = journey
        self.on_join = on_join or self.set_params
        self.live: Live | None = None
        self._form: tuple[w.Widget, ...] | None = None  # the join form, built on first use
        self._joining = threading.Lock()  # held while "Meedoen" is being handled
        self.notices = w.VBox([])
        self.region = html_block("")
        self.session_area = w.VBox([])
        self.session_area.add_class("ztmo-session")
        self.nav = html_block("", "ztmo-navigation")
        self.root = app_root(
            [self.notices, self.region, self.session_area,
             html_block(principles_html(guide), "ztmo-principles-block"), self.nav],
            "ztmo-start",
        )
        self.set_params(params)

    def pause(self) -> None:
        if self.live:
            self.live.stop()
            self.live = None

    def set_params(self, params: Params) -> None:
        self.pause()
        link, problems = open_session(params)
        if params.sessie and link is None:
            params = replace(params, sessie="", deelnemer="")
        elif link is not None and not link.joined:
            params = replace(params, deelnemer="")
        self.params = params
        self.notices.children = tuple(error_box(e) for e in (*params.errors, *problems))
        self.region.value = (
            f'<p class="ztmo-notice">Je werkt met de regio <strong>{esc(params.regio)}</strong>.</p>'
            if params.regio else ""
        )
        self.session_area.children = self._session_children(link)
        self.nav.value = nav_html(self.guide, params, self.journey)

    # --- session ---------------------------------------------------------------
    def _session_children(self, link: SessionLink | None) -> tuple[w.Widget, ...]:
        if link is None or not link.joined:
            return self._join_form(link)
        store = shared_store()
        here = Nav(HERE, self.params).url("start")
        box = AnswerBox(WHAT_IS_HOME, "<h3>Wat is thuis?</h3><p>Schrijf in een paar woorden "
                        "wat thuis voor jou betekent.</p>", answer_sink(link),
                        placeholder="Bijvoorbeeld: veilig, samen eten, mijn eigen bed")
        words = WordCloud(WHAT_IS_HOME)
        self.live = Live(store, link.code, token=link.token)
        self.live.add(words.refresh)
        self.live.start()
        box.on_saved = self.live.poll_once
        return (
            html_block(f'<p class="ztmo-notice">Je doet mee met de sessie <strong>{esc(link.name)}'
                       f"</strong> (code {esc(link.code)}). Bewaar <a href=\"{here}\">deze link</a> "
                       "als je later verder wilt.</p>", "ztmo-joined"),
            box.root,
            group_box("Wat is thuis? – de groep", words.widget),
        )

    def _join_form(self, link: SessionLink | None) -> tuple[w.Widget, ...]:
        """The join form, built once and updated after that: a preheated kernel builds it
        before its page is asked for, so an arrival only fills in the code."""
        if self._form is None:
            self._form = self._build_join_form()
        form = self._form
        heading, code, status = form[0], form[1], form[4]
        title = (f"Doe mee met de sessie {esc(link.name)}" if link
                 else "Doe je mee met een groepssessie?")
        from .session import _privacy

        heading.value = (f"<h3>{title}</h3><p>{esc(_privacy('meedoen'))}</p>"
                         f'<p class="ztmo-privacy">{esc(NICKNAME_HINT)} {esc(PRIVACY)}</p>')
        if link:
            code.value = link.code
        status.children = ()
        return form

    def _build_join_form(self) -> tuple[w.Widget, ...]:
        code = w.Text(value="", placeholder="Bijvoorbeeld K7MP3X",
                      description="Code", layout=w.Layout(width="100%", max_width="20rem"))
        code.add_class("ztmo-join-code")
        nickname = w.Text(placeholder="Bijvoorbeeld: Zonnebloem", description="Bijnaam",
                          layout=w.Layout(width="100%", max_width="20rem"))
        nickname.add_class("ztmo-nickname")
        button = w.Button(description="Meedoen")
        button.add_class("ztmo-join-submit")
        status = w.VBox([])

        def submit(_):
            # One participant per device, however often "Meedoen" is tapped: a second tap
            # while the first is joining, or once this page has joined, does nothing.
            if self.params.deelnemer or not self._joining.acquire(blocking=False):
                return
            try:
                if self.params.deelnemer:
                    return
                status.children = ()
                self.on_join(join(self.params, code.value, nickname.value.strip() or None))
            finally:
                self._joining.release()

        button.on_click(guarded(submit, lambda box: setattr(status, "children", (box,)), "meedoen"))
        return (
            html_block(""), code, nickname, button, status,
            html_block('<p class="ztmo-source">Geen code? Je kunt ook zonder sessie verder. Wat '
                       "je dan invult, blijft alleen op dit scherm en wordt niet bewaard.</p>"),
        )


def start_page(regio: str = "", sessie: str = "", deelnemer: str = "") -> w.Widget:
    """The start page app; parameters come from Papermill or the page's link."""
    from pathlib import Path

    from . import static

    # A static edition links the region page when it has one (the kernel runs beside it).
    return launch(lambda p: StartPage(load_guide(), p), (regio, sessie, deelnemer), "startpagina",
                  static=lambda p: static.start_html(load_guide(), p,
                                                     with_region=Path(REGION.path).is_file()))
