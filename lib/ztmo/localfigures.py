"""A region's own figures, in a CSV that follows data/templates/regio_cijfers.csv.

Checked cell by cell: every fault gets its own Dutch line with row and column,
so a policy advisor can fix the file without help. Valid files are shown in the
region app beside the CBS figures, labelled as the region's own.

Two rules protect children and keep one region's mistake its own:
- Small numbers: a count under 5 can point at one child. Such a count is kept out
  of the loaded frame (``waarde`` empty, ``klein`` true, shown as "minder dan 5"),
  and so is a rate per 1,000 on the same subject, region and period, because the
  count could be worked back from it.
- A faulty file is refused as a whole, and only for the regions it is about (its
  ``regio`` cells, else a region named in the file name). Messages name the file,
  never the folder it sits in.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import UnknownRegion
from .figures import SMALL_COUNT, Fault, FiguresFileError, _read_csv, parse_number
from .paths import data_dir

COLUMNS = ("regio", "periode", "onderwerp", "waarde", "eenheid", "bron", "toelichting")
UNITS = {"aantal": "aantal", "procent": "procent", "per 1.000": "per 1.000 jongeren",
         "per 1000": "per 1.000 jongeren"}
PERIOD = re.compile(r"(19|20)\d\d(-H[12])?")
MAX_TEXT = 200
FOLDER = "lokaal"
FRAME_COLUMNS = ["regio_code", "periode", "onderwerp", "waarde", "eenheid", "bron",
                 "toelichting", "klein"]
_RATE_WORDS = re.compile(r"\bper\s*1[.,]?000\b(\s+(jongeren|kinderen|inwoners))?", re.IGNORECASE)


@dataclass(frozen=True)
class LocalFigures:
    path: Path
    frame: pd.DataFrame  # FRAME_COLUMNS; ``klein``: a small count (or its rate), not shown


@dataclass(frozen=True)
class Refused:
    """A local file that is not shown: its name (never its folder), the regions it is
    about, and its faults. Only those regions' pages mention it."""

    name: str
    regions: frozenset[str]
    faults: tuple[Fault, ...]

    def lines(self) -> list[str]:
        """'regio_cijfers_twente.csv, rij 3, kolom 'waarde': ...' per fault."""
        return [f"{self.name}, {f.text()}" for f in self.faults]


def check(path: Path | str) -> tuple[pd.DataFrame, list[Fault]]:
    """All faults in a local figures file, and the rows that passed."""
    from .regions import get_region

    rows, faults = _read_csv(Path(path), COLUMNS[:6])
    good, seen = [], {}
    for n, row in enumerate(rows, start=1):
        before = len(faults)

        def bad(column: str, problem: str, n: int = n) -> None:
            faults.append(Fault(n, column, problem))

        code = ""
        try:
            code = get_region(row["regio"]).code
        except UnknownRegion as exc:
            bad("regio", str(exc))
        if not PERIOD.fullmatch(row["periode"]):
            bad("periode", f"'{row['periode']}' is geen jaar (2024) of halfjaar (2024-H1).")
        if not row["onderwerp"]:
            bad("onderwerp", "zeg waar het cijfer over gaat.")
        elif len(row["onderwerp"]) > MAX_TEXT:
            bad("onderwerp", f"te lang (meer dan {MAX_TEXT} tekens).")
        unit = UNITS.get(row["eenheid"].lower())
        if unit is None:
            bad("eenheid", f"'{row['eenheid']}' moet aantal, procent of per 1.000 zijn.")
        value = None
        if row["waarde"]:
            value = parse_number(row["waarde"])
            if value is None:
                bad("waarde", f"'{row['waarde']}' is geen getal. Laat het vak leeg als het "
                              "cijfer ontbreekt.")
            elif value < 0:
                bad("waarde", f"{row['waarde']} is negatief; een aantal kan niet negatief zijn.")
            elif unit == "procent" and value > 100:
                bad("waarde", f"{row['waarde']} is meer dan 100 procent.")
            elif unit == "aantal" and not value.is_integer():
                bad("waarde", f"{row['waarde']} is geen heel getal; een aantal jongeren wel.")
        if not row["bron"]:
            bad("bron", "vul in waar het cijfer vandaan komt.")
        elif len(row["bron"]) > MAX_TEXT:
            bad("bron", f"te lang (meer dan {MAX_TEXT} tekens).")
        if len(row.get("toelichting", "")) > MAX_TEXT:
            bad("toelichting", f"te lang (meer dan {MAX_TEXT} tekens).")
        key = (code, row["periode"], row["onderwerp"].casefold())
        if code and key in seen:
            bad("periode", f"'{row['onderwerp']}' voor {row['periode']} staat er dubbel in "
                           f"(ook in rij {seen[key]}).")
        seen.setdefault(key, n)
        if len(faults) == before:
            good.append({"regio_code": code, "periode": row["periode"],
                         "onderwerp": row["onderwerp"], "waarde": value, "eenheid": unit,
                         "bron": row["bron"], "toelichting": row.get("toelichting", "")})
    frame = pd.DataFrame(good, columns=FRAME_COLUMNS[:-1])
    frame["waarde"] = frame["waarde"].astype(float)
    return protect_small_counts(frame), faults


def _topic(text: str) -> str:
    """The subject without 'per 1.000 (jongeren)', to pair a rate with its count."""
    text = _RATE_WORDS.sub(" ", text)
    return " ".join(re.sub(r"[(),:;-]", " ", text).split()).casefold()


def protect_small_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Blank counts under SMALL_COUNT, and rates per 1,000 on the same subject, region
    and period; mark them ``klein`` so the page can say "minder dan 5"."""
    frame = frame.copy()
    counts = frame.eenheid == "aantal"
    small = counts & (frame.waarde < SMALL_COUNT)
    topics = {(r.regio_code, r.periode, _topic(r.onderwerp)) for r in frame[small].itertuples()}
    rates = frame.eenheid == "per 1.000 jongeren"
    from_small = rates & pd.Series(
        [(r.regio_code, r.periode, _topic(r.onderwerp)) in topics for r in frame.itertuples()],
        index=frame.index, dtype=bool)
    frame["klein"] = small | from_small
    frame.loc[frame.klein, "waarde"] = float("nan")
    return frame[FRAME_COLUMNS]


def load(path: Path | str) -> LocalFigures:
    """A valid local file, or FiguresFileError listing every fault."""
    frame, faults = check(path)
    if faults:
        raise FiguresFileError(path, faults)
    return LocalFigures(Path(path), frame)


def _slug_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^0-9a-z]+", " ", text.replace("&", " en ")).split()


def _named_in(words: list[str], name: list[str]) -> bool:
    n = len(name)
    return n > 0 and any(words[i:i + n] == name for i in range(len(words) - n + 1))


def regions_of(path: Path | str) -> frozenset[str]:
    """The regions a (possibly faulty) file is about: the regions its ``regio`` cells
    name; when none can be read, a region code or name in the file name
    ('regio_cijfers_twente.csv', 'jz14.csv'). Empty when neither says."""
    from .regions import get_region, load_regions

    path = Path(path)
    codes: set[str] = set()
    try:
        rows, _ = _read_csv(path, ("regio",))
    except FiguresFileError:
        rows = []
    for row in rows:
        try:
            codes.add(get_region(row.get("regio", "")).code)
        except UnknownRegion:
            continue
    if codes:
        return frozenset(codes)
    words = _slug_words(path.stem)
    return frozenset(r.code for r in load_regions()
                     if r.code.lower() in words or _named_in(words, _slug_words(r.name)))


def load_all(paths: list[Path]) -> tuple[list[LocalFigures], list[Refused]]:
    """Every valid file, and every faulty one refused with the regions it concerns."""
    good: list[LocalFigures] = []
    refused: list[Refused] = []
    for path in paths:
        path = Path(path)
        try:
            good.append(load(path))
        except FiguresFileError as exc:
            refused.append(Refused(path.name, regions_of(path), tuple(exc.faults)))
    return good, refused


def files(directory: Path | str | None = None) -> list[Path]:
    """Local files a region dropped in <data>/lokaal/ (sorted)."""
    folder = Path(directory if directory is not None else data_dir()) / FOLDER
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []
