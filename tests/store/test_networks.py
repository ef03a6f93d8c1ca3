"""Networks and their meetings in the store, on SQLite and on PostgreSQL (fixture `store`)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from ztmo import presenter
from ztmo.errors import UnknownRegion, UnknownSession, WrongTrainerKey
from ztmo.network import NetworkError, UnknownNetwork
from ztmo.store import Store, schema

R1 = "beoordeling:allerliefst_thuis.1"
Q = "reflectie:allerliefst_thuis.1"


@pytest.fixture
def twente(store: Store):
    return store.create_network("Leernetwerk Twente", region="Twente")


def test_a_network_gets_a_code_a_key_shown_once_and_a_checked_region(store, twente):
    assert len(twente.id) == 6 and len(twente.trainer_key) == 10
    assert twente.region_code == "JZ14" and twente.name == "Leernetwerk Twente"
    again = store.get_network(twente.id.lower())
    assert again.trainer_key == "" and again.name == twente.name and again.region_code == "JZ14"
    store.check_network_key(twente.id, twente.trainer_key.lower())
    with pytest.raises(WrongTrainerKey, match="leernetwerk"):
        store.check_network_key(twente.id, "ABCDEFGHJK")
    assert store.create_network("Zonder regio").region_code is None
    with pytest.raises(UnknownRegion):
        store.create_network("Fout", region="Twentee")
    with pytest.raises(NetworkError, match="naam"):
        store.create_network("   ")


@pytest.mark.parametrize("given", ["", "ABC", "ZZZZZZ", "<script>", None])
def test_an_unknown_network_gives_a_dutch_message(store, twente, given):
    for call in (store.get_network, store.meetings, store.network_snapshots):
        with pytest.raises(UnknownNetwork, match="We vinden geen leernetwerk"):
            call(given)
    with pytest.raises(UnknownNetwork):
        store.export_network(given, twente.trainer_key)
    with pytest.raises(UnknownNetwork):
        store.start_meeting(given, twente.trainer_key, "x")


def test_meetings_come_in_date_order_and_a_new_one_starts_from_the_last_run_sheet(store, twente):
    may = store.start_meeting(twente.id, twente.trainer_key, "Twente, mei", date(2026, 5, 12))
    presenter.set_run_sheet(store, may.code, may.trainer_key, ["start", "pijler1", "duo"])
    october = store.start_meeting(twente.id, twente.trainer_key, "Twente, oktober",
                                  date(2026, 10, 6))
    assert october.trainer_key and october.trainer_key != may.trainer_key
    assert json.loads(store.state(october.code)[presenter.RUN_SHEET]) == ["start", "pijler1",
                                                                            "duo"]
    blank = store.start_meeting(twente.id, twente.trainer_key, "Zonder draaiboek",
                                date(2026, 12, 1), template=False)
    assert presenter.RUN_SHEET not in store.state(blank.code)
    # made later, dated earlier: the order follows the date
    march = store.start_meeting(twente.id, twente.trainer_key, "Twente, maart",
                                date(2026, 3, 3))
    meetings = store.meetings(twente.id)
    assert [m.code for m in meetings] == [march.code, may.code, october.code, blank.code]
    assert [m.number for m in meetings] == [1, 2, 3, 4]
    assert meetings[1].info.label == "2. 12 mei 2026" and not meetings[1].info.closed
    assert store.network_of(may.code).id == twente.id
    assert store.network_of(store.create_session("los").code) is None
    with pytest.raises(WrongTrainerKey):
        store.start_meeting(twente.id, may.trainer_key, "met de verkeerde sleutel")


def test_an_existing_session_is_linked_with_both_keys_and_can_be_unlinked(store, twente):
    first = store.start_meeting(twente.id, twente.trainer_key, "eerste", date(2026, 5, 12))
    presenter.set_run_sheet(store, first.code, first.trainer_key, ["scan", "duo"])
    s = store.create_session("Twente, oktober")
    before = store.revision(s.code)
    with pytest.raises(WrongTrainerKey):
        store.link_session(s.code, s.trainer_key, twente.id, s.trainer_key)
    with pytest.raises(WrongTrainerKey):
        store.link_session(s.code, twente.trainer_key, twente.id, twente.trainer_key)
    meeting = store.link_session(s.code, s.trainer_key, twente.id, twente.trainer_key,
                                 meeting_date=date(2026, 10, 6), template=True)
    assert meeting.number == 2 and meeting.meeting_date == date(2026, 10, 6)
    assert store.revision(s.code) > before  # the trainer's screen redraws
    assert json.loads(store.state(s.code)[presenter.RUN_SHEET]) == ["scan", "duo"]
    store.unlink_session(s.code, s.trainer_key)
    assert store.network_of(s.code) is None
    assert [m.code for m in store.meetings(twente.id)] == [first.code]


def test_network_snapshots_leave_hidden_answers_to_the_views(store, twente):
    m = store.start_meeting(twente.id, twente.trainer_key, "mei")
    tokens = [store.join(m.code, f"bijnaam{i}") for i in range(3)]
    for t in tokens:
        store.save_answer(m.code, t, R1, "4")
    store.save_answer(m.code, tokens[0], Q, "Verborgen tekst")
    store.hide_answer(m.code, m.trainer_key, tokens[0], Q)
    [(meeting, snap)] = store.network_snapshots(twente.id)
    assert meeting.code == m.code and snap.values(R1) == ["4", "4", "4"]
    assert snap.values(Q) == []


def test_the_network_export_has_every_meeting_and_no_tokens(store, twente):
    may = store.start_meeting(twente.id, twente.trainer_key, "mei", date(2026, 5, 12))
    october = store.start_meeting(twente.id, twente.trainer_key, "oktober", date(2026, 10, 6))
    t1, t2 = store.join(may.code), store.join(october.code)
    store.save_answer(may.code, t1, Q, "=1+1 in mei")
    store.save_answer(october.code, t2, Q, "in oktober")
    store.save_answer(october.code, t2, R1, "5")
    store.hide_answer(october.code, october.trainer_key, t2, R1)
    frame = store.export_network(twente.id, twente.trainer_key)
    assert list(frame.columns[:3]) == ["netwerk", "bijeenkomst", "datum"]
    assert list(frame["bijeenkomst"]) == ["1. mei", "2. oktober"]
    assert list(frame["datum"]) == ["12-05-2026", "06-10-2026"]
    assert list(frame["antwoord"]) == ["=1+1 in mei", "in oktober"]
    assert set(frame["deelnemer"]) == {"deelnemer 1"}  # numbered per meeting, not followed
    text = frame.to_csv()
    assert t1 not in text and t2 not in text
    assert len(store.export_network(twente.id, twente.trainer_key, include_hidden=True)) == 3
    with pytest.raises(WrongTrainerKey):
        store.export_network(twente.id, may.trainer_key)
    from ztmo.export import to_xlsx

    assert to_xlsx(frame)[:2] == b"PK"
    empty = store.create_network("Leeg")
    assert store.export_network(empty.id, empty.trainer_key).empty


def test_delete_a_meeting_then_the_whole_network(store, twente):
    may = store.start_meeting(twente.id, twente.trainer_key, "mei")
    october = store.start_meeting(twente.id, twente.trainer_key, "oktober")
    other = store.create_session("los")
    token = store.join(may.code)
    store.save_answer(may.code, token, Q, "weg")
    with pytest.raises(NetworkError, match="geen bijeenkomst"):
        store.delete_meeting(twente.id, twente.trainer_key, other.code)
    with pytest.raises(WrongTrainerKey):
        store.delete_meeting(twente.id, may.trainer_key, may.code)
    store.delete_meeting(twente.id, twente.trainer_key, may.code)
    with pytest.raises(UnknownSession):
        store.snapshot(may.code)
    assert [m.code for m in store.meetings(twente.id)] == [october.code]
    with pytest.raises(WrongTrainerKey):
        store.delete_network(twente.id, october.trainer_key)
    assert store.delete_network(twente.id, twente.trainer_key) == 1
    with pytest.raises(UnknownNetwork):
        store.get_network(twente.id)
    with pytest.raises(UnknownSession):
        store.snapshot(october.code)
    store.get_session(other.code)  # a session of no network stays
    with store._engine.connect() as conn:
        assert conn.execute(select(schema.answers)).all() == []


def test_deleting_a_meeting_with_its_own_key_still_works(store, twente):
    m = store.start_meeting(twente.id, twente.trainer_key, "mei")
    store.delete_session(m.code, m.trainer_key)
    assert store.meetings(twente.id) == []


def test_a_version_2_database_is_migrated_and_keeps_its_sessions(store_url):
    """Version 2 (as the presenter release made it): no networks, no meeting columns."""
    from sqlalchemy import (
        Boolean,
        Column,
        DateTime,
        ForeignKey,
        Integer,
        MetaData,
        String,
        Table,
        Text,
        create_engine,
    )

    from ztmo.store import codes
    from ztmo.store.engine import normalise_url

    v2 = MetaData()
    Table("schema_version", v2, Column("version", Integer, nullable=False))
    Table("sessions", v2, Column("code", String(6), primary_key=True),
          Column("name", String(100), nullable=False),
          Column("trainer_key_hash", String(200), nullable=False),
          Column("created_at", DateTime(timezone=True), nullable=False),
          Column("closed_at", DateTime(timezone=True)), Column("revision", Integer))
    Table("participants", v2,
          Column("session_code", String(6), ForeignKey("sessions.code", ondelete="CASCADE"),
                 primary_key=True),
          Column("token", String(16), primary_key=True), Column("nickname", String(30)),
          Column("joined_at", DateTime(timezone=True)), Column("last_seen", DateTime(timezone=True)))
    Table("answers", v2, Column("session_code", String(6), primary_key=True),
          Column("participant", String(16), primary_key=True),
          Column("activity", String(80), primary_key=True), Column("value", Text),
          Column("updated_at", DateTime(timezone=True)), Column("hidden", Boolean))
    Table("session_state", v2,
          Column("session_code", String(6), ForeignKey("sessions.code", ondelete="CASCADE"),
                 primary_key=True),
          Column("key", String(40), primary_key=True), Column("value", Text, nullable=False),
          Column("updated_at", DateTime(timezone=True), nullable=False))
    engine = create_engine(normalise_url(store_url))
    now = datetime(2026, 5, 12, 9, 30)
    with engine.begin() as conn:
        v2.create_all(conn)
        conn.execute(v2.tables["schema_version"].insert().values(version=2))
        conn.execute(v2.tables["sessions"].insert().values(
            code="KMPT23", name="Mei", trainer_key_hash=codes.hash_key("ABCDEFGHJK"),
            created_at=now, closed_at=None, revision=3))
        conn.execute(v2.tables["participants"].insert().values(
            session_code="KMPT23", token="A" * 16, nickname=None, joined_at=now))
        conn.execute(v2.tables["answers"].insert().values(
            session_code="KMPT23", participant="A" * 16, activity=Q, value="bewaard",
            updated_at=now, hidden=False))
        conn.execute(v2.tables["session_state"].insert().values(
            session_code="KMPT23", key=presenter.RUN_SHEET, value='["start", "scan"]',
            updated_at=now))
    engine.dispose()
    with Store(store_url) as store:
        snap = store.snapshot("KMPT23")
        assert [a.value for a in snap.answers] == ["bewaard"]
        assert store.network_of("KMPT23") is None
        net = store.create_network("Leernetwerk Twente", region="JZ14")
        meeting = store.link_session("KMPT23", "ABCDEFGHJK", net.id, net.trainer_key)
        assert meeting.meeting_date == date(2026, 5, 12)  # from when the session was made
        nxt = store.start_meeting(net.id, net.trainer_key, "Oktober", date(2026, 10, 6))
        assert json.loads(store.state(nxt.code)[presenter.RUN_SHEET]) == ["start", "scan"]
        assert [m.code for m in store.meetings(net.id)] == ["KMPT23", nxt.code]
        with store._engine.connect() as conn:
            assert schema.current_version(conn) == schema.SCHEMA_VERSION == 4
        # Version 4: the old session belongs to no trainer; accounts work beside it.
        anna = store.create_trainer("Anna")
        assert store.sessions_of(anna.id) == []
        from ztmo.store import Owner

        mine = store.create_session("Van Anna", owner=Owner(anna.id))
        assert [s.code for s in store.sessions_of(anna.id)] == [mine.code]
        store.delete_network(net.id, net.trainer_key)


def test_a_new_database_has_version_4(store):
    store.create_network("Nieuw")
    with store._engine.connect() as conn:
        assert schema.current_version(conn) == 4
