"""The idea wall in a real (SQLite) session: ideas, reveal, dot votes, merge and pin."""

from __future__ import annotations

import re

import pytest

from tests.unit.test_ui import with_class
from tests.unit.test_ui_session import live_poll, store  # noqa: F401 - fixture
from ztmo import presenter
from ztmo import wall as rules
from ztmo.errors import ZtmoError
from ztmo.params import resolve
from ztmo.ui.ideawall import WallApp, WallBoard, WallControls


def wall_app(code: str, token: str) -> WallApp:
    return WallApp(resolve(query=f"sessie={code}&deelnemer={token}"), journey=True)


def post(app: WallApp, *ideas: str) -> None:
    for box, text in zip(app.inputs, ideas):  # in order (with_class walks a stack)
        box.value = text
    with_class(app.root, "ztmo-idea-submit")[0].click()


def vote_buttons(app: WallApp) -> dict[str, object]:
    """Idea text -> its vote button (the button's text is the idea after a dot sign)."""
    return {b.description[2:]: b for b in with_class(app.root, "ztmo-vote-idea")}


@pytest.fixture()
def room(store, monkeypatch):  # noqa: F811
    monkeypatch.setattr("ztmo.ui.ideawall.DOUBLE_TAP", 0.0)  # these clicks are deliberate
    s = store.create_session("Maandag")
    apps = [wall_app(s.code, store.join(s.code)) for _ in range(3)]
    yield s, apps
    for app in apps:
        app.pause()


def test_ideas_stay_private_until_the_trainer_reveals_the_wall(store, room):  # noqa: F811
    s, (a, b, c) = room
    post(a, "Samen eten met het gezin", "<script>alert(1)</script> plan")
    post(b, "Eén plan per gezin")
    live_poll(a)
    board = WallBoard()
    board.refresh(store.snapshot(s.code))
    assert "Eén plan" not in board.widget.value and "3 antwoorden" in board.widget.value
    assert not with_class(a.root, "ztmo-vote-idea")  # no voting yet
    assert "Binnen: 3 ideeën" in with_class(a.root, "ztmo-vote-budget")[0].value
    presenter.set_revealed(store, s.code, s.trainer_key, "muur", True)
    live_poll(a)
    assert set(vote_buttons(c)) == {"Samen eten met het gezin", "Eén plan per gezin",
                                    "<script>alert(1)</script> plan"}
    board.refresh(store.snapshot(s.code))
    assert "&lt;script&gt;" in board.widget.value and "<script>" not in board.widget.value
    for token in (p.token for p in store.snapshot(s.code).people):
        assert token not in board.widget.value  # ideas are "3.1", never a token


def test_dots_one_per_idea_and_no_more_than_the_budget(store, room):  # noqa: F811
    s, (a, b, c) = room
    post(a, "idee een", "idee twee", "idee drie")
    post(b, "idee vier", "idee vijf", "idee zes")  # six ideas: two dots each
    presenter.set_revealed(store, s.code, s.trainer_key, "muur", True)
    live_poll(c)
    assert "2 stippen" in with_class(c.root, "ztmo-vote-budget")[0].value
    vote_buttons(c)["idee een"].click()
    vote_buttons(c)["idee vier"].click()
    vote_buttons(c)["idee zes"].click()  # a third dot: refused in Dutch, nothing changes
    assert "Haal eerst een stem weg" in with_class(c.root, "ztmo-error")[0].value
    assert store.answers(s.code, rules.vote_key("morgen"))[0].value == "1.1,2.1"
    vote_buttons(c)["idee een"].click()  # the same idea again takes the dot back
    vote_buttons(c)["idee zes"].click()
    vote_buttons(a)["idee zes"].click()
    live_poll(c)
    results = rules.tally(store.snapshot(s.code), "morgen")
    assert [(r.text, r.votes) for r in results[:2]] == [("idee zes", 2), ("idee vier", 1)]
    assert sum(r.votes for r in results) == 3
    assert "ztmo-chosen" in vote_buttons(c)["idee zes"]._dom_classes


def test_the_trainer_merges_a_duplicate_and_pins_an_idea(store, room):  # noqa: F811
    s, (a, b, c) = room
    post(a, "Eén plan per gezin")
    post(b, "een plan per gezin!", "Vaker thuis praten")
    presenter.set_revealed(store, s.code, s.trainer_key, "muur", True)
    live_poll(a)
    for app in (a, b):
        vote_buttons(app)["Eén plan per gezin"].click()
    vote_buttons(c)["een plan per gezin!"].click()
    vote_buttons(b)["een plan per gezin!"].click()
    controls = WallControls(store, s.code, s.trainer_key)
    controls.refresh(store.snapshot(s.code))
    controls.duplicate.value, controls.into.value = "2.1", "1.1"
    controls.merge.click()
    controls.pinned.value = "2.2"
    controls.pin.click()
    snap = store.snapshot(s.code)
    board = WallBoard(large=True)
    board.refresh(snap)
    order = [t.strip() for t in re.findall(r'<li class="ztmo-wall-idea">.*?</span> ([^<]*)',
                                           board.widget.value)]
    assert order == ["Vaker thuis praten", "Eén plan per gezin"]  # pinned first
    assert "3 stippen" in board.widget.value  # a, b (once, though b voted both) and c
    assert "met 1 gelijk idee" in board.widget.value
    live_poll(c)
    assert set(vote_buttons(c)) == {"Eén plan per gezin", "Vaker thuis praten"}


def test_the_trainer_opens_another_wall_with_an_own_question(store, room):  # noqa: F811
    s, (a, _b, _c) = room
    post(a, "op de eerste muur")
    controls = WallControls(store, s.code, s.trainer_key)
    controls.wall.value = "eigen"
    controls.open.click()
    assert "Schrijf eerst de eigen vraag op" in controls.status.children[0].value
    controls.own.value = "Wat neem je mee naar <je team>?"
    controls.open.click()
    live_poll(a)
    assert "Wat neem je mee naar &lt;je team&gt;?" in a.question.value
    assert [box.value for box in a.inputs] == ["", "", ""]
    post(a, "op de eigen muur")
    assert store.answers(s.code, rules.idea_key("eigen", 1))[0].value == "op de eigen muur"
    with pytest.raises(ZtmoError):
        presenter.set_wall(store, s.code, "FOUT", "morgen")  # a wrong key changes nothing


def test_a_reload_shows_your_own_ideas_again(store, room):  # noqa: F811
    s, (a, _b, _c) = room
    post(a, "eerste", "", "derde")
    again = wall_app(s.code, a.link.token)
    assert [box.value for box in again.inputs] == ["eerste", "", "derde"]
    again.pause()


def test_without_a_session_nothing_is_saved_and_there_is_no_voting(store):  # noqa: F811
    app = WallApp(resolve(query=""))
    assert with_class(app.root, "ztmo-wall-picker") and not with_class(app.root, "ztmo-idea-submit")
    assert "niet bewaard" in app.privacy.value


def test_a_double_tap_gives_one_dot_not_a_dot_and_its_undo(store, room):  # noqa: F811
    import ztmo.ui.ideawall as module

    s, (a, b, _c) = room
    post(a, "idee een")
    presenter.set_revealed(store, s.code, s.trainer_key, "muur", True)
    live_poll(b)
    module.DOUBLE_TAP = 1.0
    button = vote_buttons(b)["idee een"]
    button.click()
    button.click()  # the same tap, twice: the phone sent it twice
    assert store.answers(s.code, rules.vote_key("morgen"))[0].value == "1.1"


def test_a_double_voter_is_told_a_merge_gave_a_dot_back_and_can_place_it(store, room):  # noqa: F811
    from ztmo.texts import text

    s, (a, b, c) = room
    post(a, "Eén plan per gezin", "idee twee", "idee drie")
    post(b, "een plan per gezin!", "idee vijf", "idee zes")  # six ideas: two dots each
    presenter.set_revealed(store, s.code, s.trainer_key, "muur", True)
    live_poll(c)
    vote_buttons(c)["Eén plan per gezin"].click()
    vote_buttons(c)["een plan per gezin!"].click()
    vote_buttons(a)["idee twee"].click()
    vote_buttons(a)["idee drie"].click()
    presenter.merge_ideas(store, s.code, s.trainer_key, "morgen", "2.1", "1.1")  # 5 ideas
    live_poll(c)
    budget = with_class(c.root, "ztmo-vote-budget")[0].value
    assert "2 stippen" in budget and "nog <strong>1</strong> over" in budget
    assert text("meldingen", "muur.stip_terug") in budget  # said in words, next to the wall
    assert "ztmo-dot-back" not in with_class(a.root, "ztmo-vote-budget")[0].value
    assert "nog <strong>0</strong> over" in with_class(a.root, "ztmo-vote-budget")[0].value
    vote_buttons(c)["idee vijf"].click()  # the dot they got back
    live_poll(c)
    assert not with_class(c.root, "ztmo-error")
    assert "ztmo-dot-back" not in with_class(c.root, "ztmo-vote-budget")[0].value
    choice = presenter.wall_choice(store.state(s.code))
    assert sum(r.votes for r in rules.tally(store.snapshot(s.code), "morgen", choice.merges,
                                            dots=choice.dots)) == 4


def test_two_quick_taps_on_different_ideas_both_count(store, room, monkeypatch):  # noqa: F811
    """Two taps handled at the same moment (two threads, or two tabs of one person) each
    read the votes before the other wrote them: neither dot may be lost."""
    import threading

    s, (a, b, c) = room
    post(a, "idee een", "idee twee", "idee drie")
    post(b, "idee vier", "idee vijf", "idee zes")  # six ideas: two dots each
    presenter.set_revealed(store, s.code, s.trainer_key, "muur", True)
    live_poll(c)
    buttons = vote_buttons(c)
    both_read = threading.Barrier(2, timeout=5)
    real_snapshot = type(store).snapshot

    waited = set()

    def snapshot_then_wait(self, code):  # both taps see the wall before either dot is saved
        snap = real_snapshot(self, code)
        me = threading.current_thread().name
        if me.startswith("tap") and me not in waited:
            waited.add(me)
            both_read.wait()
        return snap

    monkeypatch.setattr(type(store), "snapshot", snapshot_then_wait)
    taps = [threading.Thread(target=buttons[text].click, name=f"tap-{n}")
            for n, text in enumerate(("idee een", "idee vier"))]
    for t in taps:
        t.start()
    for t in taps:
        t.join(10)
    monkeypatch.undo()
    assert not with_class(c.root, "ztmo-error")
    votes = store.answers(s.code, rules.vote_key("morgen"))[0].value
    assert sorted(votes.split(",")) == ["1.1", "2.1"]
