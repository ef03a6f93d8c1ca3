"""The store's behaviour, on SQLite and on PostgreSQL (fixture `store`), each on an empty database."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import textwrap
from datetime import UTC

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ztmo.errors import (
    InvalidAnswer,
    SessionClosed,
    StoreUnavailable,
    UnknownParticipant,
    UnknownSession,
    WrongTrainerKey,
    ZtmoError,
)
from ztmo.store import Answer, Session, Store, schema
from ztmo.store.codes import ALPHABET

from .conftest import reset_database

# Real, registered activities (the store refuses keys nobody registered).
Q = "reflectie:allerliefst_thuis.1"
OPEN = "reflectie:weer_thuis.3"
R1, R2 = "beoordeling:allerliefst_thuis.1", "beoordeling:allerliefst_thuis.2"
CODE = re.compile(f"[{ALPHABET}]{{6}}")
KEY = re.compile(f"[{ALPHABET}]{{10}}")
TOKEN = re.compile(r"[A-Za-z0-9]{16}")


@pytest.fixture
def session(store: Store) -> Session:
    return store.create_session("Leernetwerk Utrecht, 3 juni")


def table_counts(store: Store) -> dict[str, int]:
    with store._engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (schema.sessions, schema.participants, schema.answers)}


# -- sessions ------------------------------------------------------------------------------


def test_codes_and_keys_use_the_readable_alphabet_and_are_unique(store):
    made = [store.create_session(f"Sessie {i}") for i in range(25)]
    assert len({s.code for s in made}) == 25
    for s in made:
        assert CODE.fullmatch(s.code) and KEY.fullmatch(s.trainer_key)
        assert not set(s.code + s.trainer_key) & set("0O1IL")
    assert made[0].created_at.tzinfo is UTC and made[0].closed_at is None


def test_get_session_ignores_case_and_spaces_and_never_returns_the_key(store, session):
    code = session.code
    found = store.get_session(f" {code[:3].lower()} {code[3:]} ")
    assert (found.code, found.name, found.trainer_key) == (code, session.name, "")
    assert found.created_at == session.created_at


SCRYPT_HASH = re.compile(r"scrypt\$16384\$8\$1\$[0-9a-f]{32}\$[0-9a-f]{64}")


def test_only_a_salted_scrypt_hash_of_the_trainer_key_is_stored(store):
    made = [store.create_session(f"Sessie {i}") for i in range(2)]
    with store._engine.connect() as conn:
        rows = conn.execute(select(schema.sessions).order_by(schema.sessions.c.created_at)).all()
    hashes = {row.code: row.trainer_key_hash for row in rows}
    for s in made:
        assert s.trainer_key not in str(rows) and s.trainer_key.lower() not in str(rows)
        assert SCRYPT_HASH.fullmatch(hashes[s.code]), hashes[s.code]
        assert len(hashes[s.code]) <= schema.sessions.c.trainer_key_hash.type.length
    salts = {h.split("$")[4] for h in hashes.values()}
    assert len(salts) == 2  # a fresh salt per session


def test_the_same_key_hashes_differently_each_time_and_still_matches():
    from ztmo.store import codes

    first, second = codes.hash_key("ABCDEFGHJK"), codes.hash_key("ABCDEFGHJK")
    assert first != second
    for stored in (first, second):
        assert codes.key_matches("ABCDEFGHJK", stored)
        assert codes.key_matches(" abcde fghjk ", stored)  # case and spaces, as before
        assert not codes.key_matches("ABCDEFGHJM", stored)
        assert not codes.key_matches("", stored) and not codes.key_matches(None, stored)


def test_a_key_check_is_well_under_100_ms():
    import time

    from ztmo.store import codes

    stored = codes.hash_key("ABCDEFGHJK")
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        assert codes.key_matches("ABCDEFGHJK", stored)
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.1, timings


def test_a_version_1_key_hash_still_works_and_is_upgraded_on_the_next_change(store, session):
    import hashlib

    from ztmo.store import codes

    old = hashlib.sha256(b"ABCDEFGHJK").hexdigest()
    assert codes.key_matches("abcde fghjk", old) and not codes.key_matches("ABCDEFGHJM", old)
    with store._engine.begin() as conn:
        conn.execute(schema.sessions.update().values(trainer_key_hash=old))
    store.check_trainer_key(session.code, "abcdefghjk")  # a read: nothing rewritten yet
    with pytest.raises(WrongTrainerKey):
        store.close_session(session.code, session.trainer_key)  # the new key is not this one
    with pytest.raises(WrongTrainerKey):
        store.check_trainer_key(session.code, "ABCDEFGHJM")

    def stored() -> str:
        with store._engine.connect() as conn:
            return conn.execute(select(schema.sessions.c.trainer_key_hash)).scalar_one()

    assert stored() == old
    store.close_session(session.code, "ABCDEFGHJK")
    assert SCRYPT_HASH.fullmatch(stored())
    store.check_trainer_key(session.code, "abcdefghjk")
    store.delete_session(session.code, "ABCDEFGHJK")


@pytest.mark.parametrize("stored", [
    "", "scrypt", "scrypt$a$b$c$d$e", "scrypt$16384$8$1$zz$00", "scrypt$16385$8$1$00$00",
    "scrypt$16384$0$1$00$00", "scrypt$-1$8$1$00$00", "scrypt$16384$8$1$00$",
    "scrypt$16384$8$99999$00$00", "scrypt$1048576$32$1$00$00", "sha256$x", "A" * 64])
def test_a_damaged_stored_hash_never_matches_and_never_raises(stored):
    from ztmo.store import codes

    assert not codes.key_matches("ABCDEFGHJK", stored)


@pytest.mark.parametrize("code", ["", "ABC", "ZZZZZZ", "0O1IL0", "<script>", None])
def test_unknown_session_gives_a_dutch_message(store, session, code):
    for call in (store.get_session, store.join, store.revision, store.answers,
                 store.participant_count, store.export):
        with pytest.raises(UnknownSession, match="We vinden geen sessie"):
            call(code)
    assert not store.is_participant(code, "A" * 16)


def test_a_session_needs_a_name(store):
    with pytest.raises(ZtmoError, match="naam"):
        store.create_session("   ")


# -- participants --------------------------------------------------------------------------


def test_join_gives_anonymous_tokens_and_counts_participants(store, session):
    tokens = [store.join(session.code) for _ in range(3)]
    assert all(TOKEN.fullmatch(t) for t in tokens) and len(set(tokens)) == 3
    assert store.participant_count(session.code) == 3
    assert all(store.is_participant(session.code.lower(), t) for t in tokens)
    assert not store.is_participant(session.code, "x" * 16)
    assert not store.is_participant(session.code, "")


def test_nickname_is_optional_stripped_and_limited(store, session):
    with_name = store.join(session.code, "  Vos  ")
    without = store.join(session.code, "   ")
    assert store.nickname(session.code, with_name) == "Vos"
    assert store.nickname(session.code, without) is None
    assert store.nickname(session.code, "onbekend") is None
    assert store.join(session.code, "x" * 30)
    with pytest.raises(ZtmoError, match="maximaal 30 tekens"):
        store.join(session.code, "x" * 31)
    assert store.participant_count(session.code) == 3


def test_nothing_but_token_nickname_and_time_is_kept_about_a_person(store):
    assert [c.name for c in schema.participants.columns] == [
        "session_code", "token", "nickname", "joined_at", "last_seen"]


# -- answers -------------------------------------------------------------------------------


def test_saving_again_replaces_the_answer(store, session):
    token = store.join(session.code)
    first = store.save_answer(session.code, token, R1, 3)
    second = store.save_answer(session.code, token, R1, " 5 ")
    assert isinstance(second, Answer) and second.value == "5"
    assert second.updated_at >= first.updated_at and second.updated_at.tzinfo is UTC
    (only,) = store.answers(session.code)
    assert (only.value, only.participant, only.activity) == ("5", token, R1)
    assert only.updated_at == second.updated_at
    assert table_counts(store)["answers"] == 1


def test_numbers_are_stored_as_text(store, session):
    token = store.join(session.code)
    assert store.save_answer(session.code, token, R1, 4).value == "4"
    assert store.save_answer(session.code, token, R2, "?").value == "?"  # weet ik niet


def test_answer_limit_is_500_characters_and_empty_is_refused(store, session):
    token = store.join(session.code)
    assert store.save_answer(session.code, token, OPEN, "x" * 500).value == "x" * 500
    with pytest.raises(InvalidAnswer, match="maximaal 500 tekens") as too_long:
        store.save_answer(session.code, token, OPEN, "x" * 501)
    assert too_long.value.title
    for empty in ("", "   ", "\n\t"):
        with pytest.raises(InvalidAnswer, match="leeg"):
            store.save_answer(session.code, token, OPEN, empty)
    assert [a.value for a in store.answers(session.code)] == ["x" * 500]


@pytest.mark.parametrize("activity", ["", "Hoofdletter", "met spatie", "a/b", "x" * 81,
                                      "regel\n", "é", None, "beoordeling:onbekend.9",
                                      "vrij"])
def test_only_registered_activities_are_kept(store, session, activity):
    token = store.join(session.code)
    with pytest.raises(InvalidAnswer, match="opdracht"):
        store.save_answer(session.code, token, activity, "ja")


def test_every_registered_activity_can_be_saved_with_a_value_of_its_kind(store, session):
    from ztmo import activities

    token = store.join(session.code)
    sample = {activities.RATING: "3", activities.TEXT: "ja", activities.VOTES: "1.1,2.3"}
    for key, act in activities.registry().items():
        value = sample.get(act.kind) or act.choices[0]
        assert store.save_answer(session.code, token, key, value).activity == key
    assert len(store.answers(session.code)) == len(activities.registry())


@pytest.mark.parametrize("activity,value", [
    (R1, "6"), (R1, "0"), (R1, "vier"), ("leervoorkeur:eerste", "Zwemmen"),
    ("scan:s01", "zz"), ("scan:s01", "a,a"), ("wat_is_thuis", "x" * 201),
    ("stem:eigen", "1.1,1.1"), ("stem:eigen", "7"), ("stem:eigen", ",".join(f"{i}.1" for i in
                                                                            range(1, 12))),
    ("tijdlijn:start", "onbekend.9"), ("belofte:stippen", "thuis,thuis"),
    ("idee:eigen:1", "x" * 121), ("idee:eigen:4", "ja"), ("vlag:durven", "x" * 141)])
def test_a_value_that_does_not_fit_its_activity_is_refused(store, session, activity, value):
    token = store.join(session.code)
    with pytest.raises(InvalidAnswer):
        store.save_answer(session.code, token, activity, value)
    assert store.answers(session.code) == []


def test_a_token_only_works_in_its_own_session(store, session):
    other = store.create_session("Andere groep")
    stranger = store.join(other.code)
    with pytest.raises(UnknownParticipant, match="hoort niet bij deze sessie"):
        store.save_answer(session.code, stranger, Q, "ja")
    for bad in ("", "kort", "x" * 16, "<script>alert(1)</script>"):
        with pytest.raises(UnknownParticipant):
            store.save_answer(session.code, bad, Q, "ja")
    assert table_counts(store)["answers"] == 0


def test_html_and_script_text_is_stored_verbatim(store, session):
    """Escaping is the UI's job: the store must give back exactly what was typed."""
    token = store.join(session.code, "<b>Vos</b>")
    text = "<script>alert('x')</script> & \"quotes\" 'Ω' 😀\nregel twee"
    store.save_answer(session.code, token, OPEN, text)
    (a,) = store.answers(session.code)
    assert a.value == text and a.nickname == "<b>Vos</b>"


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(min_size=1, max_size=520))
def test_any_text_round_trips_or_gets_a_dutch_refusal(store, session, value):
    from ztmo.store.codes import clean_text

    token = store.join(session.code)
    expected = clean_text(value).strip()  # without control, format and direction characters
    try:
        saved = store.save_answer(session.code, token, OPEN, value)
    except InvalidAnswer as refused:
        assert not expected or len(expected) > 500, str(refused)
        return
    assert saved.value == expected
    assert [a.value for a in store.answers(session.code, OPEN) if a.participant == token] == [
        expected]


def test_answers_filter_by_activity_or_prefix_and_hidden(store, session):
    a, b = store.join(session.code), store.join(session.code)
    store.save_answer(session.code, a, R1, 4)
    store.save_answer(session.code, b, R2, 2)
    store.save_answer(session.code, a, Q, "tekst")
    assert [x.activity for x in store.answers(session.code, "beoordeling:")] == [R1, R2]
    assert [x.activity for x in store.answers(session.code, Q)] == [Q]
    assert store.answers(session.code, "reflectie:allerliefst_thuis.1_") == []
    assert len(store.answers(session.code)) == 3
    store.hide_answer(session.code, session.trainer_key, b, R2)
    assert [x.activity for x in store.answers(session.code, "beoordeling:",
                                              include_hidden=False)] == [R1]
    hidden = [x for x in store.answers(session.code, "beoordeling:") if x.hidden]
    assert [x.participant for x in hidden] == [b]


def test_answers_come_in_the_order_they_were_last_changed(store, session):
    a, b = store.join(session.code), store.join(session.code)
    store.save_answer(session.code, a, Q, "eerst")
    store.save_answer(session.code, b, Q, "daarna")
    store.save_answer(session.code, a, Q, "opnieuw")
    assert [x.value for x in store.answers(session.code, Q)] == ["daarna", "opnieuw"]


def test_saving_again_does_not_unhide(store, session):
    token = store.join(session.code)
    store.save_answer(session.code, token, Q, "eerst")
    store.hide_answer(session.code, session.trainer_key, token, Q)
    again = store.save_answer(session.code, token, Q, "nieuw")
    assert again.hidden and store.answers(session.code)[0].hidden
    store.hide_answer(session.code, session.trainer_key, token, Q, hidden=False)
    assert not store.answers(session.code)[0].hidden


def test_revision_increases_on_every_change(store, session):
    seen = [store.revision(session.code)]

    def changed() -> None:
        seen.append(store.revision(session.code))
        assert seen[-1] > seen[-2]

    token = store.join(session.code)
    changed()
    store.save_answer(session.code, token, Q, "a")
    changed()
    store.save_answer(session.code, token, Q, "a")
    changed()
    store.hide_answer(session.code, session.trainer_key, token, Q)
    changed()
    store.delete_answer(session.code, session.trainer_key, token, Q)
    changed()
    store.close_session(session.code, session.trainer_key)
    changed()
    with pytest.raises(SessionClosed):
        store.save_answer(session.code, token, Q, "b")
    assert store.revision(session.code) == seen[-1]


# -- trainer actions -----------------------------------------------------------------------


def test_wrong_trainer_key_changes_nothing(store, session):
    token = store.join(session.code)
    store.save_answer(session.code, token, Q, "antwoord")
    before = (store.answers(session.code), store.revision(session.code), table_counts(store))
    for wrong in ("", "ABCDEFGHJK", session.trainer_key[:-1], None, session.code):
        with pytest.raises(WrongTrainerKey, match="niets veranderd"):
            store.hide_answer(session.code, wrong, token, Q)
        with pytest.raises(WrongTrainerKey, match="niets veranderd"):
            store.delete_answer(session.code, wrong, token, Q)
        with pytest.raises(WrongTrainerKey):
            store.close_session(session.code, wrong)
        with pytest.raises(WrongTrainerKey):
            store.delete_session(session.code, wrong)
    after = (store.answers(session.code), store.revision(session.code), table_counts(store))
    assert after == before
    assert store.get_session(session.code).closed_at is None


def test_trainer_key_ignores_case_and_spaces(store, session):
    key = session.trainer_key
    store.close_session(session.code, f" {key[:5].lower()} {key[5:]} ")
    assert store.get_session(session.code).closed_at is not None


def test_closed_session_refuses_join_and_save_but_keeps_answers(store, session):
    token = store.join(session.code)
    store.save_answer(session.code, token, Q, "bewaard")
    store.close_session(session.code, session.trainer_key)
    closed_at = store.get_session(session.code).closed_at
    assert closed_at is not None and closed_at.tzinfo is UTC
    with pytest.raises(SessionClosed, match="gesloten"):
        store.join(session.code)
    with pytest.raises(SessionClosed):
        store.save_answer(session.code, token, Q, "later")
    store.close_session(session.code, session.trainer_key)  # twice is fine
    assert store.get_session(session.code).closed_at == closed_at
    assert [a.value for a in store.answers(session.code)] == ["bewaard"]


def test_delete_removes_the_session_its_participants_and_answers(store, session):
    other = store.create_session("Blijft")
    for s in (session, other):
        token = store.join(s.code, "Vos")
        store.save_answer(s.code, token, Q, "ja")
    store.delete_session(session.code, session.trainer_key)
    with pytest.raises(UnknownSession):
        store.get_session(session.code)
    assert table_counts(store) == {"sessions": 1, "participants": 1, "answers": 1}
    assert len(store.answers(other.code)) == 1
    with pytest.raises(UnknownSession):
        store.delete_session(session.code, session.trainer_key)


def test_delete_answer_removes_exactly_that_answer_for_good(store, session):
    a, b = store.join(session.code, "Vos"), store.join(session.code)
    store.save_answer(session.code, a, Q, "weg ermee")
    store.save_answer(session.code, a, OPEN, "blijft")
    store.save_answer(session.code, b, Q, "blijft ook")
    store.hide_answer(session.code, session.trainer_key, a, Q)
    before = store.revision(session.code)
    store.delete_answer(session.code, session.trainer_key.lower(), a, Q)
    assert store.revision(session.code) > before
    assert {(x.participant, x.activity, x.value) for x in store.answers(session.code)} == {
        (a, OPEN, "blijft"), (b, Q, "blijft ook")}
    assert table_counts(store) == {"sessions": 1, "participants": 2, "answers": 2}
    assert "weg ermee" not in store.export(session.code, include_hidden=True).to_csv()
    # The participant may answer again: it is a new answer, not the hidden one.
    again = store.save_answer(session.code, a, Q, "nieuw")
    assert not again.hidden


def test_delete_answer_of_an_absent_answer_is_a_no_op(store, session):
    token = store.join(session.code)
    store.save_answer(session.code, token, Q, "ja")
    before = (store.answers(session.code), store.revision(session.code))
    for participant, activity in ((token, OPEN), ("B" * 16, Q), ("kort", Q), (token, "x/y"),
                                  (None, Q), (token, None)):
        store.delete_answer(session.code, session.trainer_key, participant, activity)
    assert (store.answers(session.code), store.revision(session.code)) == before
    with pytest.raises(UnknownSession):
        store.delete_answer("ZZZZZZ", session.trainer_key, token, Q)


def test_delete_answer_works_in_a_closed_session(store, session):
    token = store.join(session.code)
    store.save_answer(session.code, token, Q, "toch weg")
    store.close_session(session.code, session.trainer_key)
    store.delete_answer(session.code, session.trainer_key, token, Q)
    assert store.answers(session.code) == []


def test_export_numbers_people_and_shows_readable_dutch_columns(store, session):
    from datetime import datetime

    from ztmo import activities

    a = store.join(session.code, "Vos\u202e\u200b ")  # right-to-left override, zero width
    b = store.join(session.code)
    store.save_answer(session.code, b, OPEN, "<i>hoi</i>")
    store.save_answer(session.code, a, R1, 4)
    frame = store.export(session.code)
    assert list(frame.columns) == ["sessie", "deelnemer", "bijnaam", "opdracht", "opdrachtcode",
                                   "antwoord", "tijdstip", "verborgen"]
    rows = frame.to_dict("records")
    assert [(r["deelnemer"], r["bijnaam"], r["opdrachtcode"], r["antwoord"], r["verborgen"])
            for r in rows] == [("deelnemer 2", "", OPEN, "<i>hoi</i>", "nee"),
                               ("deelnemer 1", "Vos", R1, "4", "nee")]
    assert [r["opdracht"] for r in rows] == [activities.label(OPEN), activities.label(R1)]
    assert rows[1]["opdracht"].startswith("Beoordeling handvat 1.1")
    assert {r["sessie"] for r in rows} == {session.code}
    saved = store.answers(session.code)[1].updated_at
    when = rows[1]["tijdstip"]
    assert str(when.tzinfo) == "Europe/Amsterdam" and when == saved  # same moment, Dutch time
    assert when.utcoffset().total_seconds() in (3600, 7200)
    assert isinstance(when, datetime)
    text = frame.to_csv()
    assert a not in text and b not in text  # no participant tokens


def test_export_writes_idea_wall_votes_as_the_ideas_they_went_to(store, session):
    """A vote is stored as idea ids ("1.1,2.1"); in the export the analyst reads which
    ideas those are, and the ids stay for counting. Removed ideas and taking every vote
    back are said in words. It agrees with the tally: with two ideas left each person has
    one dot, so a second dot (stored around the check) is said not to count."""
    from ztmo import wall as rules

    a, b, c = (store.join(session.code) for _ in range(3))
    store.save_answer(session.code, a, rules.idea_key("eigen", 1), "Samen eten")
    store.save_answer(session.code, b, rules.idea_key("eigen", 1), "=1+1 plan")
    store.save_answer(session.code, b, rules.idea_key("eigen", 2), "Later weg")
    store.save_answer(session.code, c, rules.vote_key("eigen"), "1.1,2.1")
    store.save_answer(session.code, a, rules.vote_key("eigen"), "2.2")
    store.save_answer(session.code, b, rules.vote_key("eigen"), "geen")
    store.hide_answer(session.code, session.trainer_key, b, rules.idea_key("eigen", 2))
    frame = store.export(session.code)
    votes = frame[frame["opdrachtcode"] == rules.vote_key("eigen")]
    assert dict(zip(votes["deelnemer"], votes["antwoord"], strict=True)) == {
        "deelnemer 3": "1.1: Samen eten | 2.1: =1+1 plan (telt niet)",
        "deelnemer 1": "2.2: (idee weggehaald)",
        "deelnemer 2": "geen stemmen",
    }
    assert "Later weg" not in " ".join(frame["antwoord"])  # hidden means hidden, here too
    full = store.export(session.code, include_hidden=True)  # the trainer asked for all
    assert "2.2: Later weg (verborgen)" in full["antwoord"].tolist()


def test_export_leaves_hidden_answers_out_unless_asked(store, session):
    a, b = store.join(session.code), store.join(session.code)
    store.save_answer(session.code, a, Q, "zichtbaar")
    store.save_answer(session.code, b, Q, "verborgen tekst")
    store.hide_answer(session.code, session.trainer_key, b, Q)
    assert store.export(session.code)["antwoord"].tolist() == ["zichtbaar"]
    full = store.export(session.code, include_hidden=True)
    assert list(zip(full["antwoord"], full["verborgen"], full["deelnemer"], strict=True)) == [
        ("zichtbaar", "nee", "deelnemer 1"), ("verborgen tekst", "ja", "deelnemer 2")]
    empty = store.export(store.create_session("Leeg").code)
    assert list(empty.columns) == list(full.columns) and len(empty) == 0


def test_export_shows_winter_and_summer_time_in_the_netherlands():
    """Fixed moments, so the offsets are checked whatever today's date is."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from ztmo.store import LOCAL_TIME

    local = ZoneInfo(LOCAL_TIME)
    assert datetime(2026, 1, 15, 9, 0, tzinfo=UTC).astimezone(local).hour == 10
    assert datetime(2026, 7, 15, 9, 0, tzinfo=UTC).astimezone(local).hour == 11


# -- schema, configuration, failures -------------------------------------------------------


def test_schema_version_row_is_created_on_first_use(store):
    store.create_session("x")
    with store._engine.connect() as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalars().all() == [schema.SCHEMA_VERSION]


def test_migration_hook_runs_for_an_older_database(store_url, monkeypatch):
    with Store(store_url) as old:
        old.create_session("oud")  # a database at the current version
    ran = []
    nxt = schema.SCHEMA_VERSION + 1
    monkeypatch.setattr(schema, "SCHEMA_VERSION", nxt)
    monkeypatch.setitem(schema.MIGRATIONS, nxt, lambda conn: ran.append(conn.dialect.name))
    newer = Store(store_url)
    assert newer.revision(newer.create_session("nieuw").code) == 0
    assert len(ran) == 1
    with newer._engine.connect() as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == nxt
    newer.close()


def test_a_version_1_database_is_migrated_and_keeps_its_answers(store_url):
    """Version 1 (as the first release made it): no last_seen, no session_state."""
    from sqlalchemy import (
        Boolean,
        Column,
        DateTime,
        Integer,
        MetaData,
        String,
        Table,
        Text,
        create_engine,
    )

    from ztmo.store import codes
    from ztmo.store.engine import normalise_url

    v1 = MetaData()
    Table("schema_version", v1, Column("version", Integer, nullable=False))
    Table("sessions", v1, Column("code", String(6), primary_key=True),
          Column("name", String(100)), Column("trainer_key_hash", String(64)),
          Column("created_at", DateTime(timezone=True)), Column("closed_at", DateTime(timezone=True)),
          Column("revision", Integer))
    Table("participants", v1, Column("session_code", String(6), primary_key=True),
          Column("token", String(16), primary_key=True), Column("nickname", String(30)),
          Column("joined_at", DateTime(timezone=True)))
    Table("answers", v1, Column("session_code", String(6), primary_key=True),
          Column("participant", String(16), primary_key=True),
          Column("activity", String(80), primary_key=True), Column("value", Text),
          Column("updated_at", DateTime(timezone=True)), Column("hidden", Boolean))
    from datetime import datetime
    engine = create_engine(normalise_url(store_url))
    now = datetime(2026, 5, 12, 9, 30)
    with engine.begin() as conn:
        v1.create_all(conn)
        conn.execute(v1.tables["schema_version"].insert().values(version=1))
        conn.execute(v1.tables["sessions"].insert().values(
            code="KMPT23", name="Oud", trainer_key_hash=codes.hashlib.sha256(b"ABCDEFGHJK")
            .hexdigest(), created_at=now, closed_at=None, revision=3))
        conn.execute(v1.tables["participants"].insert().values(
            session_code="KMPT23", token="A" * 16, nickname=None, joined_at=now))
        conn.execute(v1.tables["answers"].insert().values(
            session_code="KMPT23", participant="A" * 16, activity=Q, value="bewaard",
            updated_at=now, hidden=False))
    engine.dispose()
    with Store(store_url) as store:
        snap = store.snapshot("KMPT23")
        assert [a.value for a in snap.answers] == ["bewaard"]
        store.check_trainer_key("KMPT23", "abcdefghjk")  # the old, unsalted hash still works
        with pytest.raises(WrongTrainerKey):
            store.check_trainer_key("KMPT23", "ABCDEFGHJM")
        assert snap.people[0].last_seen is None
        store.touch("KMPT23", "A" * 16)
        store.update_state("KMPT23", "test", lambda old: "1")
        assert store.snapshot("KMPT23").state == {"test": "1"}
        assert store.snapshot("KMPT23").people[0].last_seen is not None
        store.close_session("KMPT23", "ABCDEFGHJK")  # rewrites the hash: longer than 64
        with store._engine.connect() as conn:
            stored = conn.execute(select(schema.sessions.c.trainer_key_hash)).scalar_one()
        assert stored.startswith("scrypt$") and len(stored) > 64
        store.check_trainer_key("KMPT23", "abcdefghjk")


def test_a_database_from_a_newer_version_is_refused(store_url, monkeypatch):
    with Store(store_url) as current:
        current.create_session("nieuw")
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 0)
    with Store(store_url) as old, pytest.raises(StoreUnavailable, match="nieuwere versie"):
        old.create_session("oud")


def test_from_env_uses_the_data_dir(tmp_path):
    target = tmp_path / "nieuw" / "map"
    store = Store.from_env({"ZTMO_DATA_DIR": str(target)})
    store.create_session("x")
    store.close()
    assert (target / "ztmo.sqlite3").is_file()


def test_from_env_prefers_the_database_url(store_url, tmp_path):
    store = Store.from_env({"ZTMO_DATABASE_URL": store_url, "ZTMO_DATA_DIR": str(tmp_path / "d")})
    code = store.create_session("x").code
    store.close()
    assert not (tmp_path / "d").exists()
    with Store(store_url) as again:
        assert again.get_session(code).name == "x"


def test_sqlite_runs_in_wal_mode_with_full_sync(sqlite_store):
    with sqlite_store._engine.connect() as conn:
        pragmas = {p: conn.exec_driver_sql(f"PRAGMA {p}").scalar()
                   for p in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1,
                       "busy_timeout": 10000}


@pytest.mark.parametrize("url", [
    "sqlite:////nergens/bestaat/deze/map/ztmo.sqlite3",
    "postgresql+psycopg://postgres@127.0.0.1:1/ztmo",
    "postgres://postgres@127.0.0.1:1/ztmo",
    "geen-url",
    "mysql://x@localhost/y",
])
def test_unreachable_database_gives_a_calm_dutch_message(url):
    with pytest.raises(StoreUnavailable) as caught:
        Store(url).create_session("x")
    assert "niet verloren" in str(caught.value) and "trainer" in str(caught.value)
    assert caught.value.title == "Opslaan lukt nu even niet"


def test_a_saved_answer_survives_a_killed_process(store, session, store_url):
    token = store.join(session.code)
    child = textwrap.dedent("""
        import sys, time
        from ztmo.store import Store
        Store(sys.argv[1]).save_answer(sys.argv[2], sys.argv[3], "reflectie:weer_thuis.1", "bewaard")
        print("opgeslagen", flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", child, store_url, session.code, token],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "opgeslagen"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    fresh = Store(store_url)
    assert [(a.participant, a.value) for a in fresh.answers(session.code)] == [(token, "bewaard")]
    fresh.close()


def test_errors_are_dutch_ztmo_errors_with_a_title():
    for cls in (UnknownSession, SessionClosed, UnknownParticipant, WrongTrainerKey,
                StoreUnavailable):
        err = cls()
        assert isinstance(err, ZtmoError) and err.title and str(err)
    assert issubclass(InvalidAnswer, ZtmoError) and InvalidAnswer.title


@pytest.mark.postgres
def test_postgres_connections_cut_by_the_server_are_replaced(pg_url):
    reset_database(pg_url)
    with Store(pg_url) as store:
        code = store.create_session("x").code
        with store._engine.connect() as admin:
            admin.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            admin.commit()
        assert store.revision(code) == 0  # pool_pre_ping: a fresh connection, no error
    reset_database(pg_url)


def test_check_trainer_key(store):
    from ztmo.errors import WrongTrainerKey

    s = store.create_session("Sleutel")
    store.check_trainer_key(s.code, s.trainer_key.lower())
    with pytest.raises(WrongTrainerKey):
        store.check_trainer_key(s.code, "VERKEERD23")


def test_participants_in_join_order(store):
    s = store.create_session("Volgorde")
    first = store.join(s.code, "Eerste")
    second = store.join(s.code)
    assert store.participants(s.code) == [(first, "Eerste"), (second, None)]


def test_update_answer_checks_the_new_value_and_the_session_like_save_answer(store, session):
    from ztmo import wall
    from ztmo.errors import InvalidAnswer, SessionClosed, UnknownParticipant

    token = store.join(session.code)
    key = wall.vote_key("eigen")
    saved = store.update_answer(session.code, token, key, lambda old: "1.1" if old is None
                                else "fout")
    assert (saved.value, store.answers(session.code, key)[0].value) == ("1.1", "1.1")
    with pytest.raises(InvalidAnswer):  # the registry's check holds here too
        store.update_answer(session.code, token, key, lambda old: old + ",<b>")
    with pytest.raises(UnknownParticipant):
        store.update_answer(session.code, "A" * 16, key, lambda old: "1.1")
    store.close_session(session.code, session.trainer_key)
    with pytest.raises(SessionClosed):
        store.update_answer(session.code, token, key, lambda old: "2.1")
    assert store.answers(session.code, key)[0].value == "1.1"
