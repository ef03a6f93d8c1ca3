"""Live group views: the wall of answers, the word list and the group's ratings.

Every piece of participant text is escaped before it reaches HTML. Each view keeps
what it last drew and only touches its widget when the new picture differs.
"""

from __future__ import annotations

import ipywidgets as w

from .. import aggregate
from ..content import Guide, Pillar
from .base import esc, html_block, log_exception


class _View:
    """A widget whose HTML is redrawn only when it changes."""

    def __init__(self, *classes: str):
        self.widget = html_block("", *classes)
        self._last: object = None

    def show(self, key: object, render) -> None:
        if key == self._last:
            return
        self._last = key
        self.widget.value = render()


class Wall(_View):
    """Participants' texts for some activities, newest first, escaped."""

    def __init__(self, activities: dict[str, str], empty: str):
        super().__init__("ztmo-group-wall")
        self.activities, self.empty = activities, empty

    def refresh(self, snap) -> None:
        rows = [(heading, tuple(reversed(snap.values(activity))))
                for activity, heading in self.activities.items()]
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


class WordList(_View):
    """The answers to an open question as a word list sized by how often words occur."""

    def __init__(self, activity: str):
        super().__init__("ztmo-group-wall", "ztmo-word-list")
        self.activity = activity

    def refresh(self, snap) -> None:
        texts = snap.values(self.activity)
        freq = aggregate.word_frequencies(texts)
        self.show((tuple(freq), len(texts)), lambda: self._html(freq, len(texts)))

    @staticmethod
    def _html(freq, n: int) -> str:
        if not freq:
            return '<p class="ztmo-missing">Nog geen antwoorden.</p>'
        top = freq[0][1]
        words = " ".join(
            f'<span class="ztmo-word" style="font-size:{1 + 1.6 * c / top:.2f}em" '
            f'title="{c}×">{esc(word)}</span>' for word, c in freq
        )
        return f'<p class="ztmo-words">{words}</p><p class="ztmo-source">{n} antwoorden</p>'


class GroupRatings(_View):
    """Per guideline of a pillar: how the group rated it (chart) and the average (table)."""

    def __init__(self, guide: Guide, pillar: Pillar, chart: bool = True):
        super().__init__("ztmo-group-ratings")
        self.guide, self.pillar, self.chart = guide, pillar, chart

    def refresh(self, snap) -> None:
        from ..activities import UNKNOWN_RATING, rating_key

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
        if self.chart and any(s.n for _, _, s, _ in summaries):
            from .. import charts

            try:
                chart = charts.render("group_ratings", labels=dict(labels),
                                      rows=[(short, s.counts) for short, _, s, _ in summaries])
            except Exception:  # noqa: BLE001 - the table carries the same figures
                log_exception("groepsgrafiek")
        rows = "".join(
            f"<tr><td>{esc(short)}. {esc(title)}</td><td>"
            + (f"gemiddeld {aggregate.format_mean(s.mean)} (n = {s.n})" if s.n
               else '<span class="ztmo-missing">nog niemand</span>')
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
