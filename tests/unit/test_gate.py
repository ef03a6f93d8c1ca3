"""The join gate (ztmo.gate): who gets an app and a kernel, decided from real store facts."""

from __future__ import annotations

import pytest

from ztmo import gate
from ztmo.gate import KernelBook, SessionFacts, SessionLookup, decide
from ztmo.hosting import session_budget
from ztmo.store import Store

INDEX = "notebooks/index.ipynb"
TRAINER = "notebooks/trainer.ipynb"
NETWORK = "notebooks/netwerk.ipynb"
BEAMER = "notebooks/beamer.ipynb"
OPEN = SessionFacts("K7MP3X", True, 20)
TOKEN = "A" * 16


def test_hosted_apps_need_a_valid_code_or_a_signed_in_trainer():
    assert decide(INDEX, {}, hosted=True, trainer=False, facts=None).kind == "join"
    assert decide(BEAMER, {}, hosted=True, trainer=False, facts=None).kind == "join"
    assert decide(TRAINER, {}, hosted=True, trainer=False, facts=None).kind == "signin"
    assert decide(NETWORK, {}, hosted=True, trainer=False, facts=None).kind == "signin"
    assert decide(TRAINER, {}, hosted=True, trainer=True, facts=None).allowed
    assert decide(INDEX, {}, hosted=True, trainer=True, facts=None).allowed  # a preview


def test_a_laptop_stays_open_but_an_unknown_code_gets_the_light_page():
    assert decide(INDEX, {}, hosted=False, trainer=False, facts=None).allowed
    assert decide(TRAINER, {}, hosted=False, trainer=False, facts=None).allowed
    unknown = decide(INDEX, {"sessie": "ZZZZZZ"}, hosted=False, trainer=False, facts=None)
    assert (unknown.kind, unknown.problem, unknown.guess) == ("join", "meedoen.onbekend", True)
    nonsense = decide(INDEX, {"sessie": "<script>"}, hosted=False, trainer=False, facts=None)
    assert nonsense.kind == "join" and nonsense.guess


def test_a_valid_code_gets_the_app_counted_against_its_session():
    v = decide(INDEX, {"sessie": "k7mp3x"}, hosted=True, trainer=False, facts=OPEN)
    assert v.allowed and v.session == "K7MP3X" and v.participant == ""
    network_projector = decide(NETWORK, {"sessie": "K7MP3X"}, hosted=True, trainer=False,
                               facts=OPEN)
    assert network_projector.allowed


def test_a_closed_session_lets_in_only_its_own_participants():
    closed = SessionFacts("K7MP3X", False, 20)
    v = decide(INDEX, {"sessie": "K7MP3X"}, hosted=True, trainer=False, facts=closed)
    assert (v.kind, v.problem, v.guess) == ("join", "meedoen.gesloten", False)
    known = SessionFacts("K7MP3X", False, 20, known=True)
    back = decide(INDEX, {"sessie": "K7MP3X", "deelnemer": TOKEN}, hosted=True, trainer=False,
                  facts=known)
    assert back.allowed and back.participant == TOKEN


def test_a_full_session_refuses_newcomers_but_not_its_own_people():
    budget = session_budget(20)
    full = decide(INDEX, {"sessie": "K7MP3X"}, hosted=True, trainer=False, facts=OPEN,
                  held=budget)
    assert full.kind == "full"
    almost = decide(INDEX, {"sessie": "K7MP3X"}, hosted=True, trainer=False, facts=OPEN,
                    held=budget - 1)
    assert almost.allowed
    known = SessionFacts("K7MP3X", True, 20, known=True)
    back = decide(INDEX, {"sessie": "K7MP3X", "deelnemer": TOKEN}, hosted=True, trainer=False,
                  facts=known, held=budget, held_by_participant=1)
    assert back.allowed
    loop = decide(INDEX, {"sessie": "K7MP3X", "deelnemer": TOKEN}, hosted=True, trainer=False,
                  facts=known, held=budget, held_by_participant=3)
    assert loop.kind == "full"


def test_the_kernel_book_counts_per_session_and_forgets_gone_kernels():
    book = KernelBook()
    book.tag("k1", "AAAAAA")
    book.tag("k2", "AAAAAA", TOKEN)
    book.tag("k3", "BBBBBB")
    book.tag("k4", "")  # a trainer's page: no session
    assert book.held("AAAAAA") == 2 and book.held_by("AAAAAA", TOKEN) == 1
    assert book.per_session() == {"AAAAAA": 2, "BBBBBB": 1}
    book.prune({"k2", "k3"})
    assert book.per_session() == {"AAAAAA": 1, "BBBBBB": 1}


@pytest.fixture()
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'gate.sqlite3'}")
    yield s
    s.close()


class Clock:
    now = 0.0

    def __call__(self):
        return self.now


def test_the_lookup_reads_the_store_and_remembers_briefly(store):
    session = store.create_session("Twente")
    store.update_state(session.code, gate.EXPECTED_KEY, lambda old: "12")
    token = store.join(session.code)
    clock = Clock()
    lookup = SessionLookup(lambda: store, ttl=3.0, clock=clock)
    facts = lookup.facts(session.code)
    assert facts == SessionFacts(session.code, True, 12, False)
    assert lookup.facts(session.code, token).known
    assert not lookup.facts(session.code, "B" * 16).known
    assert lookup.facts("ZZZZZZ") is None
    store.close_session(session.code, session.trainer_key)
    assert lookup.facts(session.code).open  # remembered for a moment
    clock.now += 3.5
    assert not lookup.facts(session.code).open
    store.delete_session(session.code, session.trainer_key)
    clock.now += 3.5
    assert lookup.facts(session.code) is None
