"""Comparisons between a network's meetings (pure), and the network page with a real store."""

from __future__ import annotations

import base64
import io
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import openpyxl
import pytest

from tests.unit.test_ui import all_html, with_class
from tests.unit.test_ui_session import store  # noqa: F401 - fixture
from ztmo import activities as acts
from ztmo import network as nw
from ztmo.content import load_guide
from ztmo.params import resolve
from ztmo.store import Answer
from ztmo.store.snapshot import Snapshot

R11, R12 = acts.rating_key("allerliefst_thuis.1"), acts.rating_key("allerliefst_thuis.2")
TALK = acts.discussion_key("allerliefst_thuis", "lukt_al")
NOW = datetime(2026, 5, 12, 10, tzinfo=UTC)


def snapshot(code: str, answers: list[tuple[str, str, bool]]) -> Snapshot:
    """A snapshot with (activity, value, hidden) answers, each by a participant of its own."""
    given = tuple(Answer(code, f"{i:016d}", activity, value, NOW, hidden, None)
                  for i, (activity, value, hidden) in enumerate(answers))
    return Snapshot(code, code, 1, True, (), given)


def meeting(number: int, day: date, *answers) -> tuple[nw.MeetingInfo, Snapshot]:
    code = f"MEET{number:02d}"[:6]
    return nw.MeetingInfo(code, f"Bijeenkomst {number}", day, True, number), snapshot(
        code, list(answers))


def ratings(key: str, *scores: str) -> list[tuple[str, str, bool]]:
    return [(key, s, False) for s in scores]


@pytest.fixture(scope="module")
def guide():
    return load_guide()


def test_fewer_than_five_ratings_show_no_figure():
    few = nw.rating_figure(["1", "5", "5", "4", "?", "?", "x", ""])
    assert (few.n, few.unknown, few.counts, few.mean, few.shown) == (4, 2, None, None, False)
    five = nw.rating_figure(["1", "2", "3", "4", "5", "?"])
    assert five.shown and five.n == 5 and five.unknown == 1 and five.mean == 3.0
    assert five.counts == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}


def test_changes_are_written_the_dutch_way():
    assert [nw.format_change(x) for x in (0.64, -0.25, 0.0, 0.04, None)] == [
        "+0,6", "−0,2", "0,0", "0,0", "–"]
    assert nw.format_mean(3.45) == "3,5" and nw.dutch_date(date(2026, 10, 6)) == "6 oktober 2026"


def test_two_meetings_compare_per_handvat_with_counts_and_hide_small_groups(guide):
    may = meeting(1, date(2026, 5, 12), *ratings(R11, "2", "2", "3", "3", "2", "1", "2"),
                  *ratings(R12, "4", "4", "4", "4", "4"), (TALK, "Toen: school", False),
                  (TALK, "verborgen notitie", True))
    october = meeting(2, date(2026, 10, 6), *ratings(R11, "4", "4", "3", "5", "4", "4"),
                      *ratings(R12, "5", "5", "?", "5"), (TALK, "Nu: <b>netwerk</b>", False))
    prog = nw.progress(guide, [october, may])  # any order in, meeting order out
    assert [m.number for m in prog.meetings] == [1, 2] and prog.previous.number == 1
    first = prog.guidelines[0]
    assert first.label == "1.1" and [f.n for f in first.figures] == [7, 6]
    assert first.figures[0].counts == {1: 1, 2: 4, 3: 2, 4: 0, 5: 0}
    assert first.change == pytest.approx(4.0 - 15 / 7)
    second = prog.guidelines[1]
    assert second.figures[0].shown and not second.figures[1].shown  # 3 ratings and a "?"
    assert second.figures[1].n == 3 and second.change is None
    talk = next(t for t in prog.talk if t.before or t.now)
    assert talk.before == ("Toen: school",) and talk.now == ("Nu: <b>netwerk</b>",)

    markup = nw.progress_html(prog, guide)
    assert "gemiddeld 2,1</span> <span class=\"ztmo-count\">(n = 7)" in markup
    assert "gemiddeld 4,0</span> <span class=\"ztmo-count\">(n = 6)" in markup
    assert ">+1,9<" in markup
    row = markup.split('data-handvat="1.2"')[1].split("</tr>")[0]
    assert "gemiddeld 4,0" in row and nw.FEW_RATINGS in row and ">–<" in row
    assert "<b>netwerk" not in markup and "&lt;b&gt;netwerk" in markup
    assert "verborgen notitie" not in markup
    assert "vlaggen" in markup and "Vorige keer (12 mei 2026)" in markup
    assert "In deze bijeenkomsten heeft niemand" in markup  # pillars 2 and 3


def test_upto_compares_a_meeting_with_the_ones_before_it(guide):
    metings = [meeting(n, date(2026, n, 1), *ratings(R11, *[str(n)] * 5)) for n in (1, 2, 3)]
    prog = nw.progress(guide, metings, upto="MEET02")
    assert [m.code for m in prog.meetings] == ["MEET01", "MEET02"]
    assert prog.guidelines[0].change == pytest.approx(1.0)
    only = nw.progress(guide, metings[:1])
    assert only.previous is None and only.guidelines[0].change is None
    assert "Verschil met vorige keer" not in nw.progress_html(only, guide)
    assert "nog geen bijeenkomsten" in nw.progress_html(nw.progress(guide, []), guide)


def test_the_distribution_chart_is_plain_svg_with_a_row_for_every_group(guide):
    labels = dict(guide.beoordeling.labels)
    rows = [("1.1 <mei>", nw.rating_figure(["1", "1", "2", "5", "5"])),
            ("1.1 oktober", nw.rating_figure(["3", "4"]))]
    svg = nw.distribution_svg(rows, labels, "Pijler & 1")
    tree = ET.fromstring(svg)  # well-formed XML: it is inlined as it is
    texts = ["".join(t.itertext()) for t in tree.iter("{http://www.w3.org/2000/svg}text")]
    assert "1.1 <mei>" in texts and nw.FEW_RATINGS in texts and "n = 5" in texts
    assert "n = 2" not in texts
    bars = [r for r in tree.iter("{http://www.w3.org/2000/svg}rect") if r.find(
        "{http://www.w3.org/2000/svg}title") is not None]
    assert len(bars) == 3  # scores 1, 2 and 5
    widths = sorted(round(float(b.get("width"))) for b in bars)
    assert widths == [84, 168, 168]  # shares of 420: 1/5, 2/5, 2/5
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_region_figures_come_with_their_sources_and_say_what_is_missing():
    from ztmo import figures as fig
    from ztmo.regions import get_region

    frame = fig.load().frame
    with_figures = next(c for c in ("JZ03", "JZ32", "JZ35", "JZ38")
                        if not fig.for_region(frame, c).empty)
    markup, sources = nw.region_html(get_region(with_figures), frame)
    assert "Bron: CBS" in markup and sources and all(s.startswith("Bron: CBS") for s in sources)
    assert "<table" in markup
    markup, sources = nw.region_html(get_region("Twente"), frame, ["Let <op>"])
    assert "nog geen cijfers van het CBS" in markup and "heel Nederland" in markup
    assert "Let &lt;op&gt;" in markup


def test_a_network_name_is_checked():
    assert nw.check_network_name("  Leernetwerk   Twente ") == "Leernetwerk Twente"
    for bad in ("", "   ", None, "x" * 101):
        with pytest.raises(nw.NetworkError):
            nw.check_network_name(bad)


# --- the network page, with a real SQLite store ----------------------------------------------
def two_meetings(store):  # noqa: F811
    net = store.create_network("Leernetwerk Twente", region="Twente")
    may = store.start_meeting(net.id, net.trainer_key, "Twente, mei", date(2026, 5, 12))
    october = store.start_meeting(net.id, net.trainer_key, "Twente, oktober", date(2026, 10, 6))
    for m, scores in ((may, "2223321"), (october, "443544")):
        for i, s in enumerate(scores):
            t = store.join(m.code, f"Bijnaam{m.code}{i}")
            store.save_answer(m.code, t, R11, s)
            if i < 4:
                store.save_answer(m.code, t, R12, "3")
    return net, may, october


def test_the_projector_shows_the_comparison_only_when_the_trainer_does(store):  # noqa: F811
    from ztmo.ui.network import NetworkPage, set_shown

    net, may, october = two_meetings(store)
    page = NetworkPage(load_guide(), resolve(query=f"sessie={october.code}"))
    assert "ztmo-network-room" in page.root._dom_classes
    assert "zo zien" in all_html(page.body) and "gemiddeld" not in all_html(page.body)
    set_shown(store, october.code, october.trainer_key, True)
    page.live.poll_once()
    text = all_html(page.body)
    assert "gemiddeld 2,1</span> <span class=\"ztmo-count\">(n = 7)" in text
    assert "gemiddeld 4,0</span> <span class=\"ztmo-count\">(n = 6)" in text
    assert ">+1,9<" in text
    row = text.split('data-handvat="1.2"')[1].split("</tr>")[0]
    assert row.count(nw.FEW_RATINGS) == 2  # 4 ratings each time: no figure
    assert "Bijnaam" not in text and "Twente (JZ14)" in text
    assert october.trainer_key not in text and net.trainer_key not in text
    page.live.stop()
    trainer = NetworkPage(load_guide(), resolve(query=f"sessie={may.code}&sleutel="
                                                f"{may.trainer_key}"))
    text = all_html(trainer.body)  # the trainer sees it at once; May is the first meeting
    assert "gemiddeld 2,1" in text and "gemiddeld 4,0" not in text
    trainer.live.stop()


def test_a_session_of_no_network_or_an_unknown_one_says_so(store):  # noqa: F811
    from ztmo.ui.network import NetworkPage

    alone = store.create_session("los")
    page = NetworkPage(load_guide(), resolve(query=f"sessie={alone.code}"))
    assert with_class(page.notices, "ztmo-error") and "niet bij een leernetwerk" in all_html(page.notices)
    page = NetworkPage(load_guide(), resolve(query="sessie=ZZZZZZ"))
    assert "We vinden geen sessie" in all_html(page.notices)
    page = NetworkPage(load_guide(), resolve(query="sleutel=ABCDEFGHJK"), netwerk="ZZZZZZ")
    assert "We vinden geen leernetwerk" in all_html(page.notices)
    assert with_class(page.root, "ztmo-network-open")  # and a way to try again


def test_the_network_trainer_makes_a_network_starts_a_meeting_exports_and_deletes(store):  # noqa: F811
    from ztmo import presenter
    from ztmo.ui.network import NetworkPage

    page = NetworkPage(load_guide(), resolve(query=""))
    with_class(page.root, "ztmo-network-name")[0].value = "Leernetwerk <Gooi>"
    with_class(page.root, "ztmo-network-region")[0].value = "JZ16"
    with_class(page.root, "ztmo-network-new")[0].click()
    made = with_class(page.root, "ztmo-network-made")[0].value
    net_id = made.split("Code: <strong>")[1].split("<")[0]
    key = made.split("Sleutel: <strong>")[1].split("<")[0]
    store.check_network_key(net_id, key)
    assert "Leernetwerk &lt;Gooi&gt;" in all_html(page.body)

    first = store.start_meeting(net_id, key, "eerste", date(2026, 3, 1))
    presenter.set_run_sheet(store, first.code, first.trainer_key, ["start", "pijler2"])
    with_class(page.root, "ztmo-meeting-name")[0].value = "Tweede keer"
    with_class(page.root, "ztmo-meeting-date")[0].value = date(2026, 9, 1)
    with_class(page.root, "ztmo-meeting-start")[0].click()
    message = with_class(page.root, "ztmo-network-message")[0].value
    code = message.split("deelnemers: <strong>")[1].split("<")[0]
    assert f"trainer.ipynb?sessie={code}&amp;sleutel=" in message
    assert [i.step for i in presenter.run_sheet(store.state(code))] == ["start", "pijler2"]
    assert [m.code for m in store.meetings(net_id)] == [first.code, code]

    t = store.join(code)
    store.save_answer(code, t, acts.WHAT_IS_HOME, "=warmte")
    with_class(page.root, "ztmo-network-export")[0].click()
    href = with_class(page.root, "ztmo-network-xlsx")[0].value.split('href="')[1].split('"')[0]
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(href.split(",", 1)[1])))
    rows = list(book.active.values)
    assert rows[0][:3] == ("netwerk", "bijeenkomst", "datum")
    assert rows[1][1] == "2. Tweede keer" and "=warmte" in rows[1]

    choice = with_class(page.root, "ztmo-meeting-choice")[0]
    choice.value = first.code
    with_class(page.root, "ztmo-meeting-delete")[0].click()  # not confirmed: nothing happens
    assert len(store.meetings(net_id)) == 2
    with_class(page.root, "ztmo-meeting-delete-sure")[0].value = True
    with_class(page.root, "ztmo-meeting-delete")[0].click()
    assert [m.code for m in store.meetings(net_id)] == [code]
    with_class(page.root, "ztmo-network-delete-sure")[0].value = True
    with_class(page.root, "ztmo-network-delete")[0].click()
    assert "Het leernetwerk is gewist" in all_html(page.body)
    from ztmo.network import UnknownNetwork

    with pytest.raises(UnknownNetwork):
        store.get_network(net_id)


def test_opening_a_network_needs_its_key(store, monkeypatch):  # noqa: F811
    from ztmo.ui.network import NetworkPage

    net = store.create_network("Netwerk")
    monkeypatch.setenv("QUERY_STRING", f"netwerk={net.id.lower()}")  # as Voila gives it
    page = NetworkPage(load_guide(), resolve(query=""))
    assert with_class(page.root, "ztmo-network-code")[0].value == net.id  # from the address
    with_class(page.root, "ztmo-network-key")[0].value = "ABCDEFGHJK"
    with_class(page.root, "ztmo-network-open")[0].click()
    assert "sleutel" in all_html(page.notices).lower()
    with_class(page.root, "ztmo-network-key")[0].value = net.trainer_key
    with_class(page.root, "ztmo-network-open")[0].click()
    assert with_class(page.root, "ztmo-network-export")


def test_the_control_panel_links_a_session_and_shows_the_comparison(store):  # noqa: F811
    from ztmo.ui.trainer import TrainerScreen

    net = store.create_network("Leernetwerk Twente")
    s = store.create_session("Twente, oktober")
    screen = TrainerScreen(load_guide(), resolve(query=f"sessie={s.code}&sleutel={s.trainer_key}"))
    app = screen.root
    assert "nog niet bij een leernetwerk" in with_class(app, "ztmo-network-state")[0].value
    with_class(app, "ztmo-link-network-code")[0].value = net.id
    with_class(app, "ztmo-link-network-key")[0].value = "ABCDEFGHJK"
    with_class(app, "ztmo-link-network")[0].click()
    assert "sleutel" in all_html(screen.notices).lower() and store.network_of(s.code) is None
    with_class(app, "ztmo-link-network-key")[0].value = net.trainer_key
    with_class(app, "ztmo-link-network")[0].click()
    state = with_class(app, "ztmo-network-state")[0].value
    assert "bijeenkomst 1 van <strong>Leernetwerk Twente" in state
    assert f'href="netwerk.ipynb?sessie={s.code}"' in state and s.trainer_key not in state
    assert "verborgen" in state
    with_class(app, "ztmo-network-show")[0].click()
    assert "<strong>zichtbaar</strong>" in with_class(app, "ztmo-network-state")[0].value
    assert with_class(app, "ztmo-network-show")[0].description == "Vergelijking verbergen"
    with_class(app, "ztmo-network-unlink")[0].click()
    assert store.network_of(s.code) is None
    with_class(app, "ztmo-new-network-name")[0].value = "Nieuw netwerk"
    with_class(app, "ztmo-new-network")[0].click()
    made = with_class(app, "ztmo-new-network-made")[0].value
    assert store.network_of(s.code).name == "Nieuw netwerk" and "Sleutel" in made
    screen.live.stop()


# --- `ztmo netwerk` ---------------------------------------------------------------------------
@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("ZTMO_DATABASE_URL", raising=False)
    monkeypatch.setenv("ZTMO_DATA_DIR", str(tmp_path / "var"))
    return tmp_path / "var"


def test_the_netwerk_command_makes_starts_exports_and_deletes(data_dir, tmp_path, capsys):
    import re

    from ztmo import cli
    from ztmo.store import Store

    assert cli.main(["netwerk", "nieuw", "--naam", "Leernetwerk Twente", "--regio", "jz14"]) == 0
    out = capsys.readouterr().out
    net_id = re.search(r"Code van het leernetwerk: (\w{6})", out).group(1)
    key = re.search(r"Sleutel van het leernetwerk: (\w{10})", out).group(1)
    assert "(jeugdregio JZ14)" in out and f"netwerk.ipynb?netwerk={net_id}" in out
    assert cli.main(["netwerk", "bijeenkomst", net_id, "--naam", "Twente, oktober", "--datum",
                     "2026-10-06", "--sleutel", key.lower()]) == 0
    out = capsys.readouterr().out
    code = re.search(r"Code voor deelnemers: (\w{6})", out).group(1)
    with Store.from_env() as db:
        [meeting] = db.meetings(net_id)
        assert meeting.code == code and meeting.meeting_date == date(2026, 10, 6)
        db.save_answer(code, db.join(code), acts.WHAT_IS_HOME, "warm")
    target = tmp_path / "netwerk.xlsx"
    assert cli.main(["netwerk", "export", net_id, "--xlsx", str(target), "--sleutel", key]) == 0
    assert "1 antwoord geschreven" in capsys.readouterr().out
    assert list(openpyxl.load_workbook(target).active.values)[1][:2] == (
        "Leernetwerk Twente", "1. Twente, oktober")
    assert cli.main(["netwerk", "verwijder", net_id, "--bijeenkomst", code, "--sleutel",
                     key]) == 0
    assert f"Bijeenkomst {code} is verwijderd" in capsys.readouterr().out
    assert cli.main(["netwerk", "verwijder", net_id, "--sleutel", key]) == 0
    assert "met 0 bijeenkomsten" in capsys.readouterr().out


@pytest.mark.parametrize("argv,message", [
    (["netwerk", "export", "ZZZZZZ", "--xlsx", "x.xlsx", "--sleutel", "ABCDEFGHJK"],
     "We vinden geen leernetwerk met de code ZZZZZZ"),
    (["netwerk", "nieuw", "--naam", "x", "--regio", "Twentee"], "Bedoel je misschien: Twente"),
    (["netwerk", "nieuw", "--naam", "  "], "Geef het leernetwerk een naam"),
    (["verslag", "ZZZZZZ"], "We vinden geen sessie met de code ZZZZZZ"),
])
def test_the_netwerk_and_verslag_commands_say_what_is_wrong(data_dir, capsys, argv, message):
    from ztmo import cli

    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_wrong_network_key_or_date_changes_nothing(data_dir, capsys):
    from ztmo import cli
    from ztmo.store import Store

    with Store.from_env() as db:
        net = db.create_network("Netwerk")
    assert cli.main(["netwerk", "verwijder", net.id, "--sleutel", "ABCDEFGHJK"]) == 2
    assert "sleutel van het leernetwerk klopt niet" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        cli.main(["netwerk", "bijeenkomst", net.id, "--naam", "x", "--datum", "6-10-2026",
                  "--sleutel", net.trainer_key])
    assert stop.value.code == 2 and "JJJJ-MM-DD" in capsys.readouterr().err
    with Store.from_env() as db:
        assert db.get_network(net.id).name == "Netwerk" and db.meetings(net.id) == []


def test_a_preheated_kernel_builds_the_page_before_the_request(store, monkeypatch):  # noqa: F811
    """Reading the address there would wait for the request: the page must come first."""
    import threading

    from ztmo.params import Params
    from ztmo.ui.network import NetworkPage

    monkeypatch.setenv("VOILA_PREHEAT", "True")
    built: list = []
    worker = threading.Thread(target=lambda: built.append(NetworkPage(load_guide(), Params())),
                              daemon=True)
    worker.start()
    worker.join(20)
    assert built and with_class(built[0].root, "ztmo-network-open")
