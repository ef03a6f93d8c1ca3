"""The 1-5 rating control of a guideline, plus "weet ik niet".

Five plain buttons instead of a toggle widget: a click always reaches the kernel, also
when the score is the same as the one shown before (a toggle widget only reports a
*change* of its value, so the same score on the next guideline was silently lost). Which
button looks chosen is set from the kernel for every guideline, so the screen never
shows the previous guideline's score.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from ..activities import UNKNOWN_RATING

CHOSEN = "ztmo-chosen"


class RatingControl:
    """Buttons 1..5 (class ``ztmo-rating`` on their row) and "Weet ik niet"."""

    def __init__(self, labels: dict[int, str], on_rate: Callable[[str], None]):
        self.on_rate = on_rate
        self.value: str | None = None
        self.buttons: dict[str, w.Button] = {}
        for score in sorted(labels):
            b = w.Button(description=str(score), tooltip=labels[score],
                         layout=w.Layout(width="3.4em", height="2.8em"))
            b.add_class("ztmo-rating-button")
            self.buttons[str(score)] = b
        self.unknown = w.Button(description="Weet ik niet", tooltip="Ik kan dit niet inschatten",
                                layout=w.Layout(width="auto", height="2.8em"))
        self.unknown.add_class("ztmo-rating-unknown")
        self.buttons[UNKNOWN_RATING] = self.unknown
        for value, b in self.buttons.items():
            b.on_click(lambda _b, v=value: self.on_rate(v))
        self.row = w.HBox([self.buttons[str(s)] for s in sorted(labels)])
        self.row.add_class("ztmo-rating")
        self.root = w.HBox([self.row, self.unknown], layout=w.Layout(flex_flow="row wrap"))
        self.root.add_class("ztmo-rating-control")

    def show(self, value: str | None) -> None:
        """Mark ``value`` as chosen (None: nothing chosen) on every button."""
        self.value = value
        for v, b in self.buttons.items():
            if v == value:
                b.add_class(CHOSEN)
                b.button_style = "primary"
            else:
                b.remove_class(CHOSEN)
                b.button_style = ""
