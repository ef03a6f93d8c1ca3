"""The learning-preference apps through widget traits, with a real SQLite store."""

from tests.unit.test_ui import all_html, with_class
from tests.unit.test_ui_session import store  # noqa: F401 - fixture
from ztmo import scan as scan_core
from ztmo.activities import DUO_JOINED
from ztmo.params import resolve
from ztmo.preferences import load_scan
from ztmo.ui.learning import FIRST, DuoApp, GroupProfileApp, ScanApp, item_activity
from ztmo.ui.trainer import trainer_page


def complete(app: ScanApp, preference: str, skip: int | None = None) -> None:
    """Pick `preference` first everywhere (and something else second)."""
    items = {i.id: i for i in app.scan.items}
    for step, (item_id, _) in enumerate(app.order):
        assert f"<p>Situatie {step + 1} van {len(app.order)}</p>" in app.progress_text.value
        if step != skip:
            options = items[item_id].options
            app.first.value = next(o.id for o in options if o.preference == preference)
            app.second.value = next(o.id for o in options if o.preference != preference)
        app.next.click()


def test_scan_gives_a_profile_with_the_chosen_preference_first():
    app = ScanApp(load_scan(), resolve(query=""))
    complete(app, "Oefenen")
    html = all_html(app.result)
    assert app.walk.layout.display == "none"
    assert "Je eerste voorkeur</span><h3>Oefenen</h3>" in html and "<svg" in html


def test_incomplete_scan_names_what_is_missing_and_keeps_the_answers():
    app = ScanApp(load_scan(), resolve(query=""))
    complete(app, "Ontdekken", skip=2)
    message = all_html(app.messages)
    assert "situatie 3 nog niet" in message  # the number this participant saw
    assert len(app.ranking) == len(app.order) - 1
    assert app.walk.layout.display == "" and app.step == 2  # back at the missing one


def test_second_choice_must_differ_from_the_first():
    app = ScanApp(load_scan(), resolve(query=""))
    app.first.value = app.first.options[0][1]
    app.second.value = app.first.options[0][1]
    assert "iets anders" in all_html(app.messages)
    assert app.ranking[app.order[0][0]] == [app.first.options[0][1]]


def test_scan_in_a_session_is_saved_and_two_people_see_each_other_as_partners(store):  # noqa: F811
    s = store.create_session("Leren")
    a, b = store.join(s.code, "Sam"), store.join(s.code)
    app = ScanApp(load_scan(), resolve(sessie=s.code, deelnemer=a, query=""))
    complete(app, "Participeren")
    assert store.answers(s.code, FIRST)[0].value == "Participeren"
    assert len(store.answers(s.code, "scan:")) == len(app.order)
    first_item = app.order[0][0]
    assert store.answers(s.code, item_activity(first_item))[0].value.count(",") == 1
    duo_a = DuoApp(load_scan(), resolve(sessie=s.code, deelnemer=a, query=""))
    assert "Nog geen gesprekspartner" in with_class(duo_a.root, "ztmo-partner")[0].value
    duo_b = DuoApp(load_scan(), resolve(sessie=s.code, deelnemer=b, query=""))
    duo_a.live.poll_once()  # b opened the talk: a's screen follows
    text_a = with_class(duo_a.root, "ztmo-partner")[0].value
    text_b = with_class(duo_b.root, "ztmo-partner")[0].value
    assert "Jij bent <strong>Sam</strong>" in text_a and "<strong>deelnemer 2</strong>" in text_a
    assert "Jij bent <strong>deelnemer 2</strong>" in text_b and "<strong>Sam</strong>" in text_b
    for app_ in (duo_a, duo_b):
        app_.live.stop()


def test_frozen_duos_stay_put_and_late_finishers_are_added(store):  # noqa: F811
    from ztmo.ui.learning import duo_groups, freeze_pairs

    s = store.create_session("Leren")
    tokens = []
    for pref in ("Oefenen", "Ontdekken", "Participeren", "Kunst afkijken"):
        tokens.append(store.join(s.code))
        store.save_answer(s.code, tokens[-1], FIRST, pref)
    before, frozen = duo_groups(store.snapshot(s.code))
    assert not frozen and sorted(t for g in before for t in g) == sorted(tokens)
    freeze_pairs(store, store.snapshot(s.code), s.trainer_key)
    late = [store.join(s.code) for _ in range(2)]
    for t, pref in zip(late, ("Oefenen", "Kennis verwerven")):
        store.save_answer(s.code, t, FIRST, pref)
    after, frozen = duo_groups(store.snapshot(s.code), store)
    assert frozen and after[:2] == before  # the first duos did not move
    assert sorted(after[2]) == sorted(late)  # the two late finishers form a new duo
    assert duo_groups(store.snapshot(s.code))[0] == after  # stored for every screen
    late3 = store.join(s.code)
    store.save_answer(s.code, late3, FIRST, "Participeren")
    final, _ = duo_groups(store.snapshot(s.code), store)
    # Nobody was moved: every earlier group is still together; the lone late finisher
    # joined one of them as the third person.
    assert all(set(old) <= set(new) for old, new in zip(after, final))
    assert len([g for g in final if late3 in g]) == 1
    assert sum(len(g) for g in final) == 7 and max(len(g) for g in final) == 3


def test_group_profile_shows_the_mix_and_suggestions_for_what_is_missing(store):  # noqa: F811
    s = store.create_session("Leren")
    for pref in ("Participeren", "Participeren", "Kennis verwerven", "Participeren",
                 "Kennis verwerven"):
        token = store.join(s.code)
        store.save_answer(s.code, token, FIRST, pref)
    app = GroupProfileApp(load_scan(), resolve(sessie=s.code, deelnemer=token, query=""))
    html = with_class(app.root, "ztmo-group-profile")[0].value
    assert "5 deelnemers hebben de scan afgerond" in html
    assert "Participeren</td><td>3 als eerste" in html
    absent = [p for p, why in scan_core.underserved({"Participeren": 3, "Kennis verwerven": 2})
              if why == "afwezig"]
    for pref in absent:
        assert f"<h4>{pref.naam}</h4>" in html and pref.suggesties[0] in html
    app.live.stop()


def test_trainer_sees_the_group_profile_and_the_duos(store):  # noqa: F811
    s = store.create_session("Leren")
    for pref in ("Oefenen", "Ontdekken", None):
        token = store.join(s.code)
        if pref:
            store.save_answer(s.code, token, FIRST, pref)
        else:  # opened the duo talk without finishing the scan
            store.save_answer(s.code, token, DUO_JOINED, "ja")
    ghost = store.join(s.code, "Spook")  # joined and did nothing: never paired
    app = trainer_page(sessie=s.code, sleutel=s.trainer_key)
    duos = with_class(app, "ztmo-pairing-list")[0].value
    assert duos.count("<li>") == 1 and "scan niet af" in duos  # three people: one trio
    assert "Spook" not in duos and ghost
    # Two scans: no profile yet, so nobody can tell who chose what.
    assert "Pas 2 van de scans zijn af" in with_class(app, "ztmo-group-profile")[0].value
    for pref in ("Oefenen", "Participeren", "Ontdekken"):
        store.save_answer(s.code, store.join(s.code), FIRST, pref)
    app = trainer_page(sessie=s.code, sleutel=s.trainer_key)
    assert "5 deelnemers hebben de scan afgerond" in with_class(app, "ztmo-group-profile")[0].value
