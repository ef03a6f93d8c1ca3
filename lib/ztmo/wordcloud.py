"""A word cloud of the group's answers, drawn on the server as one SVG (no service, no JS).

Two steps, both pure (text in, text out; no widgets, no database):

* ``words(texts)`` counts the meaningful words of a list of answers. Words are merged over
  case and accents ("Thuis", "thuis" and "THUIS" are one word, so are "café" and "cafe"),
  Dutch stop words are left out, and **a word counts at most once per answer**: the number
  next to a word is the number of answers that mention it, so one person who repeats a word
  five times does not outweigh four others.
* ``svg(words)`` lays them out: the font size grows with the count (square root, between
  ``min_size`` and ``max_size``), words go as close to the centre as they can along an
  Archimedean spiral, never overlap and never cross the edge. Words that do not fit are left
  out (the most frequent words are placed first). The same words always give the same SVG.

How the layout stays exact and fast: each word's box is its estimated text width (DejaVu Sans
Bold widths, the first font of the house style) by the font's ascent + descent. The SVG tells
the browser to draw the word exactly that wide (``textLength``), so a wider fallback font
cannot make words overlap. The canvas is a grid of 4-pixel cells; a word takes the free run of
cells with the lowest position on the spiral, found for all positions at once with a
summed-area table (numpy). Fifty words take a few milliseconds.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from .markup import esc

if TYPE_CHECKING:
    import numpy as np

__all__ = ["STOPWORDS", "Word", "normalise", "svg", "tokens", "words"]

EMPTY_TEXT = "Nog geen woorden."

# Small Dutch words that say little on their own in a word cloud. Written without accents:
# they are compared with the normalised word (so "één" is "een", "zó" is "zo").
STOPWORDS = frozenset((
    "aan", "al", "alle", "alles", "als", "alsof", "altijd", "ander", "andere", "anders", "ben",
    "bent", "bij", "bijna", "daar", "daarom", "dan", "dat", "de", "den", "der", "deze", "die",
    "dit", "doe", "doen", "doet", "door", "dus", "echt", "een", "eens", "en", "er", "erg", "even",
    "ga", "gaan", "gaat", "geen", "gehad", "geweest", "had", "hadden", "haar", "heb", "hebben",
    "hebt", "heeft", "hem", "hen", "het", "hier", "hij", "hoe", "hun", "iemand", "iets", "ik",
    "in", "is", "ja", "je", "jij", "jou", "jouw", "jullie", "kan", "kon", "kun", "kunnen", "kunt",
    "maar", "me", "meer", "men", "met", "mij", "mijn", "moest", "moet", "moeten", "na", "naar",
    "nee", "niet", "niets", "nog", "nu", "of", "om", "omdat", "ons", "onze", "ook", "op", "over",
    "te", "tegen", "toch", "tot", "u", "uit", "uw", "van", "veel", "voor", "waar", "waarom",
    "wanneer", "want", "waren", "was", "wat", "we", "weer", "wel", "werd", "wie", "wij", "wil",
    "willen", "word", "wordt", "worden", "zal", "ze", "zelf", "zich", "zij", "zijn", "zo", "zo'n",
    "zoals", "zou", "zouden",
))

# A token: letters and digits, with hyphens or apostrophes only inside ("zo'n",
# "18-jarigen", "'s" loses its apostrophe). Text is NFC-normalised first, so an "é" typed as
# "e" + accent is one letter.
_APOSTROPHES = "'\u2019\u2018\u02bc"
_HYPHENS = "-\u2010\u2011"
_JOINERS = re.escape(_APOSTROPHES + _HYPHENS)
_TOKEN = re.compile(rf"[^\W_]+(?:[{_JOINERS}][^\W_]+)*")
_FOLD_PUNCT = str.maketrans({**{c: "'" for c in _APOSTROPHES}, **{c: "-" for c in _HYPHENS}})


@dataclass(frozen=True)
class Word:
    """A word as shown (``text``: its most used spelling) and in how many answers it was."""

    text: str
    count: int


def normalise(token: str) -> str:
    """The form words are merged by: no accents (NFKD, combining marks dropped), casefolded,
    one kind of apostrophe and hyphen."""
    decomposed = unicodedata.normalize("NFKD", token)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.casefold()).translate(_FOLD_PUNCT)


def tokens(text: str) -> list[str]:
    """The candidate words of one text, as typed (stop words, numbers and one-letter words
    still in; ``words`` leaves them out)."""
    if not isinstance(text, str):
        return []
    return _TOKEN.findall(unicodedata.normalize("NFC", text))


def _meaningful(key: str) -> bool:
    letters = sum(1 for c in key if c.isalpha())
    return letters >= 2 and key not in STOPWORDS


def words(texts: Iterable[str], limit: int = 50) -> list[Word]:
    """The ``limit`` most mentioned words: most answers first, then alphabetically.

    A word counts once per answer, however often that answer repeats it. The spelling shown
    is the one used most often (counting every use); on a tie, a lower-case spelling wins,
    then the first in alphabetical order, so the result never depends on the answer order.
    Pure numbers ("2024"), one-letter words and stop words are left out; anything that is not
    text (None, a number) is skipped.
    """
    if limit <= 0:
        return []
    answers: Counter[str] = Counter()
    spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        seen: set[str] = set()
        for token in tokens(text):
            key = normalise(token)
            if not _meaningful(key):
                continue
            spellings[key][token] += 1
            seen.add(key)
        answers.update(seen)

    def shown(key: str) -> str:
        forms = spellings[key]
        return min(forms, key=lambda f: (-forms[f], f != f.lower(), f))

    ranked = sorted(answers.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [Word(shown(key), count) for key, count in ranked]


# -- drawing ------------------------------------------------------------------------------

# Advance widths of DejaVu Sans Bold in em (measured from the font file); other characters
# are estimated by their letter without accent, else by a default.
_WIDTHS = dict(zip(
    "abcdefghijklmnopqrstuvwxyz",
    (.675, .716, .593, .716, .678, .435, .716, .712, .343, .343, .665, .343, 1.042, .712,
     .687, .716, .716, .493, .595, .478, .712, .652, .924, .645, .652, .582)))
_WIDTHS.update(zip(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    (.774, .762, .734, .830, .683, .683, .821, .837, .372, .372, .775, .637, .995, .837,
     .850, .733, .850, .770, .720, .682, .812, .774, 1.103, .771, .724, .725)))
_WIDTHS.update({d: .696 for d in "0123456789"})
_WIDTHS.update({"-": .415, "'": .306, "\u2019": .380, "\u2018": .380, " ": .348})
_DEFAULT_WIDTH = 0.72
_WIDE_WIDTH = 1.0  # CJK, emoji and other full-width characters

ASCENT, DESCENT = 0.93, 0.24  # of the font, in em: a word's box is (ASCENT + DESCENT) high
PAD = 1.5  # free pixels on every side of a word's box (so boxes never touch)
CELL = 4  # pixels per grid cell of the layout
FONT_FAMILY = "'DejaVu Sans', 'Segoe UI', Roboto, Arial, sans-serif"
# Dark end of viridis: colour-blind safe, each at least 5:1 contrast on white.
PALETTE = ("#440154", "#3e4989", "#2a788e", "#482878", "#31688e")
ARIA_WORDS = 10  # how many words the aria-label names
_SPIRAL_STEP = 0.03  # distance between the turns of the spiral, as a share of the half-size


def text_width(text: str, size: float) -> float:
    """Estimated width in pixels of ``text`` in DejaVu Sans Bold at ``size`` pixels."""
    total = 0.0
    for ch in text:
        width = _WIDTHS.get(ch)
        if width is None:
            base = unicodedata.normalize("NFKD", ch)[:1]
            if base in _WIDTHS:
                width = _WIDTHS[base]
            elif unicodedata.east_asian_width(ch) in ("W", "F"):
                width = _WIDE_WIDTH
            else:
                width = _DEFAULT_WIDTH
        total += width
    return total * size


def _clean(text: object) -> str:
    """Text that is safe in XML: no control characters or lone surrogates, single spaces."""
    kept = "".join(c for c in str(text)
                   if unicodedata.category(c) not in ("Cc", "Cs", "Co", "Cn"))
    return " ".join(kept.split())


@dataclass(frozen=True)
class Placed:
    """A word on the canvas: centre ``x``, baseline ``y``, ``size`` and drawn ``width``."""

    word: Word
    text: str
    x: float
    y: float
    size: float
    width: float

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of the drawn text."""
        return (self.x - self.width / 2, self.y - ASCENT * self.size,
                self.x + self.width / 2, self.y + DESCENT * self.size)


@lru_cache(maxsize=8)
def _spiral(width: int, height: int) -> np.ndarray:
    """For every half cell of the grid: how far along the spiral from the centre it lies.

    A run of cells starting at cell (i, j), hc by wc cells, has its centre at half cell
    (2i + hc, 2j + wc). The spiral is stretched to the canvas (an ellipse, not a circle), so
    the cloud fills a wide canvas instead of growing into a circle.
    """
    import numpy as np  # here, not at the top: counting words needs no numpy

    cols, rows = int(width // CELL), int(height // CELL)
    ys = (height - rows * CELL) / 2 + np.arange(2 * rows + 1) * (CELL / 2)
    xs = (width - cols * CELL) / 2 + np.arange(2 * cols + 1) * (CELL / 2)
    u = (xs[None, :] - width / 2) / (width / 2)
    v = (ys[:, None] - height / 2) / (height / 2)
    r = np.hypot(u, v)
    phi = np.mod(np.arctan2(v, u), 2 * math.pi)
    # Archimedean spiral r = step * theta / 2pi: the turn k that passes nearest this point.
    turn = np.maximum(np.rint(r / _SPIRAL_STEP - phi / (2 * math.pi)), 0)
    rank = phi + 2 * math.pi * turn
    rank.setflags(write=False)
    return rank


class _Canvas:
    """The cell grid: which cells are taken, and the spiral order of the free spots."""

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.cols, self.rows = int(width // CELL), int(height // CELL)
        self.ox = (width - self.cols * CELL) / 2
        self.oy = (height - self.rows * CELL) / 2
        import numpy as np

        self.rank = _spiral(width, height)
        self.occupied = np.zeros((self.rows, self.cols), dtype=np.int32)

    def place(self, w: float, h: float) -> tuple[float, float] | None:
        """Centre of the free spot for a w by h box nearest the start of the spiral, now
        taken; None when there is no such spot."""
        wc, hc = math.ceil((w + 2 * PAD) / CELL), math.ceil((h + 2 * PAD) / CELL)
        if wc > self.cols or hc > self.rows:
            return None
        import numpy as np

        sat = np.zeros((self.rows + 1, self.cols + 1), dtype=np.int32)
        np.cumsum(np.cumsum(self.occupied, axis=0), axis=1, out=sat[1:, 1:])
        ni, nj = self.rows - hc + 1, self.cols - wc + 1
        used = (sat[hc:hc + ni, wc:wc + nj] - sat[:ni, wc:wc + nj]
                - sat[hc:hc + ni, :nj] + sat[:ni, :nj])
        rank = self.rank[hc:hc + 2 * ni - 1:2, wc:wc + 2 * nj - 1:2]
        options = np.where(used == 0, rank, np.inf)
        best = int(np.argmin(options))
        if not np.isfinite(options.flat[best]):
            return None
        i, j = divmod(best, nj)
        self.occupied[i:i + hc, j:j + wc] = 1
        return self.ox + (j + wc / 2) * CELL, self.oy + (i + hc / 2) * CELL


def _sizes(counts: Sequence[int], ems: Sequence[float], min_size: float, max_size: float,
           scale: float, room: float) -> list[float]:
    """Font sizes: square root of the count, from ``min_size`` for the smallest count to
    ``max_size`` for the largest; the part above ``min_size`` times ``scale``. A word that
    would be wider than ``room`` gets smaller, but not below ``min_size``."""
    lo, hi = math.sqrt(min(counts)), math.sqrt(max(counts))
    sizes = []
    for count, em in zip(counts, ems):
        t = 1.0 if hi == lo else (math.sqrt(count) - lo) / (hi - lo)
        size = min_size + (max_size - min_size) * t * scale
        if em * size > room:
            size = max(min_size, room / em)
        sizes.append(math.floor(size * 10) / 10)
    return sizes


def _layout(items: Sequence[tuple[Word, str]], ems: Sequence[float], sizes: Sequence[float],
            width: int, height: int) -> list[Placed]:
    canvas = _Canvas(width, height)
    failed: list[tuple[float, float]] = []
    placed = []
    for (word, text), em, size in zip(items, ems, sizes):
        w = round(em * size, 1)
        h = (ASCENT + DESCENT) * size
        # A box at least as wide and as high as one that found no spot finds none either.
        if any(w >= fw and h >= fh for fw, fh in failed):
            continue
        spot = canvas.place(w, h)
        if spot is None:
            failed.append((w, h))
            continue
        cx, cy = spot
        baseline = cy - h / 2 + ASCENT * size
        placed.append(Placed(word, text, round(cx, 1), round(baseline, 1), size, w))
    return placed


_SCALES = (1.0, 0.8, 0.62, 0.46, 0.32, 0.2, 0.1, 0.0)
_FILL = 0.6  # the share of the canvas the boxes may cover before sizes shrink
_TRIES = 3


def _check_size(width: float, height: float, min_size: float, max_size: float
                ) -> tuple[int, int]:
    if not (width >= CELL and height >= CELL and 0 < min_size <= max_size):
        raise ValueError("svg() needs width and height of at least 4 and 0 < min_size <= max_size")
    return int(width), int(height)


def layout(words: Sequence[Word], width: int = 960, height: int = 540, min_size: float = 18,
           max_size: float = 96) -> list[Placed]:
    """Where each word goes: the words that fit, most frequent first (empty texts skipped).

    Sizes start as large as ``max_size`` allows; when the boxes would cover more than 60% of
    the canvas, or some words do not fit, the sizes above ``min_size`` shrink (at most three
    tries). The try that places the most words wins; on a tie, the one with larger words.
    """
    width, height = _check_size(width, height, min_size, max_size)
    # Largest first (stable: equal counts keep their order), so the big words get the middle.
    items = [(w, _clean(w.text)) for w in sorted(words, key=lambda w: -max(int(w.count), 0))]
    items = [(w, t) for w, t in items if t]
    if not items:
        return []
    counts = [max(int(w.count), 0) for w, _ in items]
    ems = [text_width(t, 1.0) for _, t in items]
    room = (width // CELL) * CELL - 2 * PAD - 0.5

    def area(sizes: list[float]) -> float:
        return sum((em * s + 2 * PAD) * ((ASCENT + DESCENT) * s + 2 * PAD)
                   for em, s in zip(ems, sizes))

    tries = [_sizes(counts, ems, min_size, max_size, scale, room) for scale in _SCALES]
    start = next((i for i, sizes in enumerate(tries) if area(sizes) <= _FILL * width * height),
                 len(tries) - 1)
    best: list[Placed] = []
    for sizes in tries[start:start + _TRIES]:
        placed = _layout(items, ems, sizes, width, height)
        if len(placed) > len(best):
            best = placed
        if len(best) == len(items):
            break
    return best


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _label(placed: Sequence[Placed]) -> str:
    if not placed:
        return "Woordwolk: er pasten geen woorden in."
    shown = ", ".join(f"{p.text} ({p.word.count} keer)" for p in placed[:ARIA_WORDS])
    more = len(placed) - ARIA_WORDS
    tail = ""
    if more > 0:
        tail = f", en nog {more} {'ander woord' if more == 1 else 'andere woorden'}"
    return f"Woordwolk. De woorden die het vaakst genoemd zijn: {shown}{tail}."


def svg(words: Sequence[Word], width: int = 960, height: int = 540, min_size: float = 18,
        max_size: float = 96) -> str:
    """The word cloud as an inline SVG (``class="ztmo-wordcloud"``), scaling with its box.

    Every text is escaped; the ``aria-label`` names the first words with their counts, so a
    screen reader hears the cloud as one image. No words gives a small SVG with the Dutch
    "Nog geen woorden."
    """
    words = list(words)
    width, height = _check_size(width, height, min_size, max_size)
    if not words:
        h = min(height, 60)
        return (f'<svg xmlns="http://www.w3.org/2000/svg" class="ztmo-wordcloud '
                f'ztmo-wordcloud-empty" viewBox="0 0 {width} {h}" width="{width}" '
                f'height="{h}" style="max-width:100%;height:auto" role="img" '
                f'aria-label="{esc(EMPTY_TEXT)}"><title>{esc(EMPTY_TEXT)}</title>'
                f'<text x="{_fmt(width / 2)}" y="{_fmt(h / 2 + 6)}" text-anchor="middle" '
                f'font-family="{esc(FONT_FAMILY)}" font-size="18" fill="#4a5763">'
                f'{esc(EMPTY_TEXT)}</text></svg>')
    placed = layout(words, width, height, min_size, max_size)
    label = _label(placed)
    left_out = len(words) - len(placed)
    desc = (f"<desc>{left_out} {'woord paste' if left_out == 1 else 'woorden pasten'} "
            "er niet meer in.</desc>") if left_out else ""
    body = "".join(
        f'<text x="{_fmt(p.x)}" y="{_fmt(p.y)}" font-size="{_fmt(p.size)}" '
        f'textLength="{_fmt(p.width)}" lengthAdjust="spacingAndGlyphs" '
        f'fill="{PALETTE[i % len(PALETTE)]}">{esc(p.text)}</text>'
        for i, p in enumerate(placed))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="ztmo-wordcloud" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'style="max-width:100%;height:auto" role="img" aria-label="{esc(label)}">'
            f'<title>{esc(label)}</title>{desc}'
            f'<g font-family="{esc(FONT_FAMILY)}" font-weight="bold" text-anchor="middle">'
            f'{body}</g></svg>')
