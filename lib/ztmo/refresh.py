"""Refresh the regional youth-care figures from CBS open data (OData v3) when online.

Three kinds of CBS table are read: counts per youth-care region (85100NED), the
population per municipality (03759ned) and, per year, the official municipality ->
region mapping ("Gebieden in Nederland"). Everything is downloaded and checked in
memory first; only then are the files in <data_dir>/figures/ replaced, each with
`os.replace`. So a refresh that fails halfway (offline, a broken page, an
unexpected table) leaves the current figures exactly as they were.

All network access goes through one injectable `opener(url) -> bytes`, so tests
can serve their own OData-shaped answers and never touch the network.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from pandas.api.typing import NAType

from ztmo.errors import ZtmoError

__all__ = [
    "BASE_URL",
    "CARE_FORMS",
    "COLUMNS",
    "MAPPING_COLUMNS",
    "MAPPING_TABLES",
    "RefreshError",
    "RefreshReport",
    "default_opener",
    "fetch_all",
    "parse_value",
    "refresh",
]

BASE_URL = "https://opendata.cbs.nl/ODataApi/odata"
PAGE_SIZE = 10_000  # the most rows CBS returns in one page
TIMEOUT_SECONDS = 30
USER_AGENT = "ztmo/0.1 (leeromgeving Zo thuis mogelijk opgroeien; Python urllib)"

CARE_TABLE = "85100NED"
POPULATION_TABLE = "03759ned"
# Official municipality -> youth-care region division, one "Gebieden in Nederland"
# table per year. Years not listed get no population: we never guess a division.
MAPPING_TABLES: dict[int, str] = {
    2025: "86059NED",
    2023: "85385NED",
    2020: "84721NED",
    2019: "84378NED",
    2017: "83553NED",
}
# Kind of care: the CBS keys are opaque, so we find them by the start of the title.
CARE_FORMS: dict[str, str] = {
    "JH 122": "jhmv_totaal",
    "JH 1221": "jhmv_pleegzorg",
    "JH 1222": "jhmv_gezinsgericht",
    "JH 1223": "jhmv_gesloten",
    "JH 1224": "jhmv_ander_verblijf",
    "JH 121": "jhzv_totaal",
    "JB 1": "jb_totaal",
}
POPULATION_INDICATOR = "bevolking_0_22"
POPULATION_TOPIC = "Bevolking op 1 januari"
AGES = range(23)  # single ages 0 up to and including 22
AGE_RANGE = "0-22"
UNIT = "jongeren"

FIGURES_DIR = "figures"
FIGURES_FILE = "cbs_vernieuwd.csv"
MAPPING_FILE = "gemeente_jeugdregio_per_jaar.csv"
COLUMNS = (
    "regio_code", "regio_naam", "regio_type", "periode", "periode_type", "indicator",
    "waarde", "eenheid", "leeftijd", "status", "waarde_type", "bron_tabel", "bron",
)
MAPPING_COLUMNS = ("jaar", "gm_code", "gm_naam", "jz_code", "jz_naam", "bron_tabel")

_STATUSES = ("definitief", "voorlopig", "nader voorlopig")
_MISSING_TEXT = {"", ".", "x"}  # CBS: '.' = unknown or secret, 'x' = secret
_SAFE = "',()"  # keep OData filters readable in URLs and logs
_MAX_PAGES = 1_000  # a guard against a server that keeps sending links
_DIMENSION_TYPES = {"Dimension", "GeoDimension", "TimeDimension"}
_YEAR_KEY = re.compile(r"(\d{4})JJ00")
_AGE_TITLE = re.compile(r"(\d+) jaar")
_JZ_CODE = re.compile(r"JZ\d\d")
_GM_CODE = re.compile(r"GM\d{4}")
_TYPE_SUFFIX = re.compile(r"\s*\(JZ\)$")  # CBS titles say "Twente (JZ)"; regio_type says it
_KEPT = "Er is niets veranderd: de huidige cijfers blijven in gebruik."
_OFFLINE = (
    "Er is geen internetverbinding: de website van het CBS is niet bereikbaar. "
    f"{_KEPT} Probeer het opnieuw als je weer online bent."
)

Opener = Callable[[str], bytes]
Row = dict[str, Any]


class RefreshError(ZtmoError):
    """Downloading or checking the CBS data failed; no file was changed."""

    title = "De cijfers zijn niet vernieuwd"


@dataclass(frozen=True)
class RefreshReport:
    """What a successful refresh wrote, so the caller can tell the user."""

    rows: int
    years: tuple[int, ...]
    regions: int
    missing: int
    paths: tuple[Path, ...]
    population_years: tuple[int, ...]


# --------------------------------------------------------------------------- HTTP


def default_opener(url: str) -> bytes:
    """GET with urllib: a timeout so a dead line cannot hang the app, and a clear User-Agent."""
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        return response.read()


def parse_value(value: Any) -> float | NAType:
    """A CBS cell as a number, or pd.NA when CBS marks it missing ('.', null, ''): never 0.

    Raises ValueError for text that is no number and TypeError for other types.
    """
    if value is None:
        return pd.NA
    if isinstance(value, bool):
        raise TypeError(f"onverwachte waarde {value!r}: geen getal")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if text in _MISSING_TEXT:
            return pd.NA
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"onverwachte waarde {value!r}: geen getal") from None
    else:
        raise TypeError(f"onverwachte waarde {value!r}: geen getal")
    if math.isnan(number):
        return pd.NA
    if math.isinf(number):
        raise ValueError(f"onverwachte waarde {value!r}: geen eindig getal")
    return number


def _describe(url: str, page: int) -> str:
    """'tabel 85100NED (TypedDataSet), pagina 2': says in the message which request failed."""
    segments = [s for s in urllib.parse.urlsplit(url).path.split("/") if s]
    if len(segments) >= 2:
        return f"tabel {segments[-2]} ({segments[-1]}), pagina {page}"
    return f"{url}, pagina {page}"


def _is_timeout(exc: BaseException) -> bool:
    reason = getattr(exc, "reason", None)
    return isinstance(exc, TimeoutError) or isinstance(reason, TimeoutError)


def _get_json(opener: Opener, url: str, what: str) -> dict[str, Any]:
    """One request, turned into a checked OData answer or a Dutch RefreshError."""
    failed = f"Het ophalen van {what} bij het CBS is mislukt"
    try:
        body = opener(url)
    except urllib.error.HTTPError as exc:
        raise RefreshError(f"{failed}: het CBS gaf foutcode {exc.code}. {_KEPT}") from exc
    except (OSError, http.client.HTTPException) as exc:  # URLError, time-out, broken line
        reason = "het CBS gaf niet op tijd antwoord" if _is_timeout(exc) else (
            "de verbinding met het CBS lukte niet"
        )
        raise RefreshError(f"{failed}: {reason}. {_KEPT}") from exc
    try:
        payload = json.loads(bytes(body).decode("utf-8-sig"))
    except (TypeError, ValueError) as exc:  # includes UnicodeDecodeError and JSONDecodeError
        raise RefreshError(f"{failed}: het antwoord was geen geldige JSON. {_KEPT}") from exc
    values = payload.get("value") if isinstance(payload, dict) else None
    if not isinstance(values, list) or not all(isinstance(r, dict) for r in values):
        raise RefreshError(
            f"{failed}: het antwoord had een onverwachte vorm (geen lijst 'value'). {_KEPT}"
        )
    return payload


def _with_paging(url: str, top: int, skip: int) -> str:
    joiner = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{joiner}$top={top}&$skip={skip}"


def fetch_all(opener: Opener, url: str, page_size: int = PAGE_SIZE) -> list[Row]:
    """All rows of an OData v3 collection, however CBS pages it.

    Asks for `$top=page_size&$skip=N`; a page with `odata.nextLink` is followed as
    given (server paging), otherwise a page with fewer than `page_size` rows is the
    last one. Raises RefreshError (Dutch, names table and page) on any failure.
    """
    if page_size < 1:
        raise ValueError("page_size moet minstens 1 zijn")
    rows: list[Row] = []
    current = _with_paging(url, page_size, 0)
    server_paging = False
    for page in range(1, _MAX_PAGES + 1):
        payload = _get_json(opener, current, _describe(url, page))
        values = payload["value"]
        rows.extend(values)
        link = payload.get("odata.nextLink")
        if link:
            following = urllib.parse.urljoin(current, str(link))
            if following == current:
                raise RefreshError(
                    f"Het ophalen van {_describe(url, page)} bij het CBS is mislukt: "
                    f"de volgende pagina verwijst naar zichzelf. {_KEPT}"
                )
            current, server_paging = following, True
        elif server_paging or len(values) < page_size:
            return rows
        else:
            current = _with_paging(url, page_size, len(rows))
    raise RefreshError(
        f"Het ophalen van {_describe(url, _MAX_PAGES)} bij het CBS is gestopt: meer dan "
        f"{_MAX_PAGES} pagina's is niet te verwachten. {_KEPT}"
    )


class _FirstCallWatch:
    """Wraps the opener: a URLError on the very first request means we are offline."""

    def __init__(self, opener: Opener):
        self._opener = opener
        self._calls = 0

    def __call__(self, url: str) -> bytes:
        self._calls += 1
        try:
            return self._opener(url)
        except urllib.error.HTTPError:
            raise  # the server answered, so the line works
        except urllib.error.URLError as exc:
            if self._calls == 1:
                raise RefreshError(_OFFLINE) from exc
            raise


# --------------------------------------------------------------------------- tables


def _quote(key: str) -> str:
    return "'" + key.replace("'", "''") + "'"


def _any_of(dimension: str, keys: Iterable[str]) -> str:
    return "(" + " or ".join(f"{dimension} eq {_quote(k)}" for k in keys) + ")"


def _problem(table: str, text: str) -> RefreshError:
    """A table that does not look the way we expect: fail clearly, keep the old data."""
    return RefreshError(f"Tabel {table} van het CBS ziet er anders uit dan verwacht: {text} {_KEPT}")


@dataclass(frozen=True)
class _Structure:
    """The columns of one CBS table, from its DataProperties."""

    table: str
    geo: str
    time: str | None
    others: tuple[str, ...]
    props: tuple[Row, ...]

    def topics(self) -> list[Row]:
        return [p for p in self.props if p["Type"] == "Topic"]


class _Cbs:
    """Builds URLs for one base URL and fetches whole collections with fetch_all."""

    def __init__(self, opener: Opener, base_url: str, page_size: int):
        self.opener = opener
        self.base_url = base_url.rstrip("/")
        self.page_size = page_size

    def rows(self, table: str, entity: str, **query: str) -> list[Row]:
        params = {"$format": "json", **{f"${k}": v for k, v in query.items()}}
        encoded = "&".join(f"{k}={urllib.parse.quote(v, safe=_SAFE)}" for k, v in params.items())
        return fetch_all(self.opener, f"{self.base_url}/{table}/{entity}?{encoded}", self.page_size)

    def structure(self, table: str) -> _Structure:
        props = self.rows(table, "DataProperties")
        for prop in props:
            if not isinstance(prop.get("Type"), str) or not isinstance(prop.get("Key"), str):
                raise _problem(table, "een kolombeschrijving (DataProperties) mist 'Type' of 'Key'.")
        dims = [p for p in props if p["Type"] in _DIMENSION_TYPES]
        geo = [p["Key"] for p in dims if p["Type"] == "GeoDimension"] or [
            p["Key"] for p in dims if p["Key"] == "RegioS"
        ]
        time = [p["Key"] for p in dims if p["Type"] == "TimeDimension"] or [
            p["Key"] for p in dims if p["Key"] == "Perioden"
        ]
        if len(geo) != 1:
            raise _problem(table, "we vinden niet precies één kolom met regio's.")
        if len(time) > 1:
            raise _problem(table, "er is meer dan één kolom met perioden.")
        others = tuple(p["Key"] for p in dims if p["Key"] not in (geo[0], *time))
        return _Structure(table, geo[0], time[0] if time else None, others, tuple(props))

    def items(self, table: str, entity: str) -> list[tuple[str, str, Row]]:
        """(raw key, stripped title, item) of a dimension; the raw key keeps CBS's padding."""
        result = []
        for item in self.rows(table, entity):
            key, title = item.get("Key"), item.get("Title")
            if not isinstance(key, str) or not isinstance(title, str):
                raise _problem(table, f"een categorie in '{entity}' mist 'Key' of 'Title'.")
            result.append((key, title.strip(), item))
        return result


def _column(table: str, row: Row, key: str) -> Any:
    if key not in row:
        raise _problem(table, f"de kolom '{key}' ontbreekt in de gegevens.")
    return row[key]


def _text(table: str, row: Row, key: str) -> str:
    value = _column(table, row, key)
    if not isinstance(value, str):
        raise _problem(table, f"de kolom '{key}' bevat geen tekst.")
    return value


def _number(table: str, value: Any) -> float | NAType:
    try:
        return parse_value(value)
    except (TypeError, ValueError) as exc:
        raise _problem(table, f"{exc}.") from exc


def _total_key(table: str, dimension: str, items: list[tuple[str, str, Row]]) -> str:
    """The 'Totaal' category: exactly 'Totaal', else the one title that starts with it."""
    exact = [k for k, t, _ in items if t.lower() == "totaal"]
    if len(exact) == 1:
        return exact[0]
    starts = [k for k, t, _ in items if t.lower().startswith("totaal")]
    if not exact and len(starts) == 1:
        return starts[0]
    raise _problem(table, f"in '{dimension}' vinden we niet precies één categorie 'Totaal'.")


def _care_keys(items: list[tuple[str, str, Row]]) -> dict[str, str] | None:
    """Opaque key -> indicator by title prefix, or None if this is not the care dimension.

    The prefix must be followed by a space or the end, so 'JH 122' never matches 'JH 1221'.
    """
    found: dict[str, list[str]] = {}
    for prefix in CARE_FORMS:
        pattern = re.compile(re.escape(prefix) + r"(?:\s|$)")
        found[prefix] = [k for k, t, _ in items if pattern.match(t)]
    if not any(found.values()):
        return None
    keys: dict[str, str] = {}
    for prefix, matches in found.items():
        if len(matches) != 1:
            how = "niet" if not matches else f"{len(matches)} keer"
            raise _problem(CARE_TABLE, f"de vorm van jeugdzorg '{prefix}' komt {how} voor.")
        keys[matches[0]] = CARE_FORMS[prefix]
    return keys


def _status(table: str, item: Row) -> str:
    raw = item.get("Status")
    status = raw.strip().lower() if isinstance(raw, str) else ""
    if status not in _STATUSES:
        raise _problem(table, f"de periode {item.get('Key')!r} heeft een onbekende status {raw!r}.")
    return status


def _years(cbs: _Cbs, table: str, entity: str) -> dict[int, tuple[str, str]]:
    """Year -> (raw period key, status) for whole years (YYYYJJ00); half-years are skipped."""
    years = {}
    for key, _title, item in cbs.items(table, entity):
        match = _YEAR_KEY.fullmatch(key.strip())
        if match:
            years[int(match.group(1))] = (key, _status(table, item))
    return years


# --------------------------------------------------------------------------- 85100NED


@dataclass(frozen=True)
class _Care:
    values: dict[tuple[str, int, str], float | NAType]  # (JZ code, year, indicator)
    names: dict[str, str]  # JZ code -> name
    statuses: dict[int, str]
    years: tuple[int, ...]


def _fetch_care(cbs: _Cbs, wanted: list[int] | None, progress: Callable[[str], None]) -> _Care:
    table = CARE_TABLE
    progress(f"Ophalen: jongeren met jeugdzorg per jeugdregio (tabel {table}).")
    shape = cbs.structure(table)
    topics = shape.topics()
    if len(topics) != 1:
        raise _problem(table, f"we verwachten één soort cijfer, maar er zijn er {len(topics)}.")
    topic = topics[0]["Key"]
    if shape.time is None:
        raise _problem(table, "de kolom met perioden ontbreekt.")

    regions: dict[str, str] = {}
    for key, title, _ in cbs.items(table, shape.geo):
        code = key.strip()
        if code.startswith("JZ"):
            if not _JZ_CODE.fullmatch(code):
                raise _problem(table, f"'{code}' is geen code van een jeugdregio.")
            regions[code] = _TYPE_SUFFIX.sub("", title)
    if not regions:
        raise _problem(table, "er staan geen jeugdregio's (JZ..) in.")

    available = _years(cbs, table, shape.time)
    if wanted is None:
        years = sorted(available)
    else:
        unknown = [y for y in wanted if y not in available]
        if unknown:
            have = ", ".join(str(y) for y in sorted(available)) or "geen"
            raise RefreshError(
                f"Het jaar {', '.join(map(str, unknown))} staat (nog) niet in tabel {table}. "
                f"Wel beschikbaar: {have}. {_KEPT}"
            )
        years = wanted
    if not years:
        raise _problem(table, "er staan geen hele jaren in.")

    care_dim, care_keys = None, {}
    fixed: dict[str, str] = {}
    for dim in shape.others:
        items = cbs.items(table, dim)
        keys = _care_keys(items)
        if keys is None:
            fixed[dim] = _total_key(table, dim, items)
        elif care_dim is not None:
            raise _problem(table, "twee kolommen lijken op de vorm van jeugdzorg.")
        else:
            care_dim, care_keys = dim, keys
    if care_dim is None:
        raise _problem(table, "we vinden de kolom met de vorm van jeugdzorg niet.")

    period_keys = {available[y][0]: y for y in years}
    query = [f"startswith({shape.geo},'JZ')", _any_of(shape.time, period_keys)]
    query += [f"{dim} eq {_quote(key)}" for dim, key in fixed.items()]
    query.append(_any_of(care_dim, care_keys))
    select = [shape.geo, shape.time, *fixed, care_dim, topic]
    rows = cbs.rows(table, "TypedDataSet", filter=" and ".join(query), select=",".join(select))

    values: dict[tuple[str, int, str], float | NAType] = {}
    for row in rows:  # filter here too: the answer must match, whatever the server did
        code = _text(table, row, shape.geo).strip()
        year = period_keys.get(_text(table, row, shape.time))
        indicator = care_keys.get(_text(table, row, care_dim))
        if code not in regions or year is None or indicator is None:
            continue
        if any(_column(table, row, dim) != key for dim, key in fixed.items()):
            continue
        cell = (code, year, indicator)
        if cell in values:
            raise _problem(table, f"{code} in {year} ({indicator}) staat er twee keer in.")
        values[cell] = _number(table, _column(table, row, topic))

    for code in sorted(regions):
        for year in years:
            for indicator in CARE_FORMS.values():
                if (code, year, indicator) not in values:
                    raise RefreshError(
                        f"Het antwoord van het CBS voor tabel {table} is niet compleet: voor "
                        f"{code} in {year} ontbreekt {indicator}. {_KEPT}"
                    )
    statuses = {y: available[y][1] for y in years}
    return _Care(values, regions, statuses, tuple(years))


# --------------------------------------------------------------------------- population


@dataclass(frozen=True)
class _Mapping:
    table: str
    rows: tuple[tuple[str, str, str, str], ...]  # (gm code, gm name, jz code, jz name)


def _fetch_mapping(
    cbs: _Cbs, year: int, table: str, progress: Callable[[str], None]
) -> _Mapping:
    """Official municipality -> youth-care region of one year, from 'Gebieden in Nederland'."""
    progress(f"Ophalen: indeling van gemeenten in jeugdregio's {year} (tabel {table}).")
    shape = cbs.structure(table)
    groups = [
        p for p in shape.props
        if p["Type"] == "TopicGroup" and "jeugdregio" in str(p.get("Title", "")).lower()
    ]
    if len(groups) != 1:
        raise _problem(table, "we vinden niet precies één groep 'Jeugdregio'.")
    children = [p for p in shape.props if p["Type"] == "Topic" and p.get("ParentID") is not None
                and p.get("ParentID") == groups[0].get("ID")]
    columns = {}
    for title in ("Code", "Naam"):
        found = [p["Key"] for p in children if str(p.get("Title", "")).strip() == title]
        if len(found) != 1:
            raise _problem(table, f"we vinden bij 'Jeugdregio' niet precies één kolom '{title}'.")
        columns[title] = found[0]

    gm_names = {k.strip(): t for k, t, _ in cbs.items(table, shape.geo)}
    rows = cbs.rows(
        table, "TypedDataSet", filter=f"startswith({shape.geo},'GM')",
        select=",".join([shape.geo, columns["Code"], columns["Naam"]]),
    )
    seen: dict[str, tuple[str, str, str, str]] = {}
    for row in rows:
        gm = _text(table, row, shape.geo).strip()
        if not gm.startswith("GM"):
            continue
        jz = str(_column(table, row, columns["Code"]) or "").strip()
        jz_name = str(_column(table, row, columns["Naam"]) or "").strip()
        if not _GM_CODE.fullmatch(gm):
            raise _problem(table, f"'{gm}' is geen code van een gemeente.")
        if not jz:
            progress(f"Let op: gemeente {gm} heeft in tabel {table} geen jeugdregio; overgeslagen.")
            continue
        if not _JZ_CODE.fullmatch(jz):
            raise _problem(table, f"gemeente {gm} heeft jeugdregio '{jz}', geen geldige code.")
        if gm in seen:
            raise _problem(table, f"gemeente {gm} staat er twee keer in.")
        seen[gm] = (gm, gm_names.get(gm, ""), jz, jz_name)
    if not seen:
        raise _problem(table, "er staan geen gemeenten met een jeugdregio in.")
    return _Mapping(table, tuple(seen[gm] for gm in sorted(seen)))


@dataclass(frozen=True)
class _Population:
    per_gm: dict[int, dict[str, float | NAType]]  # year -> municipality -> people aged 0-22
    statuses: dict[int, str]


def _fetch_population(
    cbs: _Cbs, years: list[int], progress: Callable[[str], None]
) -> _Population:
    """People aged 0-22 per municipality; NA when any single age is missing (no partial sums)."""
    table = POPULATION_TABLE
    progress(f"Ophalen: bevolking per gemeente (tabel {table}).")
    shape = cbs.structure(table)
    topics = [
        p["Key"] for p in shape.topics()
        if str(p.get("Title", "")).strip().startswith(POPULATION_TOPIC)
    ]
    if len(topics) != 1:
        raise _problem(table, f"we vinden niet precies één cijfer '{POPULATION_TOPIC}'.")
    topic = topics[0]
    if shape.time is None:
        raise _problem(table, "de kolom met perioden ontbreekt.")
    available = _years(cbs, table, shape.time)

    age_dim, age_keys = None, {}
    fixed: dict[str, str] = {}
    for dim in shape.others:
        items = cbs.items(table, dim)
        ages = {}
        for key, title, _ in items:
            match = _AGE_TITLE.fullmatch(title)
            if match and int(match.group(1)) in AGES:
                ages[key] = int(match.group(1))
        if ages and age_dim is None:
            if sorted(ages.values()) != list(AGES):
                raise _problem(table, "niet elke leeftijd van 0 tot en met 22 jaar staat erin.")
            age_dim, age_keys = dim, ages
        else:
            fixed[dim] = _total_key(table, dim, items)
    if age_dim is None:
        raise _problem(table, "we vinden de kolom met leeftijden ('0 jaar', '1 jaar', ...) niet.")

    per_gm: dict[int, dict[str, float | NAType]] = {}
    statuses: dict[int, str] = {}
    for year in years:
        if year not in available:
            progress(f"De bevolking van {year} staat (nog) niet in tabel {table}; overgeslagen.")
            continue
        period, statuses[year] = available[year]
        progress(f"Ophalen: bevolking {year} (tabel {table}).")
        query = [f"{shape.time} eq {_quote(period)}", f"startswith({shape.geo},'GM')"]
        query += [f"{dim} eq {_quote(key)}" for dim, key in fixed.items()]
        query.append(_any_of(age_dim, age_keys))
        select = [shape.geo, shape.time, *fixed, age_dim, topic]
        rows = cbs.rows(table, "TypedDataSet", filter=" and ".join(query), select=",".join(select))
        cells: dict[str, dict[int, float | NAType]] = {}
        for row in rows:
            gm = _text(table, row, shape.geo).strip()
            age = age_keys.get(_text(table, row, age_dim))
            if not gm.startswith("GM") or age is None or _column(table, row, shape.time) != period:
                continue
            if any(_column(table, row, dim) != key for dim, key in fixed.items()):
                continue
            if age in cells.setdefault(gm, {}):
                raise _problem(table, f"{gm}, {age} jaar, {year} staat er twee keer in.")
            cells[gm][age] = _number(table, _column(table, row, topic))
        per_gm[year] = {gm: _sum_all([by_age.get(a, pd.NA) for a in AGES])
                        for gm, by_age in cells.items()}
    return _Population(per_gm, statuses)


def _sum_all(values: list[float | NAType]) -> float | NAType:
    """The sum, or NA as soon as one part is missing: a partial sum would look too low."""
    if any(v is pd.NA for v in values):
        return pd.NA
    return float(sum(values))


# --------------------------------------------------------------------------- output


def _format(value: float | NAType) -> str:
    if value is pd.NA:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _record(code: str, name: str, year: int, indicator: str, value: float | NAType,
            status: str, kind: str, table: str, source: str) -> dict[str, str]:
    return {
        "regio_code": code, "regio_naam": name, "regio_type": "JZ", "periode": str(year),
        "periode_type": "jaar", "indicator": indicator, "waarde": _format(value),
        "eenheid": UNIT, "leeftijd": AGE_RANGE, "status": status,
        "waarde_type": "onderdrukt" if value is pd.NA else kind,
        "bron_tabel": table, "bron": source,
    }


def _figures(care: _Care, population: _Population, mappings: dict[int, _Mapping],
             base_url: str) -> pd.DataFrame:
    records = []
    care_source = f"{base_url}/{CARE_TABLE}/"
    for (code, year, indicator), value in care.values.items():
        records.append(_record(code, care.names[code], year, indicator, value,
                               care.statuses[year], "exact", CARE_TABLE, care_source))
    for year, mapping in mappings.items():
        if year not in population.per_gm:
            continue
        totals = population.per_gm[year]
        members: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        for gm, _gm_name, jz, jz_name in mapping.rows:
            members.setdefault(jz, []).append(gm)
            names.setdefault(jz, jz_name)
        source = f"{base_url}/{POPULATION_TABLE}/ (opgeteld per jeugdregio met {mapping.table})"
        for jz, gms in members.items():
            value = _sum_all([totals.get(gm, pd.NA) for gm in gms])
            records.append(_record(jz, care.names.get(jz, names[jz]), year, POPULATION_INDICATOR,
                                   value, population.statuses[year], "afgeleid",
                                   POPULATION_TABLE, source))
    order = {name: i for i, name in enumerate([*CARE_FORMS.values(), POPULATION_INDICATOR])}
    records.sort(key=lambda r: (order[r["indicator"]], r["regio_code"], r["periode"]))
    return pd.DataFrame.from_records(records, columns=list(COLUMNS))


def _mapping_frame(mappings: dict[int, _Mapping]) -> pd.DataFrame:
    records = [
        {"jaar": str(year), "gm_code": gm, "gm_naam": gm_name, "jz_code": jz,
         "jz_naam": jz_name, "bron_tabel": mapping.table}
        for year, mapping in sorted(mappings.items())
        for gm, gm_name, jz, jz_name in mapping.rows
    ]
    return pd.DataFrame.from_records(records, columns=list(MAPPING_COLUMNS))


def _validate(figures: pd.DataFrame, mapping: pd.DataFrame, care: _Care,
              key_regions: set[str] | None) -> None:
    """Last check before writing: columns, no double rows, every key region in every year."""
    if tuple(figures.columns) != COLUMNS or tuple(mapping.columns) != MAPPING_COLUMNS:
        raise RefreshError(f"De kolommen van de nieuwe bestanden kloppen niet. {_KEPT}")
    if figures.duplicated(["regio_code", "periode", "indicator"]).any():
        raise RefreshError(f"In de nieuwe cijfers staat een regel twee keer. {_KEPT}")
    if mapping.duplicated(["jaar", "gm_code"]).any():
        raise RefreshError(f"In de nieuwe indeling staat een gemeente twee keer. {_KEPT}")
    from ztmo.figures import validate_rows  # the very checks the app applies when loading

    faults = validate_rows(figures.fillna("").astype(str).to_dict("records"))[1]
    if faults:
        raise RefreshError(f"De nieuwe cijfers kloppen niet ({faults[0].text()}). {_KEPT}")
    care_rows = figures[figures["bron_tabel"] == CARE_TABLE]
    for year in care.years:
        present = set(care_rows.loc[care_rows["periode"] == str(year), "regio_code"])
        absent = sorted((key_regions or set()) - present)
        if absent:
            raise RefreshError(
                f"In de cijfers van het CBS (tabel {CARE_TABLE}) voor {year} ontbreken de "
                f"jeugdregio's {', '.join(absent)}. {_KEPT}"
            )


def _key_regions(data_dir: Path) -> set[str] | None:
    """The 42 current region codes, when the data directory has them (else only CBS's list)."""
    if not (data_dir / "regions" / "jeugdregios.csv").is_file():
        return None
    from ztmo.regions import load_regions  # local import: only needed here

    return {region.code for region in load_regions(data_dir)}


def _csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def _write_atomically(files: dict[Path, str]) -> None:
    """Write every file to a temp file next to it, then os.replace: never a half file."""
    temps: list[tuple[Path, Path]] = []
    where = next(iter(files)).parent
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            temps.append((Path(name), path))
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(name, 0o644)
        for temp, path in temps:
            os.replace(temp, path)
    except OSError as exc:
        raise RefreshError(
            f"De nieuwe cijfers konden niet worden opgeslagen in {where} "
            f"({exc.strerror or exc}). {_KEPT}"
        ) from exc
    finally:
        for temp, _ in temps:
            temp.unlink(missing_ok=True)


# --------------------------------------------------------------------------- entry point


def refresh(
    data_dir: Path,
    years: Iterable[int] | None = None,
    opener: Callable[[str], bytes] | None = None,
    base_url: str = BASE_URL,
    progress: Callable[[str], None] | None = None,
    *,
    page_size: int = PAGE_SIZE,
) -> RefreshReport:
    """Download, check and write the CBS figures; all or nothing.

    `years` defaults to every whole year in 85100NED. Population is only added for
    years in MAPPING_TABLES (the official division of that year). Raises
    RefreshError with a Dutch message when anything fails; files stay untouched then.
    """
    say = progress or (lambda _message: None)
    wanted = None if years is None else sorted({int(y) for y in years})
    if wanted == []:
        raise RefreshError(f"Kies minstens één jaar om te vernieuwen. {_KEPT}")
    data_dir = Path(data_dir)
    key_regions = _key_regions(data_dir)
    base = base_url.rstrip("/")
    cbs = _Cbs(_FirstCallWatch(opener or default_opener), base, page_size)

    care = _fetch_care(cbs, wanted, say)
    population_years = [y for y in care.years if y in MAPPING_TABLES]
    for year in care.years:
        if year not in MAPPING_TABLES:
            say(f"Voor {year} kennen we geen officiële indeling van gemeenten in jeugdregio's. "
                f"De bevolking van {year} slaan we daarom over.")
    population = _fetch_population(cbs, population_years, say) if population_years else (
        _Population({}, {})
    )
    mappings = {
        year: _fetch_mapping(cbs, year, MAPPING_TABLES[year], say)
        for year in population_years if year in population.per_gm
    }

    figures = _figures(care, population, mappings, base)
    mapping = _mapping_frame(mappings)
    _validate(figures, mapping, care, key_regions)

    target = data_dir / FIGURES_DIR
    paths = (target / FIGURES_FILE, target / MAPPING_FILE)
    _write_atomically({paths[0]: _csv(figures), paths[1]: _csv(mapping)})
    missing = int((figures["waarde"] == "").sum())
    say(f"Klaar: {len(figures)} regels opgeslagen in {paths[0]}.")
    return RefreshReport(
        rows=len(figures),
        years=care.years,
        regions=len({code for code, _year, _ind in care.values}),
        missing=missing,
        paths=paths,
        population_years=tuple(sorted(mappings)),
    )
