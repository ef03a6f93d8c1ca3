"""Regional figures: load and check the tidy tables, derive what the region app shows.

Pure pandas: data in, data out. Tables are long format with one row per
(region, period, indicator); `waarde` is a float and NaN when the figure is
missing (CBS '.': suppressed or unknown), never 0. Every row carries its CBS
status, value type and source, and every derived row says it is derived.

Files in <data>/figures/:
- cijfers.csv        bundled, derived from the offline CBS extracts (committed);
- cbs_vernieuwd.csv  written by `ztmo data vernieuwen` (optional); its rows win.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import DataFileError
from .paths import data_dir

COLUMNS = ("regio_code", "regio_naam", "regio_type", "periode", "periode_type", "indicator",
           "waarde", "eenheid", "leeftijd", "status", "waarde_type", "bron_tabel", "bron")
KEY = ("regio_code", "periode", "indicator")
BUNDLED = "cijfers.csv"
REFRESHED = "cbs_vernieuwd.csv"
POPULATION = "bevolking_0_22"

REGION_CODE = re.compile(r"NL01|LD0[1-4]|PV(2\d|3[01])|JZ\d\d|GM\d{4}")
PERIODS = {"jaar": re.compile(r"(19|20)\d\d"), "halfjaar": re.compile(r"(19|20)\d\d-H[12]"),
           "peildatum": re.compile(r"(19|20)\d\d-\d\d-\d\d")}
UNITS = {"jongeren", "maatregelen", "procent", "per 1.000 jongeren"}
STATUSES = ("definitief", "nader voorlopig", "voorlopig", "onbekend")
VALUE_TYPES = {"exact", "afgerond_in_tekst", "afgerond_in_tekst_ondergrens",
               "afgerond_in_tekst_bovengrens", "afgeleid_som_van_gepubliceerde_delen",
               "afgeleid", "onderdrukt"}
REGION_TYPES = {"NL", "LD", "PV", "JZ", "GM"}

#: Small numbers: a count under 5 can point at one child, so it is never shown as a
#: number ("minder dan 5"), and no rate is derived from it.
SMALL_COUNT = 5
SMALL_TEXT = f"minder dan {SMALL_COUNT}"
SMALL_RATE_TEXT = f"niet getoond (minder dan {SMALL_COUNT} jongeren)"
COUNT_UNITS = {"jongeren", "maatregelen", "aantal"}

STATUS_WORDS = {"definitief": "definitief", "nader voorlopig": "nader voorlopig",
                "voorlopig": "voorlopig", "onbekend": "status onbekend"}
VALUE_NOTES = {
    "afgerond_in_tekst": "afgerond getal uit een CBS-tekst",
    "afgerond_in_tekst_ondergrens": "afgerond getal uit een CBS-tekst ('ruim'): iets hoger",
    "afgerond_in_tekst_bovengrens": "afgerond getal uit een CBS-tekst ('bijna'): iets lager",
    "afgeleid_som_van_gepubliceerde_delen": "som van twee gepubliceerde delen",
    "afgeleid": "door ons berekend uit CBS-cijfers",
}


@dataclass(frozen=True)
class Indicator:
    """What a figure is, in plain Dutch, and what it does not tell."""

    label: str
    means: str = ""
    not_means: str = ""


_COUNT = "Elk kind telt één keer mee, ook als het meer dan één vorm van hulp kreeg."
INDICATORS: dict[str, Indicator] = {
    "jhmv_totaal": Indicator(
        "Jongeren met jeugdhulp met verblijf",
        "Kinderen en jongeren (0 tot 23 jaar) die een tijd niet thuis woonden: in een "
        "pleeggezin, een gezinshuis, een groep of een gesloten plek. " + _COUNT,
        "Het zegt niet hoe lang ze weg waren, en niet of het verblijf goed was."),
    "jhmv_pleegzorg": Indicator("Pleegzorg", "Jongeren die in een pleeggezin woonden."),
    "jhmv_gezinsgericht": Indicator("Gezinsgericht verblijf",
                                    "Jongeren in een gezinshuis of een andere vorm die op een "
                                    "gezin lijkt."),
    "jhmv_gesloten": Indicator("Gesloten plaatsing",
                               "Jongeren in gesloten jeugdhulp (JeugdzorgPlus), met een "
                               "machtiging van de rechter."),
    "jhmv_ander_verblijf": Indicator("Ander verblijf bij een aanbieder",
                                     "Vooral wonen in een groep bij een jeugdhulpaanbieder."),
    "jhmv_alleen": Indicator("Alleen jeugdhulp met verblijf",
                             "Jongeren met verblijf en geen andere jeugdzorg."),
    "jhmv_en_jhzv": Indicator("Met verblijf én zonder verblijf"),
    "jhmv_en_jb": Indicator("Met verblijf én jeugdbescherming"),
    "jhzv_totaal": Indicator("Jongeren met jeugdhulp zonder verblijf",
                             "Hulp terwijl het kind thuis blijft wonen, bijvoorbeeld van het "
                             "wijkteam of een behandelaar."),
    "jhzv_wijkteam": Indicator("Jeugdhulp door het wijkteam"),
    "jhzv_niet_wijkteam": Indicator("Jeugdhulp zonder verblijf, niet door het wijkteam"),
    "jhzv_ambulant": Indicator("Ambulante hulp op locatie van de aanbieder"),
    "jhzv_daghulp": Indicator("Daghulp"),
    "jhzv_netwerk": Indicator("Hulp in het netwerk van de jongere"),
    "jh_alleen_zonder_verblijf": Indicator("Alleen jeugdhulp zonder verblijf"),
    "jh_zowel_zonder_als_met_verblijf": Indicator("Jeugdhulp zowel zonder als met verblijf"),
    "jh_alleen_met_verblijf": Indicator("Alleen jeugdhulp met verblijf"),
    "jh_totaal": Indicator("Jongeren met jeugdhulp (ook pgb)"),
    "jh_totaal_incl_pgb": Indicator("Jongeren met jeugdhulp (in natura en/of pgb)"),
    "jh_pgb": Indicator("Jongeren met jeugdhulp via een pgb"),
    "jh_in_natura_totaal": Indicator("Jongeren met jeugdhulp in natura"),
    "jh_alleen_natura": Indicator("Alleen jeugdhulp in natura"),
    "jh_natura_en_pgb": Indicator("Jeugdhulp in natura én pgb"),
    "jh_alleen_pgb": Indicator("Alleen jeugdhulp via een pgb"),
    "jz_totaal": Indicator("Jongeren met jeugdzorg",
                           "Alle jeugdhulp, jeugdbescherming en jeugdreclassering samen."),
    "jz_totaal_excl_pgb": Indicator("Jongeren met jeugdzorg (zonder pgb)"),
    "jz_in_natura_totaal": Indicator("Jongeren met jeugdzorg in natura"),
    "jz_alle_combinaties_totaal": Indicator("Jongeren met jeugdzorg (alle vormen samen)"),
    "jz_in_natura_op_peildatum": Indicator("Jongeren met jeugdzorg in natura op één dag"),
    "jz_pct_jongeren_tot_23": Indicator("Deel van de jongeren onder 23 jaar met jeugdzorg"),
    "jb_totaal": Indicator("Jongeren met jeugdbescherming",
                           "Een ondertoezichtstelling (ots) of voogdij, opgelegd door de "
                           "rechter."),
    "jb_ots": Indicator("Jongeren met een ondertoezichtstelling"),
    "jb_voogdij": Indicator("Jongeren met voogdij"),
    "jb_maatregelen_eindstand": Indicator("Lopende jeugdbeschermingsmaatregelen"),
    "jb_maatregelen_ots": Indicator("Lopende ondertoezichtstellingen"),
    "jb_maatregelen_voogdij": Indicator("Lopende voogdijmaatregelen"),
    "jb_jongeren_ots_regulier": Indicator("Jongeren met een ondertoezichtstelling"),
    "jb_jongeren_voogdij_regulier": Indicator("Jongeren met voogdij"),
    "jb_jongeren_voogdij_totaal": Indicator("Jongeren met voogdij (alle soorten)"),
    "jb_jongeren_machtiging_uithuisplaatsing": Indicator(
        "Jongeren met een machtiging uithuisplaatsing",
        "De rechter gaf toestemming om een kind buiten huis te laten wonen."),
    "jr_totaal": Indicator("Jongeren met jeugdreclassering"),
    "jr_toezicht_gedwongen": Indicator("Jeugdreclassering: toezicht, gedwongen kader"),
    "jr_toezicht_vrijwillig": Indicator("Jeugdreclassering: toezicht, vrijwillig"),
    "jr_overig": Indicator("Jeugdreclassering: overige trajecten"),
    "jr_maatregelen": Indicator("Lopende jeugdreclasseringsmaatregelen"),
    "jr_jongeren": Indicator("Jongeren met jeugdreclassering"),
    "pct_jeugdhulp_in_natura": Indicator(
        "Jongeren met jeugdhulp in natura (%)",
        "Het deel van de jongeren met jeugdhulp in natura, volgens het CBS. Welke tabel, "
        "staat bij elk cijfer.",
        "Waarvan dit een deel is, staat in de toelichting bij die tabel: lees die voordat "
        "je het cijfer gebruikt."),
    "pct_jhmv_van_jeugdhulp": Indicator(
        "Jeugdhulp met verblijf (%)",
        "Een percentage van het CBS; welke tabel, staat bij elk cijfer. Het is vrijwel "
        "zeker een deel van de jongeren mét jeugdhulp, niet van alle jongeren.",
        "Het is dus geen kans dat een kind uit huis gaat. Lees de toelichting bij de "
        "tabel voordat je dit cijfer in een tekst gebruikt."),
    "pct_jeugdbescherming": Indicator("Jongeren met jeugdbescherming (%)"),
    "pct_jb_met_jhmv": Indicator("Jeugdbescherming én jeugdhulp met verblijf (%)"),
    "pct_jeugdreclassering": Indicator("Jongeren met jeugdreclassering (%)"),
    POPULATION: Indicator("Jongeren van 0 tot 23 jaar (inwoners op 1 januari)"),
}
RATE_SUFFIX = "_per_1000"


def indicator_label(code: str) -> str:
    base = code.removesuffix(RATE_SUFFIX)
    label = INDICATORS[base].label if base in INDICATORS else code
    return f"{label}, per 1.000 jongeren" if code.endswith(RATE_SUFFIX) else label


# ---------------------------------------------------------------------- validation


@dataclass(frozen=True)
class Fault:
    """One problem in one cell; `row` counts data rows from 1 (header not counted)."""

    row: int | None
    column: str
    problem: str

    def text(self) -> str:
        where = "kopregel" if self.row is None else f"rij {self.row}"
        return f"{where}, kolom '{self.column}': {self.problem}"


class FiguresFileError(DataFileError):
    """A figures file with faults; the message lists them (file, row, column).

    The message names the file only, never its folder: it may reach a participant's
    page, and a server path is nobody's business there. ``path`` keeps the full path.
    """

    title = "Een cijferbestand is niet in orde"

    def __init__(self, path: Path | str, faults: list[Fault], limit: int = 20):
        self.path = str(path)
        self.name = Path(path).name
        self.faults = list(faults)
        lines = [f"- {f.text()}" for f in faults[:limit]]
        more = len(faults) - limit
        if more > 0:
            lines.append(f"- en nog {more} {'fout' if more == 1 else 'fouten'}")
        word = "Fout" if len(faults) == 1 else "Fouten"
        super().__init__(f"{word} in {self.name}:\n" + "\n".join(lines))


def _read_csv(path: Path, columns: tuple[str, ...]) -> tuple[list[dict[str, str]], list[Fault]]:
    """Rows as text, with faults for a missing file, header or broken CSV."""
    if not path.is_file():
        raise FiguresFileError(path, [Fault(None, "-", "het bestand ontbreekt.")])
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in columns if c not in header]
            if missing:
                return [], [Fault(None, c, "deze kolom ontbreekt.") for c in missing]
            rows, faults = [], []
            for number, raw in enumerate(reader, start=1):
                if None in raw:
                    faults.append(Fault(number, "(extra)", "meer velden dan de kopregel."))
                    continue
                rows.append({k.strip(): (v or "").strip() for k, v in raw.items()})
            return rows, faults
    except UnicodeDecodeError:
        raise FiguresFileError(path, [Fault(None, "-", "geen geldige UTF-8-tekst.")]) from None
    except csv.Error as exc:
        raise FiguresFileError(path, [Fault(None, "-", f"geen geldige CSV ({exc}).")]) from None


def parse_number(text: str) -> float | None:
    """A number as people type it: '1234', '1.234' (thousands) or '12,5'; None if not."""
    raw = text.replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", raw):  # Dutch thousands separators
        raw = raw.replace(".", "")
    raw = raw.replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def validate_rows(rows: list[dict[str, str]]) -> tuple[pd.DataFrame, list[Fault]]:
    """Check every cell of a figures table; return the typed frame and all faults."""
    faults: list[Fault] = []
    seen: dict[tuple[str, str, str], int] = {}
    good = []
    for n, row in enumerate(rows, start=1):
        before = len(faults)

        def bad(column: str, problem: str, n: int = n) -> None:
            faults.append(Fault(n, column, problem))

        if not REGION_CODE.fullmatch(row["regio_code"]):
            bad("regio_code", f"'{row['regio_code']}' is geen regiocode (zoals JZ14 of NL01).")
        if row["regio_type"] not in REGION_TYPES or (
                row["regio_code"][:2] != row["regio_type"] and REGION_CODE.fullmatch(
                    row["regio_code"])):
            bad("regio_type", f"'{row['regio_type']}' past niet bij {row['regio_code']}.")
        pattern = PERIODS.get(row["periode_type"])
        if pattern is None:
            bad("periode_type", f"'{row['periode_type']}' moet jaar, halfjaar of peildatum zijn.")
        elif not pattern.fullmatch(row["periode"]):
            bad("periode", f"'{row['periode']}' is geen {row['periode_type']}.")
        indicator = row["indicator"]
        if indicator.removesuffix(RATE_SUFFIX) not in INDICATORS:
            bad("indicator", f"onbekende indicator '{indicator}'.")
        if row["eenheid"] not in UNITS:
            bad("eenheid", f"onbekende eenheid '{row['eenheid']}'.")
        if row["status"] not in STATUSES:
            bad("status", f"'{row['status']}' moet een van {', '.join(STATUSES)} zijn.")
        if row["waarde_type"] not in VALUE_TYPES:
            bad("waarde_type", f"onbekend type '{row['waarde_type']}'.")
        if not row["bron_tabel"] or not row["bron"]:
            bad("bron", "de bron ontbreekt; elk cijfer heeft een bron nodig.")
        value: float | None = None
        if row["waarde"]:
            value = parse_number(row["waarde"])
            if value is None:
                bad("waarde", f"'{row['waarde']}' is geen getal.")
            elif value < 0:
                bad("waarde", f"{row['waarde']} is negatief; een aantal kan niet negatief zijn.")
            elif row["eenheid"] == "procent" and value > 100:
                bad("waarde", f"{row['waarde']} is meer dan 100 procent.")
            elif row["waarde_type"] == "onderdrukt":
                bad("waarde_type", "er staat een waarde, maar het type zegt 'onderdrukt'.")
        key = (row["regio_code"], row["periode"], indicator)
        if key in seen:
            bad("periode", f"{indicator} voor {row['regio_code']} in {row['periode']} staat "
                           f"er dubbel in (ook in rij {seen[key]}).")
        seen.setdefault(key, n)
        if len(faults) == before:
            good.append({**row, "waarde": math.nan if value is None else value})
    frame = pd.DataFrame(good, columns=list(COLUMNS))
    frame["waarde"] = frame["waarde"].astype(float)
    return frame, faults


def read_figures(path: Path | str) -> pd.DataFrame:
    """Load one figures file; raise FiguresFileError listing every fault."""
    path = Path(path)
    rows, faults = _read_csv(path, COLUMNS)
    frame, more = validate_rows(rows)
    faults += more
    if faults:
        raise FiguresFileError(path, faults)
    return frame


@dataclass(frozen=True)
class FigureSet:
    """All figures to show, with Dutch notices about what was used or refused."""

    frame: pd.DataFrame
    notices: tuple[str, ...] = field(default=())
    refreshed: bool = False


def load(directory: Path | str | None = None) -> FigureSet:
    """The bundled figures plus a refreshed download when present and valid.

    A broken refreshed file is refused with a notice (the bundled data stay in
    use); a broken bundled file raises FiguresFileError.
    """
    folder = Path(directory if directory is not None else data_dir()) / "figures"
    frame = read_figures(folder / BUNDLED)
    notices: list[str] = []
    refreshed = False
    if (folder / REFRESHED).is_file():
        try:
            newer = read_figures(folder / REFRESHED)
        except FiguresFileError as exc:
            notices.append(f"{exc} De cijfers die al in de leeromgeving zaten, blijven "
                           "in gebruik.")
        else:
            frame = pd.concat([newer, frame]).drop_duplicates(list(KEY), keep="first")
            refreshed = True
    frame = frame.sort_values(list(KEY)).reset_index(drop=True)
    return FigureSet(with_rates(frame), tuple(notices), refreshed)


# ---------------------------------------------------------------------- derived figures

_STATUS_ORDER = {s: i for i, s in enumerate(STATUSES)}


def with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Add '<indicator>_per_1000' rows: yearly counts of 0-22 year olds per 1,000 young
    people of 0-22 in the same region and year. Only where both exist; the status is
    the least final of the two, the value type 'afgeleid'. No rate from a count under
    SMALL_COUNT: the count could be worked back from it."""
    pop = frame[(frame.indicator == POPULATION) & frame.waarde.notna()]
    counts = frame[(frame.eenheid == "jongeren") & (frame.periode_type == "jaar")
                   & (frame.leeftijd == "0-22") & (frame.indicator != POPULATION)
                   & ~frame.indicator.str.endswith(RATE_SUFFIX)
                   & ~(frame.waarde < SMALL_COUNT)]
    if pop.empty or counts.empty:
        return frame
    merged = counts.merge(pop[["regio_code", "periode", "waarde", "status", "bron_tabel"]],
                          on=["regio_code", "periode"], suffixes=("", "_pop"))
    if merged.empty:
        return frame
    rates = merged[list(COLUMNS)].copy()
    rates["indicator"] = merged.indicator + RATE_SUFFIX
    rates["waarde"] = merged.waarde / merged.waarde_pop * 1000
    rates["eenheid"] = "per 1.000 jongeren"
    rates["status"] = [max(a, b, key=_STATUS_ORDER.__getitem__)
                       for a, b in zip(merged.status, merged.status_pop, strict=True)]
    rates["waarde_type"] = "afgeleid"
    rates["bron_tabel"] = merged.bron_tabel + " en " + merged.bron_tabel_pop
    rates["bron"] = "berekend: aantal gedeeld door het aantal jongeren van 0 tot 23 jaar, × 1.000"
    return pd.concat([frame, rates], ignore_index=True)


def for_region(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    return frame[frame.regio_code == code]


def series(frame: pd.DataFrame, code: str, indicator: str, period_type: str = "jaar"
           ) -> pd.DataFrame:
    """One indicator over time for one region, oldest first (missing values kept)."""
    rows = frame[(frame.regio_code == code) & (frame.indicator == indicator)
                 & (frame.periode_type == period_type)]
    return rows.sort_values("periode").reset_index(drop=True)


@dataclass(frozen=True)
class Change:
    first_period: str
    last_period: str
    first: float
    last: float

    @property
    def difference(self) -> float:
        return self.last - self.first

    @property
    def percent(self) -> float:
        return (self.last - self.first) / self.first * 100 if self.first else math.nan


def change_since_first(rows: pd.DataFrame) -> Change | None:
    """Change from the first to the last period with a value; None with fewer than two."""
    known = rows[rows.waarde.notna()].sort_values("periode")
    if len(known) < 2:
        return None
    a, b = known.iloc[0], known.iloc[-1]
    return Change(a.periode, b.periode, float(a.waarde), float(b.waarde))


def latest(frame: pd.DataFrame, code: str, indicator: str) -> pd.Series | None:
    """The most recent row with a value (years before half-years before dates)."""
    rows = frame[(frame.regio_code == code) & (frame.indicator == indicator)
                 & frame.waarde.notna()]
    if rows.empty:
        return None
    return rows.sort_values("periode").iloc[-1]


def national_total(frame: pd.DataFrame, indicator: str, period: str) -> float | None:
    rows = frame[(frame.regio_code == "NL01") & (frame.indicator == indicator)
                 & (frame.periode == period) & frame.waarde.notna()]
    return float(rows.waarde.iloc[0]) if len(rows) else None


def regions_compared(frame: pd.DataFrame, indicator: str) -> tuple[str, pd.DataFrame] | None:
    """The latest period in which EVERY youth-care region has a value, with those rows.

    None when no such period exists (then a ranking would mislead)."""
    rows = frame[(frame.regio_type == "JZ") & (frame.indicator == indicator)]
    for period in sorted(rows.periode.unique(), reverse=True):
        sub = rows[rows.periode == period]
        if len(sub) and sub.waarde.notna().all() and sub.regio_code.nunique() >= 42:
            return period, sub.sort_values("waarde").reset_index(drop=True)
    return None


@dataclass(frozen=True)
class Comparison:
    codes: tuple[str, ...]
    basis: str  # Dutch: which measure the regions are compared on
    period: str


def comparable(frame: pd.DataFrame, code: str, n: int = 5,
               indicator: str = "jhmv_totaal" + RATE_SUFFIX) -> list[Comparison]:
    """Regions like this one: by size (young people 0-22) and by rate; None where the
    data do not allow it. Nearest values first; ties by code."""
    found = []
    for ind, basis in ((POPULATION, "omvang: ongeveer even veel jongeren van 0 tot 23 jaar"),
                       (indicator, f"cijfer: {indicator_label(indicator).lower()}")):
        compared = regions_compared(frame, ind)
        if compared is None:
            continue
        period, rows = compared
        own = rows[rows.regio_code == code]
        if own.empty:
            continue
        target = float(own.waarde.iloc[0])
        others = rows[rows.regio_code != code]
        others = others.assign(d=(others.waarde - target).abs())
        nearest = others.sort_values(["d", "regio_code"]).head(n)
        found.append(Comparison(tuple(nearest.regio_code), basis, period))
    return found


def describe(row: pd.Series) -> str:
    """The source line under a figure: publisher, table, period, status, value type."""
    period = row["periode"]
    parts = [f"Bron: CBS, {_table_words(row['bron_tabel'])}", f"periode {period}",
             STATUS_WORDS.get(row["status"], row["status"])]
    if row["waarde_type"] in VALUE_NOTES:
        parts.append(VALUE_NOTES[row["waarde_type"]])
    return ", ".join(parts) + "."


def _table_words(table: str) -> str:
    return " en ".join(f"tabel {t}" if re.fullmatch(r"\d{5}(NED|ned)", t) else f"publicatie '{t}'"
                       for t in table.split(" en "))


def is_small_count(value: float | None, unit: str) -> bool:
    """A count (not a percentage or rate) under SMALL_COUNT: it must not be shown."""
    return (unit in COUNT_UNITS and value is not None and not math.isnan(value)
            and value < SMALL_COUNT)


def shown_value(value: float | None, unit: str) -> str:
    """What a page shows for a figure: the Dutch number, or "minder dan 5" for a small
    count. Every figure of a region on a page goes through here."""
    if is_small_count(value, unit):
        return SMALL_TEXT
    return format_value(value, unit)


def format_value(value: float, unit: str) -> str:
    """Dutch number format; a missing value says so in words (no small-numbers rule:
    use `shown_value` for a region's figures)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "onbekend"
    if unit == "procent":
        return f"{value:.1f}".replace(".", ",") + "%"
    if unit == "per 1.000 jongeren":
        return f"{value:.1f}".replace(".", ",") + " per 1.000"
    return f"{value:,.0f}".replace(",", ".")
