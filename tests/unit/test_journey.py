"""The participant's journey in one app: identity, view changes, and the page script's messages."""

from __future__ import annotations

import re
import threading
import time

import pytest

from tests.unit.test_ui import all_html, with_class
from tests.unit.test_ui_session import store  # noqa: F401 - fixture
from ztmo.activities import STEP_KEYS
from ztmo.content import load_guide
from ztmo.params import Params, resolve
from ztmo.ui.journey import Journey
from ztmo.ui.session import HEARTBEAT


def identity(app) -> dict[str, str]:
    return dict(re.findall(r'data-(\w+)="([^"]*)"', app.identity.value))


def journey(query: str) -> Journey:
    return Journey(load_guide(), resolve(query=query))


def join(app, code, nickname=""):
    with_class(app.root, "ztmo-join-code")[0].value = code
    with_class(app.root, "ztmo-nickname")[0].value = nickname
    with_class(app.root, "ztmo-join-submit")[0].click()


def test_after_joining_the_identity_carries_session_token_and_step(store):  # noqa: F811
    s = store.create_session("Maandag")
    app = journey(f"sessie={s.code}")
    assert identity(app) == {"sessie": s.code, "deelnemer": "", "stap": "start", "vergeet": "",
                             "echt": "1"}
    join(app, s.code, "Vos")
    token = identity(app)["deelnemer"]
    assert store.is_participant(s.code, token) and store.participant_count(s.code) == 1
    app.bridge.value = "go:pijler2#1"
    assert app.step == "pijler2" and identity(app)["stap"] == "pijler2"
    assert with_class(app.stage, "ztmo-pillar")  # the pillar is the view now
    assert re.search(r'data-ztmo-stap="pijler2" aria-current="page"', app.menu.value)
    assert app.menu.value.count('aria-current="page"') == 1


def test_every_step_opens_in_the_same_app_and_only_its_live_view_runs(store):  # noqa: F811
    s = store.create_session("Maandag")
    token = store.join(s.code)
    app = journey(f"sessie={s.code}&deelnemer={token}")
    for n, step in enumerate(STEP_KEYS + ("duo", "start")):
        app.bridge.value = f"go:{step}#{n}"
        assert app.step == step and len(app.stage.children) == 2
        assert not with_class(app.root, "ztmo-error"), step
    live = [t for t in threading.enumerate() if t.name == "ztmo-live" and t.is_alive()]
    assert len(live) <= 1  # the start page's; the duo view's stopped when it was left
    assert app.views["duo"].live is None


@pytest.mark.parametrize("message", ["go:<script>#1", "go:../../etc#2", "go:admin#3",
                                     "steel:alles", "go:pijler1;x", ""])
def test_messages_that_are_not_ours_change_nothing(message):
    app = journey("")
    app.bridge.value = message
    assert app.step == "start" and not with_class(app.root, "ztmo-error")


def test_the_remembered_participant_comes_back_instead_of_a_new_one(store):  # noqa: F811
    s = store.create_session("Maandag")
    token = store.join(s.code)
    app = journey(f"sessie={s.code}")  # the join link again, on the same phone
    app.bridge.value = f"who:{s.code}:{token}#1"
    assert identity(app)["deelnemer"] == token and with_class(app.root, "ztmo-joined")
    assert store.participant_count(s.code) == 1  # no ghost


def test_the_address_wins_over_the_memory(store):  # noqa: F811
    s = store.create_session("Maandag")
    mine, other = store.join(s.code), store.join(s.code)
    app = journey(f"sessie={s.code}&deelnemer={mine}")
    app.bridge.value = f"who:{s.code}:{other}#1"
    assert identity(app)["deelnemer"] == mine


def test_a_remembered_participant_arriving_before_the_address_is_kept(store):  # noqa: F811
    """A preheated kernel: the page script's message can come before the request's address."""
    s = store.create_session("Maandag")
    token = store.join(s.code)
    app = Journey(load_guide(), Params())
    app.bridge.value = f"who:{s.code}:{token}#1"
    app.set_params(resolve(query=f"sessie={s.code}"))  # the address names nobody
    assert identity(app)["deelnemer"] == token


def test_a_stale_memory_gives_a_clean_fresh_start(store):  # noqa: F811
    s = store.create_session("Maandag")
    other = store.create_session("Dinsdag")
    stranger = store.join(other.code)
    app = journey(f"sessie={s.code}")
    app.bridge.value = f"who:{s.code}:{stranger}#1"  # a token of another session
    assert identity(app)["deelnemer"] == "" and identity(app)["vergeet"] == s.code
    assert with_class(app.root, "ztmo-join-submit")  # the join form, no traceback
    assert store.participant_count(s.code) == 0


def test_a_closed_session_says_so_and_the_browser_forgets_it(store):  # noqa: F811
    s = store.create_session("Maandag")
    token = store.join(s.code)
    store.close_session(s.code, s.trainer_key)
    app = journey(f"sessie={s.code}&deelnemer={token}")
    assert "gesloten" in all_html(app.notices).lower()
    assert identity(app)["vergeet"] == s.code and identity(app)["sessie"] == ""


def test_a_token_that_is_not_this_sessions_gets_a_dutch_message(store):  # noqa: F811
    s = store.create_session("Maandag")
    app = journey(f"sessie={s.code}&deelnemer=AAAAAAAAAAAAAAAA")
    assert "hoort niet bij deze sessie" in all_html(app.notices)
    assert identity(app)["deelnemer"] == ""
    assert "Traceback" not in all_html(app.root)


def test_a_preheated_app_does_not_hand_out_an_identity_before_the_request(monkeypatch):
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    app = Journey(load_guide(), Params())
    assert identity(app)["echt"] == "0"
    app.set_params(resolve(query="stap=scan"))
    assert identity(app)["echt"] == "1" and app.step == "scan"


def test_when_the_trainer_leads_every_app_follows_the_step(store):  # noqa: F811
    from ztmo.presenter import TOGETHER, set_pace

    s = store.create_session("Maandag")
    apps = [journey(f"sessie={s.code}&deelnemer={store.join(s.code)}") for _ in range(3)]
    apps[0].bridge.value = "go:scan#1"  # someone looks ahead on their own
    set_pace(store, s.code, s.trainer_key, mode=TOGETHER, step="pijler2")
    for app in apps:
        app._follow()
        assert app.step == "pijler2"
    apps[1].bridge.value = "go:start#2"  # moving back on your own is still possible
    apps[1]._follow()
    assert apps[1].step == "start"  # the trainer did not move again
    set_pace(store, s.code, s.trainer_key, step="pijler3")
    for app in apps:
        app._follow()
        assert app.step == "pijler3"
    late = journey(f"sessie={s.code}&deelnemer={store.join(s.code)}")  # joins late
    assert late.step == "pijler3"


def tick(app) -> None:
    """One round of the heartbeat, and the chores it starts beside it."""
    app._tick()
    if app._chores is not None:
        app._chores.join(timeout=30)


def test_while_the_trainer_leads_the_next_step_is_built_ahead(store):  # noqa: F811
    """"Volgende stap" then only swaps views: no phone builds one at that moment."""
    from ztmo.presenter import TOGETHER, set_pace, set_run_sheet

    s = store.create_session("Maandag")
    set_run_sheet(store, s.code, s.trainer_key, ["start", "pijler2", "scan", "duo"])
    app = journey(f"sessie={s.code}&deelnemer={store.join(s.code)}")
    assert "pijler2" not in app.views  # on its own pace nothing is built ahead
    set_pace(store, s.code, s.trainer_key, mode=TOGETHER, step="pijler2")
    app._quiet_until = 0.0  # the page has long loaded
    tick(app)
    assert app.step == "pijler2"
    assert "scan" in app.views and "pijler1" not in app.views  # the run sheet's next one
    scan = app.views["scan"]
    assert not with_class(app.stage, "ztmo-scan")  # built, not shown
    set_pace(store, s.code, s.trainer_key, step="scan")
    tick(app)
    assert app.step == "scan" and app.views["scan"] is scan
    assert with_class(app.stage, "ztmo-scan")
    assert "duo" in app.views and app.views["duo"].live is None  # built ahead, not running


def test_the_start_page_leads_to_the_five_group_activities():
    from ztmo.content import load_guide
    from ztmo.params import Params
    from ztmo.ui.nav import GROUPWORK
    from ztmo.ui.start import nav_html

    alone = nav_html(load_guide(), Params())
    assert all(f'href="{app.path}"' in alone for app in GROUPWORK)  # each its own notebook
    inside = nav_html(load_guide(), Params(sessie="AB12CD", deelnemer="t0k3n"), journey=True)
    for step in ("muur", "tijdlijn", "praktijk", "beloften", "vlaggen"):
        assert f'data-ztmo-stap="{step}"' in inside  # in a session: the same app, one kernel


def test_a_slow_build_ahead_never_holds_back_following_the_trainer(store, monkeypatch):  # noqa: F811
    import time

    from ztmo.presenter import TOGETHER, set_pace

    s = store.create_session("Maandag")
    app = journey(f"sessie={s.code}&deelnemer={store.join(s.code)}")
    monkeypatch.setattr(Journey, "prepare", lambda self, step: time.sleep(3))
    set_pace(store, s.code, s.trainer_key, mode=TOGETHER, step="pijler1")
    app._tick()  # starts the slow chore beside the loop
    set_pace(store, s.code, s.trainer_key, step="pijler2")
    began = time.monotonic()
    app._tick()
    assert app.step == "pijler2" and time.monotonic() - began < 1.5


def menu_steps(app) -> list[str]:
    return re.findall(r'data-ztmo-stap="(\w+)"', app.menu.value)


def test_in_a_session_the_menu_lists_the_meetings_steps_not_all_thirteen(store):  # noqa: F811
    """On a phone, a menu of every activity is long and leads people to steps the meeting
    skips: joined, it lists the run sheet, and follows the trainer's changes to it."""
    from ztmo.presenter import set_run_sheet

    assert menu_steps(journey("")) == list(STEP_KEYS)  # on your own: everything
    s = store.create_session("Maandag")
    set_run_sheet(store, s.code, s.trainer_key, ["pijler2", "muur", "vlaggen"])
    app = journey(f"sessie={s.code}&deelnemer={store.join(s.code)}")
    assert menu_steps(app) == ["start", "pijler2", "muur", "vlaggen"]  # start: always
    set_run_sheet(store, s.code, s.trainer_key, ["pijler2", "scan", "duo"])
    tick(app)
    assert menu_steps(app) == ["start", "pijler2", "scan", "duo"]
    app.bridge.value = "go:tijdlijn#1"  # an address or an old link: still there, and shown
    assert app.step == "tijdlijn"
    assert menu_steps(app) == ["start", "pijler2", "scan", "duo", "tijdlijn"]
    assert re.search(r'data-ztmo-stap="tijdlijn" aria-current="page"', app.menu.value)
    app.bridge.value = "go:scan#2"
    assert menu_steps(app) == ["start", "pijler2", "scan", "duo"]


def test_the_meetings_other_steps_are_built_one_per_heartbeat(store):  # noqa: F811
    """A trainer who skips a step or goes back must not make every phone build a view in the
    same second: over the meeting, each app builds the run sheet's steps beforehand, one
    per half minute (at each phone's own moment, not on arrival), nearest to the current
    step first."""
    from ztmo.presenter import TOGETHER, set_pace, set_run_sheet

    s = store.create_session("Maandag")
    set_run_sheet(store, s.code, s.trainer_key,
                  ["start", "pijler1", "pijler2", "muur", "scan", "duo"])
    set_pace(store, s.code, s.trainer_key, mode=TOGETHER, step="pijler2")
    app = journey(f"sessie={s.code}&deelnemer={store.join(s.code)}")
    # A preheated kernel was built long before its participant arrived: its heartbeat is
    # due at once. Still nothing more is built on arrival (a group arrives at once) ...
    app._last_touch -= 10 * HEARTBEAT
    app._quiet_until = 0.0  # and its page has loaded
    tick(app)
    # ... than the start page (where the app opens), the trainer's step and the next one.
    assert set(app.views) == {"start", "pijler2", "muur"}
    assert HEARTBEAT / 2 <= app._next_build - time.monotonic() <= 1.5 * HEARTBEAT
    built = []
    for _ in range(3):
        app._next_build = time.monotonic()  # this phone's moment has come
        tick(app)
        built.append(set(app.views))
    assert built[0] == {"start", "pijler2", "muur", "pijler1"}  # the step just before
    assert built[1] == built[0] | {"scan"} and built[2] == built[1] | {"duo"}
    assert not with_class(app.stage, "ztmo-scan") and app.views["duo"].live is None
    assert len(app.stage.children) == 2 and with_class(app.stage, "ztmo-pillar")


def test_nothing_is_built_ahead_while_the_page_is_still_loading(store):  # noqa: F811
    """Widgets made while the page loads its widgets can be lost to it ("widget model not
    found": the rehearsal's phone that reloaded when its wifi came back, while the trainer
    led, showed an error box instead of the pillar). So the first seconds after the page's
    request build only what the page shows; building ahead waits."""
    from ztmo.presenter import TOGETHER, set_pace, set_run_sheet

    s = store.create_session("Maandag")
    set_run_sheet(store, s.code, s.trainer_key, ["start", "pijler2", "scan", "duo"])
    set_pace(store, s.code, s.trainer_key, mode=TOGETHER, step="pijler2")
    app = journey(f"sessie={s.code}&deelnemer={store.join(s.code)}")
    tick(app)
    assert app.step == "pijler2" and "scan" not in app.views  # the page is loading
    app._quiet_until = time.monotonic()  # the page has had its seconds
    tick(app)
    assert "scan" in app.views


def test_meedoen_tapped_twice_makes_one_participant(store):  # noqa: F811
    """A double tap sends two clicks: the second, once joined, is ignored."""
    s = store.create_session("Maandag")
    app = journey(f"sessie={s.code}")
    with_class(app.root, "ztmo-join-code")[0].value = s.code
    button = with_class(app.root, "ztmo-join-submit")[0]
    button.click()
    token = identity(app)["deelnemer"]
    button.click()  # the second tap, handled after the first
    assert store.participant_count(s.code) == 1
    assert identity(app)["deelnemer"] == token and not with_class(app.root, "ztmo-error")


def test_meedoen_tapped_twice_at_the_same_moment_makes_one_participant(store, monkeypatch):  # noqa: F811
    """Two clicks handled at once (two threads): the second one, while the first is still
    joining, is ignored; nothing makes a second token."""
    s = store.create_session("Maandag")
    app = journey(f"sessie={s.code}")
    with_class(app.root, "ztmo-join-code")[0].value = s.code
    button = with_class(app.root, "ztmo-join-submit")[0]
    real_join = type(store).join
    both_in = threading.Barrier(2, timeout=3)

    def slow_join(self, code, nickname=None):  # the window in which the second tap comes
        try:
            both_in.wait()
        except threading.BrokenBarrierError:
            pass  # only one tap got this far: as it should be
        return real_join(self, code, nickname)

    monkeypatch.setattr(type(store), "join", slow_join)
    taps = [threading.Thread(target=button.click) for _ in range(2)]
    for t in taps:
        t.start()
    for t in taps:
        t.join(30)
    monkeypatch.undo()
    assert store.participant_count(s.code) == 1
    assert store.is_participant(s.code, identity(app)["deelnemer"])


def test_building_the_duo_step_ahead_does_not_sign_anyone_up_for_a_duo(store):  # noqa: F811
    """Only who opened the duo talk wants a partner: building the view ahead (while the
    trainer leads) must not save "duo: meedoen"; showing it does."""
    from ztmo.activities import DUO_JOINED

    s = store.create_session("Maandag")
    token = store.join(s.code)
    app = journey(f"sessie={s.code}&deelnemer={token}")
    app.prepare("duo")  # what the heartbeat does while the group works on another step
    assert "duo" in app.views and app.step != "duo"
    assert store.answers(s.code, DUO_JOINED) == []
    app.show("scan")
    assert store.answers(s.code, DUO_JOINED) == []
    app.bridge.value = "go:duo#1"  # the participant opens the duo talk
    assert app.step == "duo"
    assert [(a.participant, a.value) for a in store.answers(s.code, DUO_JOINED)] == [
        (token, "ja")]


def test_opening_the_duo_step_directly_signs_up_once(store):  # noqa: F811
    from ztmo.activities import DUO_JOINED

    s = store.create_session("Maandag")
    token = store.join(s.code)
    app = journey(f"sessie={s.code}&deelnemer={token}&stap=duo")
    assert app.step == "duo"
    app.show("start")
    app.show("duo")
    assert [(a.participant, a.value) for a in store.answers(s.code, DUO_JOINED)] == [
        (token, "ja")]
