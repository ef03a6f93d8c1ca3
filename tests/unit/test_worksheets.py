"""The group activities on paper (ztmo.ui.worksheets): complete, escaped, offline, credited."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from tests.conftest import NOTEBOOKS
from ztmo.activities import DOT_COUNT
from ztmo.content import load_guide
from ztmo.editions import html as edition_html
from ztmo.editions import layout
from ztmo.editions.pages import source_lines
from ztmo.groupwork import load_groupwork
from ztmo.params import Params
from ztmo.ui import static, worksheets
from ztmo.ui.base import esc
from ztmo.ui.nav import GROUPWORK
from ztmo.wall import MAX_VOTES, budget

EVIL = '<script>alert("x")</script> & "quotes"'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;"
TWENTE = Params(regio="Twente", regio_code="JZ14")
SHEETS = {"muur": worksheets.wall_sheet, "tijdlijn": worksheets.timeline_sheet,
          "praktijk": worksheets.practice_sheet, "beloften": worksheets.promises_sheet,
          "vlaggen": worksheets.flags_sheet}


@pytest.fixture
def edition(monkeypatch):
    monkeypatch.setenv("ZTMO_EDITIE", "1")


@pytest.fixture(scope="module")
def sheets() -> dict[str, str]:
    return {key: make(TWENTE) for key, make in SHEETS.items()}


def test_every_sheet_is_a_static_page_that_loads_nothing(sheets):
    for key, markup in sheets.items():
        assert markup.startswith(f'<div class="ztmo-app ztmo-static ztmo-worksheet ztmo-{key}"')
        assert "<style>" in markup and "<script" not in markup.lower(), key
        assert "http://" not in markup and "https://" not in markup, key
        assert edition_html.external_loads(markup) == [], key
        assert edition_html.error_boxes(markup) == [], key
        assert markup.count('class="ztmo-line"') >= 3, key  # room to write on paper


def test_the_region_is_named_in_the_heading_when_given(sheets):
    for key, markup in sheets.items():
        title = re.search(r'<h2 class="ztmo-sheet-title">(.*?)</h2>', markup).group(1)
        assert "regio Twente" in title, key
        bare = SHEETS[key](Params())
        title = re.search(r'<h2 class="ztmo-sheet-title">(.*?)</h2>', bare).group(1)
        assert "regio" not in title and "Twente" not in bare, key


def test_every_sheet_names_its_source_and_says_the_texts_are_ours(sheets):
    work, guide = load_groupwork(), load_guide()
    wanted = {"muur": [guide.bron], "tijdlijn": [work.tijdlijn.bron],
              "praktijk": [s.titel for s in work.praktijken.bronnen],
              "beloften": [work.beloften.bron], "vlaggen": [work.vlaggen.bron]}
    for key, markup in sheets.items():
        found = source_lines(markup)  # what the edition's index lists under "Bronnen"
        for bron in wanted[key]:
            assert f"Bron: {bron}" in found, (key, bron)
        assert esc(worksheets.CREDITS[key]) in markup, key
        assert "van ons" in worksheets.CREDITS[key] or "onze eigen woorden" in \
            worksheets.CREDITS[key], key


def test_the_timeline_has_every_moment_in_order_to_mark_and_the_fifteen_guidelines(sheets):
    work, guide = load_groupwork(), load_guide()
    markup = sheets["tijdlijn"]
    assert "dit gezin is verzonnen" in markup
    positions = []
    for moment in work.tijdlijn.momenten:
        for text in (moment.wanneer, moment.titel, moment.tekst, moment.soort):
            assert esc(text) in markup, (moment.id, text)
        positions.append(markup.index(esc(moment.tekst)))
    assert positions == sorted(positions)
    cards = markup.count('class="ztmo-card ztmo-moment ')
    assert cards == len(work.tijdlijn.momenten)
    assert markup.count("</span>Keerpunt</li>") == cards
    assert markup.count("Welk handvat had kunnen helpen?") == cards
    guidelines = markup[markup.index("De vijftien handvatten"):]
    for pillar in guide.pijlers:
        for h in pillar.handvatten:
            assert f"<li>{pillar.nummer}.{h.nummer} {esc(h.titel)}</li>" in guidelines
    for question in work.tijdlijn.vragen:
        assert esc(question.tekst) in markup


def test_good_practices_grouped_by_guideline_each_card_printed_once(sheets):
    work, guide = load_groupwork(), load_guide()
    markup = sheets["praktijk"]
    for card in work.praktijken.kaarten:
        assert markup.count(f'id="praktijk-{card.id}"') == 1, card.id
        for text in (card.naam, card.wat, card.bron):
            assert esc(text) in markup, (card.id, text)
        start = markup.index(f'id="praktijk-{card.id}"')
        shown = markup[start:markup.index("</div>", start)]
        region = f"Regio: {card.regio}" if card.regio_bekend else "Regio niet genoemd in de bron"
        assert esc(region) in shown and "Onze keuze" in shown, card.id
    for pillar in guide.pijlers:
        assert f"Pijler {pillar.nummer}: {esc(pillar.titel)}" in markup
        for h in pillar.handvatten:
            assert f"Handvat {pillar.nummer}.{h.nummer} {esc(h.titel)}" in markup
    # A guideline without a card says so (in the sources, weer_thuis.5 has none).
    assert markup.count("geen voorbeeld") == len(work.guidelines_without_practice())
    assert '<div class="ztmo-card ztmo-page-break ztmo-our-choice"><h3>Onze keuze</h3>' in markup


def test_ten_promises_with_roles_dots_and_a_tally_per_role(sheets):
    work = load_groupwork()
    markup = sheets["beloften"]
    roles = markup[markup.index("Ik kijk als"):]
    for role in work.beloften.rollen:
        assert f"</span>{esc(role.label)}</li>" in roles
    for promise in work.beloften.themas:
        assert esc(promise.kind) in markup and esc(promise.thema) in markup
    assert markup.count('aria-label="stip"') == len(work.beloften.themas) == 10
    assert f"iedereen krijgt {worksheets.NUMBER_WORDS[DOT_COUNT]} stippen" in markup
    tally = markup[markup.index("Tel de stippen per rol"):]
    for role in work.beloften.rollen:
        assert f"<th>{esc(role.label)}</th>" in tally
    assert tally.count('<td class="ztmo-fill"></td>') == 10 * (len(work.beloften.rollen) + 1)


def test_four_flags_with_colour_question_a_line_and_durven_kept(sheets):
    work = load_groupwork()
    markup = sheets["vlaggen"]
    for flag in work.vlaggen.lijst:
        start = markup.index(f"ztmo-flag ztmo-flag-{flag.id}")
        card = markup[start:markup.index('<div class="ztmo-card', start + 1)
                      if flag.id != "durven" else len(markup)]
        for text in (flag.titel, flag.kleur, flag.vraag):
            assert esc(text) in card, (flag.id, text)
        assert 'class="ztmo-line"' in card
    keep = markup[markup.index("ztmo-keep"):]
    assert "Durven" in keep and "volgende bijeenkomst van het leernetwerk" in keep


def test_the_idea_wall_questions_boxes_dot_rule_and_tally(sheets):
    work, guide = load_groupwork(), load_guide()
    markup = sheets["muur"]
    for pillar in guide.pijlers:
        assert f"Pijler {pillar.nummer}: {esc(pillar.titel)}" in markup
    for question in guide.groepsopdracht.vragen:
        assert markup.count(esc(question.tekst)) == len(guide.pijlers)
    for question in work.muur.vragen:
        assert esc(question.tekst) in markup
    assert esc(work.muur.uitleg_stemmen) in markup
    assert markup.count('class="ztmo-idea-box"') == worksheets.IDEA_BOXES
    assert "hoogstens één stip" in markup and "Tel de stippen" in markup
    # The table of dots follows ztmo.wall.budget exactly.
    rows = worksheets._budget_rows()
    for n in range(1, 60):
        dots = next(d for label, d in rows
                    if _covers(label, n))
        assert dots == budget(n), n
    assert rows[-1] == (rows[-1][0], MAX_VOTES)
    for label, dots in rows:
        assert f"<tr><td>{esc(label)}</td><td>{dots}</td></tr>" in markup


def _covers(label: str, n: int) -> bool:
    numbers = [int(x) for x in re.findall(r"\d+", label)]
    if "of meer" in label:
        return n >= numbers[0]
    return numbers[0] <= n <= numbers[-1]


def test_every_text_is_escaped():
    work, guide = load_groupwork(), load_guide()
    tl = work.tijdlijn
    moment = replace(tl.momenten[0], wanneer=EVIL, titel=EVIL, tekst=EVIL)
    tl = replace(tl, titel=EVIL, uitleg=EVIL, bron=EVIL, momenten=(moment, *tl.momenten[1:]),
                 soorten={k: EVIL for k in tl.soorten},
                 vragen=(replace(tl.vragen[0], tekst=EVIL), *tl.vragen[1:]))
    pb = work.beloften
    pb = replace(pb, uitleg=EVIL, bron=EVIL,
                 themas=(replace(pb.themas[0], thema=EVIL, kind=EVIL), *pb.themas[1:]),
                 rollen=(replace(pb.rollen[0], label=EVIL), *pb.rollen[1:]))
    fl = work.vlaggen
    fl = replace(fl, uitleg=EVIL, bron=EVIL,
                 lijst=tuple(replace(f, titel=EVIL, kleur=EVIL, vraag=EVIL) for f in fl.lijst))
    pr = work.praktijken
    card = replace(pr.kaarten[0], naam=EVIL, regio=EVIL, wat=EVIL, bron=EVIL)
    pr = replace(pr, uitleg=EVIL, kaarten=(card, *pr.kaarten[1:]),
                 bronnen=(replace(pr.bronnen[0], titel=EVIL), *pr.bronnen[1:]))
    muur = replace(work.muur, uitleg=EVIL, uitleg_stemmen=EVIL,
                   vragen=(replace(work.muur.vragen[0], tekst=EVIL), *work.muur.vragen[1:]))
    work = replace(work, tijdlijn=tl, beloften=pb, vlaggen=fl, praktijken=pr, muur=muur)
    pillar = guide.pijlers[0]
    pillar = replace(pillar, titel=EVIL, handvatten=(replace(pillar.handvatten[0], titel=EVIL),
                                                     *pillar.handvatten[1:]))
    guide = replace(guide, bron=EVIL, pijlers=(pillar, *guide.pijlers[1:]),
                    groepsopdracht=replace(guide.groepsopdracht, vragen=(
                        replace(guide.groepsopdracht.vragen[0], tekst=EVIL),
                        *guide.groepsopdracht.vragen[1:])))
    params = Params(regio=EVIL, regio_code="JZ14")
    made = {"muur": worksheets.wall_sheet(params, work, guide),
            "tijdlijn": worksheets.timeline_sheet(params, work, guide),
            "praktijk": worksheets.practice_sheet(params, work, guide),
            "beloften": worksheets.promises_sheet(params, work),
            "vlaggen": worksheets.flags_sheet(params, work)}
    for key, markup in made.items():
        assert "<script" not in markup, key
        assert markup.count(ESCAPED) >= 3, key  # the region, the content, the source line
        assert edition_html.external_loads(markup) == [], key


def test_in_an_edition_the_apps_show_the_sheets_and_link_the_editions_pages(edition):
    from IPython.display import HTML

    from ztmo.ui import werkvormen

    apps = (werkvormen.muur_app, werkvormen.tijdlijn_app, werkvormen.praktijk_app,
            werkvormen.beloften_app, werkvormen.vlaggen_app)
    for app, key in zip(apps, SHEETS):
        shown = app(regio="JZ14")
        assert isinstance(shown, HTML), key
        assert f"ztmo-worksheet ztmo-{key}" in shown.data and "regio Twente" in shown.data
        _, links = edition_html.references(shown.data)
        assert links and all(link.endswith(".html") and "?" not in link for link in links)
        assert "../start.html" in links


def test_the_start_page_links_the_five_worksheets(edition):
    start = static.start_html(load_guide(), TWENTE)
    assert "<h2>Werkvormen voor de groep</h2>" in start
    for app in GROUPWORK:
        assert f'href="{layout.page_path(app.path)}"' in start, app.path


def test_every_edition_gets_the_worksheet_notebooks_before_the_region_page():
    found = layout.edition_notebooks(NOTEBOOKS)
    sheets = [app.path for app in GROUPWORK]
    assert [n for n in found if n.startswith("werkvormen/")] == sheets
    assert found.index(sheets[0]) > found.index("learning_styles/3_groepsprofiel.ipynb")
    assert found[-1] == "regio.ipynb"


@pytest.mark.parametrize("app", GROUPWORK, ids=lambda a: a.path)
def test_each_worksheet_notebook_calls_its_app_with_the_three_parameters(app):
    nb = json.loads((NOTEBOOKS / app.path).read_text(encoding="utf-8"))
    assert nb["metadata"]["title"] == app.titel
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    params = "".join(code[0]["source"])
    for name in ("regio", "sessie", "deelnemer"):
        assert re.search(rf'^{name} = ""', params, re.MULTILINE), name
    call = "".join(code[1]["source"])
    assert re.fullmatch(r"from ztmo\.ui\.werkvormen import (\w+)\n\1\(regio, sessie, deelnemer\)",
                        call), call
    assert any(c["cell_type"] == "markdown" for c in nb["cells"])
