"""Tests for ztmo.regions, the committed region files and scripts/derive_data.py."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ztmo import paths, regions
from ztmo.errors import DataFileError, UnknownRegion
from ztmo.regions import get_region, load_regions, region_names, suggest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
SHARED = REPO.parent / "shared"
SOURCE = SHARED / "data" / "jeugdregios" / "regions"
needs_shared = pytest.mark.skipif(
    not SOURCE.is_dir(),
    reason=f"source data {SOURCE} not available (only on the build machine)",
)


# ------------------------------------------------------------------ content


def test_exactly_42_regions_sorted_by_code() -> None:
    result = load_regions()
    codes = [r.code for r in result]
    assert len(result) == 42
    assert codes == sorted(codes)
    assert len(set(codes)) == 42
    assert "JZ40" not in codes
    assert codes[0] == "JZ01" and codes[-1] == "JZ43"


def test_every_municipality_exactly_once() -> None:
    codes = [m.code for r in load_regions() for m in r.municipalities]
    assert len(codes) == 342
    assert len(set(codes)) == 342


def test_mapping_is_flagged_as_derived() -> None:
    assert all(m.derived for r in load_regions() for m in r.municipalities)
    assert all(r.derived for r in load_regions())


def test_spot_checks_match_cbs() -> None:
    """The 8 municipalities checked against CBS 84721NED (see PROVENANCE.md)."""
    where = {m.name: r.code for r in load_regions() for m in r.municipalities}
    expected = {
        "Amsterdam": "JZ13",
        "Arnhem": "JZ28",
        "Assen": "JZ04",
        "'s-Gravenhage": "JZ24",
        "Groningen": "JZ01",
        "Haarlem": "JZ11",
        "'s-Hertogenbosch": "JZ33",
        "Leeuwarden": "JZ02",
    }
    assert {name: where[name] for name in expected} == expected


@needs_shared
def test_region_sizes_equal_source_counts() -> None:
    with (SOURCE / "jeugdregios_2025.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    source = {row["jz_code"]: int(row["n_gemeenten_afgeleid"]) for row in rows}
    assert {r.code: len(r.municipalities) for r in load_regions()} == source


def test_load_is_cached() -> None:
    assert load_regions() is load_regions()
    assert load_regions(DATA) is load_regions()


def test_data_dir_env_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(paths.ENV_VAR, raising=False)
    assert paths.data_dir() == DATA
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path))
    assert paths.data_dir() == tmp_path.resolve()
    with pytest.raises(DataFileError, match="ontbreekt"):
        load_regions()


def test_region_names_in_code_order() -> None:
    names = region_names()
    assert len(names) == 42
    assert names[0] == "Groningen"
    assert names[12] == "Amsterdam-Amstelland"


# ------------------------------------------------------------------ lookup


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("JZ13", "JZ13"),
        ("jz13", "JZ13"),
        (" jz 13 ", "JZ13"),
        ("13", "JZ13"),
        ("1", "JZ01"),
        ("Amsterdam-Amstelland", "JZ13"),
        ("amsterdam amstelland", "JZ13"),
        ("AMSTERDAM-AMSTELLAND", "JZ13"),
        ("Friesland (Fryslân)", "JZ02"),
        ("friesland fryslan", "JZ02"),
        ("Friesland", "JZ02"),
        ("Fryslân", "JZ02"),
        ("fryslan", "JZ02"),
        ("West Friesland", "JZ05"),
        ("Westfriesland", "JZ05"),
        ("Gooi & Vechtstreek", "JZ16"),
        ("Gooi en Vechtstreek", "JZ16"),
        ("Hart van Brabant", "JZ35"),
        ("Midden-Brabant", "JZ35"),
        ("Midden-Brabant (Hart van Brabant)", "JZ35"),
        ("IJmond", "JZ10"),
        ("ijmond (midden kennemerland)", "JZ10"),
        ("Noord-Kennemerland", "JZ06"),
        ("Midden IJssel / Oost Veluwe", "JZ17"),
        ("midden ijssel oost veluwe", "JZ17"),
        ("Zuid Limburg", "JZ41"),
    ],
)
def test_get_region(query: str, code: str) -> None:
    assert get_region(query).code == code


def test_get_region_returns_full_region() -> None:
    region = get_region("Utrecht Stad")
    assert region.name == "Utrecht Stad"
    assert [m.name for m in region.municipalities] == ["Utrecht"]


@pytest.mark.parametrize("query", ["", "   ", "--", " (  ) "])
def test_empty_query_has_no_suggestions(query: str) -> None:
    with pytest.raises(UnknownRegion) as info:
        get_region(query)
    assert info.value.suggestions == []


@pytest.mark.parametrize("query", ["JZ40", "JZ44", "40", "JZ00"])
def test_unknown_code(query: str) -> None:
    with pytest.raises(UnknownRegion) as info:
        get_region(query)
    assert info.value.given == query


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Amsterdm", "Amsterdam-Amstelland"),
        ("Twentee", "Twente"),
        ("Groningn", "Groningen"),
        ("Hart van Brabnt", "Midden-Brabant (Hart van Brabant)"),
        ("Zeland", "Zeeland"),
        ("Utrecht", "Utrecht Stad"),  # municipality Utrecht lies in Utrecht Stad
        ("Eindhoven", "Zuidoost-Brabant"),  # a municipality suggests its region
        ("Den Haag", "Haaglanden"),
        ("Rotterdam", "Rijnmond"),
    ],
)
def test_typos_give_suggestions(query: str, first: str) -> None:
    with pytest.raises(UnknownRegion) as info:
        get_region(query)
    assert info.value.suggestions[0] == first
    assert len(info.value.suggestions) <= 3
    assert first in str(info.value)
    assert suggest(query)[0] == first


def test_suggest_limits_and_nonsense() -> None:
    assert len(suggest("Brabant")) == 3
    assert all("Brabant" in name for name in suggest("Brabant", n=5))
    assert suggest("Brabant", n=1) == ["Noordoost Brabant"]
    assert suggest("qqqqxxzz") == []
    assert suggest("") == []
    assert "Amsterdam-Amstelland" not in suggest("Rotterdam")


# ------------------------------------------------------------------ broken files


Edit = Callable[[list[list[str]]], None]


def _broken(tmp_path: Path, name: str, edit: Edit) -> Path:
    """Copy the committed data to tmp_path, apply `edit` to one file's rows."""
    shutil.copytree(DATA / "regions", tmp_path / "regions")
    target = tmp_path / "regions" / name
    with target.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    edit(rows)
    with target.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return tmp_path


def _drop_column(column: str) -> Edit:
    def edit(rows: list[list[str]]) -> None:
        i = rows[0].index(column)
        for row in rows:
            del row[i]

    return edit


def _set(row: int, column: str, value: str) -> Edit:
    """Set a cell; `row` is the 1-based data row (the header is row 0)."""

    def edit(rows: list[list[str]]) -> None:
        rows[row][rows[0].index(column)] = value

    return edit


@pytest.mark.parametrize(
    ("name", "edit", "where", "column"),
    [
        ("jeugdregios.csv", _drop_column("naam"), "kopregel", "naam"),
        ("gemeenten.csv", _drop_column("jz_code"), "kopregel", "jz_code"),
        ("jeugdregios.csv", _set(5, "code", "JZ04"), "rij 5", "code"),
        ("jeugdregios.csv", _set(7, "naam", "  "), "rij 7", "naam"),
        ("jeugdregios.csv", _set(3, "code", "Z03"), "rij 3", "code"),
        ("jeugdregios.csv", _set(2, "n_gemeenten", "veel"), "rij 2", "n_gemeenten"),
        ("jeugdregios.csv", _set(2, "n_gemeenten", "17"), "rij 2", "n_gemeenten"),
        ("gemeenten.csv", _set(12, "jz_code", "JZ40"), "rij 12", "jz_code"),
        ("gemeenten.csv", _set(9, "gm_code", "GM0014"), "rij 9", "gm_code"),
        ("gemeenten.csv", _set(4, "gm_naam", ""), "rij 4", "gm_naam"),
        ("gemeenten.csv", _set(4, "afgeleid", "misschien"), "rij 4", "afgeleid"),
    ],
)
def test_broken_file_names_file_row_and_column(
    tmp_path: Path,
    name: str,
    edit: Edit,
    where: str,
    column: str,
) -> None:
    directory = _broken(tmp_path, name, edit)
    with pytest.raises(DataFileError) as info:
        load_regions(directory)
    message = str(info.value)
    expected_file = "jeugdregios.csv" if column == "n_gemeenten" else name
    assert expected_file in message
    assert where in message
    assert f"kolom '{column}'" in message


def test_wrong_number_of_regions(tmp_path: Path) -> None:
    directory = _broken(tmp_path, "jeugdregios.csv", lambda rows: rows.pop())
    with pytest.raises(DataFileError, match="41 regio's, verwacht precies 42"):
        load_regions(directory)


def test_missing_file(tmp_path: Path) -> None:
    shutil.copytree(DATA / "regions", tmp_path / "regions")
    (tmp_path / "regions" / "gemeenten.csv").unlink()
    with pytest.raises(DataFileError, match=r"gemeenten\.csv ontbreekt"):
        load_regions(tmp_path)


def test_lookup_on_other_data_dir(tmp_path: Path) -> None:
    shutil.copytree(DATA / "regions", tmp_path / "regions")
    assert get_region("Twente", path=tmp_path).code == "JZ14"
    regions.clear_cache()
    assert load_regions(tmp_path) == load_regions()


# ------------------------------------------------------------------ derive script


def _derive(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    script = REPO / "scripts" / "derive_data.py"
    return subprocess.run(
        [sys.executable, str(script), "--out", str(out), *extra],
        capture_output=True,
        text=True,
        check=False,
    )


@needs_shared
def test_derive_is_deterministic_and_matches_committed(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        result = _derive(out, "--shared", str(SHARED))
        assert result.returncode == 0, result.stderr
    names = ("regions/jeugdregios.csv", "regions/gemeenten.csv", "figures/cijfers.csv",
             "regions/geo/jeugdregio_2025.topojson", "regions/geo/gemeente_2025.topojson")
    for name in names:
        data = (first / name).read_bytes()
        assert data == (second / name).read_bytes()
        assert data == (DATA / name).read_bytes(), f"{name} is stale"


def test_derive_fails_clearly_without_sources(tmp_path: Path) -> None:
    result = _derive(tmp_path / "out", "--shared", str(tmp_path / "nergens"))
    assert result.returncode == 1
    assert "Bronbestand ontbreekt" in result.stderr
    assert not (tmp_path / "out").exists()
