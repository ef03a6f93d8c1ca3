"""`ztmo editie` end to end: real notebooks, two regions, warm kernels (marker: notebooks)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.editions.conftest import (
    REGIONS,
    code_cell,
    copy_notebooks,
    markdown_cell,
    notebook,
    write_notebook,
)
from ztmo.cli import main
from ztmo.content import load_guide
from ztmo.editions import html, layout, render
from ztmo.regions import get_region
from ztmo.ui.nav import GROUPWORK

pytestmark = pytest.mark.notebooks


def pages_of(edition: Path) -> list[Path]:
    return sorted(edition.rglob("*.html"))


def visible_text(markup: str) -> str:
    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("style", "script")

        def handle_endtag(self, tag):
            self.skip -= tag in ("style", "script")

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    parser = Text()
    parser.feed(markup)
    return " ".join(" ".join(parser.parts).split())


def test_every_region_asked_for_is_rendered_completely(rendered):
    assert rendered.ok, render.describe(rendered)
    assert sorted(r.code for r in rendered.rendered) == ["JZ14", "JZ16"]
    notebooks = layout.edition_notebooks(render.DEFAULT_NOTEBOOKS)
    assert "trainer.ipynb" not in notebooks
    for result in rendered.rendered:
        edition = rendered.out / result.folder
        manifest = json.loads((edition / layout.MANIFEST).read_text(encoding="utf-8"))
        assert manifest["paginas"] == [layout.page_path(n) for n in notebooks]
        for page in manifest["paginas"]:
            assert (edition / page).is_file()
        for rel in notebooks:
            executed = json.loads((edition / "notebooks" / rel).read_text(encoding="utf-8"))
            injected = [c for c in executed["cells"]
                        if "injected-parameters" in c["metadata"].get("tags", [])]
            assert injected and f'regio = "{result.code}"' in "".join(injected[0]["source"])
            counts = [c["execution_count"] for c in executed["cells"] if c["cell_type"] == "code"]
            assert counts[0] == 1, "each notebook starts in a fresh-looking kernel"


def test_a_page_is_static_dutch_and_names_its_region(rendered):
    edition = rendered.out / layout.edition_dirname("JZ14", "Twente")
    pages = pages_of(edition)
    assert len(pages) >= 8
    for page in pages:
        markup = page.read_text(encoding="utf-8")
        text = visible_text(markup)
        assert re.search(r'<html lang="nl"', markup), page
        assert "Twente" in text, page
        assert "<script" not in markup and "jp-InputArea" not in markup, page
        assert "input_area" not in markup and "highlight" not in markup, page
        assert "Traceback" not in text and "Error" not in text, page
        assert html.error_boxes(markup) == [], page
        for code in ("pillar_app(", "start_page(", "import ", 'regio = "'):
            assert code not in text, (page, code)
    pillar = (edition / "pillars/2_dichtbij_thuis.html").read_text(encoding="utf-8")
    assert "<title>Pijler 2: Dichtbij thuis – Twente</title>" in pillar
    for guideline in load_guide().pillar(2).handvatten:
        assert guideline.titel in pillar


def test_the_group_worksheets_are_pages_linked_from_the_start_page(rendered):
    from ztmo.groupwork import load_groupwork

    edition = rendered.out / layout.edition_dirname("JZ14", "Twente")
    _, start_links = html.references((edition / layout.START_PAGE).read_text(encoding="utf-8"))
    index = visible_text((edition / layout.INDEX_PAGE).read_text(encoding="utf-8"))
    for app in GROUPWORK:
        path = layout.page_path(app.path)
        assert path in start_links, path
        markup = (edition / path).read_text(encoding="utf-8")
        assert f"<title>{app.titel} – Twente</title>" in markup
        assert "ztmo-worksheet" in markup and html.external_loads(markup) == []
        text = visible_text(markup)
        assert f"Werkblad: {app.titel} · regio Twente" in text
        assert "werkvormen import" not in text and "deelnemer)" not in text
    assert "Lisa is 14" in visible_text((edition / "werkvormen/2_tijdlijn.html").read_text())
    assert load_groupwork().vlaggen.bron[:60] in index  # the sheets' sources are listed


def test_the_edition_index_links_its_pages_with_sources_and_date(rendered):
    edition = rendered.out / layout.edition_dirname("JZ16", "Gooi en Vechtstreek")
    index = (edition / "index.html").read_text(encoding="utf-8")
    _, links = html.references(index)
    for page in json.loads((edition / layout.MANIFEST).read_text())["paginas"]:
        assert page in links
    text = visible_text(index)
    assert "Gooi en Vechtstreek" in text and "Bronnen" in text and "Bron: CBS" in text
    assert re.search(r"Gemaakt op \d{1,2} [a-z]+ 20\d\d", text)


def test_the_overall_index_links_every_region_asked_for(rendered):
    index = (rendered.out / "index.html").read_text(encoding="utf-8")
    _, links = html.references(index)
    for name in REGIONS:
        region = get_region(name)
        assert f"{layout.edition_dirname(region.code, region.name)}/index.html" in links
        assert region.name in visible_text(index)


def test_no_page_loads_anything_from_another_host_and_every_link_resolves(rendered):
    pages = pages_of(rendered.out)
    assert pages
    for page in pages:
        markup = page.read_text(encoding="utf-8")
        loading, links = html.references(markup)
        assert html.external_loads(markup) == [], page
        assert all(u.startswith(("data:", "#")) for u in loading), (page, loading)
        for link in links:
            if link.startswith(("#", "https://", "http://", "mailto:")):
                continue  # a link to read a source elsewhere, followed only when clicked
            assert (page.parent / link.split("#")[0]).resolve().is_file(), (page, link)


def test_a_second_run_with_unchanged_inputs_renders_nothing(rendered):
    edition = rendered.out / layout.edition_dirname("JZ14", "Twente")
    before = {p: p.stat().st_mtime_ns for p in edition.rglob("*")}
    again = render.render([get_region(r) for r in REGIONS], rendered.out, workers=2)
    assert again.rendered == [] and again.failed == []
    assert sorted(again.skipped) == ["JZ14", "JZ16"]
    assert {p: p.stat().st_mtime_ns for p in edition.rglob("*")} == before


def test_an_interrupted_run_only_redoes_what_is_missing_and_opnieuw_redoes_all(rendered):
    """No manifest (the edition never finished) means: render it; --opnieuw: render all."""
    edition = rendered.out / layout.edition_dirname("JZ16", "Gooi en Vechtstreek")
    manifest = edition / layout.MANIFEST
    saved = manifest.read_bytes()
    notebooks = layout.edition_notebooks(render.DEFAULT_NOTEBOOKS)
    regions = [get_region(r) for r in REGIONS]
    try:
        manifest.unlink()
        jobs, skipped = render.plan(regions, rendered.out, render.DEFAULT_NOTEBOOKS, notebooks,
                                    force=False)
        assert [j.code for j in jobs] == ["JZ16"] and skipped == ["JZ14"]
    finally:
        manifest.write_bytes(saved)
    jobs, skipped = render.plan(regions, rendered.out, render.DEFAULT_NOTEBOOKS, notebooks,
                                force=True)
    assert sorted(j.code for j in jobs) == ["JZ14", "JZ16"] and skipped == []


def test_a_failing_notebook_is_reported_kept_and_does_not_stop_the_rest(tmp_path, capsys):
    """JZ14 breaks one notebook and crashes the kernel in another; JZ16 is fine."""
    nbdir = copy_notebooks(tmp_path / "notebooks", ("index.ipynb",
                                                    "pillars/1_het_allerliefst_thuis.ipynb"))
    # Each notebook must find a clean kernel, whatever the one before it left behind.
    write_notebook(nbdir / "pillars/0_laat_iets_achter.ipynb", notebook(
        "Rommel", code_cell("import os\nimport ipywidgets as w\nleftover = w.HTML('x')\n"
                            "os.chdir('/')")))
    write_notebook(nbdir / "pillars/1b_schoon.ipynb", notebook(
        "Schoon", code_cell(
            "from pathlib import Path\nfrom ipywidgets.widgets.widget import _instances\n"
            "assert 'leftover' not in globals(), 'namespace niet schoon'\n"
            "assert not _instances, 'widgets van een vorige notebook'\n"
            "assert Path.cwd().name == 'pillars', Path.cwd()\nprint('schone kernel')")))
    write_notebook(nbdir / "pillars/2_kapot.ipynb", notebook(
        "Kapot", markdown_cell("# Kapot voor de test"),
        code_cell('if regio == "JZ14":\n    raise RuntimeError("kapot voor de test")\n'
                  'print("hele pagina")')))
    write_notebook(nbdir / "pillars/3_kernel_weg.ipynb", notebook(
        "Kernel weg", code_cell('import os\nif regio == "JZ14":\n    os._exit(1)')))
    write_notebook(nbdir / "learning_styles/1_daarna.ipynb", notebook(
        "Daarna", code_cell("from ztmo.ui.learning import duo_app\nduo_app(regio=regio)")))
    out = tmp_path / "uit"

    code = main(["editie", "--regio", "Twente", "--regio", "Gooi en Vechtstreek", "--uit",
                 str(out), "--notebooks", str(nbdir), "--workers", "2"])

    captured = capsys.readouterr()
    assert code == 1
    report = captured.err[captured.err.index("Mislukt (niet gepubliceerd)"):]
    assert "Twente (JZ14), pillars/2_kapot.ipynb: RuntimeError: kapot voor de test" in report
    assert "Twente (JZ14), pillars/3_kernel_weg.ipynb: de kernel stopte" in report
    assert "Gooi en Vechtstreek" not in report
    assert "1 edities gemaakt" in captured.out and "1 mislukt" in captured.out
    # Not published; the partial output is kept for inspection, with the reasons.
    assert not (out / "jz14-twente").exists()
    kept = out / layout.FAILED_DIR / "jz14-twente"
    reasons = (kept / "fout.txt").read_text(encoding="utf-8")
    assert "pillars/2_kapot.ipynb: RuntimeError: kapot voor de test" in reasons
    broken = json.loads((kept / "notebooks/pillars/2_kapot.ipynb").read_text(encoding="utf-8"))
    assert any(o.get("output_type") == "error" for c in broken["cells"]
               for o in c.get("outputs", []))
    assert not (kept / "pillars/2_kapot.html").exists()
    # The notebook after the crash still ran, in a new kernel.
    assert (kept / "learning_styles/1_daarna.html").is_file()
    # The other region is published in full, and only it is in the overall index.
    good = out / "jz16-gooi-en-vechtstreek"
    assert (good / layout.MANIFEST).is_file()
    assert "hele pagina" in (good / "pillars/2_kapot.html").read_text(encoding="utf-8")
    assert "schone kernel" in (good / "pillars/1b_schoon.html").read_text(encoding="utf-8")
    _, links = html.references((out / "index.html").read_text(encoding="utf-8"))
    assert links == ["jz16-gooi-en-vechtstreek/index.html"]
