"""A pillar app: a guided walk through five guidelines, a rating each, a summary.

State lives in `PillarWalk` (which step, which ratings); widgets only show it.
Answers go through an `AnswerSink`, so the session store can plug in later
without touching this walk.
"""

from __future__ import annotations

from dataclasses import replace

import ipywidgets as w

from ..activities import UNKNOWN_RATING, discussion_key, rating_key, reflection_key
from ..content import Guide, Pillar, load_guide
from ..errors import ZtmoError
from ..params import Params
from .answers import AnswerSink, LocalAnswers
from .base import app_root, error_box, esc, guarded, html_block, launch
from .group import GroupRatings, Wall, group_box
from .nav import PILLAR_PATHS, Nav
from .rating import RatingControl
from .session import (
    AnswerBox,
    Live,
    SessionLink,
    answer_sink,
    flush_within,
    open_session,
    shared_store,
)

# The activity keys live in ztmo.activities; these names stay for the callers.
rating_activity, reflection_activity, discussion_activity = rating_key, reflection_key, discussion_key


def step_anchor(step: str) -> str:
    """A marker at the top of a step: our page script scrolls to it on Volgende/Vorige."""
    return f'<span class="ztmo-step-anchor" data-step="{esc(step)}"></span>'


def as_score(value: object) -> int | None:
    """A stored rating back as 1-5 (the store keeps text); anything else is no rating."""
    try:
        score = int(str(value))
    except (TypeError, ValueError):
        return None
    return score if 1 <= score <= 5 else None


class PillarWalk:
    """Step through a pillar's guidelines one at a time, then show a summary."""

    def __init__(self, guide: Guide, pillar: Pillar, params: Params,
                 answers: AnswerSink | None = None, journey: bool = False):
        self.guide = guide
        self.journey = journey
        self.pillar = pillar
        self.answers: AnswerSink = answers or LocalAnswers()
        self.link: SessionLink | None = None
        self.live: Live | None = None
        self.here = PILLAR_PATHS[pillar.nummer]
        self.step = 0  # 0..4: a guideline; 5: the summary
        self.steps = len(pillar.handvatten)

        self.progress_text = html_block("", "ztmo-progress-text")
        self.progress = w.IntProgress(value=1, min=0, max=self.steps,
                                      layout=w.Layout(width="100%"))
        self.progress.add_class("ztmo-progress")
        self.card = html_block("", "ztmo-guideline")
        labels = guide.beoordeling.labels
        self.rating = RatingControl(dict(labels), guarded(self.rate, self.show_error,
                                                          "beoordeling"))
        self.rating_label = html_block("", "ztmo-rating-label")
        self.rating_box = w.VBox([
            html_block(f"<h3>{esc(guide.beoordeling.vraag)}</h3>"
                       f'<p class="ztmo-scale-legend">1 = {esc(labels[1])} · '
                       f"5 = {esc(labels[5])}</p>"),
            self.rating.root, self.rating_label,
        ])
        self.rating_box.add_class("ztmo-rating-block")
        self.prev = w.Button(description="Vorige", icon="", tooltip="Vorig handvat")
        self.prev.add_class("ztmo-prev")
        self.next = w.Button(description="Volgende", tooltip="Volgend handvat")
        self.next.add_class("ztmo-next")
        self.messages = w.VBox([])
        buttons = w.HBox([self.prev, self.next])
        buttons.add_class("ztmo-buttons")
        self.reflection = AnswerBox(reflection_activity(pillar.handvatten[0].id), "",
                                    self.answers, rows=3)
        self.walk = w.VBox([self.progress_text, self.progress, self.card, self.rating_box,
                            self.reflection.root, buttons])
        self.walk.add_class("ztmo-walk")
        self.summary = w.VBox([])
        self.summary.add_class("ztmo-summary")
        self.summary.layout.display = "none"

        self.prev.on_click(guarded(lambda _: self.go(self.step - 1), self.show_error, "vorige"))
        self.next.on_click(guarded(lambda _: self.go(self.step + 1), self.show_error, "volgende"))

        header = html_block(
            f'<span class="ztmo-kicker">Pijler {pillar.nummer} · {esc(pillar.doel)}</span>'
            f"<p><strong>{esc(pillar.kernzin)}</strong></p>"
            f"<p>{esc(pillar.intro)}</p>",
            "ztmo-pillar-intro",
        )
        self.notices = w.VBox([])
        self.root = app_root([self.notices, header, self.messages, self.walk, self.summary],
                             "ztmo-pillar")
        self.set_params(params)

    def set_params(self, params: Params) -> None:
        """Apply (new) parameters: their problems on top, links that carry them, and
        the session (if any) that answers are saved to."""
        self.pause()
        link, problems = open_session(params)
        if link is None or not link.joined:
            params = replace(params, sessie="", deelnemer="")
            if link is not None:
                problems.append(ZtmoError("Je bent nog niet aangemeld bij deze sessie. Ga naar "
                                          "de startpagina en vul daar de code in. Je antwoorden "
                                          "blijven nu op je eigen scherm."))
            link = None
        newly_joined = link is not None and (self.link is None or self.link.token != link.token)
        self.params, self.link = params, link
        self.nav = Nav(self.here, params, self.journey)
        self.answers = answer_sink(link)
        self.reflection.sink = self.answers
        self.notices.children = tuple(error_box(e) for e in (*params.errors, *problems))
        if newly_joined:  # back after a reload or a lost phone: where the work stopped
            self.step = self.resume_step()
        self.render()

    def resume_step(self) -> int:
        """The first guideline without a rating; the summary when all are rated."""
        ratings = [self.answers.get(rating_activity(h.id)) for h in self.pillar.handvatten]
        if not any(r is not None for r in ratings):
            return 0
        return next((i for i, r in enumerate(ratings) if r is None), self.steps)

    def pause(self) -> None:
        """Stop the live group view (the journey calls this when another view is shown)."""
        if self.live:
            self.live.stop()
            self.live = None

    # --- state -------------------------------------------------------------------
    def ratings(self) -> dict[str, int | None]:
        return {h.id: as_score(self.answers.get(rating_activity(h.id)))
                for h in self.pillar.handvatten}

    def rate(self, value: int | str | None) -> None:
        """Record the rating ("1".."5" or "?" for weet ik niet) for the current guideline.

        Every click saves, also the same score as before: saving is idempotent.
        """
        if value is None or self.step >= self.steps:
            return
        value = str(value)
        if value != UNKNOWN_RATING and as_score(value) not in self.guide.beoordeling.labels:
            raise ValueError(f"score {value!r} buiten de schaal")
        self.answers.save(rating_activity(self.pillar.handvatten[self.step].id), value)
        self.rating.show(value)
        self.rating_label.value = self._label_text(value)

    def go(self, step: int) -> None:
        # A thought typed and not saved is never dropped (the summary's notes neither).
        if not (self.reflection.flush() and flush_within(self.summary)):
            return
        self.pause()  # the summary starts its own live view again
        self.step = max(0, min(self.steps, step))
        self.messages.children = ()
        self.render()

    def show_error(self, box: w.Widget) -> None:
        self.messages.children = (box,)

    def _label_text(self, value: str | None) -> str:
        if value == UNKNOWN_RATING:
            return "<p>Jouw keuze: <strong>weet ik niet</strong></p>"
        score = as_score(value)
        if score is None:
            return '<p class="ztmo-missing">Nog geen keuze gemaakt. Je mag ook overslaan.</p>'
        return f"<p>Jouw keuze: <strong>{score} – {esc(self.guide.beoordeling.labels[score])}</strong></p>"

    # --- view --------------------------------------------------------------------
    def render(self) -> None:
        on_summary = self.step >= self.steps
        self.walk.layout.display = "none" if on_summary else ""
        self.summary.layout.display = "" if on_summary else "none"
        if on_summary:
            self.summary.children = self._summary_children()
            return
        h = self.pillar.handvatten[self.step]
        # This guideline's own choice, never the previous one's; set before the progress
        # line so that no screen shows the new number with the old choice.
        saved = self.answers.get(rating_activity(h.id))
        current = None if saved is None else str(saved)
        if current != UNKNOWN_RATING and as_score(current) is None:
            current = None
        self.rating.show(current)
        self.rating_label.value = self._label_text(current)
        self.progress.value = self.step + 1
        self.progress_text.value = (
            step_anchor(f"{self.pillar.id}:{self.step}")
            + f"<p>Handvat {self.step + 1} van {self.steps}</p>"
        )
        questions = "".join(f"<li>{esc(q)}</li>" for q in h.vragen)
        self.card.value = (
            f'<div class="ztmo-card"><span class="ztmo-kicker">Handvat {h.nummer}</span>'
            f"<h3>{esc(h.titel)}</h3><p>{esc(h.uitleg)}</p>"
            f"<p><strong>Waarom dit ertoe doet.</strong> {esc(h.waarom)}</p>"
            f'<p><strong>Om over na te denken</strong></p><ul class="ztmo-question-list">'
            f"{questions}</ul></div>"
        )
        self.reflection.point_at(reflection_activity(h.id),
                                 "<h3>Jouw gedachten</h3><p>Wat valt je op bij dit handvat? "
                                 "Kies een van de vragen hierboven of schrijf iets anders.</p>")
        self.prev.disabled = self.step == 0
        self.next.description = "Naar het overzicht" if self.step == self.steps - 1 else "Volgende"

    def _summary_children(self) -> list[w.Widget]:
        from .. import charts

        ratings = self.ratings()
        rows = [(h.titel, ratings[h.id]) for h in self.pillar.handvatten]
        unknown = {h.titel for h in self.pillar.handvatten
                   if str(self.answers.get(rating_activity(h.id))) == UNKNOWN_RATING}
        labels = self.guide.beoordeling.labels
        table = "".join(
            f"<tr><td>{i}. {esc(t)}</td><td>"
            + (f"{s} – {esc(labels[s])}" if s else "weet ik niet" if t in unknown
               else '<span class="ztmo-missing">niet beoordeeld</span>')
            + "</td></tr>"
            for i, (t, s) in enumerate(rows, start=1)
        )
        try:
            chart_html = charts.render("ratings", rows=rows, question=self.guide.beoordeling.vraag,
                                       labels=dict(labels))
        except Exception:  # noqa: BLE001 - the table below carries the same facts
            from .base import log_exception

            log_exception("overzichtsgrafiek")
            chart_html = '<p class="ztmo-missing">De grafiek kon niet worden getekend.</p>'
        task = self.guide.groepsopdracht
        questions = "".join(f"<li>{esc(q.tekst)}</li>" for q in task.vragen)
        back = w.Button(description="Terug naar de handvatten")
        back.add_class("ztmo-prev")
        back.on_click(guarded(lambda _: self.go(self.steps - 1), self.show_error, "terug"))
        nxt = self.pillar.nummer % 3 + 1
        links = self.nav.links((f"pijler{nxt}", f"Verder met pijler {nxt}"),
                               ("start", "Terug naar de start"))
        group = [self._group_section()] if self.link else []
        return [
            html_block(
                step_anchor(f"{self.pillar.id}:overzicht")
                + f"<h3>Jouw overzicht: {esc(self.pillar.titel)}</h3>"
                f'<div class="ztmo-chart" role="img" aria-label="Staafdiagram van jouw '
                f'beoordelingen">{chart_html}</div>'
                f'<table class="ztmo-summary-table">{table}</table>'
                '<p class="ztmo-source">Dit zijn jouw eigen antwoorden op deze pagina.</p>',
                "ztmo-summary-view",
            ),
            html_block(
                f'<div class="ztmo-card"><h3>{esc(task.titel)}</h3><p>{esc(task.intro)}</p>'
                f'<ol class="ztmo-question-list">{questions}</ol></div>',
                "ztmo-group-task",
            ),
            *group,
            back,
            html_block(links, "ztmo-links"),
        ]

    def _group_section(self) -> w.Widget:
        """What the group says: ratings, and notes from the group talk (live)."""
        store = shared_store()
        task = self.guide.groepsopdracht
        ratings = GroupRatings(self.guide, self.pillar)
        activities = {discussion_activity(self.pillar.id, q.id): q.tekst for q in task.vragen}
        wall = Wall(activities, "Nog geen aantekeningen.")
        self.live = Live(store, self.link.code, token=self.link.token)
        boxes = [AnswerBox(activity, f"<p><strong>{esc(question)}</strong></p>", self.answers,
                           on_saved=self.live.poll_once).root
                 for activity, question in activities.items()]
        self.live.add(ratings.refresh)
        self.live.add(wall.refresh)
        self.live.start()
        return group_box("De groep", ratings.widget,
                         html_block("<h4>Aantekeningen uit het groepsgesprek</h4><p>Eén persoon "
                                    "per groepje schrijft op wat jullie bespraken.</p>"),
                         *boxes, wall.widget)


def pillar_app(nummer: int, regio: str = "", sessie: str = "", deelnemer: str = "") -> w.Widget:
    """The app for pillar 1, 2 or 3; parameters come from Papermill or the page's link."""

    def make(params: Params) -> PillarWalk:
        guide = load_guide()
        return PillarWalk(guide, guide.pillar(nummer), params)

    def paper(params: Params) -> str:
        from .static import pillar_html

        guide = load_guide()
        return pillar_html(guide, guide.pillar(nummer), params)

    return launch(make, (regio, sessie, deelnemer), f"pijler {nummer}", static=paper)
