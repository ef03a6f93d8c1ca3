"""Trainer accounts and retention in the store, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from ztmo import activities
from ztmo.errors import WrongTrainerKey
from ztmo.store import Owner
from ztmo.store.schema import sessions, trainer_logins, trainers
from ztmo.store.trainers import WRONG_KEY, format_key


def test_a_trainer_key_is_shown_once_and_stored_only_as_a_salted_hash(store):
    anna = store.create_trainer("  Anna   de Vries ")
    assert anna.name == "Anna de Vries" and len(anna.key) == 20 and anna.key.startswith(anna.id)
    with store._engine.connect() as conn:
        stored = conn.execute(select(trainers.c.key_hash)).scalar_one()
    assert stored.startswith("scrypt$") and anna.key not in stored
    assert store.trainers()[0].key == ""  # never again
    # Typed over from the printed form, in lower case, with spaces: still the key.
    typed = " " + format_key(anna.key).lower().replace("-", " - ") + " "
    assert store.check_trainer(typed).id == anna.id


@pytest.mark.parametrize("wrong", ["", "ABC", "X" * 20, None, "ÄÖÜ" * 7])
def test_a_wrong_key_says_the_same_whatever_it_is(store, wrong):
    anna = store.create_trainer("Anna")
    for key in (wrong, anna.id + "Z" * 14):  # garbage, or a real id with a wrong secret
        with pytest.raises(WrongTrainerKey) as info:
            store.check_trainer(key)
        assert str(info.value) == WRONG_KEY


def test_signing_in_and_out_and_revoking_end_the_right_sign_ins(store):
    anna, bram = store.create_trainer("Anna"), store.create_trainer("Bram")
    t1, who = store.sign_in(anna.key)
    t2, _ = store.sign_in(anna.key)  # a second browser
    t3, _ = store.sign_in(bram.key)
    assert who.id == anna.id and t1 != t2
    assert store.signed_in(t1).name == "Anna" and store.signed_in(t3).name == "Bram"
    with store._engine.connect() as conn:  # only hashes of the tokens are kept
        kept = conn.execute(select(trainer_logins.c.token_hash)).scalars().all()
    assert t1 not in kept and len(kept) == 3
    store.sign_out(t1)
    assert store.signed_in(t1) is None and store.signed_in(t2) is not None
    store.revoke_trainer(anna.id)
    assert store.signed_in(t2) is None and store.signed_in(t3) is not None
    with pytest.raises(WrongTrainerKey) as info:
        store.sign_in(anna.key)
    assert str(info.value) == WRONG_KEY  # a revoked key: the same answer as a wrong one
    assert [t.active for t in store.trainers()] == [False, True]
    assert store.signed_in("x" * 43) is None and store.signed_in("") is None


def test_a_sign_in_not_used_for_months_ends(store):
    anna = store.create_trainer("Anna")
    token, _ = store.sign_in(anna.key)
    with store._engine.begin() as conn:
        conn.execute(update(trainer_logins).values(
            last_used=datetime.now(UTC) - timedelta(days=91)))
    assert store.signed_in(token) is None


def test_a_trainer_opens_own_sessions_and_networks_but_not_anothers(store):
    anna, bram = store.create_trainer("Anna"), store.create_trainer("Bram")
    mine = store.create_session("Twente mei", owner=Owner(anna.id))
    other = store.create_session("Zeeland", owner=Owner(bram.id))
    laptop = store.create_session("Laptop")
    store.check_trainer_key(mine.code, Owner(anna.id))
    store.close_session(mine.code, Owner(anna.id))
    for code in (other.code, laptop.code):
        with pytest.raises(WrongTrainerKey, match="hoort niet bij jouw account"):
            store.check_trainer_key(code, Owner(anna.id))
    store.check_trainer_key(other.code, other.trainer_key)  # the session key still works
    assert [s.code for s in store.sessions_of(anna.id)] == [mine.code]
    net = store.create_network("Leernetwerk Twente", owner=Owner(anna.id))
    meeting = store.start_meeting(net.id, Owner(anna.id), "Oktober", date(2026, 10, 6))
    assert {s.code for s in store.sessions_of(anna.id)} == {mine.code, meeting.code}
    with pytest.raises(WrongTrainerKey, match="hoort niet bij jouw account"):
        store.start_meeting(net.id, Owner(bram.id), "Stiekem")
    assert [n.id for n in store.networks_of(anna.id)] == [net.id]
    assert store.trainers()[0].sessions == 2 and store.trainers()[0].networks == 1
    # Revoked: nothing opens or is made any more, and everything made stays.
    store.revoke_trainer(anna.id)
    with pytest.raises(WrongTrainerKey):
        store.check_trainer_key(mine.code, Owner(anna.id))
    with pytest.raises(WrongTrainerKey, match="niet meer aangemeld"):
        store.create_session("Nog een", owner=Owner(anna.id))
    assert store.get_session(mine.code).name == "Twente mei"


def _age(store, code: str, days: int) -> None:
    with store._engine.begin() as conn:
        conn.execute(update(sessions).where(sessions.c.code == code).values(
            created_at=datetime.now(UTC) - timedelta(days=days)))


def test_the_clean_up_deletes_exactly_what_is_past_the_period(store):
    today = date.today()
    cutoff = date(today.year - 1, today.month, min(today.day, 28))
    old = store.create_session("Oud")
    token = store.join(old.code)
    store.save_answer(old.code, token, activities.WHAT_IS_HOME, "samen eten")
    _age(store, old.code, 400)
    recent = store.create_session("Recent")
    _age(store, recent.code, 300)
    net = store.create_network("Netwerk")
    early = store.start_meeting(net.id, net.trainer_key, "Lang geleden", date(2020, 1, 15))
    late = store.start_meeting(net.id, net.trainer_key, "Nu", today)
    gone_net = store.create_network("Voorbij")
    store.start_meeting(gone_net.id, gone_net.trainer_key, "Oud", date(2020, 3, 1))
    from ztmo.store.schema import networks

    with store._engine.begin() as conn:
        conn.execute(update(networks).values(
            created_at=datetime(2019, 12, 1, tzinfo=UTC)))
    dry = store.expired(cutoff)
    assert {s.code for s in dry.sessions} == {old.code, early.code} | {
        m.code for m in store.meetings(gone_net.id)}
    assert [n.id for n in dry.networks] == [gone_net.id]  # the other one still meets
    assert store.get_session(old.code)  # a dry run deletes nothing
    done = store.purge(cutoff)
    assert done == dry
    remaining = {recent.code, late.code}
    with store._engine.connect() as conn:
        assert set(conn.execute(select(sessions.c.code)).scalars()) == remaining
    assert [m.code for m in store.meetings(net.id)] == [late.code]
    assert store.answers(recent.code) == []
    assert store.expired(cutoff).empty
