"""Pure summaries of group answers: what the live views and the trainer's screen show.

Data in (answer values as text), plain data out; no widgets, no database.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

SCALE = (1, 2, 3, 4, 5)
# The small-numbers rule: the group is shown (an average, a profile, a role's count) only
# from this many people on, so nobody's own answer can be read from it.
MIN_GROUP = 5
# Small Dutch words that say little on their own in a word list.
STOPWORDS = frozenset(
    ["de", "het", "een", "en", "van", "in", "op", "te", "dat", "die", "is", "je", "jij", "ik", "we", "wij", "ze", "zij", "er", "met", "voor", "aan", "als", "bij", "of", "maar", "om", "ook", "nog", "wel", "niet", "zijn", "was", "wordt", "naar", "dan", "zo", "waar", "wat", "hoe", "mijn", "me"]
)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


@dataclass(frozen=True)
class RatingSummary:
    """Distribution and average of 1-5 ratings; ``mean`` is None when nobody rated."""

    counts: dict[int, int]
    n: int
    mean: float | None


def summarize_ratings(values: Iterable[str | int]) -> RatingSummary:
    """Count valid ratings 1-5 (anything else is ignored, not guessed)."""
    scores = []
    for v in values:
        try:
            score = int(str(v).strip())
        except ValueError:
            continue
        if score in SCALE:
            scores.append(score)
    counts = {s: scores.count(s) for s in SCALE}
    return RatingSummary(counts, len(scores), statistics.fmean(scores) if scores else None)


def word_frequencies(texts: Iterable[str], limit: int = 40) -> list[tuple[str, int]]:
    """The most frequent meaningful words (lower case), most frequent first, ties A-Z."""
    counter: Counter[str] = Counter()
    for text in texts:
        words = {w.lower() for w in _WORD.findall(text)}
        counter.update(w for w in words if len(w) > 1 and w not in STOPWORDS)
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def format_mean(mean: float | None) -> str:
    """Dutch decimal comma, one decimal; a dash when there is nothing to average."""
    return "–" if mean is None else f"{mean:.1f}".replace(".", ",")
