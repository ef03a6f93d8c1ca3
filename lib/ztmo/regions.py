"""The 42 Dutch youth-care regions (jeugdregio's) and their municipalities.

Pure standard library, so importing it stays fast in notebooks and widgets.
The data come from data/regions/*.csv (see data/README.md). The
municipality -> region mapping there is DERIVED by spatial overlay, not the
official CBS table, which is why every Municipality carries a `derived` flag.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ztmo.errors import DataFileError, UnknownRegion
from ztmo.paths import data_dir, shown

__all__ = [
    "Municipality",
    "Region",
    "clear_cache",
    "get_region",
    "load_regions",
    "region_names",
    "suggest",
]

EXPECTED_REGIONS = 42
REGIONS_FILE = "jeugdregios.csv"
MUNICIPALITIES_FILE = "gemeenten.csv"
_REGION_CODE = re.compile(r"JZ\d\d")
_MUNICIPALITY_CODE = re.compile(r"GM\d{4}")
_CODE_QUERY = re.compile(r"(?:jz ?)?(\d{1,2})")
_PARENTHESISED = re.compile(r"\(([^()]*)\)")
_FLAGS = {"ja": True, "nee": False}
_CUTOFF = 0.6  # difflib's default, for whole names
_PART_CUTOFF = 0.75  # stricter for single words, else 'Rotterdam' ~ 'Amsterdam'
# Everyday names of municipalities whose CBS name differs (suggestions only).
_COLLOQUIAL = {"den haag": "s gravenhage", "den bosch": "s hertogenbosch"}


@dataclass(frozen=True)
class Municipality:
    """A municipality (gemeente); `derived` is True when its region was derived."""

    code: str
    name: str
    derived: bool


@dataclass(frozen=True)
class Region:
    """A youth-care region with its municipalities (sorted by name)."""

    code: str
    name: str
    municipalities: tuple[Municipality, ...]

    @property
    def derived(self) -> bool:
        """True if any municipality was assigned by overlay: say so when showing it."""
        return any(m.derived for m in self.municipalities)


# --------------------------------------------------------------------------- loading


def _error(path: Path, row: int | str, column: str, problem: str) -> DataFileError:
    """Build a Dutch message that lets a maintainer find the exact cell."""
    where = "kopregel" if row == "kopregel" else f"rij {row} (kopregel niet meegeteld)"
    return DataFileError(f"Fout in {shown(path)}, {where}, kolom '{column}': {problem}")


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (1-based data row, stripped values), checking file and header first."""
    if not path.is_file():
        raise DataFileError(f"Het gegevensbestand {shown(path)} ontbreekt.")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            for column in columns:
                if column not in header:
                    raise _error(path, "kopregel", column, "deze kolom ontbreekt.")
            for number, raw in enumerate(reader, start=1):
                if None in raw:
                    problem = "de rij heeft meer velden dan de kopregel."
                    raise _error(path, number, "(extra)", problem)
                yield number, {c: (raw.get(c) or "").strip() for c in columns}
    except UnicodeDecodeError as exc:
        message = f"Het gegevensbestand {shown(path)} is geen geldige UTF-8."
        raise DataFileError(message) from exc
    except csv.Error as exc:
        message = f"Het gegevensbestand {shown(path)} is geen geldige CSV: {exc}"
        raise DataFileError(message) from exc


@lru_cache(maxsize=8)
def _load(directory: Path) -> tuple[Region, ...]:
    """Read and validate both files; cached because the files are read-only data."""
    regions_path = directory / "regions" / REGIONS_FILE
    gm_path = directory / "regions" / MUNICIPALITIES_FILE

    names: dict[str, str] = {}
    expected: dict[str, tuple[int, int]] = {}  # code -> (row, n_gemeenten)
    seen_names: dict[str, str] = {}
    for row, rec in _rows(regions_path, ("code", "naam", "n_gemeenten")):
        code, name = rec["code"], rec["naam"]
        if not _REGION_CODE.fullmatch(code):
            problem = f"'{code}' is geen code van de vorm JZ01."
            raise _error(regions_path, row, "code", problem)
        if code in names:
            raise _error(regions_path, row, "code", f"de code {code} komt dubbel voor.")
        if not name:
            raise _error(regions_path, row, "naam", "de naam is leeg.")
        if _compact(name) in seen_names:
            other = seen_names[_compact(name)]
            problem = f"'{name}' komt al voor bij {other}."
            raise _error(regions_path, row, "naam", problem)
        if not rec["n_gemeenten"].isdigit() or int(rec["n_gemeenten"]) < 1:
            problem = f"'{rec['n_gemeenten']}' is geen positief geheel getal."
            raise _error(regions_path, row, "n_gemeenten", problem)
        names[code], seen_names[_compact(name)] = name, code
        expected[code] = (row, int(rec["n_gemeenten"]))
    if len(names) != EXPECTED_REGIONS:
        raise DataFileError(
            f"Fout in {regions_path}, kolom 'code': het bestand bevat {len(names)} "
            f"regio's, verwacht precies {EXPECTED_REGIONS}."
        )

    members: dict[str, list[Municipality]] = {code: [] for code in names}
    gm_seen: set[str] = set()
    gm_columns = ("gm_code", "gm_naam", "jz_code", "afgeleid")
    for row, rec in _rows(gm_path, gm_columns):
        code = rec["gm_code"]
        if not _MUNICIPALITY_CODE.fullmatch(code):
            problem = f"'{code}' is geen code van de vorm GM0363."
            raise _error(gm_path, row, "gm_code", problem)
        if code in gm_seen:
            problem = f"de gemeente {code} komt dubbel voor."
            raise _error(gm_path, row, "gm_code", problem)
        if not rec["gm_naam"]:
            raise _error(gm_path, row, "gm_naam", "de naam is leeg.")
        if rec["jz_code"] not in names:
            problem = f"onbekende regio '{rec['jz_code']}' (niet in {REGIONS_FILE})."
            raise _error(gm_path, row, "jz_code", problem)
        if rec["afgeleid"] not in _FLAGS:
            problem = f"'{rec['afgeleid']}' moet 'ja' of 'nee' zijn."
            raise _error(gm_path, row, "afgeleid", problem)
        gm_seen.add(code)
        members[rec["jz_code"]].append(Municipality(code, rec["gm_naam"], _FLAGS[rec["afgeleid"]]))

    for code, (row, n) in expected.items():
        found = len(members[code])
        if found != n:
            problem = f"{code}: {n} gemeenten, maar {gm_path.name} noemt er {found}."
            raise _error(regions_path, row, "n_gemeenten", problem)

    def by_name(m: Municipality) -> tuple[str, str]:
        return m.name, m.code

    return tuple(
        Region(code, names[code], tuple(sorted(members[code], key=by_name)))
        for code in sorted(names)
    )


def _directory(path: Path | str | None) -> Path:
    return (Path(path) if path is not None else data_dir()).resolve()


def load_regions(path: Path | None = None) -> tuple[Region, ...]:
    """Return the 42 regions sorted by code.

    `path` is a data directory containing regions/ (default: `paths.data_dir()`).
    Raises DataFileError with file, row and column when a file is broken.
    """
    return _load(_directory(path))


def clear_cache() -> None:
    """Forget loaded files, e.g. after regenerating data/regions/ in a notebook."""
    _load.cache_clear()
    _index.cache_clear()


# --------------------------------------------------------------------------- lookup


def _normalise(text: str) -> str:
    """Lower-case, strip accents, '&' -> 'en', punctuation -> single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " en ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _compact(text: str) -> str:
    """Key for exact matches, so 'Westfriesland' also finds 'West Friesland'."""
    return _normalise(text).replace(" ", "")


def _aliases(name: str, parts: bool = True) -> set[str]:
    """Full name, name without the part in parentheses, and (if `parts`) that part alone.

    Municipalities skip the part alone: '(Z.)' in 'Middelburg (Z.)' is no name.
    """
    forms = {name, _PARENTHESISED.sub(" ", name)}
    if parts:
        forms.update(_PARENTHESISED.findall(name))
    return {n for n in (_normalise(f) for f in forms) if n}


@dataclass(frozen=True)
class _Index:
    regions: dict[str, Region]  # by code
    aliases: dict[str, tuple[str, ...]]  # normalised alias -> region codes
    exact: dict[str, tuple[str, ...]]  # compact alias -> region codes
    municipalities: dict[str, tuple[str, ...]]  # normalised gemeente -> region codes


@lru_cache(maxsize=8)
def _index(directory: Path) -> _Index:
    """Lookup tables, built once per data directory."""
    regions = _load(directory)
    aliases: dict[str, set[str]] = {}
    exact: dict[str, set[str]] = {}
    gm: dict[str, set[str]] = {}
    for region in regions:
        for alias in _aliases(region.name):
            aliases.setdefault(alias, set()).add(region.code)
            exact.setdefault(alias.replace(" ", ""), set()).add(region.code)
        for m in region.municipalities:
            for alias in _aliases(m.name, parts=False):
                gm.setdefault(alias, set()).add(region.code)

    def freeze(d: dict[str, set[str]]) -> dict[str, tuple[str, ...]]:
        return {k: tuple(sorted(v)) for k, v in d.items()}

    by_code = {r.code: r for r in regions}
    return _Index(by_code, freeze(aliases), freeze(exact), freeze(gm))


def _similarity(matcher: difflib.SequenceMatcher[str], candidate: str) -> float:
    """Ratio between the query (seq2) and a candidate, with difflib's quick filters."""
    matcher.set_seq1(candidate)
    if matcher.real_quick_ratio() < _CUTOFF or matcher.quick_ratio() < _CUTOFF:
        return 0.0
    return matcher.ratio()


def _score(matcher: difflib.SequenceMatcher[str], query: str, alias: str) -> float:
    """Best of the whole alias and of word runs of the query's length.

    Word runs make a short typo like 'Amsterdm' still find 'Amsterdam-Amstelland';
    they count slightly less so a full-name match ranks first.
    """
    best = _similarity(matcher, alias)
    words, width = alias.split(), len(query.split())
    for start in range(len(words) - width + 1):
        part = " ".join(words[start : start + width])
        ratio = _similarity(matcher, part) if part != alias else 0.0
        if ratio >= _PART_CUTOFF:
            best = max(best, 0.95 * ratio)
    return best


def suggest(query: str, n: int = 3, path: Path | None = None) -> list[str]:
    """Up to `n` region names closest to `query`, best first.

    A municipality name (e.g. 'Eindhoven') suggests the region it belongs to.
    """
    norm = _normalise(query) if isinstance(query, str) else ""
    if not norm or n <= 0:
        return []
    index = _index(_directory(path))
    matcher: difflib.SequenceMatcher[str] = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(norm)
    scores: dict[str, float] = {}

    def offer(code: str, score: float) -> None:
        if score >= _CUTOFF and score > scores.get(code, 0.0):
            scores[code] = score

    code_match = _CODE_QUERY.fullmatch(norm)
    if code_match and f"JZ{int(code_match.group(1)):02d}" in index.regions:
        offer(f"JZ{int(code_match.group(1)):02d}", 1.0)
    for alias, codes in index.aliases.items():
        score = _score(matcher, norm, alias)
        for code in codes:
            offer(code, score)
    for name, codes in index.municipalities.items():
        # Exact gemeente name: strong hint. Fuzzy: only when very close.
        exact = name == _COLLOQUIAL.get(norm, norm)
        ratio = 1.0 if exact else _similarity(matcher, name)
        score = 0.99 if ratio == 1.0 else (0.9 * ratio if ratio >= 0.85 else 0.0)
        for code in codes:
            offer(code, score)
    ranked = sorted(scores, key=lambda code: (-scores[code], code))
    return [index.regions[code].name for code in ranked[:n]]


def get_region(query: str, path: Path | None = None) -> Region:
    """Find a region by code ('JZ13', 'jz13', '13') or by name.

    Names are matched ignoring case, accents and punctuation, with '&' = 'en';
    the part in parentheses may be left out or used alone when unambiguous.
    Raises UnknownRegion with up to three suggestions otherwise.
    """
    given = query if isinstance(query, str) else ""
    norm = _normalise(given)
    if not norm:
        raise UnknownRegion(given.strip(), [])
    index = _index(_directory(path))
    code_match = _CODE_QUERY.fullmatch(norm)
    if code_match:
        code = f"JZ{int(code_match.group(1)):02d}"
        if code in index.regions:
            return index.regions[code]
    codes = index.exact.get(norm.replace(" ", ""), ())
    if len(codes) == 1:
        return index.regions[codes[0]]
    if len(codes) > 1:  # ambiguous alias: offer exactly the candidates
        raise UnknownRegion(given.strip(), [index.regions[c].name for c in codes[:3]])
    raise UnknownRegion(given.strip(), suggest(given, 3, path))


def region_names(path: Path | None = None) -> list[str]:
    """All 42 region names in code order, e.g. for a drop-down."""
    return [region.name for region in load_regions(path)]
