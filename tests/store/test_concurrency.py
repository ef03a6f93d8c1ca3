"""A whole group saving at the same moment: no answer may be lost, on either backend."""

from __future__ import annotations

from ztmo.store import Store

from .conftest import SAVE_KEYS, run_group

PARTICIPANTS = 40
ANSWERS_EACH = 5


def test_forty_participants_saving_at_once_lose_nothing(store_url):
    with Store(store_url) as store:
        code = store.create_session("Drukke groep").code
        done = run_group(store_url, code, PARTICIPANTS, ANSWERS_EACH)
        saved = store.answers(code)
        assert store.participant_count(code) == PARTICIPANTS
        assert len(saved) == PARTICIPANTS * ANSWERS_EACH
        assert {a.participant for a in saved} == {token for token, *_ in done}
        assert all(a.value == f"antwoord {SAVE_KEYS.index(a.activity)} van {a.participant}"
                   for a in saved)
        # every join and every save bumped the revision exactly once
        assert store.revision(code) == PARTICIPANTS * (1 + ANSWERS_EACH)
