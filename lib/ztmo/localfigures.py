"""A region's own figures, in a CSV that follows data/templates/regio_cijfers.csv.

Checked cell by cell: every fault gets its own Dutch line with row and column,
so a policy advisor can fix the file without help. Valid files are shown in the
region app beside the CBS figures, labelled as the region's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import UnknownRegion
from .figures import Fault, FiguresFileError, _read_csv, parse_number
from .paths import data_dir

COLUMNS = ("regio", "periode", "onderwerp", "waarde", "eenheid", "bron", "toelichting")
UNITS = {"aantal": "aantal", "procent": "procent", "per 1.000": "per 1.000 jongeren",
         "per 1000": "per 1.000 jongeren"}
PERIOD = re.compile(r"(19|20)\d\d(-H[12])?")
MAX_TEXT = 200
FOLDER = "lokaal"


@dataclass(frozen=True)
class LocalFigures:
    path: Path
    frame: pd.DataFrame  # regio_code, periode, onderwerp, waarde, eenheid, bron, toelichting


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
    frame = pd.DataFrame(good, columns=["regio_code", "periode", "onderwerp", "waarde",
                                        "eenheid", "bron", "toelichting"])
    frame["waarde"] = frame["waarde"].astype(float)
    return frame, faults


def load(path: Path | str) -> LocalFigures:
    """A valid local file, or FiguresFileError listing every fault."""
    frame, faults = check(path)
    if faults:
        raise FiguresFileError(path, faults)
    return LocalFigures(Path(path), frame)


def files(directory: Path | str | None = None) -> list[Path]:
    """Local files a region dropped in <data>/lokaal/ (sorted)."""
    folder = Path(directory if directory is not None else data_dir()) / FOLDER
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []
