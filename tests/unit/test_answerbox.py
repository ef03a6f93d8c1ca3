"""An answer box tells the truth about saving, and nothing typed is dropped without a word.

"Opgeslagen" only after the store took the text; a failed save, or typing on after a save,
takes an earlier "Opgeslagen" away. Moving to another handvat or step saves what was typed
(if it can be saved), or keeps it in the box with the reason next to it.
"""

from __future__ import annotations

from tests.unit.test_ui import with_class
from tests.unit.test_ui_session import store  # noqa: F401 - fixture
from ztmo.content import load_guide
from ztmo.params import resolve
from ztmo.ui.journey import Journey
from ztmo.ui.pillar import PillarWalk, reflection_activity
from ztmo.ui.session import AnswerBox, SessionAnswers, SessionLink

FIRST, SECOND = "allerliefst_thuis.1", "allerliefst_thuis.2"


def joined(store, name="Maandag"):  # noqa: F811
    s = store.create_session(name)
    return s, store.join(s.code)


def box_for(store, s, token) -> AnswerBox:  # noqa: F811
    return AnswerBox("wat_is_thuis", "<h3>Wat is thuis?</h3>",
                     SessionAnswers(SessionLink(s.code, s.name, token), store))


def test_opgeslagen_only_after_the_store_took_it_and_a_failed_save_takes_it_away(store):  # noqa: F811
    s, token = joined(store)
    box = box_for(store, s, token)
    box.input.value = "veilig"
    box.button.click()
    assert "ztmo-saved" in box.status.value and "Opgeslagen om" in box.status.value
    store.close_session(s.code, s.trainer_key)  # from now on every save fails
    box.input.value = "veilig en warm"
    box.button.click()
    assert "Opgeslagen" not in box.status.value and "ztmo-error" in box.status.value
    assert box.input.value == "veilig en warm"  # the text stays
    assert store.answers(s.code, "wat_is_thuis")[0].value == "veilig"


def test_typing_on_after_a_save_takes_opgeslagen_away_until_it_is_saved_again(store):  # noqa: F811
    s, token = joined(store)
    box = box_for(store, s, token)
    box.input.value = "veilig"
    box.button.click()
    box.input.value = "veilig, warm"  # the page sends every change of the text
    assert "Opgeslagen" not in box.status.value
    box.input.value = "veilig"  # back to what is stored: that is saved
    box.button.click()
    assert "Opgeslagen" in box.status.value


def walk(store, s, token) -> PillarWalk:  # noqa: F811
    guide = load_guide()
    return PillarWalk(guide, guide.pillar(1), resolve(query=f"sessie={s.code}&deelnemer={token}"))


def test_volgende_saves_a_thought_that_was_typed_but_not_saved(store):  # noqa: F811
    s, token = joined(store)
    app = walk(store, s, token)
    app.reflection.input.value = "Wij vragen het kind altijd eerst"
    app.next.click()
    assert app.step == 1
    (saved,) = store.answers(s.code, reflection_activity(FIRST))
    assert saved.value == "Wij vragen het kind altijd eerst"
    assert "ztmo-saved" in app.reflection.status.value  # and it says so, next to the box
    assert app.reflection.input.value == ""  # the next handvat's own (empty) thought
    app.prev.click()
    assert app.reflection.input.value == "Wij vragen het kind altijd eerst"


def test_a_thought_that_is_too_long_stays_in_the_box_with_the_reason(store):  # noqa: F811
    s, token = joined(store)
    app = walk(store, s, token)
    app.reflection.input.value = "x" * 501
    app.next.click()
    assert app.step == 0  # not moved on: the text would be lost
    assert app.reflection.input.value == "x" * 501
    assert "501 tekens" in app.reflection.status.value
    assert store.answers(s.code, reflection_activity(FIRST)) == []


def test_a_failed_save_on_volgende_keeps_the_text_and_says_why(store):  # noqa: F811
    s, token = joined(store)
    app = walk(store, s, token)
    store.close_session(s.code, s.trainer_key)
    app.reflection.input.value = "Eerst luisteren"
    app.next.click()
    assert app.step == 0 and app.reflection.input.value == "Eerst luisteren"
    assert "ztmo-error" in app.reflection.status.value


def test_leaving_a_step_in_the_journey_saves_the_unsaved_thought(store):  # noqa: F811
    s, token = joined(store)
    app = Journey(load_guide(), resolve(query=f"sessie={s.code}&deelnemer={token}&stap=pijler1"))
    (box,) = [b for b in with_class(app.stage, "ztmo-answer-input")]
    box.value = "Samen met het kind"
    app.bridge.value = "go:scan#1"  # to another step without tapping Opslaan
    assert app.step == "scan"
    assert store.answers(s.code, reflection_activity(FIRST))[0].value == "Samen met het kind"


def test_notes_of_the_group_talk_are_saved_when_going_back_from_the_overview(store):  # noqa: F811
    from ztmo.activities import discussion_key

    s, token = joined(store)
    app = walk(store, s, token)
    app.go(app.steps)  # the overview, with the group's notes
    notes = with_class(app.summary, "ztmo-answer-input")
    for n, note in enumerate(notes):
        note.value = f"We spraken over wachtlijsten ({n})"
    with_class(app.summary, "ztmo-prev")[0].click()  # back to the handvatten
    assert app.step == app.steps - 1
    pillar = load_guide().pillar(1)
    keys = {discussion_key(pillar.id, q.id) for q in load_guide().groepsopdracht.vragen}
    saved = {a.value for a in store.answers(s.code) if a.activity in keys}
    assert len(notes) == len(keys) > 0
    assert saved == {f"We spraken over wachtlijsten ({n})" for n in range(len(notes))}
