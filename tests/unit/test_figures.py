"""ztmo.figures: the committed figures against their sources, validation, derived values."""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ztmo import figures as fig
from ztmo.regions import load_regions

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
SOURCES = REPO.parent / "shared" / "data" / "jeugdzorg_cijfers"
needs_shared = pytest.mark.skipif(not SOURCES.is_dir(),
                                  reason=f"bronbestanden {SOURCES} niet aanwezig")


def committed() -> list[dict[str, str]]:
    with (DATA / "figures" / "cijfers.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def source(name: str) -> list[dict[str, str]]:
    with (SOURCES / name).open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def status_word(raw: str) -> str:
    raw = raw.strip()
    for word in ("nader voorlopig", "voorlopig", "definitief"):
        if raw.startswith(word):
            return word
    return "onbekend"


# ------------------------------------------------------------ recomputed from the sources


@needs_shared
def test_every_national_figure_is_a_source_row_and_none_is_lost():
    rows = {(r["periode"], r["indicator"]): r for r in committed() if r["regio_code"] == "NL01"
            and not r["indicator"].startswith("pct_")}
    wanted: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in source("nl_jeugdzorg_landelijk.csv"):
        indicator = "jhmv_pleegzorg" if r["indicator"] == "jhmv_pleeggezin" else r["indicator"]
        wanted.setdefault((r["periode"], indicator), []).append(r)
    assert set(wanted) <= set(rows)
    for key, candidates in wanted.items():
        out = rows[key]
        match = [c for c in candidates if float(c["waarde"]) == float(out["waarde"])
                 and status_word(c["status_cbs"]) == out["status"]
                 and c["waarde_type"] == out["waarde_type"]]
        assert match, f"{key}: {out['waarde']} {out['status']} niet in de bron"
    jhmv = {k[0]: float(v["waarde"]) for k, v in rows.items() if k[1] == "jhmv_totaal"}
    assert jhmv["2017"] == 46185 and jhmv["2019"] == 24130 + 18845


@needs_shared
def test_percentages_match_the_source_and_prefer_the_final_figure():
    out = {(r["regio_code"], r["periode"], r["indicator"]): r for r in committed()}
    columns = {"pct_jongeren_met_jeugdhulp_met_verblijf_in_natura": "pct_jhmv_van_jeugdhulp",
               "pct_jongeren_met_jeugdbescherming": "pct_jeugdbescherming"}
    checked = 0
    for r in source("cbs_indicatoren_jeugdzorg_extracts.csv"):
        if r["regio_type"] != "GM":
            continue
        for column, indicator in columns.items():
            row = out[(r["gm_code"], r["periode"], indicator)]
            if r[column] == "":
                assert row["waarde"] == "" and row["waarde_type"] == "onderdrukt"
            else:
                assert float(row["waarde"]) == float(r[column])
            assert row["bron_tabel"] == r["cbs_tabel"]
            checked += 1
    assert checked > 50
    nl_2023 = [r for r in source("cbs_indicatoren_jeugdzorg_extracts.csv")
               if r["regio"] == "Nederland" and r["periode"] == "2023"]
    final = next(r for r in nl_2023 if r["status_cbs"].startswith("definitief"))
    row = out[("NL01", "2023", "pct_jeugdhulp_in_natura")]
    assert row["status"] == "definitief"
    assert float(row["waarde"]) == float(final["pct_jongeren_met_jeugdhulp_in_natura"])


@needs_shared
def test_region_counts_match_the_source_and_suppressed_values_stay_missing():
    out = {(r["regio_code"], r["periode"], r["indicator"]): r for r in committed()}
    src = source("cbs_jongeren_jeugdzorg_regio_extracts.csv")
    zeeland = [r for r in src if r["jz_code"] == "JZ38" and r["persoonskenmerk"] == "Totaal"]
    assert zeeland
    for r in zeeland:
        matches = [v for (code, period, _), v in out.items()
                   if code == "JZ38" and period == r["periode"]
                   and v["waarde"] == r["aantal_jongeren"]]
        assert matches, r
    suppressed = [r for r in src if r["onderdrukt_in_bron"] == "ja"
                  and r["persoonskenmerk"] == "Totaal" and r["gm_code"] == "GM0279"]
    assert suppressed
    scherpenzeel = [v for (code, _, _), v in out.items() if code == "GM0279"]
    empty = [v for v in scherpenzeel if v["waarde"] == ""]
    assert len(empty) == len(suppressed)
    assert all(v["waarde_type"] == "onderdrukt" for v in empty)
    frame = fig.load().frame
    values = frame[(frame.regio_code == "GM0279") & (frame.indicator == "jhmv_gesloten")].waarde
    assert values.isna().all() and len(values) == 1  # missing, never 0


def test_committed_file_is_valid_and_every_row_has_a_source():
    frame = fig.read_figures(DATA / "figures" / "cijfers.csv")
    assert len(frame) > 500
    assert frame.bron.str.startswith("https://").all()
    assert set(frame.regio_type) == {"NL", "LD", "PV", "JZ", "GM"}
    jz = set(frame[frame.regio_type == "JZ"].regio_code)
    assert jz <= {r.code for r in load_regions()}


# ------------------------------------------------------------ validation


def write(path: Path, rows: list[list[str]], header=fig.COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


GOOD = ["JZ14", "Twente", "JZ", "2024", "jaar", "jhmv_totaal", "1200", "jongeren", "0-22",
        "voorlopig", "exact", "85100NED", "https://example.org/85100NED"]


def test_each_fault_names_row_and_column(tmp_path):
    rows = [GOOD,
            [*GOOD[:3], "2022", "jaar", "jhmv_totaal", "veel", *GOOD[7:]],
            [*GOOD[:3], "2023", "jaar", "jhmv_totaal", "-5", *GOOD[7:]],
            GOOD,
            ["XX99", *GOOD[1:]],
            [*GOOD[:3], "2021", *GOOD[4:9], "zeker", *GOOD[10:]]]
    with pytest.raises(fig.FiguresFileError) as caught:
        fig.read_figures(write(tmp_path / "f.csv", rows))
    message = str(caught.value)
    assert "f.csv" in message
    assert "rij 2, kolom 'waarde': 'veel' is geen getal" in message
    assert "rij 3, kolom 'waarde': -5 is negatief" in message
    assert "rij 4, kolom 'periode'" in message and "dubbel" in message
    assert "rij 5, kolom 'regio_code'" in message
    assert "rij 6, kolom 'status'" in message
    assert len(caught.value.faults) == 5


def test_missing_column_and_broken_encoding_are_named(tmp_path):
    with pytest.raises(fig.FiguresFileError, match="kopregel, kolom 'bron'"):
        fig.read_figures(write(tmp_path / "a.csv", [GOOD[:-1]], header=fig.COLUMNS[:-1]))
    bad = tmp_path / "b.csv"
    bad.write_bytes(b"\xff\xfe\x00broken")
    with pytest.raises(fig.FiguresFileError, match="UTF-8"):
        fig.read_figures(bad)


def data_copy(tmp_path: Path) -> Path:
    shutil.copytree(DATA / "figures", tmp_path / "figures")
    return tmp_path


def test_a_broken_refreshed_file_falls_back_to_the_bundled_data_with_a_notice(tmp_path):
    folder = data_copy(tmp_path)
    write(folder / "figures" / fig.REFRESHED, [[*GOOD[:6], "abc", *GOOD[7:]]])
    loaded = fig.load(folder)
    assert not loaded.refreshed
    assert len(loaded.notices) == 1 and "cbs_vernieuwd.csv" in loaded.notices[0]
    assert "rij 1, kolom 'waarde'" in loaded.notices[0]
    bundled = fig.read_figures(DATA / "figures" / "cijfers.csv")
    assert len(loaded.frame) == len(bundled)


def test_a_bundled_file_that_is_broken_is_an_error(tmp_path):
    folder = data_copy(tmp_path)
    (folder / "figures" / fig.BUNDLED).write_text("kapot\n", encoding="utf-8")
    with pytest.raises(fig.FiguresFileError, match="cijfers.csv"):
        fig.load(folder)


# ------------------------------------------------------------ derived values


def region_rows(values: dict[str, tuple[float | None, float | None]], year: str = "2024"):
    """Rows for a few regions: (count of jhmv, population) each; None = missing."""
    rows = []
    for code, (count, pop) in values.items():
        for indicator, value, table in (("jhmv_totaal", count, "85100NED"),
                                        (fig.POPULATION, pop, "03759ned")):
            rows.append({**dict(zip(fig.COLUMNS, GOOD, strict=True)), "regio_code": code,
                         "periode": year, "indicator": indicator, "bron_tabel": table,
                         "waarde": "" if value is None else str(value),
                         "status": "definitief" if indicator == fig.POPULATION else "voorlopig",
                         "waarde_type": "onderdrukt" if value is None else "exact"})
    frame, faults = fig.validate_rows(rows)
    assert faults == []
    return frame


def test_rates_per_1000_only_where_count_and_population_exist():
    frame = fig.with_rates(region_rows({"JZ01": (300, 60000), "JZ02": (None, 50000),
                                        "JZ03": (100, None)}))
    rates = frame[frame.indicator == "jhmv_totaal_per_1000"].set_index("regio_code")
    assert rates.loc["JZ01", "waarde"] == pytest.approx(300 / 60000 * 1000)
    assert rates.loc["JZ01", "status"] == "voorlopig"  # the less final of the two
    assert rates.loc["JZ01", "waarde_type"] == "afgeleid"
    assert math.isnan(rates.loc["JZ02", "waarde"])  # missing count stays missing
    assert "JZ03" not in rates.index  # no population: no rate


def full_country(seed_rate=lambda i: 5 + i * 0.25, pop=lambda i: 20000 + 1000 * i):
    codes = [r.code for r in load_regions()]
    return codes, fig.with_rates(region_rows(
        {c: (round(seed_rate(i) * pop(i) / 1000), pop(i)) for i, c in enumerate(codes)}))


def test_comparable_regions_by_size_and_by_rate():
    codes, frame = full_country()
    found = fig.comparable(frame, codes[10], n=2)
    assert [c.basis.split(":")[0] for c in found] == ["omvang", "cijfer"]
    assert set(found[0].codes) == {codes[9], codes[11]}  # nearest populations
    assert set(found[1].codes) == {codes[9], codes[11]}
    assert all(c.period == "2024" for c in found)


def test_no_ranking_when_a_region_is_missing():
    codes, frame = full_country()
    frame = frame[~((frame.regio_code == codes[0]) & (frame.indicator == fig.POPULATION))]
    frame = fig.with_rates(frame[~frame.indicator.str.endswith(fig.RATE_SUFFIX)])
    assert fig.regions_compared(frame, "jhmv_totaal_per_1000") is None
    assert [c.basis.split(":")[0] for c in fig.comparable(frame, codes[5])] == []


def test_change_since_first_skips_missing_periods():
    frame = pd.concat([region_rows({"JZ01": (v, 1000)}, year=y)
                       for y, v in (("2019", None), ("2020", 200), ("2022", 150))])
    change = fig.change_since_first(fig.series(frame, "JZ01", "jhmv_totaal"))
    assert (change.first_period, change.last_period) == ("2020", "2022")
    assert change.difference == -50 and change.percent == pytest.approx(-25)
    assert fig.change_since_first(fig.series(frame, "JZ02", "jhmv_totaal")) is None


def test_source_line_states_table_period_status_and_rounding():
    frame = fig.load().frame
    row = frame[(frame.regio_code == "NL01") & (frame.indicator == "jhmv_totaal")
                & (frame.periode == "2023")].iloc[0]
    assert fig.describe(row) == ("Bron: CBS, publicatie 'Jeugdmonitor 2024', periode 2023, "
                                 "voorlopig, afgerond getal uit een CBS-tekst.")
    assert fig.format_value(41000.0, "jongeren") == "41.000"
    assert fig.format_value(float("nan"), "jongeren") == "onbekend"
    assert fig.format_value(8.25, "procent") == "8,2%"


# ---------------------------------------------------------------------- small numbers


def test_a_count_under_five_is_shown_as_minder_dan_5_and_a_rate_is_not_derived():
    for value in (0.0, 1.0, 4.0):
        assert fig.shown_value(value, "jongeren") == "minder dan 5"
        assert fig.shown_value(value, "maatregelen") == "minder dan 5"
        assert fig.shown_value(value, "aantal") == "minder dan 5"
    assert fig.shown_value(5.0, "jongeren") == "5"
    assert fig.shown_value(3.0, "procent") == "3,0%"  # percentages and rates are no counts
    assert fig.shown_value(2.5, "per 1.000 jongeren") == "2,5 per 1.000"
    assert fig.shown_value(float("nan"), "jongeren") == "onbekend"
    frame = fig.with_rates(region_rows({"JZ01": (4, 60000), "JZ02": (5, 50000)}))
    rates = frame[frame.indicator == "jhmv_totaal_per_1000"]
    assert list(rates.regio_code) == ["JZ02"]  # the count 4 could be worked back from a rate


def test_a_figures_file_error_names_the_file_and_counts_in_dutch(tmp_path):
    faults = [fig.Fault(n, "waarde", "kapot.") for n in range(1, 23)]
    message = str(fig.FiguresFileError(tmp_path / "a" / "b.csv", faults))
    assert message.startswith("Fouten in b.csv:") and str(tmp_path) not in message
    assert message.endswith("- en nog 2 fouten")
    message = str(fig.FiguresFileError(tmp_path / "b.csv", faults[:21]))
    assert message.endswith("- en nog 1 fout")
