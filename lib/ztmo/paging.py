"""Pages of a projector slide: a beamer never scrolls, so a long list is split into pages
that the trainer turns ("Volgende pagina" on the control panel).

Pure: which items go on which page follows from how many lines each item needs at the
projector's type size (texts wrap at a known number of characters per line), so every
page fits the screen by design, whatever the screen's resolution (the projector's type
scales with its width). The page the room sees is presenter state (``beamer:pagina``),
stored like every other trainer decision.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

PAGE_KEY = "beamer:pagina"  # session state: {step: page shown on the projector (1-based)}


def lines(text: str, per_line: int) -> int:
    """Lines a text needs when it wraps at ``per_line`` characters (words are not split,
    so a line holds a little less than that on average)."""
    words = str(text).split()
    if not words:
        return 1
    count, used = 1, 0
    for word in words:
        size = min(len(word), per_line)
        if used and used + 1 + size > per_line:
            count += 1
            used = size
        else:
            used += size + (1 if used else 0)
    return count


def paginate(weights: Sequence[float], budget: float) -> list[list[int]]:
    """Indices of the items on each page, in order: items fill a page until the next would
    exceed ``budget`` lines; an item taller than a page gets a page of its own."""
    pages: list[list[int]] = []
    current: list[int] = []
    used = 0.0
    for i, w in enumerate(weights):
        if current and used + w > budget:
            pages.append(current)
            current, used = [], 0.0
        current.append(i)
        used += w
    if current or not pages:
        pages.append(current)
    return pages


def columns(weights: Sequence[float], budget: float, n_columns: int) -> list[list[list[int]]]:
    """Pages of ``n_columns`` columns each: every column is a page of ``paginate``."""
    flat = paginate(weights, budget)
    return [flat[i:i + n_columns] for i in range(0, len(flat), n_columns)] or [[[]]]


def page_of(state: dict[str, str], step: str, pages: int) -> int:
    """The page of ``step`` the projector shows (1..pages; 1 when nothing was turned)."""
    try:
        raw = json.loads(state.get(PAGE_KEY) or "{}")
        n = int(raw.get(step, 1)) if isinstance(raw, dict) else 1
    except (ValueError, TypeError):
        n = 1
    return min(max(1, n), max(1, pages))


def with_page(current: str | None, step: str, page: int) -> str:
    """The state value with ``step`` turned to ``page`` (other steps keep theirs)."""
    try:
        raw = json.loads(current or "{}")
    except ValueError:
        raw = {}
    raw = raw if isinstance(raw, dict) else {}
    raw[step] = max(1, int(page))
    return json.dumps(raw, sort_keys=True)


def page_label(page: int, pages: int) -> str:
    return f"pagina {page} van {pages}" if pages > 1 else ""


def ceil_div(a: int, b: int) -> int:
    return math.ceil(a / b) if b else 0
