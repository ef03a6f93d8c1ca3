import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ztmo.errors import IncompleteScan, InvalidScan, PairingError, ZtmoError
from ztmo.preferences import Item, load_scan
from ztmo.scan import (
    PREFERENCES,
    Profile,
    distribution,
    load_items,
    order_for,
    pair,
    score,
    underserved,
)

ITEMS = load_items()
N = len(ITEMS)
POINTS = {0: 4, 1: 3, 2: 2, 3: 1}


def option_for(item: Item, name: str) -> str:
    return next(o.id for o in item.options if o.preference == name)


def by_preferences(*names: str, items=ITEMS) -> dict[str, list[str]]:
    """A ranking that picks these preferences, in this order, in every item."""
    return {item.id: [option_for(item, n) for n in names] for item in items}


@st.composite
def rankings(draw, min_ranks: int = 1, max_ranks: int = 5):
    result = {}
    for item in ITEMS:
        order = draw(st.permutations([o.id for o in item.options]))
        k = draw(st.integers(min_ranks, max_ranks))
        result[item.id] = order[:k]
    return result


def recompute(ranking) -> dict[str, float]:
    """Independent scoring: walk the raw content and count points by position."""
    totals = dict.fromkeys(PREFERENCES, 0)
    for item in load_scan().items:
        pref = {o.id: o.preference for o in item.options}
        for pos, oid in enumerate(ranking[item.id]):
            totals[pref[oid]] += POINTS.get(pos, 0)
    return totals


# --- scoring ----------------------------------------------------------------------------


@given(rankings(), st.randoms(use_true_random=False))
def test_order_of_the_mapping_and_of_unranked_options_does_not_matter(ranking, rnd):
    expected = score(ranking)
    keys = list(ranking)
    rnd.shuffle(keys)
    assert score({k: ranking[k] for k in keys}) == expected
    shuffled_items = []
    for item in ITEMS:
        options = list(item.options)
        rnd.shuffle(options)
        shuffled_items.append(Item(item.id, item.situatie, tuple(options)))
    rnd.shuffle(shuffled_items)
    assert score(ranking, items=shuffled_items) == expected
    # Rank 5 counts as unranked.
    assert score({k: v[:4] for k, v in ranking.items()}) == expected


@given(rankings())
def test_score_matches_an_independent_recomputation(ranking):
    profile = score(ranking)
    assert profile.scores == recompute(ranking)
    assert list(profile.scores) == list(PREFERENCES)
    best = max(profile.scores.values())
    assert profile.scores[profile.first] == best
    rest = [n for n in PREFERENCES if n != profile.first]
    assert profile.scores[profile.second] == max(profile.scores[n] for n in rest)
    assert profile.tied == tuple(n for n in PREFERENCES if profile.scores[n] == best)
    assert profile.tie == (len(profile.tied) > 1)
    assert profile.first == profile.tied[0]


@given(rankings(min_ranks=2, max_ranks=2))
def test_two_ranks_give_exactly_seven_points_per_item(ranking):
    assert sum(score(ranking).scores.values()) == 7 * N


@given(rankings(min_ranks=4, max_ranks=5))
def test_full_rankings_give_exactly_ten_points_per_item(ranking):
    assert sum(score(ranking).scores.values()) == 10 * N


@pytest.mark.parametrize("name", PREFERENCES)
def test_each_preference_can_win(name):
    others = [n for n in PREFERENCES if n != name]
    for rest in (others, list(reversed(others))):
        profile = score(by_preferences(name, *rest))
        assert profile.first == name and not profile.tie and profile.tied == (name,)
        assert profile.second == rest[0]
    only_first = score(by_preferences(name))
    assert only_first.first == name and only_first.scores[name] == 4 * N


def test_an_exact_tie_is_reported_and_broken_by_the_fixed_order():
    half = N // 2
    a, b = "Ontdekken", "Participeren"
    ranking = {item.id: [option_for(item, a if i < half else b),
                         option_for(item, b if i < half else a)]
               for i, item in enumerate(ITEMS[: 2 * half])}
    rest = ITEMS[2 * half:]  # odd count: one extra item ranks a third preference only
    ranking.update(by_preferences("Oefenen", items=rest))
    profile = score(ranking)
    assert profile.scores[a] == profile.scores[b] == 7 * half
    assert profile.tie and profile.tied == ("Participeren", "Ontdekken")
    assert (profile.first, profile.second) == ("Participeren", "Ontdekken")
    assert score(dict(reversed(list(ranking.items())))) == profile


def test_a_shared_second_place_is_not_a_tie():
    half = N // 2
    ranking = {}
    for i, item in enumerate(ITEMS):
        second = ["Oefenen"] if i < half else ["Participeren"] if i < 2 * half else []
        ranking[item.id] = [option_for(item, n) for n in ["Ontdekken", *second]]
    profile = score(ranking)
    assert profile.scores["Oefenen"] == profile.scores["Participeren"] == 3 * half
    assert (profile.first, profile.second, profile.tie) == ("Ontdekken", "Participeren", False)
    assert profile.tied == ("Ontdekken",)


def test_profile_is_frozen():
    profile = score(by_preferences("Oefenen"))
    assert isinstance(profile, Profile)
    with pytest.raises(AttributeError):
        profile.first = "Ontdekken"  # type: ignore[misc]


@pytest.mark.parametrize("drop, words", [
    ([2], "situatie 3 nog niet"),
    ([2, 6], "situatie 3 en 7 nog niet"),
    ([1, 2, 6], "situatie 2, 3 en 7 nog niet"),
])
def test_incomplete_scan_names_the_missing_situations(drop, words):
    ranking = by_preferences("Oefenen")
    for i in drop:
        del ranking[ITEMS[i].id]
    with pytest.raises(IncompleteScan, match=words) as err:
        score(ranking)
    assert err.value.missing == tuple(i + 1 for i in drop)
    assert isinstance(err.value, ZtmoError) and err.value.title


def test_none_counts_as_not_answered():
    ranking = by_preferences("Oefenen")
    ranking[ITEMS[0].id] = None
    with pytest.raises(IncompleteScan, match="situatie 1 nog niet"):
        score(ranking)
    with pytest.raises(IncompleteScan, match="situatie 1, 2, 3"):
        score({})


def tampered(change):
    ranking = by_preferences("Oefenen", "Ontdekken")
    change(ranking)
    with pytest.raises(InvalidScan) as err:
        score(ranking)
    return str(err.value)


def test_tampered_answers_are_refused_with_clear_messages():
    first = ITEMS[0].id
    msg = tampered(lambda r: r.update({"s99": ["a"]}))
    assert "niet in de scan" in msg and "'s99'" in msg
    msg = tampered(lambda r: r.update({first: ["z"]}))
    assert "Bij situatie 1" in msg and "'z'" in msg and "hoort" in msg
    msg = tampered(lambda r: r.update({first: ["b", "b"]}))
    assert "Bij situatie 1" in msg and "'b' twee keer" in msg
    msg = tampered(lambda r: r.update({ITEMS[3].id: []}))
    assert "Bij situatie 4 is niets gekozen" in msg
    msg = tampered(lambda r: r.update({first: "ab"}))
    assert "geen lijst" in msg


@given(st.text(min_size=41, max_size=300))
def test_long_offending_values_are_never_echoed_in_full(value):
    for change in (lambda r: r.update({value: ["a"]}),
                   lambda r: r.update({ITEMS[0].id: [value]})):
        msg = tampered(change)
        shown = msg.split("('", 1)[1].split("')", 1)[0]
        assert len(shown) <= 40


# --- order per participant ----------------------------------------------------------------


@given(st.text(max_size=30))
def test_order_is_deterministic_per_token_and_complete(token):
    order = order_for(token)
    assert order == order_for(token)
    assert sorted(i for i, _ in order) == sorted(i.id for i in ITEMS)
    options = {i.id: sorted(o.id for o in i.options) for i in ITEMS}
    assert all(sorted(opts) == options[i] for i, opts in order)


def test_orders_differ_between_most_tokens_and_scoring_ignores_them():
    orders = [order_for(f"deelnemer-{n}") for n in range(50)]
    distinct_items = {tuple(i for i, _ in o) for o in orders}
    distinct_full = {tuple((i, tuple(opts)) for i, opts in o) for o in orders}
    assert len(distinct_items) >= 45 and len(distinct_full) == 50
    ranking = by_preferences("Kennis verwerven", "Oefenen")
    expected = score(ranking)
    by_id = {i.id: i for i in ITEMS}
    for order in orders[:5]:
        items = [Item(i, by_id[i].situatie,
                      tuple(next(o for o in by_id[i].options if o.id == oid) for oid in opts))
                 for i, opts in order]
        assert score(ranking, items=items) == expected


# --- duos -------------------------------------------------------------------------------

values = st.sampled_from([*PREFERENCES, None])
people = st.dictionaries(st.text(min_size=1, max_size=8), values, min_size=2, max_size=9)


def key(v):
    return v if v in PREFERENCES else None


def mixed(groups, prefs) -> int:
    return sum(len({key(prefs[t]) for t in g}) > 1 for g in groups)


def partitions(tokens):
    """Every split into pairs plus (for an odd count) exactly one trio."""
    if not tokens:
        yield []
        return
    if len(tokens) % 2:
        for trio in itertools.combinations(tokens, 3):
            rest = [t for t in tokens if t not in trio]
            for p in partitions(rest):
                yield [trio, *p]
        return
    head, rest = tokens[0], tokens[1:]
    for i, other in enumerate(rest):
        for p in partitions(rest[:i] + rest[i + 1:]):
            yield [(head, other), *p]


def check_shape(groups, prefs):
    flat = [t for g in groups for t in g]
    assert sorted(flat) == sorted(prefs)  # everyone exactly once
    assert all(len(set(g)) == len(g) for g in groups)  # nobody paired with themselves
    sizes = sorted(len(g) for g in groups)
    if len(prefs) % 2:
        assert sizes == [2] * (len(sizes) - 1) + [3]
    else:
        assert set(sizes) == {2}


@settings(max_examples=150)
@given(people, st.integers(0, 2**32))
def test_pairing_is_complete_and_maximally_mixed(prefs, seed):
    groups = pair(prefs, seed=seed)
    check_shape(groups, prefs)
    best = max(mixed(p, prefs) for p in partitions(sorted(prefs)))
    assert mixed(groups, prefs) == best
    largest = max(sum(key(v) == k for v in prefs.values()) for k in [*PREFERENCES, None])
    assert best == min(len(prefs) // 2, len(prefs) - largest)


@given(st.dictionaries(st.text(min_size=1, max_size=8), values, min_size=2, max_size=40),
       st.integers(0, 2**32), st.randoms(use_true_random=False))
def test_pairing_is_stable_for_a_seed_and_ignores_dict_order(prefs, seed, rnd):
    groups = pair(prefs, seed=seed)
    check_shape(groups, prefs)
    keys = list(prefs)
    rnd.shuffle(keys)
    assert pair({k: prefs[k] for k in keys}, seed=seed) == groups


def test_people_without_a_result_get_a_partner_with_one():
    prefs = {"a": None, "b": None, "c": "Oefenen", "d": "Ontdekken"}
    for seed in range(20):
        groups = pair(prefs, seed=seed)
        check_shape(groups, prefs)
        assert all(sum(prefs[t] is None for t in g) == 1 for g in groups)
    only_unknown = {"x": None, "y": None, "z": "iets anders"}
    check_shape(pair(only_unknown), only_unknown)


def test_different_seeds_give_different_duos():
    prefs = {f"t{n}": PREFERENCES[n % 5] for n in range(20)}
    assert len({tuple(pair(prefs, seed=s)) for s in range(10)}) > 1


@pytest.mark.parametrize("prefs", [{}, {"alleen": "Oefenen"}])
def test_too_few_people_for_duos(prefs):
    with pytest.raises(PairingError, match="te weinig deelnemers om duo's te maken"):
        pair(prefs)


# --- group views ------------------------------------------------------------------------


def test_distribution_counts_all_five_in_order():
    counts = distribution(["Oefenen", None, "Oefenen", "Ontdekken", "onzin"])
    assert list(counts) == list(PREFERENCES)
    assert counts == {"Kunst afkijken": 0, "Participeren": 0, "Kennis verwerven": 0,
                      "Oefenen": 2, "Ontdekken": 1}
    assert distribution([]) == dict.fromkeys(PREFERENCES, 0)


def test_underserved_flags_absent_and_not_served_preferences():
    counts = distribution(["Oefenen", "Participeren", "Participeren"])
    result = [(p.naam, reason) for p, reason in underserved(counts)]
    assert result == [("Kunst afkijken", "afwezig"), ("Kennis verwerven", "afwezig"),
                      ("Oefenen", "niet bediend"), ("Ontdekken", "afwezig")]
    full = dict.fromkeys(PREFERENCES, 1)
    assert [(p.naam, r) for p, r in underserved(full)] == [
        ("Kunst afkijken", "niet bediend"), ("Oefenen", "niet bediend"),
        ("Ontdekken", "niet bediend")]
    assert all(p.suggesties for p, _ in underserved({}))


def test_random_module_state_is_not_touched():
    random.seed(1)
    before = random.random()
    random.seed(1)
    pair({"a": "Oefenen", "b": None, "c": "Ontdekken"}, seed=3)
    order_for("x")
    assert random.random() == before
