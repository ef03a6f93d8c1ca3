"""Live group views: the wall of answers, the word list and the group's ratings.

Every piece of participant text is escaped before it reaches HTML. Each view keeps
what it last drew and only touches its widget when the new picture differs.
"""

from __future__ import annotations

import ipywidgets as w

from .. import aggregate
from ..content import Guide, Pillar
from .base import esc, html_block, log_exception

HIDDEN_NOTE = ("De antwoorden van de groep zie je als de trainer ze laat zien. Zo geeft "
               "iedereen eerst zijn eigen antwoord.")


class _View:
    """A widget whose HTML is redrawn only when it changes.

    ``step`` names the journey step whose answers the view shows. A participant's or the
    projector's view (``gated``) shows them only once the trainer revealed that step; the
    trainer's own screen is not gated.
    """

    step = ""

    def __init__(self, *classes: str, gated: bool = True):
        self.widget = html_block("", *classes)
        self.gated = gated
        self._last: object = None

    def show(self, key: object, render) -> None:
        if key == self._last:
            return
        self._last = key
        self.widget.value = render()

    def hidden(self, snap, count: int) -> bool:
        """Show the "not yet" note instead of the answers; True when it did."""
        if not self.gated or not self.step or snap.revealed(self.step):
            return False
        given = "1 antwoord" if count == 1 else f"{count} antwoorden"
        self.show(("verborgen", count), lambda: (
            f'<p class="ztmo-hidden-results">{esc(HIDDEN_NOTE)} Binnen: {given}.</p>'))
        return True


class Wall(_View):
    """Participants' texts for some activities, newest first, escaped."""

    def __init__(self, activities: dict[str, str], empty: str, gated: bool = True):
        from ..activities import registry

        super().__init__("ztmo-group-wall", gated=gated)
        self.activities, self.empty = activities, empty
        self.step = registry()[next(iter(activities))].step

    def refresh(self, snap) -> None:
        rows = [(heading, tuple(reversed(snap.values(activity))))
                for activity, heading in self.activities.items()]
        if self.hidden(snap, sum(len(t) for _, t in rows)):
            return
        self.show(tuple(rows), lambda: self._html(rows))

    def _html(self, rows) -> str:
        parts = []
        for heading, texts in rows:
            items = "".join(f'<li class="ztmo-wall-item">{esc(t)}</li>' for t in texts)
            body = (f'<ul class="ztmo-wall-list">{items}</ul>' if texts
                    else f'<p class="ztmo-missing">{esc(self.empty)}</p>')
            parts.append(f"<h4>{esc(heading)} <span class=\"ztmo-badge\">{len(texts)}</span></h4>"
                         f"{body}")
        return "".join(parts)


# Sizes of the word cloud (SVG user units; the picture scales to the screen's width).
CLOUD_PHONE = {"width": 480, "height": 320, "min_size": 14, "max_size": 56}
CLOUD_SCREEN = {"width": 960, "height": 540, "min_size": 20, "max_size": 110}
NAMED_WORDS = 10  # the most frequent words also named in text, under the picture


def cloud_svg(words, size: dict) -> str:
    """The cloud drawn by the server's shared renderer (numpy lives there, not in every
    participant's kernel), or here when there is none."""
    from .. import chartd, wordcloud

    svg = chartd.request("word_cloud", {"words": [(w.text, w.count) for w in words], **size})
    return svg if svg is not None else wordcloud.svg(words, **size)


class WordCloud(_View):
    """The answers to an open question as a real word cloud: words merged over case and
    accents, Dutch stop words left out, at most 50, sized by how many people used them.
    Under it the most frequent words in plain text (for screen readers, and to read out)."""

    def __init__(self, activity: str, gated: bool = True, large: bool = False):
        from ..activities import registry

        super().__init__("ztmo-group-wall", "ztmo-word-list", "ztmo-word-cloud", gated=gated)
        self.activity = activity
        self.step = registry()[activity].step
        self.size = CLOUD_SCREEN if large else CLOUD_PHONE

    def refresh(self, snap) -> None:
        from ..wordcloud import words as count_words

        texts = snap.values(self.activity)
        if self.hidden(snap, len(texts)):
            return
        found = count_words(texts)
        self.show((tuple(found), len(texts)), lambda: self._html(found, len(texts)))

    def _html(self, found, n: int) -> str:
        if not found:
            return '<p class="ztmo-missing">Nog geen antwoorden.</p>'
        named = ", ".join(f"{esc(w.text)} ({w.count})" for w in found[:NAMED_WORDS])
        given = "1 antwoord" if n == 1 else f"{n} antwoorden"
        return (f'<div class="ztmo-cloud">{cloud_svg(found, self.size)}</div>'
                f'<p class="ztmo-words">Het vaakst genoemd: {named}</p>'
                f'<p class="ztmo-source">{given}. Een woord telt één keer per antwoord; '
                "kleine woorden als 'de' en 'een' tellen niet mee.</p>")


class GroupRatings(_View):
    """Per guideline of a pillar: how the group rated it (chart) and the average (table)."""

    def __init__(self, guide: Guide, pillar: Pillar, chart: bool = True, gated: bool = True,
                 large: bool = False):
        super().__init__("ztmo-group-ratings", gated=gated)
        self.guide, self.pillar, self.chart, self.large = guide, pillar, chart, large
        self.step = f"pijler{pillar.nummer}"

    def refresh(self, snap) -> None:
        from ..activities import UNKNOWN_RATING, rating_key

        if self.hidden(snap, len({a.participant for a in snap.answers
                                  if a.activity.startswith("beoordeling:" + self.pillar.id)})):
            return
        summaries = tuple(
            (f"Handvat {h.nummer}", h.titel, aggregate.summarize_ratings(values),
             values.count(UNKNOWN_RATING))
            for h in self.pillar.handvatten
            for values in [snap.values(rating_key(h.id))]
        )
        key = tuple((s.n, tuple(s.counts.items()), unknown) for _, _, s, unknown in summaries)
        self.show(key, lambda: self._html(summaries))

    def _html(self, summaries) -> str:
        labels = self.guide.beoordeling.labels
        chart = ""
        # Small numbers: a handvat's ratings are shown from MIN_GROUP people on.
        shown = [(short, s) for short, _, s, _ in summaries if s.n >= aggregate.MIN_GROUP]
        if self.chart and shown:
            from .. import charts

            try:
                chart = charts.render("group_ratings", labels=dict(labels), large=self.large,
                                      rows=[(short, s.counts) for short, s in shown])
            except Exception:  # noqa: BLE001 - the table carries the same figures
                log_exception("groepsgrafiek")
        from ..texts import text

        few = text("privacy", "klein.beoordelingen", min=aggregate.MIN_GROUP)
        rows = "".join(
            f"<tr><td>{esc(short)}. {esc(title)}</td><td>"
            + (f"gemiddeld {aggregate.format_mean(s.mean)} (n = {s.n})"
               if s.n >= aggregate.MIN_GROUP else
               f'<span class="ztmo-missing">{esc(few)}</span>' if s.n else '<span class="ztmo-missing">nog niemand</span>')
            + (f" · {unknown}× weet ik niet" if unknown else "")
            + "</td></tr>"
            for short, title, s, unknown in summaries
        )
        return (f"<h4>{esc(self.guide.beoordeling.vraag)} – de groep</h4>"
                f'<div class="ztmo-chart">{chart}</div>'
                f'<table class="ztmo-summary-table">{rows}</table>')


def group_box(title: str, *children: w.Widget) -> w.VBox:
    box = w.VBox([html_block(f"<h3>{esc(title)}</h3>"), *children])
    box.add_class("ztmo-group")
    return box
