"""Derive data/figures/cijfers.csv (tidy long format) from the shared CBS extracts.

Called by scripts/derive_data.py. Rules (see data/README.md):
- nothing is estimated: every value is copied from a source row, with its CBS
  status and value type; an empty source cell ('.' in CBS) stays empty, never 0;
- one row per (region, period, indicator): when the sources hold the same
  figure twice, the most final status wins (definitief > nader voorlopig >
  voorlopig > onbekend), then an exact value over one rounded in CBS text,
  then the first row in the source file;
- regions are CBS codes: NL01, LDxx, PVxx, JZxx, GMxxxx. COROP areas and
  municipality-size classes are left out: the apps do not show them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

SOURCE_SUBDIR = Path("data") / "jeugdzorg_cijfers"
NATIONAL = "nl_jeugdzorg_landelijk.csv"
PERCENTAGES = "cbs_indicatoren_jeugdzorg_extracts.csv"
COUNTS = "cbs_jongeren_jeugdzorg_regio_extracts.csv"

COLUMNS = ["regio_code", "regio_naam", "regio_type", "periode", "periode_type", "indicator",
           "waarde", "eenheid", "leeftijd", "status", "waarde_type", "bron_tabel", "bron"]

# CBS codes of the country, its parts and the provinces (CBS standard region codes;
# the names are as CBS writes them in the source tables).
AREA_CODES = {
    "Nederland": "NL01",
    "Noord-Nederland (LD)": "LD01", "Oost-Nederland (LD)": "LD02",
    "West-Nederland (LD)": "LD03", "Zuid-Nederland (LD)": "LD04",
    "Groningen (PV)": "PV20", "Fryslân (PV)": "PV21", "Friesland (PV)": "PV21",
    "Drenthe (PV)": "PV22", "Overijssel (PV)": "PV23", "Flevoland (PV)": "PV24",
    "Gelderland (PV)": "PV25", "Utrecht (PV)": "PV26", "Noord-Holland (PV)": "PV27",
    "Zuid-Holland (PV)": "PV28", "Zeeland (PV)": "PV29", "Noord-Brabant (PV)": "PV30",
    "Limburg (PV)": "PV31",
}
AREA_NAMES = {"NL01": "Nederland", "LD01": "Noord-Nederland", "LD02": "Oost-Nederland",
              "LD03": "West-Nederland", "LD04": "Zuid-Nederland", "PV20": "Groningen",
              "PV21": "Fryslân", "PV22": "Drenthe", "PV23": "Overijssel", "PV24": "Flevoland",
              "PV25": "Gelderland", "PV26": "Utrecht", "PV27": "Noord-Holland",
              "PV28": "Zuid-Holland", "PV29": "Zeeland", "PV30": "Noord-Brabant",
              "PV31": "Limburg"}

# bron_id in the national file -> (table or publication, address). From PROVENANCE.md.
NATIONAL_SOURCES = {
    "S82965": ("82965NED", "https://www.cbs.nl/nl-nl/cijfers/detail/82965NED"),
    "S82966": ("82966NED", "https://www.cbs.nl/nl-nl/cijfers/detail/82966NED"),
    "L2019": ("Jeugdhulp 2019", "https://longreads.cbs.nl/jeugdhulp2019/jongeren-met-jeugdhulp/"),
    "L2020": ("Jeugdhulp 2020",
              "https://www.cbs.nl/nl-nl/longread/rapportages/2021/jeugdhulp-2020"),
    "L2021": ("Jeugdhulp 2021",
              "https://www.cbs.nl/nl-nl/longread/rapportages/2022/jeugdhulp-2021"),
    "L2022": ("Jeugdhulp 2022", "https://cbs.nl/nl-nl/longread/rapportages/2023/jeugdhulp-2022"),
    "L2023H1": ("Jeugdhulp 1e halfjaar 2023",
                "https://cbs.nl/nl-nl/longread/rapportages/2023/jeugdhulp-1e-halfjaar-2023"),
    "L2023H1b": ("Jeugdhulp 1e halfjaar 2023",
                 "https://cbs.nl/nl-nl/longread/rapportages/2023/jeugdhulp-1e-halfjaar-2023"),
    "JM2023": ("Jeugdmonitor 2023",
               "https://longreads.cbs.nl/jeugdmonitor-2023/trends-in-jeugdzorggebruik"),
    "JM2024": ("Jeugdmonitor 2024", "https://longreads.cbs.nl/jeugdmonitor-2024/jeugdzorg"),
    "SVZ2022": ("Staat van Volksgezondheid en Zorg (RIVM), cijfer van CBS",
                "https://www.staatvenz.nl/kerncijfers/jeugdhulp-met-verblijf"),
    "LJB2019": ("Jeugdbescherming 2019",
                "https://longreads.cbs.nl/jeugdbescherming-2019/jeugdbescherming/"),
    "LJB2022": ("Jeugdbescherming en jeugdreclassering 2022",
                ("https://cbs.nl/nl-nl/longread/rapportages/2023/"
                "jeugdbescherming-en-jeugdreclassering-2022")),
    "LJB2022H1": ("Jeugdbescherming en jeugdreclassering 1e halfjaar 2022",
                  ("https://cbs.nl/nl-nl/longread/rapportages/2022/"
                  "jeugdbescherming-en-jeugdreclassering-1e-halfjaar-2022")),
    "LJB2023H1": ("Jeugdbescherming en jeugdreclassering 1e halfjaar 2023",
                  ("https://cbs.nl/nl-nl/longread/rapportages/2023/"
                  "jeugdbescherming-en-jeugdreclassering-1e-halfjaar-2023")),
    "LJB2024H1": ("Jeugdbescherming en jeugdreclassering 1e halfjaar 2024",
                  ("https://cbs.nl/nl-nl/longread/rapportages/2024/"
                  "jeugdbescherming-en-jeugdreclassering-1e-halfjaar-2024")),
    "LJB2024": ("Jeugdbescherming en jeugdreclassering 2024",
                ("https://www.cbs.nl/nl-nl/longread/rapportages/2025/"
                "jeugdbescherming-en-jeugdreclassering-2024")),
    "LJB2025H1": ("Jeugdbescherming en jeugdreclassering 1e halfjaar 2025",
                  ("https://www.cbs.nl/nl-nl/longread/rapportages/2025/"
                  "jeugdbescherming-en-jeugdreclassering-1e-halfjaar-2025")),
    "S85095a": ("85095NED", "https://www.cbs.nl/nl-nl/cijfers/detail/85095NED"),
    "S85095b": ("85095NED", "https://www.cbs.nl/nl-nl/cijfers/detail/85095NED"),
    # The source file spells this id 'S8509' once (31 Dec 2023 view): PROVENANCE.md
    # lists that view as S85095b.
    "S8509": ("85095NED", "https://www.cbs.nl/nl-nl/cijfers/detail/85095NED"),
    "S85095c": ("85095NED", "https://www.cbs.nl/nl-nl/cijfers/detail/85095NED"),
}
# Harmonised names: the same figure has one code in every file.
NATIONAL_RENAME = {"jhmv_pleeggezin": "jhmv_pleegzorg"}

PERCENT_COLUMNS = {
    "pct_jongeren_met_jeugdhulp_in_natura": "pct_jeugdhulp_in_natura",
    "pct_jongeren_met_jeugdhulp_met_verblijf_in_natura": "pct_jhmv_van_jeugdhulp",
    "pct_jongeren_met_jeugdbescherming": "pct_jeugdbescherming",
    "pct_jeugdbescherming_en_jeugdhulp_met_verblijf": "pct_jb_met_jhmv",
    "pct_jongeren_met_jeugdreclassering": "pct_jeugdreclassering",
}
PERCENT_AGES = {"pct_jeugdhulp_in_natura": "0-17", "pct_jhmv_van_jeugdhulp": "0-22",
                "pct_jeugdbescherming": "0-17", "pct_jb_met_jhmv": "0-17",
                "pct_jeugdreclassering": "12-22"}

# 85100NED kinds of care (the code prefixes the CBS title) -> our indicator.
FORMS = {
    "JH 1": "jh_totaal", "JH 11": "jh_pgb", "JH 12": "jh_in_natura_totaal",
    "JH 121": "jhzv_totaal", "JH 1211": "jhzv_wijkteam", "JH 1212": "jhzv_niet_wijkteam",
    "JH 12121": "jhzv_ambulant", "JH 12122": "jhzv_daghulp", "JH 12123": "jhzv_netwerk",
    "JH 122": "jhmv_totaal", "JH 1221": "jhmv_pleegzorg", "JH 1222": "jhmv_gezinsgericht",
    "JH 1223": "jhmv_gesloten", "JH 1224": "jhmv_ander_verblijf",
    "JB 1": "jb_totaal", "JB 11": "jb_ots", "JB 12": "jb_voogdij",
    "JR 1": "jr_totaal", "JR 11": "jr_toezicht_gedwongen", "JR 12": "jr_toezicht_vrijwillig",
    "JR 13": "jr_overig",
}
FORM_AGES = {"JB": "0-17", "JR": "12-22", "JH": "0-22"}

STATUS_RANK = {"definitief": 0, "nader voorlopig": 1, "voorlopig": 2, "onbekend": 3}
TYPE_RANK = {"exact": 0, "onderdrukt": 0, "afgeleid_som_van_gepubliceerde_delen": 1}


class FiguresSourceError(Exception):
    """A problem in a source file; the message is Dutch and names file and row."""


def _read(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise FiguresSourceError(f"Bronbestand ontbreekt: {path}.")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items() if k}
                for row in csv.DictReader(fh)]


def _status(raw: str, where: str) -> str:
    """CBS status words; the extract adds notes in parentheses ('definitief (geen * ...)')."""
    word = raw.split("(")[0].strip().replace("_in_excerpt", "")
    word = "onbekend" if word.startswith("onbekend") else word
    if word not in STATUS_RANK:
        raise FiguresSourceError(f"{where}: onbekende status '{raw}'.")
    return word


def _period_type(period: str) -> str:
    if len(period) == 4:
        return "jaar"
    if period[4:6] == "-H":
        return "halfjaar"
    return "peildatum"


def _number(raw: str, where: str) -> str:
    """The value as written in the source, checked to be a number; '' stays ''."""
    if raw == "":
        return ""
    try:
        value = float(raw)
    except ValueError as exc:
        raise FiguresSourceError(f"{where}: '{raw}' is geen getal.") from exc
    return str(int(value)) if value.is_integer() and "." not in raw else raw


def national(shared: Path) -> list[dict[str, str]]:
    path = shared / SOURCE_SUBDIR / NATIONAL
    out = []
    for i, row in enumerate(_read(path), start=2):
        where = f"{path.name}, regel {i}"
        if row["bron_id"] not in NATIONAL_SOURCES:
            raise FiguresSourceError(f"{where}: onbekende bron_id '{row['bron_id']}'.")
        table, url = NATIONAL_SOURCES[row["bron_id"]]
        out.append({
            "regio_code": "NL01", "regio_naam": "Nederland", "regio_type": "NL",
            "periode": row["periode"], "periode_type": row["periode_type"],
            "indicator": NATIONAL_RENAME.get(row["indicator"], row["indicator"]),
            "waarde": _number(row["waarde"], where), "eenheid": row["eenheid"],
            "leeftijd": row["leeftijd"], "status": _status(row["status_cbs"], where),
            "waarde_type": row["waarde_type"] if row["waarde"] else "onderdrukt",
            "bron_tabel": table, "bron": url,
        })
    return out


def _area(row: dict[str, str], municipalities: dict[str, str], where: str
          ) -> tuple[str, str, str] | None:
    """(code, name, type) of a source row's region, or None for areas we leave out."""
    kind = row["regio_type"]
    if kind in ("NL", "LD", "PV"):
        if row["regio"] not in AREA_CODES:
            raise FiguresSourceError(f"{where}: onbekend gebied '{row['regio']}'.")
        code = AREA_CODES[row["regio"]]
        return code, AREA_NAMES[code], kind
    if kind == "GM":
        code = row["gm_code"]
        if code not in municipalities:
            raise FiguresSourceError(f"{where}: onbekende gemeentecode '{code}'.")
        return code, municipalities[code], kind
    if kind == "JZ":
        return row["jz_code"], row["regio"].removesuffix(" (JZ)"), kind
    return None  # COROP areas, municipality-size classes


def _regional(shared: Path, name: str, municipalities: dict[str, str]
              ) -> Iterator[tuple[str, dict[str, str], tuple[str, str, str]]]:
    """(where, row, area) for the rows of a regional extract that name a region we show."""
    path = shared / SOURCE_SUBDIR / name
    for i, row in enumerate(_read(path), start=2):
        where = f"{path.name}, regel {i}"
        area = _area(row, municipalities, where)
        if area is not None:
            yield where, row, area


def _cbs_row(area: tuple[str, str, str], row: dict[str, str], where: str, *, indicator: str,
             value: str, unit: str, age: str) -> dict[str, str]:
    """One output row from a CBS StatLine extract (the table's page is the source)."""
    table = row["cbs_tabel"]
    return {
        "regio_code": area[0], "regio_naam": area[1], "regio_type": area[2],
        "periode": row["periode"], "periode_type": _period_type(row["periode"]),
        "indicator": indicator, "waarde": value, "eenheid": unit, "leeftijd": age,
        "status": _status(row["status_cbs"], where),
        "waarde_type": "exact" if value else "onderdrukt",
        "bron_tabel": table, "bron": f"https://www.cbs.nl/nl-nl/cijfers/detail/{table}",
    }


def percentages(shared: Path, municipalities: dict[str, str]) -> list[dict[str, str]]:
    return [
        _cbs_row(area, row, where, indicator=indicator, unit="procent",
                 value=_number(row[column], f"{where}, kolom {column}"),
                 age=PERCENT_AGES[indicator])
        for where, row, area in _regional(shared, PERCENTAGES, municipalities)
        for column, indicator in PERCENT_COLUMNS.items()
    ]


def _count_indicator(row: dict[str, str], where: str) -> tuple[str, str] | None:
    """(indicator, age band) of a row of the counts extract; None for rows we leave out."""
    table, form = row["cbs_tabel"], row["vorm_code_cbs"]
    if table == "85101NED":
        return "jz_alle_combinaties_totaal", "0-22"
    if table == "85102NED":
        return "jz_in_natura_op_peildatum", "0-22"
    if row["persoonskenmerk"] != "Totaal":
        return None  # breakdowns by sex and age: too sparse to show
    if form == "JZ":
        in_natura = row["vorm_omschrijving"].endswith("in natura")
        return ("jz_in_natura_totaal" if in_natura else "jz_totaal"), "0-22"
    if form in FORMS:
        return FORMS[form], FORM_AGES[form[:2]]
    raise FiguresSourceError(f"{where}: onbekende vorm '{form}'.")


def counts(shared: Path, municipalities: dict[str, str]) -> list[dict[str, str]]:
    out = []
    for where, row, area in _regional(shared, COUNTS, municipalities):
        found = _count_indicator(row, where)
        if found is not None:
            out.append(_cbs_row(area, row, where, indicator=found[0], age=found[1],
                                unit="jongeren", value=_number(row["aantal_jongeren"], where)))
    return out


def _preference(row: dict[str, str]) -> tuple[int, int]:
    return STATUS_RANK[row["status"]], TYPE_RANK.get(row["waarde_type"], 2)


def derive_figures(shared: Path, municipalities: dict[str, str]) -> list[list[str]]:
    """All figure rows, one per (region, period, indicator), sorted."""
    chosen: dict[tuple[str, str, str], dict[str, str]] = {}
    for row in (national(shared) + percentages(shared, municipalities)
                + counts(shared, municipalities)):
        key = (row["regio_code"], row["periode"], row["indicator"])
        if key not in chosen or _preference(row) < _preference(chosen[key]):
            chosen[key] = row
    ordered = sorted(chosen.values(), key=lambda r: (r["regio_code"], r["indicator"],
                                                     r["periode"]))
    return [[r[c] for c in COLUMNS] for r in ordered]
