"""The pure parts of the editions: page checks, source lines, indexes (no notebooks run)."""

from __future__ import annotations

from datetime import datetime

import nbformat

from ztmo.editions import html, layout, pages


def test_external_loads_are_found_wherever_they_hide():
    markup = """
    <link rel="stylesheet" href="https://cdn.example.org/x.css">
    <img src="//cdn.example.org/a.png" srcset="b.png 1x, https://x.example/c.png 2x">
    <div style="background: url('http://example.org/bg.png')"></div>
    <style>@import "https://fonts.example.com/f.css"; .a { background: url(local.png) }</style>
    <script src="require.js"></script>
    <a href="https://www.cbs.nl/">bron</a>
    <img src="data:image/png;base64,AAAA"> <a href="#boven">boven</a>
    """
    found = html.external_loads(markup)
    assert "https://cdn.example.org/x.css" in found
    assert "//cdn.example.org/a.png" in found and "https://x.example/c.png" in found
    assert "http://example.org/bg.png" in found and "https://fonts.example.com/f.css" in found
    assert "<script>" in found
    assert "https://www.cbs.nl/" not in found  # a link is only followed when clicked
    assert "local.png" not in found and not any(u.startswith("data:") for u in found)


def test_error_boxes_and_outputs_block_publishing():
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("1/0", outputs=[nbformat.v4.new_output(
        "error", ename="ZeroDivisionError", evalue="division by zero", traceback=[])]))
    markup = '<div class="ztmo-error" role="alert"><strong>Oeps</strong> Kapot.</div>'
    found = html.problems(nb, markup)
    assert any("ZeroDivisionError: division by zero" in f for f in found)
    assert any("Oeps Kapot." in f for f in found)
    assert html.problems(nbformat.v4.new_notebook(), "<p>Goed.</p>") == []


def test_widgets_javascript_and_stderr_never_reach_the_page():
    nb = nbformat.v4.new_notebook(metadata={"widgets": {"x": 1}})
    nb.cells.append(nbformat.v4.new_code_cell("app", outputs=[
        nbformat.v4.new_output("display_data", data={
            "application/vnd.jupyter.widget-view+json": {"model_id": "abc"},
            "text/plain": "VBox(children=...)"}),
        nbformat.v4.new_output("stream", name="stderr", text="DeprecationWarning"),
        nbformat.v4.new_output("display_data", data={"text/html": "<p>Blijft</p>",
                                                     "application/javascript": "alert(1)"}),
    ]))
    nb.cells.append(nbformat.v4.new_code_cell("x = 1"))
    clean = html.publishable(nb)
    assert "widgets" not in clean.metadata and len(clean.cells) == 1
    assert [list(o["data"]) for o in clean.cells[0].outputs] == [["text/html"]]
    page = html.to_html(nb, "Titel <b>", "<span>balk</span>", "voet")
    assert "<p>Blijft</p>" in page and "VBox" not in page and "alert(1)" not in page
    assert "DeprecationWarning" not in page and "<script" not in page
    assert '<html lang="nl">' in page and "<title>Titel &lt;b&gt;</title>" in page
    assert html.external_loads(page) == []


def test_source_lines_are_collected_once_each():
    markup = ("<div><p>Bron: CBS, tabel 85098NED, periode 2024.</p><p>Iets anders.</p>"
              '<p class="ztmo-source">Bron: CBS, tabel 85098NED, periode 2024.</p>'
              "<ul><li>bronnen: <em>NJi</em> databank</li></ul><style>p{}</style></div>")
    assert pages.source_lines(markup) == ["Bron: CBS, tabel 85098NED, periode 2024.",
                                          "bronnen: NJi databank"]


def test_indexes_are_dutch_escaped_and_link_relative():
    made = datetime(2026, 3, 5, 14, 0)
    index = pages.edition_index("A & B", "JZ01", [pages.Page("index.ipynb", "Start <x>")],
                                ["Bron: <CBS>"], made, "0.1.0")
    assert '<html lang="nl">' in index and "A &amp; B" in index and "Start &lt;x&gt;" in index
    assert 'href="start.html"' in index and "5 maart 2026" in index
    assert "Bron: &lt;CBS&gt;" in index and html.external_loads(index) == []
    overall = pages.overall_index([pages.EditionEntry("JZ01", "A & B", "jz01-a-en-b",
                                                      made.isoformat())], made)
    assert 'href="jz01-a-en-b/index.html"' in overall and "1 jeugdregio." in overall


def test_the_edition_notebooks_are_found_by_pattern(tmp_path):
    for rel in ("index.ipynb", "trainer.ipynb", "pillars/2_b.ipynb", "pillars/1_a.ipynb",
                "learning_styles/1_c.ipynb", "pillars/.ipynb_checkpoints/1_a-checkpoint.ipynb",
                "elders/x.ipynb"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("{}")
    assert layout.edition_notebooks(tmp_path) == [
        "index.ipynb", "pillars/1_a.ipynb", "pillars/2_b.ipynb", "learning_styles/1_c.ipynb"]
    (tmp_path / "regio.ipynb").write_text("{}")
    assert layout.edition_notebooks(tmp_path)[-1] == "regio.ipynb"
