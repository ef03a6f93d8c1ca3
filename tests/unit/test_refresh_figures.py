"""A refresh (OData-shaped test fixtures, no network) feeds the figures and the region page."""

from __future__ import annotations

import shutil

import pytest

from tests.unit.test_refresh import (
    REPO,
    FixtureCbs,
    fixture_care_tables,
    fixture_mapping_table,
    fixture_population_tables,
    real_region_codes,
)
from ztmo import figures as fig
from ztmo import refresh as R
from ztmo.regions import get_region
from ztmo.ui.region import load_sources, region_page


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    data = tmp_path_factory.mktemp("ververst")
    for folder in ("regions", "figures"):
        shutil.copytree(REPO / "data" / folder, data / folder)
    codes = real_region_codes()
    regions = {code: f"Testregio {code[2:]}" for code in codes}
    entries = [(f"GM{9100 + 2 * i + j}", f"Fixturegemeente {i}-{j}", code, regions[code])
               for i, code in enumerate(codes) for j in range(2)]
    tables = {"85100NED": fixture_care_tables(regions=regions),
              "03759ned": fixture_population_tables([gm for gm, *_ in entries]),
              "85385NED": fixture_mapping_table(entries),
              "86059NED": fixture_mapping_table(entries)}
    R.refresh(data, opener=FixtureCbs(tables), years=[2023, 2025], page_size=2_000)
    return data


def test_refreshed_counts_give_rates_and_comparable_regions(refreshed):
    loaded = fig.load(refreshed)
    assert loaded.refreshed and loaded.notices == ()
    frame = loaded.frame
    count = frame[(frame.regio_code == "JZ14") & (frame.indicator == "jhmv_totaal")
                  & (frame.periode == "2025")].waarde.iloc[0]
    pop = frame[(frame.regio_code == "JZ14") & (frame.indicator == fig.POPULATION)
                & (frame.periode == "2025")].waarde.iloc[0]
    rate = frame[(frame.regio_code == "JZ14") & (frame.indicator == "jhmv_totaal_per_1000")
                 & (frame.periode == "2025")].iloc[0]
    assert rate.waarde == pytest.approx(count / pop * 1000)
    assert rate.waarde_type == "afgeleid" and "85100NED" in rate.bron_tabel
    period, rows = fig.regions_compared(frame, "jhmv_totaal_per_1000")
    assert period == "2025" and len(rows) == 42
    bases = [c.basis.split(":")[0] for c in fig.comparable(frame, "JZ14")]
    assert bases == ["omvang", "cijfer"]
    # bundled national figures are still there beside the refreshed ones
    assert fig.latest(frame, "NL01", "jhmv_totaal") is not None


def test_region_page_ranks_the_region_after_a_refresh(refreshed, monkeypatch):
    monkeypatch.setenv("ZTMO_DATA_PATH", str(refreshed))
    page = region_page(load_sources(refreshed), get_region("Twente"))
    assert "ztmo-no-compare" not in page and "Regio's die op jouw regio lijken (op omvang" in page
    assert "Bron: CBS, tabel 85100NED en tabel 03759ned" in page
    assert "ztmo-no-own" not in page
