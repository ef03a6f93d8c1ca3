"""The idea wall: keys, ideas, the vote budget, checking votes, merges, pins and the tally."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from ztmo import wall, wallexport
from ztmo.errors import InvalidAnswer
from ztmo.store.snapshot import Person, Snapshot
from ztmo.wall import (
    MAX_IDEA_LENGTH,
    MAX_VOTES,
    Result,
    budget,
    check_idea,
    check_votes,
    idea_key,
    ideas,
    merge_ok,
    my_votes,
    parse_key,
    resolve,
    tally,
    vote_key,
)

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
TOKENS = [f"Tok{c * 5}secret{i:02d}" for i, c in enumerate("ABCDEFGHJK", start=1)]
W = "muur-1"


@dataclass(frozen=True)
class A:
    """The attributes of a store answer that the wall reads."""

    participant: str
    activity: str
    value: str
    hidden: bool = False
    updated_at: datetime | None = None


def idea(person, n, text, hidden=False, on=W):
    return (person, idea_key(on, n), text, hidden)


def vote(person, value, hidden=False, on=W):
    return (person, vote_key(on), value, hidden)


def snap(*rows, people=10):
    """A snapshot with ``people`` participants (numbers 1..people) and these answers, in
    this order (the order in which they were last changed). A later row for the same person
    and key stands for a change of that answer (hidden by the trainer, emptied)."""
    persons = tuple(Person(TOKENS[i], None, T0 + timedelta(minutes=i), None, i + 1)
                    for i in range(people))
    answers = tuple(A(TOKENS[p - 1], key, value, hidden, T0 + timedelta(seconds=k))
                    for k, (p, key, value, hidden) in enumerate(rows))
    return Snapshot("ABCDEF", "Test", 1, False, persons, answers)


def votes_of(results):
    return {r.id: r.votes for r in results}


def assert_no_tokens(*objects):
    shown = "".join(repr(o) + str(o) for o in objects)
    for token in TOKENS:
        assert token not in shown


def test_the_tokens_of_the_fixture_are_distinct_and_look_like_tokens():
    from ztmo.store.codes import is_token

    assert len(set(TOKENS)) == len(TOKENS) and all(is_token(t) for t in TOKENS)


# -- keys ---------------------------------------------------------------------------------

def test_keys_round_trip():
    assert idea_key("muur-1", 2) == "idee:muur-1:2"
    assert vote_key("muur-1") == "stem:muur-1"
    assert parse_key("idee:muur-1:2") == ("idee", "muur-1", 2)
    assert parse_key("stem:muur-1") == ("stem", "muur-1", None)
    for n in range(1, wall.MAX_IDEAS_PER_PERSON + 1):
        assert parse_key(idea_key("w", n)) == ("idee", "w", n)


def test_keys_fit_the_store_rule_for_activity_keys():
    from ztmo.store.codes import ACTIVITY_RE

    longest = "a" * 24
    assert ACTIVITY_RE.fullmatch(idea_key(longest, 3)) and ACTIVITY_RE.fullmatch(vote_key(longest))


@pytest.mark.parametrize("key", [
    "idee:W:1", "idee:w:0", "idee:w:4", "idee:w:01", "idee:w:1:2", "idee:w", "stem:",
    "stem:w:1", "stem:a b", f"idee:{'a' * 25}:1", "idee:w_1:1", "beoordeling:x", "", None, 3,
    "idee:w:1\n",
])
def test_other_keys_are_not_wall_keys(key):
    assert parse_key(key) is None


@pytest.mark.parametrize(("wall_id", "n"), [("Muur", 1), ("", 1), ("a" * 25, 1), ("w", 0),
                                            ("w", 4), ("w", True), ("w", "1"), ("w\n", 1)])
def test_bad_wall_ids_and_numbers_are_refused(wall_id, n):
    with pytest.raises(ValueError):
        idea_key(wall_id, n)


def test_bad_wall_id_for_votes_is_refused():
    with pytest.raises(ValueError):
        vote_key("a b")
    with pytest.raises(ValueError):
        tally(snap(), "Muur")


# -- ideas --------------------------------------------------------------------------------

def test_ideas_have_public_ids_in_the_order_they_were_changed():
    s = snap(idea(2, 1, "Meer tijd voor  elkaar\n"), idea(1, 1, "Vaste mentor"),
             idea(2, 2, "Koffie"), idea(3, 1, "x", on="andere-muur"))
    found = ideas(s, W)
    assert [(i.id, i.text, i.number, i.n) for i in found] == [
        ("2.1", "Meer tijd voor elkaar", 2, 1), ("1.1", "Vaste mentor", 1, 1), ("2.2", "Koffie", 2, 2)]
    assert found[0].author == TOKENS[1]  # kept for the person's own app ...
    assert_no_tokens(found)  # ... but never shown


def test_hidden_empty_and_unknown_peoples_ideas_are_left_out():
    s = snap(idea(1, 1, "Zichtbaar"), idea(2, 1, "Verborgen", hidden=True), idea(3, 1, "   "),
             idea(9, 1, "Van iemand die er niet meer is"), people=8)
    assert [i.id for i in ideas(s, W)] == ["1.1"]


def test_a_long_stored_idea_is_cut_when_shown():
    s = snap(idea(1, 1, "a" * 300))
    text = ideas(s, W)[0].text
    assert len(text) == MAX_IDEA_LENGTH and text.endswith("…")


def test_check_idea():
    assert check_idea("  Meer   tijd\nvoor elkaar ") == "Meer tijd voor elkaar"
    assert check_idea("x" * MAX_IDEA_LENGTH) == "x" * MAX_IDEA_LENGTH
    with pytest.raises(InvalidAnswer, match="leeg"):
        check_idea(" \n ")
    with pytest.raises(InvalidAnswer, match="te lang.*121"):
        check_idea("x" * (MAX_IDEA_LENGTH + 1))
    with pytest.raises(InvalidAnswer):
        check_idea(None)


# -- budget and checking votes ----------------------------------------------------------

@pytest.mark.parametrize(("n", "votes"), [(-1, 0), (0, 0), (1, 1), (2, 1), (5, 1), (6, 2),
                                          (9, 2), (10, 3), (14, 4), (16, 4), (38, 10),
                                          (100, MAX_VOTES)])
def test_budget_is_about_a_quarter_of_the_ideas(n, votes):
    assert budget(n) == votes


def test_check_votes_normalises_and_keeps_the_order():
    ids = ["1.1", "2.1", "3.1"]
    assert check_votes(" 2.1 , 1.1,", ids, 2) == "2.1,1.1"
    assert check_votes("", ids, 2) == "" and check_votes(None, ids, 2) == ""
    assert check_votes(" , ", ids, 0) == ""


def test_check_votes_refuses_an_unknown_idea():
    with pytest.raises(InvalidAnswer, match="Dit idee bestaat niet meer"):
        check_votes("1.1,9.9", ["1.1", "2.1"], 2)
    with pytest.raises(InvalidAnswer, match="Dit idee bestaat niet meer"):
        check_votes("<script>", ["1.1"], 2)


def test_check_votes_refuses_two_votes_for_one_idea():
    with pytest.raises(InvalidAnswer, match="één stem per idee"):
        check_votes("1.1, 1.1", ["1.1", "2.1"], 2)


def test_check_votes_refuses_more_than_the_budget():
    with pytest.raises(InvalidAnswer, match="Je kunt 2 stemmen geven.*3 gekozen"):
        check_votes("1.1,2.1,3.1", ["1.1", "2.1", "3.1"], 2)
    with pytest.raises(InvalidAnswer, match="Je kunt 1 stem geven"):
        check_votes("1.1,2.1", ["1.1", "2.1"], 1)
    with pytest.raises(InvalidAnswer, match="nog geen ideeën"):
        check_votes("1.1", ["1.1"], 0)
    with pytest.raises(InvalidAnswer):
        check_votes(["1.1"], ["1.1"], 1)


def test_messages_are_dutch_and_echo_nothing():
    for value in ("<b>9.9</b>", "1.1,1.1", "1.1,2.1,3.1"):
        with pytest.raises(InvalidAnswer) as caught:
            check_votes(value, ["1.1", "2.1", "3.1"], 1)
        assert "<b>" not in str(caught.value) and str(caught.value).endswith(".")


# -- tally --------------------------------------------------------------------------------

def eight_ideas():
    return [idea(p, 1, f"Idee {p}") for p in range(1, 9)]  # budget 2


def test_votes_are_counted_and_sorted_by_votes_then_first_there():
    s = snap(*eight_ideas(), vote(1, "3.1,5.1"), vote(2, "5.1,3.1"), vote(3, "5.1,8.1"),
             vote(4, "2.1"))
    results = tally(s, W)
    assert [r.id for r in results][:4] == ["5.1", "3.1", "2.1", "8.1"]
    assert votes_of(results) == {"1.1": 0, "2.1": 1, "3.1": 2, "4.1": 0, "5.1": 3, "6.1": 0,
                                 "7.1": 0, "8.1": 1}
    assert results[0] == Result("5.1", "Idee 5", 3, False, ())
    assert sum(r.votes for r in results) == 7


def test_nobody_votes_twice_for_one_idea():
    s = snap(*eight_ideas(), vote(1, "3.1,3.1,3.1"), vote(2, "3.1, 3.1"))
    assert votes_of(tally(s, W))["3.1"] == 2


def test_votes_beyond_the_budget_are_ignored_in_stored_order():
    s = snap(*eight_ideas(), vote(1, "1.1,2.1,3.1,4.1"))  # stored around the check
    v = votes_of(tally(s, W))
    assert (v["1.1"], v["2.1"], v["3.1"], v["4.1"]) == (1, 1, 0, 0)


def test_the_budget_holds_when_ideas_disappear_after_the_vote():
    rows = eight_ideas() + [vote(1, "1.1,2.1"), vote(2, "7.1,1.1")]
    assert votes_of(tally(snap(*rows), W))["1.1"] == 2
    # Three ideas are hidden: 5 ideas are left, so everyone has 1 vote.
    hidden = rows + [idea(p, 1, f"Idee {p}", hidden=True) for p in (4, 5, 6)]
    v = votes_of(tally(snap(*hidden), W))
    assert v == {"1.1": 1, "2.1": 0, "3.1": 0, "7.1": 1, "8.1": 0}
    # A vote for an idea that is gone does not use up a vote: the next one counts.
    gone = rows + [idea(p, 1, f"Idee {p}", hidden=True) for p in (3, 4, 5, 7)]
    assert votes_of(tally(snap(*gone), W)) == {"1.1": 2, "2.1": 0, "6.1": 0, "8.1": 0}


def test_votes_for_missing_hidden_or_made_up_ideas_are_ignored():
    s = snap(idea(1, 1, "Blijft"), idea(2, 1, "Weg", hidden=True),
             vote(3, "2.1,1.1"), vote(4, "9.9,garbage,,1.1"), vote(5, "1.1", hidden=True),
             vote(6, "1.1", on="andere-muur"))
    assert [(r.id, r.votes) for r in tally(s, W)] == [("1.1", 2)]


def test_an_emptied_idea_is_gone():
    s = snap(idea(1, 1, "Eerst"), vote(2, "1.1"), idea(1, 1, ""))
    assert tally(s, W) == [] and ideas(s, W) == []


def test_an_empty_wall():
    assert tally(snap(), W) == [] and ideas(snap(), W) == [] and my_votes(snap(), W, TOKENS[0]) == []


def test_a_merged_idea_gives_its_votes_and_a_double_voter_counts_once():
    rows = eight_ideas() + [vote(1, "1.1,2.1"), vote(2, "1.1"), vote(3, "2.1,5.1")]
    merges = {"1.1": "2.1"}
    results = tally(snap(*rows), W, merges)
    assert "1.1" not in votes_of(results)
    top = results[0]
    assert (top.id, top.votes, top.merged_from) == ("2.1", 3, ("1.1",))  # not 4
    assert [i.id for i in ideas(snap(*rows), W, merges)] == [f"{p}.1" for p in range(2, 9)]


def test_merge_chains_resolve_to_the_end():
    rows = eight_ideas() + [vote(1, "1.1"), vote(2, "2.1"), vote(3, "3.1"), vote(4, "1.1,3.1")]
    merges = {"1.1": "2.1", "2.1": "3.1"}
    assert resolve(merges, "1.1") == "3.1" and resolve(merges, "4.1") == "4.1"
    results = tally(snap(*rows), W, merges)
    assert (results[0].id, results[0].votes, results[0].merged_from) == ("3.1", 4, ("1.1", "2.1"))
    assert set(votes_of(results)) == {"3.1", "4.1", "5.1", "6.1", "7.1", "8.1"}


def test_a_chain_through_a_removed_idea_still_ends_at_the_last_idea():
    rows = eight_ideas() + [idea(2, 1, "Idee 2", hidden=True), vote(1, "1.1")]
    results = tally(snap(*rows), W, {"1.1": "2.1", "2.1": "3.1"})
    assert (results[0].id, results[0].votes, results[0].merged_from) == ("3.1", 1, ("1.1",))


def test_a_merge_into_a_removed_idea_is_undone():
    rows = eight_ideas() + [idea(2, 1, "Idee 2", hidden=True), vote(1, "1.1")]
    v = votes_of(tally(snap(*rows), W, {"1.1": "2.1"}))
    assert v["1.1"] == 1 and "2.1" not in v


def test_merges_that_would_make_a_circle_are_refused():
    assert merge_ok({}, "1.1", "2.1") and merge_ok(None, "1.1", "2.1")
    assert not merge_ok({}, "1.1", "1.1")
    assert not merge_ok({"1.1": "2.1"}, "2.1", "1.1")
    chain = {"1.1": "2.1", "2.1": "3.1"}
    assert not merge_ok(chain, "3.1", "1.1")
    assert merge_ok(chain, "4.1", "1.1")  # into the start of a chain: ends at 3.1
    assert merge_ok(chain, "1.1", "4.1")  # moving a merge elsewhere
    assert not merge_ok({}, "1.1", "abc") and not merge_ok({}, "1.4", "2.1")
    assert not merge_ok({}, TOKENS[0], "2.1")


def test_circular_merges_in_damaged_state_are_ignored():
    rows = eight_ideas() + [vote(1, "1.1"), vote(2, "2.1")]
    merges = {"1.1": "2.1", "2.1": "1.1", "3.1": "1.1"}
    v = votes_of(tally(snap(*rows), W, merges))
    assert v["1.1"] == 1 and v["2.1"] == 1 and "3.1" in v


def test_the_pinned_idea_comes_first():
    rows = eight_ideas() + [vote(1, "1.1,2.1"), vote(2, "1.1")]
    results = tally(snap(*rows), W, pinned="8.1")
    assert [(r.id, r.pinned) for r in results[:3]] == [("8.1", True), ("1.1", False),
                                                       ("2.1", False)]
    assert sum(r.pinned for r in results) == 1


def test_pinning_a_merged_idea_pins_where_it_went_and_a_hidden_one_pins_nothing():
    rows = eight_ideas() + [vote(1, "1.1"), idea(7, 1, "Idee 7", hidden=True)]
    results = tally(snap(*rows), W, {"6.1": "5.1"}, pinned="6.1")
    assert (results[0].id, results[0].pinned) == ("5.1", True)
    for pin in ("7.1", "9.9", "", None):
        results = tally(snap(*rows), W, pinned=pin)
        assert not any(r.pinned for r in results) and results[0].id == "1.1"


def test_my_votes_shows_what_counts_now():
    rows = eight_ideas() + [vote(1, "1.1,2.1")]
    assert my_votes(snap(*rows), W, TOKENS[0]) == ["1.1", "2.1"]
    assert my_votes(snap(*rows), W, TOKENS[0], {"1.1": "2.1"}) == ["2.1"]
    assert my_votes(snap(*rows), W, TOKENS[1]) == []


def test_tokens_never_appear_in_the_results():
    rows = eight_ideas() + [vote(p, "1.1,2.1") for p in range(1, 9)]
    s = snap(*rows)
    results = tally(s, W, {"3.1": "1.1"}, pinned="2.1")
    assert_no_tokens(results, ideas(s, W), my_votes(s, W, TOKENS[0]))
    assert not hasattr(results[0], "author")


def test_vote_text_names_each_idea_and_says_what_is_gone():
    texts = {"1.1": "Samen eten", "2.1": "Eén plan"}
    assert wallexport.vote_text("2.1,1.1", texts) == "2.1: Eén plan | 1.1: Samen eten"  # order kept
    assert wallexport.vote_text("1.1,9.2", texts) == "1.1: Samen eten | 9.2: (idee weggehaald)"
    assert wallexport.vote_text("geen", texts) == wallexport.vote_text("", texts) == "geen stemmen"
    assert wallexport.vote_text(None, texts) == "geen stemmen"


# -- the budget fixed when voting opens (issue 22: a merge took everyone's 4th dot) --------

def fourteen_ideas():
    """Seven people with two ideas each: 14 ideas, so 4 dots each (budget(14))."""
    return [idea(p, n, f"Idee {p}.{n}") for p in range(1, 8) for n in (1, 2)]


# Eight voters, four dots each: 32 dots, none on both ideas of a pair that is merged below.
EIGHT_VOTERS = ["1.1,2.1,3.1,4.1", "1.2,2.2,3.2,4.2", "5.1,6.1,7.1,1.1", "5.2,6.2,7.2,1.2",
                "1.1,3.1,5.1,7.1", "2.1,4.1,6.1,1.2", "2.2,4.2,6.2,3.2", "3.1,5.2,7.1,4.1"]
MERGES = {"6.2": "6.1", "7.2": "7.1"}  # 14 ideas become 12: budget(12) is only 3


def test_the_budget_is_fixed_when_voting_opens_and_a_merge_keeps_all_32_dots():
    s = snap(*fourteen_ideas(), *(vote(p, v) for p, v in enumerate(EIGHT_VOTERS, start=1)))
    assert sum(votes_of(tally(s, W)).values()) == 32
    assert len(ideas(s, W, MERGES)) == 12 and budget(12) == 3
    results = tally(s, W, MERGES, dots=4)  # the 4 dots fixed when voting opened
    assert sum(r.votes for r in results) == 32
    v = votes_of(results)
    assert v["6.1"] == 4 and v["7.1"] == 4 and "6.2" not in v
    for p, value in enumerate(EIGHT_VOTERS, start=1):
        assert len(my_votes(s, W, TOKENS[p - 1], MERGES, dots=4)) == 4
        assert wall.doubled(s, W, TOKENS[p - 1], MERGES) == 0


def test_a_voter_with_dots_on_both_merged_ideas_counts_once_and_gets_a_dot_back():
    s = snap(*fourteen_ideas(), vote(1, "6.1,6.2,1.1,2.1"), vote(2, "6.2,3.1,4.1,5.1"))
    merges = {"6.2": "6.1"}
    assert my_votes(s, W, TOKENS[0], merges, dots=4) == ["6.1", "1.1", "2.1"]  # one back
    assert wall.doubled(s, W, TOKENS[0], merges) == 1
    assert wall.doubled(s, W, TOKENS[1], merges) == 0  # only on the duplicate: moved along
    assert votes_of(tally(s, W, merges, dots=4))["6.1"] == 2
    assert sum(votes_of(tally(s, W, merges, dots=4)).values()) == 7
    # They place the dot they got back: 4 dots again, nothing doubled any more.
    again = snap(*fourteen_ideas(), vote(1, "6.1,1.1,2.1,3.1"), vote(2, "6.2,3.1,4.1,5.1"))
    assert len(my_votes(again, W, TOKENS[0], merges, dots=4)) == 4
    assert wall.doubled(again, W, TOKENS[0], merges) == 0
    assert sum(votes_of(tally(again, W, merges, dots=4)).values()) == 8


def test_without_a_fixed_budget_the_number_of_ideas_decides_as_before():
    s = snap(*fourteen_ideas(), vote(1, "1.1,2.1,3.1,4.1"))
    assert sum(votes_of(tally(s, W, MERGES)).values()) == 3
    assert len(my_votes(s, W, TOKENS[0], MERGES)) == 3


def test_the_wall_decisions_are_read_from_the_session_state():
    import json

    state = {wall.DECISIONS + W: json.dumps({"samen": {"2.1": "1.1", "3.1": 7}, "vast": "1.1",
                                            "stippen": 4})}
    assert wall.decided(state, W) == wall.Decisions({"2.1": "1.1"}, "1.1", 4)
    assert wall.decided({}, W) == wall.Decisions({}, None, None)
    for broken in ("{", "[]", json.dumps({"stippen": "4"}), json.dumps({"stippen": -1}),
                   json.dumps({"stippen": True}), json.dumps({"stippen": 99})):
        assert wall.decided({wall.DECISIONS + W: broken}, W).dots is None


def test_the_export_lists_the_dots_that_count_with_what_was_merged():
    s = snap(idea(1, 1, "Samen eten"), idea(2, 1, "Eén plan"), idea(3, 1, "eén plan!"),
             vote(4, "1.1,3.1"), vote(5, "2.1,3.1"), vote(6, "9.9"))
    texts = wallexport.export_votes(s, W, {"3.1": "2.1"}, dots=2)
    assert texts[TOKENS[3]] == "1.1: Samen eten | 2.1: Eén plan (stip op 3.1, samengevoegd)"
    assert texts[TOKENS[4]] == ("2.1: Eén plan (stip op 2.1, 3.1, samengevoegd; telt één "
                                "keer)")  # both ideas: one dot counts
    assert texts[TOKENS[5]] == "9.9: (idee weggehaald)"
    counted = [part for t in texts.values() for part in t.split(" | ")
               if "weggehaald" not in part and "telt niet" not in part]
    assert len(counted) == sum(r.votes for r in tally(s, W, {"3.1": "2.1"}, dots=2)) == 3
    over = wallexport.export_votes(snap(idea(1, 1, "Een"), idea(2, 1, "Twee"), vote(3, "1.1,2.1")),
                             W, dots=1)
    assert over[TOKENS[2]] == "1.1: Een | 2.1: Twee (telt niet)"


def counted_in_export(frame, wall_id) -> int:
    """The dots an export says count: every idea listed in a vote, except those it says
    were removed or do not count."""
    cells = frame[frame["opdrachtcode"] == vote_key(wall_id)]["antwoord"]
    return sum(1 for cell in cells for part in cell.split(" | ")
               if ": " in part and "weggehaald" not in part and "telt niet" not in part)


def test_opening_the_wall_fixes_the_dots_and_a_merge_keeps_them_everywhere(tmp_path):
    """In a real session: showing the wall fixes 4 dots for 14 ideas; merging 14 into 12
    keeps all 32 dots in the store's tally, the export and the report."""
    import re
    from datetime import date

    from ztmo import presenter
    from ztmo.content import load_guide
    from ztmo.report import Context, wall_section
    from ztmo.store import Store

    store = Store(f"sqlite:///{tmp_path / 'muur.sqlite3'}")
    s = store.create_session("Muur")
    people = [store.join(s.code) for _ in range(8)]
    wall_id = presenter.wall_choice(store.state(s.code)).wall
    for p in range(1, 8):
        for n in (1, 2):
            store.save_answer(s.code, people[p - 1], idea_key(wall_id, n), f"Idee {p}.{n}")
    assert presenter.wall_choice(store.state(s.code)).dots is None  # not open yet
    presenter.set_revealed(store, s.code, s.trainer_key, "muur", True)
    assert presenter.wall_choice(store.state(s.code)).dots == 4
    for token, value in zip(people, EIGHT_VOTERS, strict=True):
        store.save_answer(s.code, token, vote_key(wall_id), value)
    for duplicate, into in MERGES.items():
        presenter.merge_ideas(store, s.code, s.trainer_key, wall_id, duplicate, into)
    presenter.pin_idea(store, s.code, s.trainer_key, wall_id, "1.1")  # keeps the dots too
    presenter.set_revealed(store, s.code, s.trainer_key, "muur", False)
    presenter.set_revealed(store, s.code, s.trainer_key, "muur", True)  # opened again
    snap = store.snapshot(s.code)
    choice = presenter.wall_choice(snap.state)
    assert (choice.dots, len(ideas(snap, wall_id, choice.merges))) == (4, 12)
    assert sum(r.votes for r in tally(snap, wall_id, choice.merges, choice.pinned,
                                      choice.dots)) == 32
    assert counted_in_export(store.export(s.code), wall_id) == 32
    html, _ = wall_section(Context(snap, load_guide(), date.today()), "muur")
    assert sum(int(n) for n in re.findall(r"<strong>(\d+) stip", html)) == 32
    store.close()


def test_a_wall_opened_before_any_idea_fixes_its_dots_at_the_first_merge(tmp_path):
    from ztmo import presenter
    from ztmo.store import Store

    store = Store(f"sqlite:///{tmp_path / 'muur.sqlite3'}")
    s = store.create_session("Muur")
    people = [store.join(s.code) for _ in range(7)]
    presenter.set_revealed(store, s.code, s.trainer_key, "muur", True)  # no ideas yet
    wall_id = presenter.wall_choice(store.state(s.code)).wall
    assert presenter.wall_choice(store.state(s.code)).dots is None
    for p in range(1, 8):
        for n in (1, 2):
            store.save_answer(s.code, people[p - 1], idea_key(wall_id, n), f"Idee {p}.{n}")
    presenter.merge_ideas(store, s.code, s.trainer_key, wall_id, "7.2", "7.1")
    assert presenter.wall_choice(store.state(s.code)).dots == 4  # as before the merge
    store.close()
