"""The trainer's screen with a real SQLite store, through widget traits."""

import base64

from tests.unit.test_ui import all_html, with_class
from tests.unit.test_ui_session import store  # noqa: F401 - fixture
from ztmo.content import load_guide
from ztmo.params import resolve
from ztmo.ui.pillar import discussion_activity
from ztmo.ui.trainer import TrainerScreen, default_base_url, join_url, trainer_page


def test_new_session_shows_code_qr_and_counts_participants(store):  # noqa: F811
    screen = TrainerScreen(load_guide(), resolve(query=""))
    app = screen.root
    with_class(app, "ztmo-session-name")[0].value = "Leernetwerk Twente"
    with_class(app, "ztmo-session-new")[0].click()
    invite = with_class(app, "ztmo-invite")[0].value
    code = invite.split('class="ztmo-session-code">')[1].split("<")[0]
    assert store.get_session(code).name == "Leernetwerk Twente"
    assert "<svg" in invite and f"index.ipynb?sessie={code}" in invite
    assert "<strong>0</strong>" in with_class(app, "ztmo-participant-count")[0].value
    store.join(code)
    store.join(code)
    screen.live.poll_once()  # the live thread does this by itself every second
    assert "<strong>2</strong> deelnemers" in with_class(app, "ztmo-participant-count")[0].value
    screen.live.stop()


def test_opening_with_a_wrong_key_changes_nothing_and_says_so(store):  # noqa: F811
    s = store.create_session("Sessie")
    app = trainer_page(sessie=s.code, sleutel="VERKEERD22")
    assert "sleutel" in with_class(app, "ztmo-error")[0].value.lower()
    assert not with_class(app, "ztmo-participant-count")


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
    with_class(app, "ztmo-export")[0].click()
    link = with_class(app, "ztmo-download")[0].value
    csv = base64.b64decode(link.split("base64,")[1].split('"')[0]).decode()
    assert "zei iets" in csv and "verborgen" in csv
    with_class(app, "ztmo-close-session")[0].click()
    assert store.get_session(s.code).closed_at is None  # not without "zeker"
    sure = next(x for x in _walk(app) if getattr(x, "description", "") == "Ik weet het zeker")
    sure.value = True
    with_class(app, "ztmo-close-session")[0].click()
    assert store.get_session(s.code).closed_at is not None
    with_class(app, "ztmo-delete-session")[0].click()
    assert "gewist" in all_html(app)


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
