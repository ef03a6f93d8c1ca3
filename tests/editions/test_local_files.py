"""One region's faulty own figures never spoil another region's edition (marker: notebooks).

A copy of the data folder gets a local figures file for Twente with one negative
number. The editions of Twente and Gooi en Vechtstreek are rendered from regio.ipynb
alone: Gooi en Vechtstreek is published as if nothing happened; Twente's page shows
the fault (so it is not published), naming the file, row and column but no folder of
the server, and no output of the executed notebook carries a server path either.
"""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import REPO
from tests.editions.conftest import copy_notebooks
from ztmo.editions import html, layout, render
from ztmo.regions import get_region

pytestmark = pytest.mark.notebooks

HEADER = "regio,periode,onderwerp,waarde,eenheid,bron,toelichting\n"
TWENTE_BAD = (HEADER + "Twente,2024,Kinderen in een pleeggezin,412,aantal,registratie regio,\n"
              + "Twente,2024,Kinderen in een gezinshuis,38,aantal,registratie regio,\n"
              + "Twente,2024,Kinderen in een groep,-7,aantal,registratie regio,\n")


def test_a_bad_local_file_only_affects_its_own_regions_edition(tmp_path, monkeypatch):
    data = tmp_path / "gegevens"
    shutil.copytree(REPO / "data", data)
    (data / "lokaal" / "regio_cijfers_twente.csv").write_text(TWENTE_BAD, encoding="utf-8")
    monkeypatch.setenv("ZTMO_DATA_PATH", str(data))  # the workers and kernels inherit it
    notebooks = copy_notebooks(tmp_path / "notebooks", ("regio.ipynb",))
    out = tmp_path / "uit"

    summary = render.render([get_region("Twente"), get_region("Gooi en Vechtstreek")], out,
                            notebooks_dir=notebooks, workers=1)

    assert [r.code for r in summary.rendered] == ["JZ16"], render.describe(summary)
    gooi = out / layout.edition_dirname("JZ16", "Gooi en Vechtstreek") / "regio.html"
    page = gooi.read_text(encoding="utf-8")
    assert html.error_boxes(page) == [] and "Gooi en Vechtstreek" in page
    assert "regio_cijfers_twente" not in page

    [failed] = summary.failed
    assert failed.code == "JZ14"
    [failure] = failed.failures
    assert "regio_cijfers_twente.csv, rij 3, kolom" in failure.cause
    assert "-7 is negatief" in failure.cause
    assert str(tmp_path) not in failure.cause and "lokaal" not in failure.cause
    executed = json.loads((out / layout.FAILED_DIR / layout.edition_dirname("JZ14", "Twente")
                           / layout.NOTEBOOKS_SUBDIR / "regio.ipynb").read_text(encoding="utf-8"))
    shown = json.dumps([c.get("outputs", []) for c in executed["cells"]], ensure_ascii=False)
    assert "regio_cijfers_twente.csv" in shown and str(tmp_path) not in shown
