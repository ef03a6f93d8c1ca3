"""The projector's view of each step: one screen, read from the back of the room.

A beamer cannot scroll, so every slide is laid out for a 16:9 screen whose type scales
with its width (see ``projector.css``): what fits at 1920x1080 fits at 1280x720. Long
lists go into columns and pages (`ztmo.paging`); the trainer turns the pages on the
control panel. Every slide shows only what the trainer revealed, never a hidden answer,
and keeps the small-numbers rule: with fewer than 5 answers no average and no profile.

Slides reuse the boards' counting (ui.group, ui.groupwork, ui.ideawall, ui.learning);
only the drawing differs. Every participant text is escaped.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import aggregate
from ..activities import NO_VOTES, UNKNOWN_RATING, rating_key
from ..markup import esc
from ..paging import columns, lines, page_of, paginate
from ..texts import text
from .group import CLOUD_SCREEN, NAMED_WORDS, WordCloud, _View, cloud_svg
from .pillar import discussion_activity

MIN_GROUP = aggregate.MIN_GROUP
# Measured in lines of body text (projector.css: 1.5vw type, 1.3 line height): the 80vh
# stage of a 16:9 screen holds 23; we plan 21 (room for the page number). A line holds
# about 125 characters across the stage, 60 in half of it (DejaVu Sans, the widest of
# the fonts the page asks for); we plan with fewer, so a wider font still fits.
STAGE = 21.0
FULL, HALF, QUARTER = 110, 52, 24  # characters per line: whole, half, a quarter (at 0.9em)
ITEM = 0.4  # the space between two items of a list
HEAD = 1.6  # a heading line (1.1em, with its margins)


def t(key: str, **values: object) -> str:
    return text("beamer", key, **values)


def people(n: int) -> str:
    return f"{n} {t('deelnemers_een') if n == 1 else t('deelnemers_meer')}"


def small_group(n: int) -> str:
    who = t("weinig_wie_een") if n == 1 else t("weinig_wie_meer")
    return f'<p class="ztmo-small-group">{esc(t("kleine_groep", n=n, wie=who))}</p>'


def frame(body: str, page: int, pages: int) -> str:
    """A slide's body with the page it shows, when there is more than one."""
    more = (f'<p class="ztmo-slide-page">{esc(t("pagina", pagina=page, totaal=pages))}</p>'
            if pages > 1 else "")
    return f'<div class="ztmo-slide-body">{body}</div>{more}'


class Slide(_View):
    """A step's slide: ``plan`` says what to draw and in how many pages; the page the room
    sees is the trainer's choice (presenter state), 1 by default."""

    def __init__(self):
        super().__init__("ztmo-slide", f"ztmo-slide-{self.step}", gated=True)

    def count(self, snap) -> int:
        return 0

    def plan(self, snap) -> tuple[object, int, Callable[[int], str]]:
        raise NotImplementedError

    def refresh(self, snap) -> None:
        if self.hidden(snap, self.count(snap)):
            return
        key, pages, draw = self.plan(snap)
        page = page_of(snap.state, self.step, pages)
        self.show((key, page, pages), lambda: frame(draw(page), page, pages))

    def pages(self, snap) -> int:
        """How many pages the room would see now (1 while the step is hidden)."""
        if self.gated and self.step and not snap.revealed(self.step):
            return 1
        return self.plan(snap)[1]


def _list_pages(items: list[str], weights: list[int], budget: int, n_cols: int,
                cls: str) -> tuple[int, Callable[[int], str]]:
    """Items (HTML) in ``n_cols`` columns per page, each column within ``budget`` lines."""
    plan = columns(weights, budget, n_cols)

    def draw(page: int) -> str:
        cols = plan[page - 1]
        return (f'<div class="ztmo-slide-cols ztmo-cols-{n_cols}">'
                + "".join(f'<ul class="{cls}">' + "".join(items[i] for i in col) + "</ul>"
                          for col in cols) + "</div>")

    return len(plan), draw


class StartSlide(Slide):
    """"Wat is thuis?": the word cloud, with the words named (a cloud fitted to the stage)."""

    step = "start"

    def __init__(self):
        from ..activities import label

        super().__init__()
        self.widget.add_class("ztmo-word-list")  # the words, as on the phones
        self.cloud = WordCloud("wat_is_thuis", large=True)
        self.question = label("wat_is_thuis")

    def count(self, snap) -> int:
        return len(snap.values(self.cloud.activity))

    def plan(self, snap):
        from ..wordcloud import words

        texts = snap.values(self.cloud.activity)
        found = words(texts)

        def draw(_page: int) -> str:
            if not found:
                return f'<p class="ztmo-missing">{esc(t("geen_antwoorden"))}</p>'
            named = ", ".join(f"{esc(w.text)} ({w.count})" for w in found[:NAMED_WORDS])
            return (f"<h3>{esc(self.question)}</h3>"
                    f'<div class="ztmo-cloud">{cloud_svg(found, CLOUD_SCREEN)}</div>'
                    f'<p class="ztmo-words">Het vaakst genoemd: {named}</p>')

        return (tuple(found), len(texts)), 1, draw


class PillarSlide(Slide):
    """How the group rated the five handvatten (from 5 ratings on) and, beside it, the
    notes of the group talk, in pages."""

    def __init__(self, guide, pillar):
        self.step = f"pijler{pillar.nummer}"
        super().__init__()
        self.guide, self.pillar = guide, pillar
        self.talk = {discussion_activity(pillar.id, q.id): q.tekst
                     for q in guide.groepsopdracht.vragen}

    def count(self, snap) -> int:
        prefix = "beoordeling:" + self.pillar.id
        return len({a.participant for a in snap.answers if a.activity.startswith(prefix)})

    def plan(self, snap):
        rows = []
        for h in self.pillar.handvatten:
            values = snap.values(rating_key(h.id))
            rows.append((h.nummer, aggregate.summarize_ratings(values),
                         values.count(UNKNOWN_RATING)))
        items, weights = [], []
        for activity, question in self.talk.items():
            notes = list(reversed(snap.values(activity)))
            if not notes:
                continue
            items.append(f'<li class="ztmo-slide-head">{esc(question)}</li>')
            weights.append(lines(question, HALF - 4) + 0.6)
            for note in notes:
                items.append(f'<li class="ztmo-slide-note">{esc(note)}</li>')
                weights.append(lines(note, HALF - 3) + ITEM)
        plan = paginate(weights, STAGE - HEAD)
        key = (tuple((n, s.n, tuple(s.counts.items()), u) for n, s, u in rows), tuple(items))

        def draw(page: int) -> str:
            notes = "".join(items[i] for i in plan[page - 1]) if items else ""
            talk = (f'<h3>{esc(t("pijler.gesprek"))}</h3><ul class="ztmo-slide-notes">{notes}</ul>'
                    if items else f'<p class="ztmo-missing">{esc(t("pijler.geen_gesprek"))}</p>')
            return (f'<div class="ztmo-slide-split"><div>{self._ratings(rows)}</div>'
                    f"<div>{talk}</div></div>")

        return key, len(plan), draw

    def _ratings(self, rows) -> str:
        shown = [(n, s) for n, s, _ in rows if s.n >= MIN_GROUP]
        most = max((s.n for _, s, _ in rows), default=0)
        if not shown:
            return small_group(most)
        from .. import charts

        labels = self.guide.beoordeling.labels
        try:
            chart = charts.render("group_ratings", labels=dict(labels), large=True,
                                  rows=[(f"Handvat {n}", s.counts) for n, s in shown])
        except Exception:  # noqa: BLE001 - the averages below carry the same figures
            from .base import log_exception

            log_exception("groepsgrafiek beamer")
            chart = ""
        means = "".join(
            f"<li>Handvat {n}: "
            + (esc(t("pijler.gemiddeld", gemiddelde=aggregate.format_mean(s.mean)))
               + f" (n = {s.n})" if s.n >= MIN_GROUP else esc(t("kleine_groep", n=s.n,
                                                               wie=t("weinig_wie_meer"))))
            + (f" · {esc(t('pijler.weet_niet', n=unknown))}" if unknown else "") + "</li>"
            for n, s, unknown in rows)
        return (f"<h3>{esc(self.guide.beoordeling.vraag)}</h3>"
                f'<div class="ztmo-chart">{chart}</div><ul class="ztmo-slide-means">{means}</ul>')


class WallSlide(Slide):
    """The idea wall: ideas by dots (the pinned one first) in two columns, in pages."""

    step = "muur"

    def count(self, snap) -> int:
        from .. import presenter
        from .. import wall as rules

        return len(rules.ideas(snap, presenter.wall_choice(snap.state).wall))

    def plan(self, snap):
        from .. import presenter
        from .. import wall as rules

        choice = presenter.wall_choice(snap.state)
        results = rules.tally(snap, choice.wall, choice.merges, choice.pinned, choice.dots)
        vote = rules.vote_key(choice.wall)
        voters = sum(1 for a in snap.answers if a.activity == vote and not a.hidden
                     and a.value != NO_VOTES)
        items, weights = [], []
        for r in results:
            dots = t("muur.stippen_een") if r.votes == 1 else t("muur.stippen_meer")
            extra = (f' <span class="ztmo-badge">{esc(t("muur.vast"))}</span>' if r.pinned
                     else "")
            same = "muur.samen" if len(r.merged_from) == 1 else "muur.samen_meer"
            extra += (f' <span class="ztmo-source">{esc(t(same, n=len(r.merged_from)))}'
                      "</span>" if r.merged_from else "")
            items.append(f'<li class="ztmo-wall-idea"><span class="ztmo-wall-dots">{r.votes} '
                         f"{esc(dots)}</span> {esc(r.text)}{extra}</li>")
            weights.append(lines(f"{r.votes} {dots}  {r.text}", HALF - 3) + ITEM)
        budget = STAGE - HEAD * lines(choice.question, FULL) - 1.2
        pages, draw_list = _list_pages(items, weights, budget, 2, "ztmo-slide-ideas")

        def draw(page: int) -> str:
            if not results:
                return (f"<h3>{esc(choice.question)}</h3>"
                        f'<p class="ztmo-missing">{esc(t("muur.geen"))}</p>')
            return (f"<h3>{esc(choice.question)}</h3>{draw_list(page)}"
                    f'<p class="ztmo-source">'
                    f"{esc(t('muur.telling', ideeen=len(results), mensen=voters))}</p>")

        return (choice.question, tuple(results), voters), pages, draw
