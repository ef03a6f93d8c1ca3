"""regio.ipynb executed by Papermill for several regions: name, figures, sources, errors."""

from __future__ import annotations

import pytest

from tests.notebooks.test_notebooks import errors, execute, widget_text

pytestmark = pytest.mark.notebooks


def has_error(text: str) -> bool:
    """An error box: a widget with the class, or markup with it (JSON-escaped)."""
    return '"ztmo-error"' in text or 'class=\\"ztmo-error\\"' in text


@pytest.mark.parametrize(("given", "name", "own"), [
    ("Zeeland", "Zeeland", True),
    ("jz14", "Twente", False),
    ("kop van noord holland", "Kop van Noord-Holland", True),
])
def test_region_page_names_region_and_cites_sources(given, name, own, tmp_path):
    nb = execute("regio.ipynb", tmp_path, regio=given)
    assert errors(nb) == []
    text = widget_text(nb)
    assert f"ztmo-region-name\\\">{name} " in text
    assert "Bron: CBS, tabel 85098NED" in text  # the provinces' chart
    assert "Bron: CBS, tabel 82965NED, periode 2017, definitief" in text  # national trend
    assert "<svg" in text and not has_error(text)
    assert ("Bron: CBS, tabel 85100NED" in text) == own
    assert ("ztmo-no-own" in text) == (not own)
    assert f"Wat vind je hier over {name}?" in text  # what the page has, in plain words
    assert "Vraag je gemeente of de trainer" in text  # and how to get the rest
    for developer_talk in ("ztmo data", "data/lokaal", "meegeleverde", "ZTMO_"):
        assert developer_talk not in text


def test_zeeland_cites_the_table_its_municipal_rows_come_from(tmp_path):
    text = widget_text(execute("regio.ipynb", tmp_path, regio="Zeeland"))
    municipal = text[text.index("Gemeenten in deze regio"):text.index("Nederland</h2>")]
    assert "(tabel 82972NED)" in municipal and "85098NED" not in municipal
    assert "Bron: CBS, tabel 82972NED, periode 2019" in municipal
    assert "eigen berekening op basis van voorlopige, afgeronde CBS-cijfers" in text


def test_misspelled_region_suggests_names_and_offers_the_picker(tmp_path):
    nb = execute("regio.ipynb", tmp_path, regio="Zeelnd")
    assert errors(nb) == []
    text = widget_text(nb)
    assert has_error(text) and "Bedoel je misschien" in text and "Zeeland" in text
    assert "ztmo-region-picker" in text


def test_local_figures_are_shown_labelled_and_a_bad_file_is_refused(tmp_path):
    good = tmp_path / "eigen.csv"
    good.write_text("regio,periode,onderwerp,waarde,eenheid,bron,toelichting\n"
                    "Zeeland,2024,Kinderen in een gezinshuis <b>x</b>,12,aantal,"
                    "Registratie regio (testbestand),\n", encoding="utf-8")
    text = widget_text(execute("regio.ipynb", tmp_path, regio="Zeeland",
                               lokale_cijfers=str(good)))
    assert "Eigen cijfers van de regio" in text and "Registratie regio (testbestand)" in text
    assert "&lt;b&gt;x&lt;/b&gt;" in text and "<b>x</b>" not in text

    bad = tmp_path / "fout.csv"
    bad.write_text("regio,periode,onderwerp,waarde,eenheid,bron\n"
                   "Zeeland,2024,Pleegzorg,veel,aantal,regio\n", encoding="utf-8")
    text = widget_text(execute("regio.ipynb", tmp_path, regio="Zeeland",
                               lokale_cijfers=str(bad)))
    assert "rij 1, kolom &#x27;waarde&#x27;" in text and "Eigen cijfers van de regio" not in text
    assert "Bron: CBS, tabel 85100NED" in text  # the open data are still shown
