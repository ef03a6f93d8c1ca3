"""The apps as static HTML for editions (ztmo.ui.static): content complete, escaped, no script."""

from __future__ import annotations

import re
from dataclasses import replace

import ipywidgets as w
import pytest

from ztmo.content import load_guide
from ztmo.editions import html as edition_html
from ztmo.editions import layout
from ztmo.params import Params, resolve
from ztmo.preferences import load_scan
from ztmo.ui import static

EVIL = '<script>alert("x")</script> & "quotes"'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;"


@pytest.fixture
def edition(monkeypatch):
    monkeypatch.setenv("ZTMO_EDITIE", "1")


def all_pages(guide=None, scan=None, params=None) -> dict[str, str]:
    guide, scan = guide or load_guide(), scan or load_scan()
    params = params or Params(regio="Twente", regio_code="JZ14")
    pages = {"start": static.start_html(guide, params),
             "scan": static.scan_html(scan, params),
             "duo": static.duo_html(params),
             "groep": static.group_profile_html(scan, params)}
    for pillar in guide.pijlers:
        pages[f"pijler {pillar.nummer}"] = static.pillar_html(guide, pillar, params)
    return pages


def test_no_page_has_a_script_or_loads_anything():
    for name, markup in all_pages().items():
        assert "<script" not in markup.lower(), name
        assert edition_html.external_loads(markup) == [], name
        assert markup.startswith('<div class="ztmo-app ztmo-static'), name
        assert "<style>" in markup, name  # the house style travels with the page


def test_every_guideline_with_its_questions_and_a_rating_to_tick():
    guide = load_guide()
    for pillar in guide.pijlers:
        markup = static.pillar_html(guide, pillar, Params())
        assert markup.count('class="ztmo-card ztmo-guideline"') == len(pillar.handvatten) == 5
        for guideline in pillar.handvatten:
            assert static.esc(guideline.titel) in markup
            for question in guideline.vragen:
                assert static.esc(question) in markup
        for label in guide.beoordeling.labels.values():
            assert markup.count(static.esc(label)) >= 5
        for question in guide.groepsopdracht.vragen:
            assert static.esc(question.tekst) in markup
        assert markup.count('class="ztmo-line"') > 10  # room to write on paper


def test_every_scan_situation_and_option_with_a_key_to_count():
    scan = load_scan()
    markup = static.scan_html(scan, Params())
    assert markup.count('class="ztmo-card ztmo-situation"') == len(scan.items)
    for item in scan.items:
        assert static.esc(item.situatie) in markup
        for option in item.options:
            assert static.esc(option.tekst) in markup
    key = markup[markup.index("Tel je punten"):]
    for preference in scan.preferences:
        assert key.count(f"{static.esc(preference.naam)}</td>") >= len(scan.items)
    # Everybody on paper gets the same order, so a trainer can read out the key.
    assert markup == static.scan_html(scan, Params())


def test_live_group_views_become_empty_templates():
    scan = load_scan()
    group = static.group_profile_html(scan, Params())
    assert group.count('<td class="ztmo-fill"></td>') == 2 * len(scan.preferences)
    for preference in scan.preferences:
        assert static.esc(preference.naam) in group
    duo = static.duo_html(Params())
    for question in static.DUO_QUESTIONS:
        assert static.esc(question) in duo


def test_text_is_escaped_everywhere():
    guide = load_guide()
    pillar = guide.pijlers[0]
    evil_guideline = replace(pillar.handvatten[0], titel=EVIL, vragen=(EVIL,))
    evil_pillar = replace(pillar, kernzin=EVIL, handvatten=(evil_guideline,
                                                            *pillar.handvatten[1:]))
    guide = replace(guide, motto=EVIL, pijlers=(evil_pillar, *guide.pijlers[1:]))
    scan = load_scan()
    item = scan.items[0]
    evil_item = replace(item, situatie=EVIL,
                        options=(replace(item.options[0], tekst=EVIL), *item.options[1:]))
    scan = replace(scan, items=(evil_item, *scan.items[1:]), bron=EVIL)
    params = Params(regio=EVIL, regio_code="JZ14")
    for name, markup in all_pages(guide, scan, params).items():
        assert "<script>" not in markup, name
        assert ESCAPED in markup, name


def test_a_parameter_problem_shows_as_a_dutch_box():
    params = resolve(regio="Twentee", query="")
    markup = static.pillar_html(load_guide(), load_guide().pijlers[0], params)
    boxes = edition_html.error_boxes(markup)
    assert len(boxes) == 1 and "Twente" in boxes[0]


def test_links_point_at_the_editions_own_pages(edition):
    params = Params(regio="Twente", regio_code="JZ14", sessie="ABC123")
    for name, markup in all_pages(params=params).items():
        _, links = edition_html.references(markup)
        assert links, name
        for link in links:
            assert link.endswith(".html") and "?" not in link, (name, link)
    start = static.start_html(load_guide(), params)
    assert 'href="pillars/1_het_allerliefst_thuis.html"' in start
    assert 'href="learning_styles/1_leervoorkeuren_scan.html"' in start
    assert "trainer" not in start  # the trainer's screen needs a live session
    pillar = static.pillar_html(load_guide(), load_guide().pijlers[2], params)
    assert 'href="1_het_allerliefst_thuis.html"' in pillar and 'href="../start.html"' in pillar


def test_the_region_page_is_linked_only_when_the_edition_has_one(edition):
    guide, params = load_guide(), Params(regio="Twente", regio_code="JZ14")
    assert 'href="regio.html"' in static.start_html(guide, params, with_region=True)
    assert "regio.html" not in static.start_html(guide, params, with_region=False)


def test_outside_an_edition_links_still_go_to_the_apps(monkeypatch):
    monkeypatch.delenv("ZTMO_EDITIE", raising=False)
    start = static.start_html(load_guide(), Params(regio="Twente", regio_code="JZ14"))
    assert 'href="pillars/1_het_allerliefst_thuis.ipynb?regio=JZ14"' in start


def test_the_app_entry_points_return_static_html_in_an_edition(edition):
    from IPython.display import HTML

    from ztmo.ui import pillar_app, start_page
    from ztmo.ui.learning import duo_app, group_profile_app, scan_app

    for app in (start_page(regio="JZ14"), pillar_app(2, regio="JZ14"), scan_app(regio="JZ14"),
                duo_app(regio="JZ14"), group_profile_app(regio="JZ14")):
        assert isinstance(app, HTML) and not isinstance(app, w.Widget)
        assert "Twente" in app.data and "<script" not in app.data


def test_outside_an_edition_the_entry_points_still_build_widgets(monkeypatch):
    monkeypatch.delenv("ZTMO_EDITIE", raising=False)
    from ztmo.ui import pillar_app

    assert isinstance(pillar_app(1), w.Widget)


def test_page_paths_of_an_edition():
    assert layout.page_path("index.ipynb") == "start.html"
    assert layout.page_path("pillars/1_x.ipynb") == "pillars/1_x.html"
    assert layout.page_link("pillars/1_x.ipynb", "index.ipynb") == "../start.html"
    assert layout.page_link("index.ipynb", "regio.ipynb") == "regio.html"
    assert layout.edition_dirname("JZ16", "Gooi en Vechtstreek") == "jz16-gooi-en-vechtstreek"
    assert re.fullmatch(r"[a-z0-9-]+", layout.slug("Zuid-Holland Zuid (’s-Gravenzande) & Co"))


def test_a_pillar_on_paper_credits_the_guide_and_names_the_role_of_organisations():
    guide = load_guide()
    markup = static.pillar_html(guide, guide.pijlers[1], Params())
    assert "Bron: " + static.esc(guide.bron) in markup
    assert "De rol van organisaties en gemeenten" in markup
    assert static.esc(guide.rol_organisaties_gemeenten) in markup
    from ztmo.editions.pages import source_lines

    assert any(line.startswith("Bron: handreiking Mijn Thuis van het Nederlands "
                               "Jeugdinstituut (NJi)") for line in source_lines(markup))
