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


def test_read_modify_write_of_one_answer_from_many_threads_loses_no_change(store):
    """update_answer: twenty taps at once, each adding one idea id to one person's votes
    (as the idea wall does), all arrive; on both backends."""
    import threading

    from ztmo import wall

    code = store.create_session("Stippen").code
    token = store.join(code)
    key = wall.vote_key("eigen")
    ids = [f"{n}.1" for n in range(1, 11)]  # MAX_VOTES ideas
    start = threading.Barrier(len(ids), timeout=30)

    def tap(idea: str) -> None:
        start.wait()
        store.update_answer(code, token, key,
                            lambda old: ",".join([*wall.parse_votes(old), idea]))

    threads = [threading.Thread(target=tap, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    (answer,) = store.answers(code, key)
    assert sorted(answer.value.split(",")) == sorted(ids)
    assert store.update_answer(code, token, key, lambda old: None) is None  # no change
    assert store.answers(code, key)[0].value == answer.value
