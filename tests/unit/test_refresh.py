"""Tests for ztmo.refresh, against an invented CBS OData server in memory (never the network).

Every table here is a FIXTURE: the keys, names and numbers are invented. They copy only the
*shape* of CBS OData v3 answers ({"odata.metadata": ..., "value": [...], "odata.nextLink":
...}), so none of the numbers is a real CBS figure. The opener is the only I/O boundary.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import pandas as pd
import pytest

from ztmo import refresh as R
from ztmo.errors import ZtmoError

BASE = R.BASE_URL
REPO = Path(__file__).resolve().parents[2]

# --------------------------------------------------------------------------- fake server


class FixtureCbs:
    """An invented OData v3 server: serves fixture tables, pages them and records every URL.

    It ignores $filter on purpose (it returns more rows than asked), so the tests also
    prove that refresh keeps only the rows it asked for.
    """

    def __init__(self, tables, *, server_page=10_000, next_links=False, fail=None):
        self.tables = tables
        self.server_page = server_page
        self.next_links = next_links
        self.fail = fail  # fail(call_number, url): may raise, or return bytes to send instead
        self.urls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.urls.append(url)
        if self.fail is not None:
            replacement = self.fail(len(self.urls), url)
            if replacement is not None:
                return replacement
        assert url.startswith(BASE + "/"), url
        parts = urlsplit(url)
        table, entity = parts.path.rsplit("/", 2)[-2:]
        if entity not in self.tables.get(table, {}):
            raise HTTPError(url, 404, "Not Found", None, None)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        rows = self.tables[table][entity]
        skip = int(query.get("$skip", "0"))
        top = int(query.get("$top", str(self.server_page)))
        size = min(top, self.server_page)
        page = rows[skip : skip + size]
        if "$select" in query:
            keep = query["$select"].split(",")
            page = [{k: r[k] for k in keep if k in r} for r in page]
        body = {"odata.metadata": f"{BASE}/{table}/$metadata#Cbs.OData.WebAPI.{entity}",
                "value": page}
        if self.next_links and skip + size < len(rows):
            query["$skip"] = str(skip + size)
            body["odata.nextLink"] = f"{BASE}/{table}/{entity}?" + urlencode(query, safe="$',()")
        return json.dumps(body).encode("utf-8")

    def data_urls(self, table: str) -> list[str]:
        return [unquote(u) for u in self.urls if f"/{table}/TypedDataSet" in u]


# --------------------------------------------------------------------------- fixture tables

FIXTURE_REGIONS = {"JZ01": "Fixtureregio Noord", "JZ02": "Fixtureregio Midden",
                   "JZ03": "Fixtureregio Zuid"}
FIXTURE_PERSONS = [("P02", "Geslacht: jongens"), ("PT", "Totaal"), ("P05", "Leeftijd: 0 tot 4 jaar")]
# Opaque keys in a shuffled order: "JH 1221" comes before "JH 122" on purpose.
FIXTURE_CARE = [
    ("A900011", "JH 1221 Pleegzorg"),
    ("A900003", "JZ Totaal jeugdzorg"),
    ("A900017", "JH 122 Totaal jeugdhulp met verblijf"),
    ("A900004", "JH 12 Totaal jeugdhulp in natura"),
    ("A900025", "JH 1222 Gezinsgericht"),
    ("A900026", "JH 1223 Gesloten plaatsing"),
    ("A900027", "JH 1224 Ander verblijf bij jeugdhulpaanbieder"),
    ("A900031", "JH 121 Totaal jeugdhulp zonder verblijf"),
    ("A900032", "JH 1211 Uitgevoerd door wijkteam"),
    ("A900040", "JB 1 Totaal jeugdbescherming"),
    ("A900041", "JB 11 Totaal ondertoezichtstelling"),
]
FIXTURE_CARE_KEY = {
    "jhmv_totaal": "A900017", "jhmv_pleegzorg": "A900011", "jhmv_gezinsgericht": "A900025",
    "jhmv_gesloten": "A900026", "jhmv_ander_verblijf": "A900027", "jhzv_totaal": "A900031",
    "jb_totaal": "A900040",
}
FIXTURE_CARE_PERIODS = [("2023JJ00", "Definitief"), ("2024HJ01", "Nader voorlopig"),
                        ("2024JJ00", "Nader voorlopig"), ("2025HJ01", "Voorlopig"),
                        ("2025JJ00", "Voorlopig")]
FIXTURE_OTHER_GEO = [("NL01  ", "Nederland"), ("PV20  ", "Fixtureprovincie (PV)"),
                     ("GM9001", "Fixtureveen")]


def fixture_care_value(region: str, period: str, care: str, person: str) -> int:
    """Invented count, unique per cell and a multiple of 5 like CBS's rounding."""
    ri = int(region[2:])
    ci = [k for k, _ in FIXTURE_CARE].index(care)
    pi = [k for k, _ in FIXTURE_PERSONS].index(person)
    yi = [k for k, _ in FIXTURE_CARE_PERIODS].index(period)
    return 5 * (ri * 10_000 + ci * 100 + pi * 10 + yi)


def fixture_care_tables(regions=FIXTURE_REGIONS, overrides=None, drop=(), care=FIXTURE_CARE,
                        extra_topic=False):
    """Invented 85100NED: a full cube over all dimensions, like a CBS TypedDataSet."""
    overrides = overrides or {}
    props = [
        {"ID": 0, "ParentID": None, "Type": "Dimension", "Key": "Persoonskenmerken",
         "Title": "Persoonskenmerken"},
        {"ID": 1, "ParentID": None, "Type": "Dimension", "Key": "SoortJeugdzorg",
         "Title": "Soort jeugdzorg"},
        {"ID": 2, "ParentID": None, "Type": "GeoDimension", "Key": "RegioS", "Title": "Regio's"},
        {"ID": 3, "ParentID": None, "Type": "TimeDimension", "Key": "Perioden",
         "Title": "Perioden"},
        {"ID": 4, "ParentID": None, "Type": "Topic", "Key": "JongerenMetJeugdzorg_1",
         "Title": "Jongeren met jeugdzorg"},
    ]
    if extra_topic:
        props.append({"ID": 5, "ParentID": None, "Type": "Topic", "Key": "Fixture_2",
                      "Title": "Nog een cijfer"})
    geo = [(f"{code}  ", f"{name} (JZ)") for code, name in regions.items()] + FIXTURE_OTHER_GEO
    cube = []
    for geo_key, _ in geo:
        for period, _ in FIXTURE_CARE_PERIODS:
            for person, _ in FIXTURE_PERSONS:
                for care_key, _ in care:
                    code = geo_key.strip()
                    cell = (code, period, care_key, person)
                    if cell in drop:
                        continue
                    value = (fixture_care_value(code, period, care_key, person)
                             if code.startswith("JZ") else 5)
                    row = {"ID": len(cube), "Persoonskenmerken": person, "SoortJeugdzorg": care_key,
                           "RegioS": geo_key, "Perioden": period,
                           "JongerenMetJeugdzorg_1": overrides.get(cell, value)}
                    if extra_topic:
                        row["Fixture_2"] = 1
                    cube.append(row)
    return {
        "DataProperties": props,
        "Persoonskenmerken": [{"Key": k, "Title": t, "Description": ""} for k, t in FIXTURE_PERSONS],
        "SoortJeugdzorg": [{"Key": k, "Title": t, "Description": ""} for k, t in care],
        "RegioS": [{"Key": k, "Title": t, "Description": ""} for k, t in geo],
        "Perioden": [{"Key": k, "Title": k[:4], "Description": "", "Status": s}
                     for k, s in FIXTURE_CARE_PERIODS],
        "TypedDataSet": cube,
    }


FIXTURE_SEXES = [("3000", "Mannen"), ("T001038", "Totaal mannen en vrouwen"), ("4000", "Vrouwen")]
FIXTURE_MARITAL = [("1010", "Ongehuwd"), ("T001019", "Totaal burgerlijke staat")]
FIXTURE_AGES = ([("10000", "Totaal"), ("22000", "0 tot 5 jaar")]
                + [(str(10100 + age), f"{age} jaar") for age in range(26)]
                + [("22200", "105 jaar of ouder")])
FIXTURE_POP_PERIODS = [("2023JJ00", "Definitief"), ("2024JJ00", "Definitief"),
                       ("2025JJ00", "Voorlopig")]


def fixture_people(gm: str, age: int, year: int) -> int:
    """Invented number of people of one age in one municipality on 1 January."""
    return 10 + (int(gm[2:]) % 100) * 3 + age + (year - 2020)


def fixture_population_tables(municipalities, overrides=None):
    """Invented 03759ned; `overrides` maps (gm, age, year) to a value such as None or '.'."""
    overrides = overrides or {}
    props = [
        {"ID": 0, "ParentID": None, "Type": "Dimension", "Key": "Geslacht", "Title": "Geslacht"},
        {"ID": 1, "ParentID": None, "Type": "Dimension", "Key": "Leeftijd", "Title": "Leeftijd"},
        {"ID": 2, "ParentID": None, "Type": "Dimension", "Key": "BurgerlijkeStaat",
         "Title": "Burgerlijke staat"},
        {"ID": 3, "ParentID": None, "Type": "GeoDimension", "Key": "RegioS", "Title": "Regio's"},
        {"ID": 4, "ParentID": None, "Type": "TimeDimension", "Key": "Perioden",
         "Title": "Perioden"},
        {"ID": 5, "ParentID": None, "Type": "Topic", "Key": "BevolkingOp1Januari_1",
         "Title": "Bevolking op 1 januari"},
        {"ID": 6, "ParentID": None, "Type": "Topic", "Key": "GemiddeldeBevolking_2",
         "Title": "Gemiddelde bevolking"},
    ]
    geo = [(gm, f"Fixturegemeente {gm}") for gm in municipalities] + [("NL01  ", "Nederland")]
    cube = []
    for sex, _ in FIXTURE_SEXES:
        for age_key, age_title in FIXTURE_AGES:
            for marital, _ in FIXTURE_MARITAL:
                for gm, _ in geo:
                    for period, _ in FIXTURE_POP_PERIODS:
                        year = int(period[:4])
                        single = age_title.endswith(" jaar") and age_title.split()[0].isdigit()
                        totals = sex == "T001038" and marital == "T001019"
                        value = 1  # any other combination: a number that must not be used
                        if single and totals and gm.startswith("GM"):
                            age = int(age_title.split()[0])
                            value = overrides.get((gm, age, year), fixture_people(gm, age, year))
                        cube.append({"ID": len(cube), "Geslacht": sex, "Leeftijd": age_key,
                                     "BurgerlijkeStaat": marital, "RegioS": gm, "Perioden": period,
                                     "BevolkingOp1Januari_1": value,
                                     "GemiddeldeBevolking_2": 99_999})
    return {
        "DataProperties": props,
        "Geslacht": [{"Key": k, "Title": t} for k, t in FIXTURE_SEXES],
        "Leeftijd": [{"Key": k, "Title": t} for k, t in FIXTURE_AGES],
        "BurgerlijkeStaat": [{"Key": k, "Title": t} for k, t in FIXTURE_MARITAL],
        "RegioS": [{"Key": k, "Title": t} for k, t in geo],
        "Perioden": [{"Key": k, "Title": k[:4], "Status": s} for k, s in FIXTURE_POP_PERIODS],
        "TypedDataSet": cube,
    }


def fixture_mapping_table(entries):
    """Invented 'Gebieden in Nederland': entries are (gm, gm name, jz, jz name)."""
    props = [
        {"ID": 0, "ParentID": None, "Type": "GeoDimension", "Key": "RegioS", "Title": "Regio's"},
        {"ID": 1, "ParentID": None, "Type": "TopicGroup", "Key": "", "Title": "Gemeenten"},
        {"ID": 2, "ParentID": 1, "Type": "Topic", "Key": "Code_1", "Title": "Code"},
        {"ID": 3, "ParentID": 1, "Type": "Topic", "Key": "Naam_2", "Title": "Naam"},
        {"ID": 4, "ParentID": None, "Type": "TopicGroup", "Key": "", "Title": "GGD-regio"},
        {"ID": 5, "ParentID": 4, "Type": "Topic", "Key": "Code_3", "Title": "Code"},
        {"ID": 6, "ParentID": 4, "Type": "Topic", "Key": "Naam_4", "Title": "Naam"},
        {"ID": 7, "ParentID": None, "Type": "TopicGroup", "Key": "", "Title": "Jeugdregio"},
        {"ID": 8, "ParentID": 7, "Type": "Topic", "Key": "Code_5", "Title": "Code"},
        {"ID": 9, "ParentID": 7, "Type": "Topic", "Key": "Naam_6", "Title": "Naam"},
        {"ID": 10, "ParentID": None, "Type": "Topic", "Key": "Inwonertal_7",
         "Title": "Inwonertal"},
    ]
    rows = [
        {"ID": i, "RegioS": gm, "Code_1": gm.ljust(10), "Naam_2": name.ljust(40),
         "Code_3": "GG9999    ", "Naam_4": "Fixture-GGD".ljust(40), "Code_5": jz.ljust(10),
         "Naam_6": jz_name.ljust(40), "Inwonertal_7": 12_345}
        for i, (gm, name, jz, jz_name) in enumerate(entries)
    ]
    return {
        "DataProperties": props,
        "RegioS": [{"Key": gm, "Title": name} for gm, name, _, _ in entries],
        "TypedDataSet": rows,
    }


# 2023 and 2025 differ on purpose: GM9002 moves from JZ01 to JZ02, and GM9004 merges into
# the new GM9005 (which has no people in 2023, and GM9004 none in 2025).
FIXTURE_MAP_2023 = [
    ("GM9001", "Fixtureveen", "JZ01", "Fixtureregio Noord"),
    ("GM9002", "Fixturedam", "JZ01", "Fixtureregio Noord"),
    ("GM9003", "Fixturedorp", "JZ02", "Fixtureregio Midden"),
    ("GM9004", "Oud-Fixture", "JZ03", "Fixtureregio Zuid"),
]
FIXTURE_MAP_2025 = [
    ("GM9001", "Fixtureveen", "JZ01", "Fixtureregio Noord"),
    ("GM9002", "Fixturedam", "JZ02", "Fixtureregio Midden"),
    ("GM9003", "Fixturedorp", "JZ02", "Fixtureregio Midden"),
    ("GM9005", "Nieuw-Fixture", "JZ03", "Fixtureregio Zuid"),
]
FIXTURE_GONE = {("GM9005", a, 2023): None for a in range(26)} | {
    ("GM9004", a, 2025): None for a in range(26)
}


def fixture_tables(care=None, population_overrides=None):
    return {
        "85100NED": care or fixture_care_tables(),
        "03759ned": fixture_population_tables(
            ["GM9001", "GM9002", "GM9003", "GM9004", "GM9005"],
            FIXTURE_GONE | (population_overrides or {}),
        ),
        "85385NED": fixture_mapping_table(FIXTURE_MAP_2023),
        "86059NED": fixture_mapping_table(FIXTURE_MAP_2025),
    }


# --------------------------------------------------------------------------- helpers


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def pick(rows, **match) -> list[dict[str, str]]:
    return [r for r in rows if all(r[k] == v for k, v in match.items())]


def one(rows, **match) -> dict[str, str]:
    found = pick(rows, **match)
    assert len(found) == 1, (match, found)
    return found[0]


def expected_people(gms, year) -> int:
    return sum(fixture_people(gm, age, year) for gm in gms for age in range(23))


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


def existing_files(data_dir: Path) -> dict[Path, bytes]:
    """Put 'current' files in place, to prove a failed refresh leaves them alone."""
    figures = data_dir / "figures"
    figures.mkdir(parents=True)
    files = {figures / R.FIGURES_FILE: b"regio_code,waarde\nJZ01,oude cijfers\n",
             figures / R.MAPPING_FILE: b"jaar,gm_code\n2023,GM0000\n"}
    for path, content in files.items():
        path.write_bytes(content)
    return files


def assert_untouched(data_dir: Path, files: dict[Path, bytes]) -> None:
    for path, content in files.items():
        assert path.read_bytes() == content
    assert sorted(p.name for p in (data_dir / "figures").iterdir()) == sorted(
        p.name for p in files
    )  # no temp files left behind


# --------------------------------------------------------------------------- parse_value


@pytest.mark.parametrize("raw", [None, ".", "", "   .  ", "x"])
def test_parse_value_marks_missing_as_na_never_zero(raw):
    assert R.parse_value(raw) is pd.NA


@pytest.mark.parametrize(("raw", "number"), [(0, 0.0), (35, 35.0), ("  1205 ", 1205.0),
                                             (12.5, 12.5), ("0", 0.0)])
def test_parse_value_keeps_numbers_as_they_are(raw, number):
    assert R.parse_value(raw) == number


@pytest.mark.parametrize("raw", ["abc", "-", True, [1]])
def test_parse_value_refuses_what_is_not_a_number(raw):
    with pytest.raises((TypeError, ValueError)):
        R.parse_value(raw)


# --------------------------------------------------------------------------- fetch_all


def letters_table(n: int) -> dict:
    return {"FIX01": {"Letters": [{"ID": i, "Key": f"K{i:02d}"} for i in range(n)]}}


def test_fetch_all_pages_with_top_and_skip():
    server = FixtureCbs(letters_table(8))
    rows = R.fetch_all(server, f"{BASE}/FIX01/Letters?$format=json", page_size=3)
    assert [r["ID"] for r in rows] == list(range(8))
    assert [parse_qs(urlsplit(u).query)["$skip"] for u in server.urls] == [["0"], ["3"], ["6"]]
    assert all(parse_qs(urlsplit(u).query)["$top"] == ["3"] for u in server.urls)


def test_fetch_all_asks_once_more_when_the_last_page_is_exactly_full():
    server = FixtureCbs(letters_table(6))
    rows = R.fetch_all(server, f"{BASE}/FIX01/Letters", page_size=3)
    assert [r["ID"] for r in rows] == list(range(6))
    assert len(server.urls) == 3  # the third page is empty: that is how we know it ended


def test_fetch_all_follows_next_link_from_the_server():
    server = FixtureCbs(letters_table(8), server_page=3, next_links=True)
    rows = R.fetch_all(server, f"{BASE}/FIX01/Letters?$format=json")  # page_size 10,000
    assert [r["ID"] for r in rows] == list(range(8))  # no row twice, none lost
    assert len(server.urls) == 3
    assert "$skip=3" in server.urls[1] and "$skip=6" in server.urls[2]


def test_fetch_all_stops_at_the_first_page_without_next_link_when_the_server_pages():
    server = FixtureCbs(letters_table(6), server_page=3, next_links=True)
    rows = R.fetch_all(server, f"{BASE}/FIX01/Letters", page_size=3)
    assert [r["ID"] for r in rows] == list(range(6))
    assert len(server.urls) == 2  # no extra empty page: no link means the end


def test_fetch_all_names_table_and_page_when_a_page_fails():
    def fail(call, url):
        if call == 2:
            raise URLError("connection reset")

    server = FixtureCbs(letters_table(8), fail=fail)
    with pytest.raises(R.RefreshError) as caught:
        R.fetch_all(server, f"{BASE}/FIX01/Letters", page_size=3)
    assert "tabel FIX01 (Letters), pagina 2" in str(caught.value)


# --------------------------------------------------------------------------- refresh: content


@pytest.fixture
def done(data_dir):
    """One refresh of the small fixture set: (report, figure rows, mapping rows, server)."""
    server = FixtureCbs(fixture_tables())
    messages: list[str] = []
    report = R.refresh(data_dir, opener=server, progress=messages.append, page_size=200)
    figures = read(data_dir / "figures" / R.FIGURES_FILE)
    mapping = read(data_dir / "figures" / R.MAPPING_FILE)
    return report, figures, mapping, server, messages


def test_output_columns_are_exactly_as_agreed(done, data_dir):
    header = (data_dir / "figures" / R.FIGURES_FILE).read_text(encoding="utf-8").splitlines()[0]
    assert header == ("regio_code,regio_naam,regio_type,periode,periode_type,indicator,waarde,"
                      "eenheid,leeftijd,status,waarde_type,bron_tabel,bron")
    header = (data_dir / "figures" / R.MAPPING_FILE).read_text(encoding="utf-8").splitlines()[0]
    assert header == "jaar,gm_code,gm_naam,jz_code,jz_naam,bron_tabel"


def test_default_years_are_all_whole_years_and_half_years_are_ignored(done):
    report, figures, *_ = done
    assert report.years == (2023, 2024, 2025)
    assert {r["periode"] for r in figures} == {"2023", "2024", "2025"}
    assert {r["periode_type"] for r in figures} == {"jaar"}


def test_care_counts_come_from_the_right_opaque_keys(done):
    """'JH 122' is the total with accommodation, not 'JH 1221' (foster care) listed before it."""
    _, figures, *_ = done
    for indicator, key in FIXTURE_CARE_KEY.items():
        row = one(figures, regio_code="JZ02", periode="2024", indicator=indicator)
        assert row["waarde"] == str(fixture_care_value("JZ02", "2024JJ00", key, "PT"))
    assert (one(figures, regio_code="JZ01", periode="2023", indicator="jhmv_totaal")["waarde"]
            != one(figures, regio_code="JZ01", periode="2023", indicator="jhmv_pleegzorg")["waarde"])


def test_care_rows_have_the_agreed_fields(done):
    report, figures, *_ = done
    row = one(figures, regio_code="JZ03", periode="2025", indicator="jb_totaal")
    assert row == {
        "regio_code": "JZ03", "regio_naam": "Fixtureregio Zuid", "regio_type": "JZ",
        "periode": "2025", "periode_type": "jaar", "indicator": "jb_totaal",
        "waarde": str(fixture_care_value("JZ03", "2025JJ00", "A900040", "PT")),
        "eenheid": "jongeren", "leeftijd": "0-22", "status": "voorlopig", "waarde_type": "exact",
        "bron_tabel": "85100NED", "bron": "https://opendata.cbs.nl/ODataApi/odata/85100NED/",
    }
    care = pick(figures, bron_tabel="85100NED")
    assert len(care) == 3 * 3 * 7  # regions x years x indicators, nothing from other regions
    assert report.regions == 3


def test_status_comes_from_the_period_and_is_lower_case(done):
    _, figures, *_ = done
    care = pick(figures, bron_tabel="85100NED")
    assert {r["status"] for r in pick(care, periode="2023")} == {"definitief"}
    assert {r["status"] for r in pick(care, periode="2024")} == {"nader voorlopig"}
    assert {r["status"] for r in pick(care, periode="2025")} == {"voorlopig"}


def test_the_server_is_asked_to_filter_and_select(done):
    *_, server, _ = done
    [url] = server.data_urls("85100NED")[:1]
    assert "$filter=startswith(RegioS,'JZ')" in url
    assert "Persoonskenmerken eq 'PT'" in url  # 'Totaal' found by its title
    assert "SoortJeugdzorg eq 'A900017'" in url and "SoortJeugdzorg eq 'A900004'" not in url
    assert "Perioden eq '2024JJ00'" in url and "2024HJ01" not in url
    assert "$select=RegioS,Perioden,Persoonskenmerken,SoortJeugdzorg,JongerenMetJeugdzorg_1" in url


def test_missing_values_stay_empty_and_are_never_zero(data_dir):
    care = fixture_care_tables(overrides={
        ("JZ01", "2024JJ00", "A900026", "PT"): None,
        ("JZ02", "2024JJ00", "A900026", "PT"): ".",
        ("JZ03", "2024JJ00", "A900026", "PT"): 0,
    })
    report = R.refresh(data_dir, opener=FixtureCbs(fixture_tables(care=care)))
    figures = read(data_dir / "figures" / R.FIGURES_FILE)
    for code in ("JZ01", "JZ02"):
        row = one(figures, regio_code=code, periode="2024", indicator="jhmv_gesloten")
        assert (row["waarde"], row["waarde_type"]) == ("", "onderdrukt")
    zero = one(figures, regio_code="JZ03", periode="2024", indicator="jhmv_gesloten")
    assert (zero["waarde"], zero["waarde_type"]) == ("0", "exact")  # a real 0 stays 0
    assert report.missing == sum(1 for r in figures if r["waarde"] == "") == 2


def test_population_is_summed_with_each_years_own_mapping(done):
    report, figures, *_ = done
    assert report.population_years == (2023, 2025)
    people = pick(figures, indicator="bevolking_0_22")
    expected = {
        ("JZ01", "2023"): expected_people(["GM9001", "GM9002"], 2023),
        ("JZ02", "2023"): expected_people(["GM9003"], 2023),
        ("JZ03", "2023"): expected_people(["GM9004"], 2023),
        ("JZ01", "2025"): expected_people(["GM9001"], 2025),
        ("JZ02", "2025"): expected_people(["GM9002", "GM9003"], 2025),
        ("JZ03", "2025"): expected_people(["GM9005"], 2025),
    }
    assert {(r["regio_code"], r["periode"]): int(r["waarde"]) for r in people} == expected
    row = one(people, regio_code="JZ02", periode="2025")
    assert row["waarde_type"] == "afgeleid" and row["status"] == "voorlopig"
    assert (row["bron_tabel"], row["eenheid"], row["leeftijd"]) == ("03759ned", "jongeren", "0-22")
    assert row["bron"] == ("https://opendata.cbs.nl/ODataApi/odata/03759ned/ "
                           "(opgeteld per jeugdregio met 86059NED)")
    assert one(people, regio_code="JZ01", periode="2023")["bron"].endswith("met 85385NED)")
    assert one(people, regio_code="JZ01", periode="2023")["status"] == "definitief"


def test_population_is_skipped_for_a_year_without_official_mapping(done):
    _, figures, _, server, messages = done
    assert not pick(figures, indicator="bevolking_0_22", periode="2024")
    assert any("2024" in m and "slaan we" in m for m in messages)
    assert not any("2024JJ00" in u for u in server.data_urls("03759ned"))


def test_mapping_per_year_is_written(done):
    _, _, mapping, *_ = done
    assert len(mapping) == 8
    assert one(mapping, jaar="2023", gm_code="GM9002") == {
        "jaar": "2023", "gm_code": "GM9002", "gm_naam": "Fixturedam", "jz_code": "JZ01",
        "jz_naam": "Fixtureregio Noord", "bron_tabel": "85385NED"}
    assert one(mapping, jaar="2025", gm_code="GM9002")["jz_code"] == "JZ02"
    assert one(mapping, jaar="2025", gm_code="GM9005")["bron_tabel"] == "86059NED"


def test_region_population_is_missing_when_one_municipality_value_is_missing(data_dir):
    tables = fixture_tables(population_overrides={("GM9002", 17, 2025): "."})
    R.refresh(data_dir, opener=FixtureCbs(tables), years=[2025])
    people = pick(read(data_dir / "figures" / R.FIGURES_FILE), indicator="bevolking_0_22")
    broken = one(people, regio_code="JZ02", periode="2025")
    assert broken["waarde"] == ""  # never the partial sum of the other ages and GM9003
    assert broken["waarde_type"] == "onderdrukt"
    assert one(people, regio_code="JZ01", periode="2025")["waarde"] == str(
        expected_people(["GM9001"], 2025))


def test_population_is_missing_when_a_mapped_municipality_has_no_figures(data_dir):
    tables = fixture_tables()
    # GM9003 is in the mapping but 03759ned has no rows for it at all.
    tables["03759ned"]["TypedDataSet"] = [
        r for r in tables["03759ned"]["TypedDataSet"] if r["RegioS"] != "GM9003"
    ]
    R.refresh(data_dir, opener=FixtureCbs(tables), years=[2023])
    people = pick(read(data_dir / "figures" / R.FIGURES_FILE), indicator="bevolking_0_22")
    assert one(people, regio_code="JZ02", periode="2023")["waarde"] == ""
    assert one(people, regio_code="JZ03", periode="2023")["waarde"] != ""


def test_rerunning_writes_the_same_bytes(data_dir):
    R.refresh(data_dir, opener=FixtureCbs(fixture_tables()), page_size=100)
    first = {p.name: p.read_bytes() for p in (data_dir / "figures").iterdir()}
    R.refresh(data_dir, opener=FixtureCbs(fixture_tables(), server_page=70, next_links=True))
    second = {p.name: p.read_bytes() for p in (data_dir / "figures").iterdir()}
    assert first == second
    assert set(first) == {R.FIGURES_FILE, R.MAPPING_FILE}
    assert b".0," not in first[R.FIGURES_FILE]  # whole numbers without '.0'


def test_report_paths_and_counts_match_the_files(done, data_dir):
    report, figures, *_ = done
    assert report.paths == (data_dir / "figures" / R.FIGURES_FILE,
                            data_dir / "figures" / R.MAPPING_FILE)
    assert report.rows == len(figures) == 3 * 3 * 7 + 3 * 2
    assert report.missing == 0


# --------------------------------------------------------------------------- all 42 regions


def real_region_codes() -> list[str]:
    with (REPO / "data" / "regions" / "jeugdregios.csv").open(encoding="utf-8") as fh:
        return [row["code"] for row in csv.DictReader(fh)]


def test_all_42_regions_at_realistic_size_over_many_pages(data_dir):
    codes = [f"JZ{n:02d}" for n in range(1, 44) if n != 40]
    assert codes == real_region_codes()  # the codes are real; everything else is invented
    shutil.copytree(REPO / "data" / "regions", data_dir / "regions")  # turns on the key check
    regions = {code: f"Testregio {code[2:]}" for code in codes}
    entries = [(f"GM{9100 + 2 * i + j}", f"Fixturegemeente {i}-{j}", code, regions[code])
               for i, code in enumerate(codes) for j in range(2)]
    gms = [gm for gm, *_ in entries]
    tables = {
        "85100NED": fixture_care_tables(regions=regions),
        "03759ned": fixture_population_tables(gms),
        "85385NED": fixture_mapping_table(entries),
        "86059NED": fixture_mapping_table(entries),
    }
    server = FixtureCbs(tables)
    report = R.refresh(data_dir, opener=server, years=[2023, 2025], page_size=1_000)
    assert len(server.data_urls("85100NED")) > 1  # really more than one page
    assert report.regions == 42 and report.years == (2023, 2025)
    figures = read(data_dir / "figures" / R.FIGURES_FILE)
    for year in ("2023", "2025"):
        for indicator in [*R.CARE_FORMS.values(), "bevolking_0_22"]:
            assert {r["regio_code"] for r in pick(figures, periode=year, indicator=indicator)} == (
                set(codes)), (year, indicator)
    row = one(figures, regio_code="JZ43", periode="2025", indicator="bevolking_0_22")
    assert row["waarde"] == str(expected_people(["GM9182", "GM9183"], 2025))
    assert report.rows == 2 * 42 * 8


def test_a_key_region_missing_at_cbs_stops_the_refresh(data_dir):
    shutil.copytree(REPO / "data" / "regions", data_dir / "regions")
    files = existing_files(data_dir)
    regions = {code: f"Testregio {code[2:]}" for code in real_region_codes() if code != "JZ43"}
    server = FixtureCbs({"85100NED": fixture_care_tables(regions=regions)})
    with pytest.raises(R.RefreshError) as caught:
        R.refresh(data_dir, opener=server, years=[2024])  # 2024: no population needed
    assert "JZ43" in str(caught.value)
    assert_untouched(data_dir, files)


# --------------------------------------------------------------------------- refresh: failures


def raising(exc: BaseException):
    """An opener action that fails the way urllib or the network would."""

    def act(url: str) -> bytes:
        raise exc

    return act


FAILURES = {
    "verbinding": (raising(URLError("connection reset")), "verbinding met het CBS lukte niet"),
    "http": (raising(HTTPError(f"{BASE}/85100NED", 503, "Busy", None, None)), "foutcode 503"),
    "timeout": (raising(TimeoutError("timed out")), "niet op tijd"),
    "html": (lambda url: b"<html>Onderhoud</html>", "geen geldige JSON"),
    "vorm": (lambda url: b'{"odata.metadata": "x"}', "onverwachte vorm"),
}


@pytest.mark.parametrize("kind", sorted(FAILURES))
def test_a_failed_second_page_raises_and_keeps_existing_files(data_dir, kind):
    files = existing_files(data_dir)
    action, words = FAILURES[kind]

    def fail(call, url):
        if "/85100NED/TypedDataSet" in url and "$skip=50&" in url + "&":
            return action(url)
        return None

    server = FixtureCbs(fixture_tables(), fail=fail)
    with pytest.raises(R.RefreshError) as caught:
        R.refresh(data_dir, opener=server, page_size=50)
    message = str(caught.value)
    assert "tabel 85100NED (TypedDataSet), pagina 2" in message
    assert words in message
    assert "de huidige cijfers blijven in gebruik" in message
    assert "internet" not in message  # the line worked for the earlier requests
    assert isinstance(caught.value, ZtmoError)
    assert_untouched(data_dir, files)


def test_offline_on_the_first_request_says_so_plainly(data_dir):
    files = existing_files(data_dir)

    offline = raising(URLError(OSError(101, "Network is unreachable")))
    server = FixtureCbs(fixture_tables(), fail=lambda call, url: offline(url))
    with pytest.raises(R.RefreshError) as caught:
        R.refresh(data_dir, opener=server)
    message = str(caught.value)
    assert "geen internetverbinding" in message
    assert "de huidige cijfers blijven in gebruik" in message
    assert len(server.urls) == 1  # gave up at once
    assert_untouched(data_dir, files)


def test_offline_without_existing_files_creates_nothing(data_dir):
    offline = raising(URLError("no route to host"))
    server = FixtureCbs({}, fail=lambda call, url: offline(url))
    with pytest.raises(R.RefreshError, match="internet"):
        R.refresh(data_dir, opener=server)
    assert not data_dir.exists()


def test_a_server_error_on_the_first_request_is_not_called_offline(data_dir):
    server = FixtureCbs({})  # answers 404 for every table
    with pytest.raises(R.RefreshError) as caught:
        R.refresh(data_dir, opener=server)
    assert "foutcode 404" in str(caught.value) and "internet" not in str(caught.value)


def test_an_incomplete_answer_is_refused(data_dir):
    files = existing_files(data_dir)
    care = fixture_care_tables(drop={("JZ02", "2024JJ00", "A900026", "PT")})
    with pytest.raises(R.RefreshError) as caught:
        R.refresh(data_dir, opener=FixtureCbs(fixture_tables(care=care)))
    assert "JZ02" in str(caught.value) and "2024" in str(caught.value)
    assert "jhmv_gesloten" in str(caught.value)
    assert_untouched(data_dir, files)


def test_a_kind_of_care_that_cannot_be_found_by_title_is_refused(data_dir):
    care_items = [(k, t) for k, t in FIXTURE_CARE if not t.startswith("JH 1224 ")]
    care = fixture_care_tables(care=care_items)
    with pytest.raises(R.RefreshError, match="JH 1224"):
        R.refresh(data_dir, opener=FixtureCbs(fixture_tables(care=care)))


def test_more_than_one_topic_is_refused(data_dir):
    care = fixture_care_tables(extra_topic=True)
    with pytest.raises(R.RefreshError, match="één soort cijfer"):
        R.refresh(data_dir, opener=FixtureCbs(fixture_tables(care=care)))


def test_a_year_that_cbs_does_not_have_is_refused(data_dir):
    with pytest.raises(R.RefreshError) as caught:
        R.refresh(data_dir, opener=FixtureCbs(fixture_tables()), years=[2030])
    assert "2030" in str(caught.value) and "2023, 2024, 2025" in str(caught.value)
    assert not data_dir.exists()


def test_an_unknown_period_status_is_refused(data_dir):
    care = fixture_care_tables()
    care["Perioden"][0]["Status"] = "Fixture-status"
    with pytest.raises(R.RefreshError, match="onbekende status"):
        R.refresh(data_dir, opener=FixtureCbs(fixture_tables(care=care)))


# --------------------------------------------------------------------------- default opener


def test_default_opener_sends_a_user_agent_and_a_timeout(monkeypatch):
    seen = {}

    def fake_urlopen(request, timeout):
        seen["agent"] = request.get_header("User-agent")
        seen["timeout"] = timeout
        seen["url"] = request.full_url
        return io.BytesIO(b'{"value": []}')

    monkeypatch.setattr(R.urllib.request, "urlopen", fake_urlopen)
    assert R.default_opener(f"{BASE}/FIX01/Letters") == b'{"value": []}'
    assert seen["agent"].startswith("ztmo/")
    assert 10 <= seen["timeout"] <= 60
    assert seen["url"] == f"{BASE}/FIX01/Letters"
