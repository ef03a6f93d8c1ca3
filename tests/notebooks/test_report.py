"""The session report rendered by Papermill (`ztmo verslag`), and the network notebook.

One network with two meetings is seeded once: the second meeting has an answer for every
registered activity, a participant with a nickname, a hidden and a deleted answer. The
report is rendered once through the core API and read as text and in Chromium with every
request to another host blocked.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import papermill as pm
import pytest

from tests.conftest import NOTEBOOKS
from ztmo import activities as acts
from ztmo.editions import html

pytestmark = pytest.mark.notebooks

NICKNAME = "Bijnaam-Geheim-Xq"
HIDDEN = "GEHEIM-VERBORGEN-42"
DELETED = "WEG-VERWIJDERD-17"
R11, R12 = acts.rating_key("allerliefst_thuis.1"), acts.rating_key("allerliefst_thuis.2")
ZTMO = str(Path(sys.executable).with_name("ztmo"))


def value_for(activity: acts.Activity, i: int) -> str:
    """A valid answer of any kind (a new kind would make this test say so)."""
    if activity.kind == acts.RATING:
        return str(1 + i % 5)
    if activity.kind == acts.TEXT:
        return f"Antwoord {i} op {activity.label}"
    if activity.kind == acts.CHOICE:
        return activity.choices[i % len(activity.choices)]
    if activity.kind == acts.RANKING:
        return ",".join(activity.choices[:2])
    if activity.kind == acts.VOTES:
        return "1.1,2.1"  # deelnemer 1's and 2's first idea
    raise AssertionError(f"unknown activity kind {activity.kind}")


@pytest.fixture(scope="module")
def seeded():
    """Leernetwerk Twente: May (ratings 2) and October (every activity; ratings 4)."""
    from ztmo.store import Store

    store = Store.from_env()
    net = store.create_network("Leernetwerk Twente", region="Twente")
    may = store.start_meeting(net.id, net.trainer_key, "Twente, mei", date(2026, 5, 12))
    october = store.start_meeting(net.id, net.trainer_key, "Twente, oktober", date(2026, 10, 6))
    for i in range(6):
        t = store.join(may.code)
        store.save_answer(may.code, t, R11, "2")
        store.save_answer(may.code, t, acts.discussion_key("allerliefst_thuis", "lukt_al"),
                          f"Mei: samen met school {i}")
    store.close_session(may.code, may.trainer_key)
    tokens = [store.join(october.code, NICKNAME if i == 0 else None) for i in range(6)]
    for i, t in enumerate(tokens):
        for activity in acts.registry().values():
            if activity.key in (R11, R12):
                continue
            store.save_answer(october.code, t, activity.key, value_for(activity, i))
        store.save_answer(october.code, t, R11, "4")
        if i < 3:
            store.save_answer(october.code, t, R12, "5")
    store.save_answer(october.code, tokens[1], acts.WHAT_IS_HOME, HIDDEN)
    store.hide_answer(october.code, october.trainer_key, tokens[1], acts.WHAT_IS_HOME)
    store.save_answer(october.code, tokens[2], acts.DUO_INSIGHT, DELETED)
    store.delete_answer(october.code, october.trainer_key, tokens[2], acts.DUO_INSIGHT)
    store.close_session(october.code, october.trainer_key)
    return store, net, may, october


@pytest.fixture(scope="module")
def rendered(seeded, tmp_path_factory):
    from ztmo import report

    store, _, _, october = seeded
    out = tmp_path_factory.mktemp("verslagen")
    return report.render(october.code, out, store=store, pdf=True)


def page_text(markup: str) -> str:
    from tests.unit.test_texts import readable

    return readable(markup)


def test_the_report_shows_every_activity_type_and_the_change_since_last_time(rendered, seeded):
    *_, october = seeded
    assert rendered.html.name == f"verslag-{october.code}.html" and not rendered.reused
    markup = rendered.html.read_text(encoding="utf-8")
    text = page_text(markup)
    assert "Verslag: Twente, oktober" in text and "6 oktober 2026" in text
    assert "bijeenkomst 2 van Leernetwerk Twente" in text
    for heading in ("Wat is thuis?", "Pijler 1: Het allerliefst thuis", "Pijler 3: Weer thuis",
                    "Groepsgesprek", "Gedachten bij de handvatten", "Leervoorkeuren van de groep",
                    "Duogesprek over leervoorkeuren", "Ideeënmuur", "Vier vlaggen",
                    "Tijdlijn: waar keerde het?", "Goede voorbeelden",
                    "De tien beloften aan het kind"):
        assert heading in text, heading
    assert "6 deelnemers maakten de scan af" in text and "6 deelnemers deden mee" in text
    # the comparison: handvat 1.1 from 2,0 (n = 6) to 4,0 (n = 6); 1.2 has 3 ratings
    row = markup.split('data-handvat="1.1"')[1].split("</tr>")[0]
    assert "gemiddeld 2,0" in row and "gemiddeld 4,0" in row and row.count("(n = 6)") == 2
    assert ">+2,0<" in row
    row = markup.split('data-handvat="1.2"')[1].split("</tr>")[0]
    assert row.count("minder dan 5 beoordelingen") == 2 and "gemiddeld" not in row
    assert "Mei: samen met school 3" in text  # what the group said last time
    assert "6 stippen" in text  # everyone's dot on deelnemer 1's first idea, per wall
    # the region beside it, with sources
    assert "Twente (JZ14)" in text and "Bron: CBS" in text
    assert "Mijn Thuis" in text and "Manon Ruijters" in text


def test_the_report_has_no_names_no_hidden_or_deleted_answers_and_no_code(rendered, seeded):
    store, *_ , october = seeded
    markup = rendered.html.read_text(encoding="utf-8")
    for secret in (NICKNAME, HIDDEN, DELETED, "deelnemer 1"):
        assert secret not in markup, secret
    for token, _ in store.participants(october.code):
        assert token not in markup  # no tokens
    for code in ("open_report", "verslag.header", "import ztmo", "sessie = "):
        assert code not in markup, code
    assert "jp-InputArea" not in markup and 'class="input"' not in markup
    assert "<script" not in markup.lower() and html.external_loads(markup) == []
    assert markup.startswith("<!DOCTYPE html>") and markup.rstrip().endswith("</html>")
    assert '<html lang="nl">' in markup


def test_the_pdf_is_printed_when_chromium_is_there(rendered):
    from ztmo.report import find_chromium

    if find_chromium() is None:
        assert rendered.pdf is None and any("Geen PDF" in n for n in rendered.notes)
        return
    assert rendered.pdf is not None and rendered.pdf.read_bytes()[:5] == b"%PDF-"


@pytest.mark.browser
def test_the_report_loads_nothing_from_another_host_in_chromium(rendered, browser):
    elsewhere: list[str] = []
    local = []

    def gate(route):
        url = route.request.url
        if url.startswith(("file://", "data:", "about:")):
            local.append(url)
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    context = browser.new_context(locale="nl-NL")
    try:
        context.route("**/*", gate)
        page = context.new_page()
        page.goto(rendered.html.as_uri(), wait_until="load")
        assert page.locator("html").get_attribute("lang") == "nl"
        assert "Verslag: Twente, oktober" in page.title()
        chart = page.locator("svg.ztmo-distribution").first.bounding_box()
        assert chart and chart["width"] > 200  # the charts show without a kernel
        assert NICKNAME not in page.inner_text("body")
    finally:
        context.close()
    assert elsewhere == [] and local


def test_a_second_render_without_changes_is_the_same_file(seeded, rendered):
    from ztmo import report

    store, *_, october = seeded
    before = rendered.html.read_bytes()
    again = report.render(october.code, rendered.html.parent, store=store, pdf=False)
    assert again.reused and again.html == rendered.html and again.html.read_bytes() == before


def run_cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([ZTMO, *args], capture_output=True, text=True, check=False,
                          env=dict(os.environ), timeout=600, **kwargs)


def test_two_trainers_at_once_get_the_same_complete_file(seeded, tmp_path):
    *_, october = seeded
    argv = [ZTMO, "verslag", october.code, "--uit", str(tmp_path), "--geen-pdf"]
    procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [p.communicate(timeout=600) + (p.returncode,) for p in procs]
    assert [rc for *_, rc in results] == [0, 0], results
    paths = {out.strip() for out, _, _ in results}
    assert paths == {str(tmp_path / f"verslag-{october.code}.html")}
    assert sum("niets veranderd" in err for _, err, _ in results) == 1  # rendered once
    markup = Path(paths.pop()).read_text(encoding="utf-8")
    assert markup.rstrip().endswith("</html>") and "Verslag: Twente, oktober" in markup
    assert sorted(p.name for p in tmp_path.iterdir()) == [  # no temporary files left behind
        f".verslag-{october.code}.json", f".verslag-{october.code}.lock",
        f"verslag-{october.code}.html"]


def test_an_open_meeting_without_answers_gets_a_report_that_says_so(seeded, tmp_path):
    store, net, *_ = seeded
    empty = store.start_meeting(net.id, net.trainer_key, "Twente, december", date(2026, 12, 1))
    done = run_cli("verslag", empty.code, "--uit", str(tmp_path), "--geen-pdf")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / f"verslag-{empty.code}.html")
    assert "nog open" in done.stderr and "geen antwoorden" in done.stderr
    text = page_text(Path(done.stdout.strip()).read_text(encoding="utf-8"))
    assert "Deze bijeenkomst is nog open" in text and "geen antwoorden gegeven" in text
    assert "niemand gaf een antwoord" in text
    store.delete_meeting(net.id, net.trainer_key, empty.code)


def test_an_unknown_session_gets_a_dutch_message_and_exit_2(tmp_path):
    done = run_cli("verslag", "ZZZZZZ", "--uit", str(tmp_path))
    assert done.returncode == 2 and done.stdout == ""
    assert "We vinden geen sessie met de code ZZZZZZ" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_report_notebook_is_clean_and_needs_papermill_for_its_session(tmp_path):
    """Opened without Papermill's parameter (say as a live app) it shows no session."""
    nb_json = json.loads((NOTEBOOKS / "verslag.ipynb").read_text(encoding="utf-8"))
    assert "parameters" in nb_json["cells"][0]["metadata"]["tags"]
    out = tmp_path / "verslag.ipynb"
    nb = pm.execute_notebook(str(NOTEBOOKS / "verslag.ipynb"), str(out), kernel_name="python3",
                             progress_bar=False)
    assert html.error_outputs(nb) == []
    shown = json.dumps([c.get("outputs") for c in nb.cells], ensure_ascii=False)
    assert "geen sessie gekozen" in shown.lower() and "ztmo-error" in shown


@pytest.mark.parametrize("query", ["", "sessie"])
def test_the_network_notebook_runs_under_papermill(seeded, tmp_path, query):
    from tests.notebooks.test_notebooks import errors, widget_text

    *_, october = seeded
    params = {"sessie": october.code} if query else {}
    out = tmp_path / "netwerk.ipynb"
    pm.execute_notebook(str(NOTEBOOKS / "netwerk.ipynb"), str(out), parameters=params,
                        kernel_name="python3", cwd=str(NOTEBOOKS), progress_bar=False)
    nb = json.loads(out.read_text(encoding="utf-8"))
    assert errors(nb) == []
    text = widget_text(nb)
    assert "ztmo-network" in text and "\"ztmo-error\"" not in text
    if query:  # the projector's view: waits for the trainer
        assert "zo zien" in text and not re.search(r"gemiddeld \d", text)
    else:
        assert "ztmo-network-open" in text
