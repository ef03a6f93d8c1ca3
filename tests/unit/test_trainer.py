"""The trainer's screen with a real SQLite store, through widget traits."""

import base64
import csv
import io
import re

import openpyxl
import pytest

from tests.unit.test_ui import all_html, with_class
from tests.unit.test_ui_session import store  # noqa: F401 - fixture
from ztmo import activities
from ztmo.content import load_guide
from ztmo.errors import UnknownSession
from ztmo.params import resolve
from ztmo.store import EXPORT_COLUMNS
from ztmo.ui.pillar import discussion_activity
from ztmo.ui.projector import default_base_url, join_url
from ztmo.ui.trainer import TrainerScreen, trainer_page


def test_new_session_shows_code_and_counts_participants_and_keeps_the_key(store):  # noqa: F811
    screen = TrainerScreen(load_guide(), resolve(query=""))
    app = screen.root
    with_class(app, "ztmo-session-name")[0].value = "Leernetwerk Twente"
    with_class(app, "ztmo-session-expected")[0].value = 500
    with_class(app, "ztmo-session-new")[0].click()
    head = with_class(app, "ztmo-trainer-head")[0].value
    code = head.split('class="ztmo-session-code-small">')[1].split("<")[0]
    assert store.get_session(code).name == "Leernetwerk Twente"
    assert f'href="beamer.ipynb?sessie={code}"' in head  # the room's screen: no key in it
    key = re.search(r'data-sleutel="(\w+)"', screen.identity.value).group(1)
    store.check_trainer_key(code, key)  # the page's address and memory get the real key
    assert key not in head
    assert "<strong>0</strong>" in with_class(app, "ztmo-participant-count")[0].value
    assert "500 deelnemers" in with_class(app, "ztmo-capacity")[0].value  # more than ready
    store.join(code)
    store.join(code)
    screen.live.poll_once()  # the live thread does this by itself every second
    assert "<strong>2</strong> deelnemers" in with_class(app, "ztmo-participant-count")[0].value
    screen.live.stop()


def test_a_reload_reopens_the_dashboard_with_the_remembered_key(store):  # noqa: F811
    s = store.create_session("Sessie")
    screen = TrainerScreen(load_guide(), resolve(query=f"sessie={s.code}"))  # key not in address
    assert not with_class(screen.root, "ztmo-participant-count")
    screen.bridge.value = f"who:{s.code}:VERKEERD22#1"  # a wrong remembered key: nothing opens
    assert not with_class(screen.root, "ztmo-participant-count")
    assert "sleutel" in all_html(screen.notices).lower()
    screen2 = TrainerScreen(load_guide(), resolve(query=f"sessie={s.code}"))
    screen2.bridge.value = f"who:{s.code}:{s.trainer_key}#1"
    assert with_class(screen2.root, "ztmo-participant-count")
    screen2.live.stop()


def test_pace_reveal_and_run_sheet_from_the_control_panel(store):  # noqa: F811
    from ztmo import presenter

    s = store.create_session("Sessie")
    screen = TrainerScreen(load_guide(), resolve(query=f"sessie={s.code}&sleutel={s.trainer_key}"))
    app = screen.root
    with_class(app, "ztmo-sheet-regio")[0].value = False  # this meeting skips the figures
    state = store.state(s.code)
    steps = [i.step for i in presenter.run_sheet(state)]
    assert "regio" not in steps and steps[-1] == "vlaggen" and "tijdlijn" not in steps
    with_class(app, "ztmo-pace-mode")[0].value = presenter.TOGETHER
    for expected in ("pijler1", "pijler2"):
        with_class(app, "ztmo-next-step")[0].click()
        assert presenter.pace(store.state(s.code)) .step == expected
    assert presenter.pace(store.state(s.code)).mode == presenter.TOGETHER
    assert not presenter.revealed(store.state(s.code), "pijler2")
    with_class(app, "ztmo-reveal")[0].click()
    assert presenter.revealed(store.state(s.code), "pijler2")
    assert "zichtbaar" in with_class(app, "ztmo-current-step")[0].value
    sheet = with_class(app, "ztmo-runsheet")[0].value
    page = base64.b64decode(sheet.split("base64,")[1].split('"')[0]).decode()
    assert "Draaiboek: Sessie" in page and "Cijfers van je regio" not in page
    screen.live.stop()


def test_opening_with_a_wrong_key_changes_nothing_and_says_so(store):  # noqa: F811
    s = store.create_session("Sessie")
    app = trainer_page(sessie=s.code, sleutel="VERKEERD22")
    assert "sleutel" in with_class(app, "ztmo-error")[0].value.lower()
    assert not with_class(app, "ztmo-participant-count")


def decode_link(html: str) -> bytes:
    return base64.b64decode(html.split("base64,")[1].split('"')[0])


def test_hide_export_close_and_delete(store):  # noqa: F811
    s = store.create_session("Sessie")
    token = store.join(s.code)
    activity = discussion_activity("weer_thuis", "moeilijk")
    store.save_answer(s.code, token, activity, "<b>Jan</b> zei iets")
    app = trainer_page(sessie=s.code, sleutel=s.trainer_key)
    walls = "".join(x.value for x in with_class(app, "ztmo-group-wall"))
    assert "&lt;b&gt;Jan&lt;/b&gt; zei iets" in walls and "<b>Jan" not in walls
    choose = with_class(app, "ztmo-moderation-list")[0]
    choose.value = choose.options[0][1]
    with_class(app, "ztmo-hide")[0].click()
    assert store.answers(s.code, activity)[0].hidden
    walls = "".join(x.value for x in with_class(app, "ztmo-group-wall"))
    assert "zei iets" not in walls
    # Export: hidden answers stay out unless the trainer ticks "Ook verborgen antwoorden".
    with_class(app, "ztmo-export")[0].click()
    xlsx_html = with_class(app, "ztmo-export-xlsx")[0].value
    csv_html = with_class(app, "ztmo-export-csv")[0].value
    assert f'download="sessie-{s.code}.xlsx"' in xlsx_html and "spreadsheetml" in xlsx_html
    assert f'download="sessie-{s.code}.csv"' in csv_html
    table = decode_link(csv_html)
    assert table.startswith(b"\xef\xbb\xbf") and b"zei iets" not in table
    assert b'"verborgen"' in table and token.encode() not in table
    book = openpyxl.load_workbook(io.BytesIO(decode_link(xlsx_html)))
    assert [c.value for c in next(book.active.iter_rows())] == EXPORT_COLUMNS
    hidden_too = with_class(app, "ztmo-export-hidden")[0]
    assert hidden_too.value is False and hidden_too.description == "Ook verborgen antwoorden"
    hidden_too.value = True  # the links follow the choice at once
    table = decode_link(with_class(app, "ztmo-export-csv")[0].value)
    with io.StringIO(table.decode("utf-8-sig"), newline="") as f:
        (row,) = list(csv.DictReader(f, delimiter=";"))
    assert (row["antwoord"], row["verborgen"], row["deelnemer"]) == (
        "<b>Jan</b> zei iets", "ja", "deelnemer 1")
    assert token.encode() not in table
    book = openpyxl.load_workbook(io.BytesIO(decode_link(
        with_class(app, "ztmo-export-xlsx")[0].value)))
    assert "<b>Jan</b> zei iets" in {c.value for r in book.active.iter_rows() for c in r}
    # Closing and wiping each have their own confirmation.
    close_sure = with_class(app, "ztmo-close-sure")[0]
    delete_sure = with_class(app, "ztmo-delete-sure")[0]
    with_class(app, "ztmo-close-session")[0].click()
    assert store.get_session(s.code).closed_at is None  # not without its confirmation
    delete_sure.value = True
    with_class(app, "ztmo-close-session")[0].click()
    assert store.get_session(s.code).closed_at is None  # the other one does not count
    delete_sure.value = False
    close_sure.value = True
    with_class(app, "ztmo-delete-session")[0].click()
    assert store.get_session(s.code).name == "Sessie"  # closing's confirmation wipes nothing
    assert '"Ja, wis de sessie en alle antwoorden"' in all_html(app)  # names its checkbox
    with_class(app, "ztmo-close-session")[0].click()
    assert store.get_session(s.code).closed_at is not None
    assert close_sure.value is False  # used once
    delete_sure.value = True
    with_class(app, "ztmo-delete-session")[0].click()
    assert "gewist" in all_html(app)
    with pytest.raises(UnknownSession):
        store.get_session(s.code)


def test_moderation_shows_readable_names_and_deletes_exactly_the_chosen_answer(store):  # noqa: F811
    s = store.create_session("Sessie")
    first, second = store.join(s.code), store.join(s.code)
    talk = discussion_activity("weer_thuis", "moeilijk")
    store.save_answer(s.code, first, activities.WHAT_IS_HOME, "een warm bed")
    store.save_answer(s.code, second, activities.WHAT_IS_HOME, "blijft staan")
    store.save_answer(s.code, second, talk, "Jan de Vries, Kerkstraat 1")
    screen = TrainerScreen(load_guide(), resolve(query=f"sessie={s.code}&sleutel={s.trainer_key}"))
    app = screen.root
    choose = with_class(app, "ztmo-moderation-list")[0]
    labels = [label for label, _ in choose.options]
    assert labels[0] == "Wat is thuis?: een warm bed"
    assert labels[2] == f"{activities.label(talk)}: Jan de Vries, Kerkstraat 1"
    assert not any(activities.WHAT_IS_HOME in x or talk in x for x in labels)  # no raw keys
    assert choose.value is None
    delete = with_class(app, "ztmo-delete-answer")[0]
    sure = with_class(app, "ztmo-delete-answer-sure")[0]
    assert delete.description == "Voorgoed verwijderen" and delete.layout.width == "auto"
    assert sure is not with_class(app, "ztmo-delete-sure")[0]
    sure.value = True
    delete.click()  # nothing chosen: nothing happens
    assert len(store.answers(s.code)) == 3 and "Kies eerst" in all_html(app)
    choose.value = f"{second}|{talk}"  # the last in the list
    assert sure.value is False  # choosing another answer asks again
    delete.click()
    assert len(store.answers(s.code)) == 3 and "Vink eerst aan" in all_html(app)
    sure.value = True
    # Someone changes an answer: the list reorders (ipywidgets would then jump to the first
    # item), but the choice and its confirmation stay on the same answer.
    store.save_answer(s.code, first, activities.WHAT_IS_HOME, "een warm bed en eten")
    screen.live.poll_once()
    assert choose.options[0][1] == f"{second}|{activities.WHAT_IS_HOME}"
    assert choose.value == f"{second}|{talk}" and sure.value is True
    before = store.revision(s.code)
    delete.click()
    assert {(a.participant, a.activity) for a in store.answers(s.code)} == {
        (first, activities.WHAT_IS_HOME), (second, activities.WHAT_IS_HOME)}
    assert store.revision(s.code) > before
    assert "voorgoed verwijderd" in all_html(app) and sure.value is False
    assert "Kerkstraat" not in all_html(app)
    assert not [x for x, _ in choose.options if "Kerkstraat" in x]
    table = store.export(s.code, include_hidden=True).to_csv()
    assert "Kerkstraat" not in table
    screen.live.stop()


def test_every_button_on_the_trainer_screen_shows_its_whole_label(store):  # noqa: F811
    s = store.create_session("Sessie")
    app = trainer_page(sessie=s.code, sleutel=s.trainer_key)
    for cls in ("ztmo-hide", "ztmo-show", "ztmo-delete-answer", "ztmo-export",
                "ztmo-close-session", "ztmo-delete-session"):
        (button,) = with_class(app, cls)
        assert button.layout.width == "auto", cls
    assert with_class(app, "ztmo-delete-session")[0].description == "Sessie en antwoorden wissen"


def _walk(widget):
    stack, out = [widget], []
    while stack:
        x = stack.pop()
        out.append(x)
        stack.extend(getattr(x, "children", ()))
    return out


def test_join_url_and_base_url():
    assert default_base_url({"ZTMO_BASE_URL": "http://10.0.0.5:8866/"}) == "http://10.0.0.5:8866"
    assert default_base_url({"SERVER_NAME": "laptop", "SERVER_PORT": "8866"}) == "http://laptop:8866"
    assert join_url("http://x:1", "K7MP3X") == \
        "http://x:1/voila/render/notebooks/index.ipynb?sessie=K7MP3X"
