"""A region's own figures (template, checks, CLI), `ztmo regio lijst` and the region map."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from ztmo import localfigures, maps
from ztmo.cli import main
from ztmo.regions import get_region, load_regions
from ztmo.ui.region import load_sources, region_page

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "data" / "templates" / "regio_cijfers.csv"
HEADER = "regio,periode,onderwerp,waarde,eenheid,bron,toelichting\n"


def test_the_template_itself_passes_the_check():
    frame, faults = localfigures.check(TEMPLATE)
    assert faults == [] and len(frame) == 1 and frame.waarde.isna().all()


def test_every_fault_gets_a_line_with_row_and_column(tmp_path):
    path = tmp_path / "eigen.csv"
    path.write_text(HEADER
                    + "Twnte,2024,Pleegzorg,veel,aantal,gemeente,\n"
                    + "JZ14,24,Pleegzorg,-5,aantal,,\n"
                    + "Twente,2023,Pleegzorg,1.250,aantal,gemeente,\n"
                    + "JZ14,2023,pleegzorg,130,aantal,gemeente,\n"
                    + "JZ14,2023,Deel thuis,120,procent,gemeente,\n", encoding="utf-8")
    frame, faults = localfigures.check(path)
    lines = [f.text() for f in faults]
    assert lines == [
        "rij 1, kolom 'regio': De regio 'Twnte' kennen we niet. Bedoel je misschien: Twente?",
        ("rij 1, kolom 'waarde': 'veel' is geen getal. Laat het vak leeg als het cijfer "
        "ontbreekt."),
        "rij 2, kolom 'periode': '24' is geen jaar (2024) of halfjaar (2024-H1).",
        "rij 2, kolom 'waarde': -5 is negatief; een aantal kan niet negatief zijn.",
        "rij 2, kolom 'bron': vul in waar het cijfer vandaan komt.",
        "rij 4, kolom 'periode': 'pleegzorg' voor 2023 staat er dubbel in (ook in rij 3).",
        "rij 5, kolom 'waarde': 120 is meer dan 100 procent.",
    ]
    assert list(frame.waarde) == [1250.0]  # Dutch thousands separator understood


def test_wrong_columns_are_named(tmp_path):
    path = tmp_path / "eigen.csv"
    path.write_text("gebied,jaar,waarde\nTwente,2024,5\n", encoding="utf-8")
    _, faults = localfigures.check(path)
    assert {f.column for f in faults} == {"regio", "periode", "onderwerp", "eenheid", "bron"}
    assert all(f.row is None for f in faults)


def test_cli_check_exit_codes(tmp_path, capsys):
    assert main(["data", "controleer", str(TEMPLATE)]) == 0
    assert "is in orde: 1 cijfers voor JZ14" in capsys.readouterr().out
    bad = tmp_path / "fout.csv"
    bad.write_text(HEADER + "Zeeland,2024,Pleegzorg,-1,aantal,regio,\n", encoding="utf-8")
    assert main(["data", "controleer", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "1 fout(en)" in out and "rij 1, kolom 'waarde'" in out
    assert main(["data", "controleer", str(tmp_path / "nergens.csv")]) == 2
    assert "ontbreekt" in capsys.readouterr().err


def test_regio_lijst_prints_the_42_regions_code_space_name():
    result = subprocess.run([sys.executable, "-m", "ztmo.cli", "regio", "lijst"],
                            capture_output=True, text=True, check=True)
    lines = result.stdout.splitlines()
    assert lines == [f"{r.code} {r.name}" for r in load_regions()]
    assert len(lines) == 42 and lines[0] == "JZ01 Groningen"


def test_map_highlights_the_region_and_draws_only_its_municipalities():
    region = get_region("Twente")
    codes = tuple(m.code for m in region.municipalities)
    spec = maps.region_map(region.code, codes)
    regions_layer, gm_layer = spec["layer"]
    assert len(regions_layer["data"]["values"]["objects"]["jeugdregio_2025"]["geometries"]) == 42
    drawn = gm_layer["data"]["values"]["objects"]["gemeente_2025"]["geometries"]
    assert sorted(g["properties"]["statcode"] for g in drawn) == sorted(codes)
    assert "'JZ14'" in regions_layer["encoding"]["color"]["condition"]["test"]


def test_region_page_escapes_local_text_and_says_what_is_missing(tmp_path):
    own = tmp_path / "eigen.csv"
    own.write_text(HEADER + 'Twente,2024,"<script>alert(1)</script>",5,aantal,"regio <i>",\n',
                   encoding="utf-8")
    page = region_page(load_sources(local_file=str(own)), get_region("Twente"))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Eigen cijfers van de regio" in page
    assert "ztmo-no-own" in page and "Wat ontbreekt nog?" in page
    assert "ztmo-no-compare" in page
    assert "Vraag je gemeente of de trainer" in page  # how to get the rest, in plain words
    assert "ztmo data" not in page and "data/" not in page and ".csv" not in page
    assert page.count("Bron: CBS") >= 5


def test_refresh_offline_says_so_and_keeps_the_data(tmp_path, monkeypatch, capsys):
    import shutil

    shutil.copytree(REPO / "data" / "figures", tmp_path / "figures")
    before = (tmp_path / "figures" / "cijfers.csv").read_bytes()
    monkeypatch.setenv("ZTMO_DATA_PATH", str(tmp_path))
    monkeypatch.setenv("ZTMO_CBS_URL", "http://127.0.0.1:9/ODataApi/odata")  # nothing listens
    assert main(["data", "vernieuwen", "--jaren", "2024"]) == 2
    err = capsys.readouterr().err
    assert "internetverbinding" in err and "blijven in gebruik" in err
    assert (tmp_path / "figures" / "cijfers.csv").read_bytes() == before
    assert not (tmp_path / "figures" / "cbs_vernieuwd.csv").exists()


def test_region_content_from_yaml_is_shown_with_its_source(tmp_path, monkeypatch):
    import shutil

    import pytest

    from ztmo import regioninfo
    from ztmo.errors import ContentError
    from ztmo.ui.region import info_html

    page = region_page(load_sources(), get_region("Groningen"))
    assert "Goede voorbeelden uit deze regio" in page and "Het Servicepunt" in page
    assert "Bron: Brief aan de minister van VWS" in page
    assert info_html(get_region("Twente")) == ""  # no file: nothing added

    shutil.copytree(REPO / "data" / "regions", tmp_path / "regions")
    (tmp_path / "regions" / "JZ14.yaml").write_text(
        "introductie: <b>Welkom</b>\ncontacten:\n  - naam: Team\n", encoding="utf-8")
    with pytest.raises(ContentError, match="contact 1, veld 'hoe'"):
        regioninfo.load("JZ14", tmp_path)
    (tmp_path / "regions" / "JZ14.yaml").write_text("introductie: <b>Welkom</b>\n",
                                                    encoding="utf-8")
    monkeypatch.setenv("ZTMO_DATA_PATH", str(tmp_path))
    assert "&lt;b&gt;Welkom&lt;/b&gt;" in info_html(get_region("Twente"))


# ----------------------------------------------------------------- small numbers


def small_file(tmp_path) -> Path:
    path = tmp_path / "eigen.csv"
    path.write_text(HEADER
                    + "Twente,2024,Kinderen in een gesloten plaatsing,3,aantal,regio,\n"
                    + "Twente,2024,Kinderen in een gesloten plaatsing per 1.000,0.04,per 1.000,"
                      "regio,\n"
                    + "Twente,2024,Kinderen uit huis in een crisis,0,aantal,regio,\n"
                    + "Twente,2024,Kinderen in een pleeggezin,412,aantal,regio,\n"
                    + "Twente,2024,Kinderen in een pleeggezin per 1.000,4.8,per 1.000,regio,\n"
                    + "Twente,2024,Deel van de plaatsingen dichtbij huis,3,procent,regio,\n",
                    encoding="utf-8")
    return path


def test_counts_under_five_and_their_rates_never_leave_the_loader(tmp_path):
    frame = localfigures.load(small_file(tmp_path)).frame.set_index("onderwerp")
    hidden = ["Kinderen in een gesloten plaatsing", "Kinderen in een gesloten plaatsing per 1.000",
              "Kinderen uit huis in een crisis"]
    assert frame.loc[hidden, "klein"].all() and frame.loc[hidden, "waarde"].isna().all()
    shown = frame[~frame.index.isin(hidden)]
    assert not shown.klein.any()
    assert list(shown.waarde) == [412.0, 4.8, 3.0]  # a percentage under 5 is not a count


def test_the_region_page_says_minder_dan_5_and_shows_no_small_count(tmp_path):
    page = region_page(load_sources(local_file=str(small_file(tmp_path))), get_region("Twente"))
    local = page[page.index('<section class="ztmo-local">'):]
    local = local[:local.index("</section>")]
    cells = re.findall(r'<td class="ztmo-num">([^<]*)</td>', local)
    assert cells == ["minder dan 5", "niet getoond (minder dan 5 jongeren)", "minder dan 5",
                     "412", "4,8 per 1.000", "3,0%"]
    assert "Een aantal onder de 5 laten we nooit zien" in local


# ----------------------------------------------------------------- one region's bad file


def data_with_local(tmp_path, files: dict[str, str]) -> Path:
    import shutil

    shutil.copytree(REPO / "data" / "figures", tmp_path / "figures")
    (tmp_path / "lokaal").mkdir()
    for name, text in files.items():
        (tmp_path / "lokaal" / name).write_text(text, encoding="utf-8")
    return tmp_path


TWENTE_BAD = (HEADER + "Twente,2024,Kinderen in een pleeggezin,412,aantal,regio,\n"
              + "Twente,2024,Kinderen in een gezinshuis,38,aantal,regio,\n"
              + "Twente,2024,Kinderen in een groep,-7,aantal,regio,\n")
ZEELAND_GOOD = HEADER + "Zeeland,2024,Kinderen in een gezinshuis,21,aantal,regio,\n"


def test_a_bad_local_file_shows_only_on_its_own_regions_page_without_a_server_path(tmp_path):
    from ztmo.editions.html import error_boxes

    data = data_with_local(tmp_path, {"regio_cijfers_twente.csv": TWENTE_BAD,
                                      "zeeland.csv": ZEELAND_GOOD})
    sources = load_sources(data)
    zeeland = region_page(sources, get_region("Zeeland"))
    assert error_boxes(zeeland) == []
    assert "Eigen cijfers van de regio" in zeeland and ">21<" in zeeland
    assert error_boxes(region_page(sources, get_region("Gooi en Vechtstreek"))) == []

    twente = region_page(sources, get_region("Twente"))
    boxes = error_boxes(twente)
    assert len(boxes) == 1
    assert "regio_cijfers_twente.csv, rij 3, kolom &#x27;waarde&#x27;: -7 is negatief" in boxes[0]
    assert str(tmp_path) not in twente and "/lokaal" not in twente
    assert "Kinderen in een pleeggezin" not in twente  # the whole file is refused


def test_which_regions_a_faulty_file_is_about(tmp_path):
    cells = tmp_path / "eigen.csv"
    cells.write_text(HEADER + "Twente,2024,x,-1,aantal,regio,\nJZ38,2024,y,veel,aantal,r,\n"
                     "Nergensland,2024,z,1,aantal,r,\n", encoding="utf-8")
    assert localfigures.regions_of(cells) == {"JZ14", "JZ38"}
    named = tmp_path / "regio_cijfers_gooi_en_vechtstreek.csv"
    named.write_text("gebied;waarde\nhier;3\n", encoding="utf-8")  # no regio column at all
    assert localfigures.regions_of(named) == {"JZ16"}
    coded = tmp_path / "cijfers-jz41.csv"
    coded.write_text("kapot\n", encoding="utf-8")
    assert localfigures.regions_of(coded) == {"JZ41"}
    nobody = tmp_path / "cijfers.csv"
    nobody.write_text("kapot\n", encoding="utf-8")
    assert localfigures.regions_of(nobody) == frozenset()
    good, refused = localfigures.load_all([cells, nobody])
    assert good == [] and [r.name for r in refused] == ["eigen.csv", "cijfers.csv"]
    assert refused[0].lines()[0].startswith("eigen.csv, rij 1, kolom 'waarde'")


def test_a_faulty_file_that_names_no_region_is_shown_nowhere(tmp_path):
    from ztmo.editions.html import error_boxes

    data = data_with_local(tmp_path, {"cijfers.csv": "kapot\n"})
    sources = load_sources(data)
    for name in ("Twente", "Zeeland"):
        assert error_boxes(region_page(sources, get_region(name))) == []


def test_an_error_message_names_the_file_never_its_folder(tmp_path):
    import pytest

    from ztmo.figures import FiguresFileError

    bad = tmp_path / "diep" / "map" / "regio_cijfers_twente.csv"
    bad.parent.mkdir(parents=True)
    bad.write_text(TWENTE_BAD, encoding="utf-8")
    with pytest.raises(FiguresFileError) as caught:
        localfigures.load(bad)
    message = str(caught.value)
    assert message.startswith("Fout in regio_cijfers_twente.csv:")
    assert str(tmp_path) not in message and "diep" not in message
    assert caught.value.path == str(bad)  # the full path stays available to the CLI


def test_a_small_cbs_count_on_the_region_page_is_minder_dan_5(tmp_path):
    from dataclasses import replace

    import pandas as pd

    from ztmo import figures as fig

    sources = load_sources()
    frame = sources.figures.frame
    row = frame[(frame.regio_code == "JZ38") & (frame.indicator == "jh_pgb")].iloc[0].copy()
    row["indicator"], row["waarde"] = "jb_voogdij", 3.0
    small = replace(sources, figures=fig.FigureSet(pd.concat([frame, row.to_frame().T],
                                                             ignore_index=True)))
    page = region_page(small, get_region("Zeeland"))
    voogdij = page[page.index(fig.indicator_label("jb_voogdij")):][:200]
    assert "minder dan 5" in voogdij and ">3<" not in voogdij
