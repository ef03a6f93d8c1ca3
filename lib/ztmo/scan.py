"""The learning-preference scan: scoring, per-participant order, duos and group views.

Pure: answers in, plain values out. No widgets and no I/O except reading the content
file through ztmo.preferences.load_scan, so the apps, the editions and the tests all
score the same way.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .errors import IncompleteScan, InvalidScan, PairingError
from .preferences import PREFERENCE_NAMES, Item, Preference, Scan, load_scan

#: The five preference names in their fixed order; this order breaks every tie.
PREFERENCES: tuple[str, ...] = PREFERENCE_NAMES

#: Points for rank 1, 2, 3 and 4; rank 5 and unranked options get 0.
POINTS: tuple[int, ...] = (4, 3, 2, 1)

#: Reasons given by `underserved`.
ABSENT = "afwezig"
NOT_SERVED = "niet bediend"

_MAX_SHOWN = 40


def load_items() -> tuple[Item, ...]:
    """The scan's situations, in the order of the content file."""
    return load_scan().items


@dataclass(frozen=True)
class Profile:
    """A participant's result. `tied` always holds every preference with the top score,
    in PREFERENCES order, so it has one name when `tie` is False."""

    scores: dict[str, float]
    first: str
    second: str
    tie: bool
    tied: tuple[str, ...]


def _shown(value: object) -> str:
    """At most 40 printable characters of a value: messages may end up on a web page."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(value))
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def score(ranking: Mapping[str, Sequence[str] | None],
          items: Sequence[Item] | None = None) -> Profile:
    """Score a scan. `ranking` maps item id -> option ids, most preferred first.

    Per item, rank 1 earns its preference 4 points, rank 2 3, rank 3 2, rank 4 1,
    and rank 5 or unranked 0. So one item gives at most 4+3+2+1 = 10 points and the
    total is at most 10 x the number of items; when only first and second are given,
    every item gives exactly 7. The order of the mapping and of the options on screen
    never matters.

    Every item needs at least a first choice: otherwise IncompleteScan names the
    missing situations by their number in the scan (an item id mapped to None counts
    as not answered). Unknown items or options, a repeated option or an empty list
    raise InvalidScan.
    """
    items = load_items() if items is None else tuple(items)
    numbers = {item.id: n for n, item in enumerate(items, start=1)}
    by_id = {item.id: item for item in items}
    scores = {name: 0.0 for name in PREFERENCES}
    for item_id, chosen in ranking.items():
        if item_id not in by_id:
            raise InvalidScan(
                f"De antwoorden noemen een situatie die niet in de scan staat "
                f"('{_shown(item_id)}'). Vul de scan opnieuw in."
            )
        if chosen is None:
            continue
        scores_for_item = _score_item(by_id[item_id], numbers[item_id], chosen)
        for name, points in scores_for_item:
            scores[name] += points
    missing = [numbers[i.id] for i in items if ranking.get(i.id) is None]
    if missing:
        raise IncompleteScan(missing)
    return _profile(scores)


def _score_item(item: Item, number: int, chosen: Sequence[str]) -> list[tuple[str, int]]:
    where = f"Bij situatie {number}"
    if isinstance(chosen, (str, bytes)) or not isinstance(chosen, Sequence):
        raise InvalidScan(f"{where} staat geen lijst met keuzes. Kies deze situatie opnieuw.")
    if not chosen:
        raise InvalidScan(f"{where} is niets gekozen. Kies in elk geval wat je als eerste "
                          "zou doen.")
    options = {o.id: o for o in item.options}
    seen: set[str] = set()
    result = []
    for rank, option_id in enumerate(chosen):
        if not isinstance(option_id, str) or option_id not in options:
            raise InvalidScan(f"{where} staat een keuze die er niet bij hoort "
                              f"('{_shown(option_id)}'). Kies deze situatie opnieuw.")
        if option_id in seen:
            raise InvalidScan(f"{where} staat de keuze '{_shown(option_id)}' twee keer. "
                              "Kies deze situatie opnieuw.")
        seen.add(option_id)
        if rank < len(POINTS):
            result.append((options[option_id].preference, POINTS[rank]))
    return result


def _profile(scores: dict[str, float]) -> Profile:
    order = sorted(PREFERENCES, key=lambda name: (-scores[name], PREFERENCES.index(name)))
    top = scores[order[0]]
    tied = tuple(name for name in PREFERENCES if scores[name] == top)
    return Profile(scores=scores, first=order[0], second=order[1], tie=len(tied) > 1,
                   tied=tied)


def order_for(token: str, items: Sequence[Item] | None = None) -> list[tuple[str, list[str]]]:
    """The order in which this participant sees items and options.

    Shuffled per participant so that nobody's first choice is steered by position,
    and seeded by a hash of the token so a reload shows the same order. Scoring uses
    option ids only, so it never depends on this order.
    """
    items = load_items() if items is None else tuple(items)
    digest = hashlib.sha256(str(token).encode("utf-8")).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    result = [(item.id, [o.id for o in item.options]) for item in items]
    rng.shuffle(result)
    for _, option_ids in result:
        rng.shuffle(option_ids)
    return result


def pair(first_preferences: Mapping[str, str | None], seed: int = 0) -> list[tuple[str, ...]]:
    """Make duos for the workshop talk, preferring partners with a different first preference.

    Everyone appears exactly once; with an odd count there is exactly one trio. People
    without a result (None, or a value that is no preference) form one group of their
    own, so they get a partner but are not put together when that can be avoided.
    Always pairing from the two largest groups gives the largest possible number of
    mixed duos: min(people // 2, people outside the largest group). Deterministic for a
    given seed and input, whatever the order of the mapping.
    """
    tokens = sorted(first_preferences)
    if len(tokens) < 2:
        raise PairingError()
    rng = random.Random(seed)
    rng.shuffle(tokens)
    keys: list[str | None] = [*PREFERENCES, None]
    groups: dict[str | None, list[str]] = {k: [] for k in keys}
    for token in tokens:
        groups[_group_key(first_preferences[token])].append(token)

    duos: list[list[str]] = []
    while True:
        live = sorted((k for k in keys if groups[k]), key=lambda k: -len(groups[k]))
        if len(live) >= 2:
            duos.append([groups[live[0]].pop(), groups[live[1]].pop()])
        elif live and len(groups[live[0]]) >= 2:
            duos.append([groups[live[0]].pop(), groups[live[0]].pop()])
        else:
            break
    left = [t for k in keys for t in groups[k]]
    if left:  # odd count: one person joins a duo, where they add a new preference if possible
        (extra,) = left
        key = _group_key(first_preferences[extra])
        target = next((d for d in duos
                       if key not in {_group_key(first_preferences[t]) for t in d}), duos[-1])
        target.append(extra)
    rng.shuffle(duos)
    return [tuple(d) for d in duos]


def extend_pairs(existing: Sequence[Sequence[str]], people: Mapping[str, str | None],
                 seed: int = 0) -> list[tuple[str, ...]]:
    """Duos that stay put once the trainer froze them.

    ``existing`` are the frozen groups, ``people`` everyone who should be in a duo now
    (token -> first preference or None). Groups keep their order and members; someone
    who is no longer in ``people`` (who left) is taken out, and a group left with one
    person frees that person. Newcomers and freed people are paired among themselves
    (`pair`); one person on their own joins the existing duo where they add a new
    preference (making a trio), so nobody waits alone when a duo can take them.
    """
    groups = [[t for t in g if t in people] for g in existing]
    placed = {t for g in groups for t in g}
    pool = sorted(t for t in people if t not in placed)
    kept = []
    for g in groups:
        if len(g) >= 2:
            kept.append(g)
        else:
            pool.extend(g)
    pool = sorted(set(pool))
    if len(pool) >= 2:
        kept.extend(list(d) for d in pair({t: people[t] for t in pool}, seed=seed))
    elif pool:
        (extra,) = pool
        key = _group_key(people[extra])
        duos = [g for g in kept if len(g) == 2]
        target = next((g for g in duos if key not in {_group_key(people[t]) for t in g}),
                      duos[0] if duos else (kept[0] if kept else None))
        if target is None:
            kept.append([extra])
        else:
            target.append(extra)
    return [tuple(g) for g in kept]


def _group_key(value: str | None) -> str | None:
    return value if value in PREFERENCES else None


def distribution(values: Iterable[str | None]) -> dict[str, int]:
    """How many times each preference occurs, all five in PREFERENCES order.

    None (scan not finished) and unknown values are left out, so the counts add up to
    the number of finished scans.
    """
    counts = {name: 0 for name in PREFERENCES}
    for value in values:
        if value in counts:
            counts[value] += 1
    return counts


def underserved(first_counts: Mapping[str, int],
                scan: Scan | None = None) -> list[tuple[Preference, str]]:
    """Preferences a learning-network meeting should take extra care of, in fixed order.

    Returns (preference, reason) pairs: reason "afwezig" when nobody in the group has it
    as first preference (count 0 or missing; counts are keyed by name), "niet bediend"
    when people have it but the usual meeting of presentations plus discussion does not
    serve it (gewone_bijeenkomst is False). Each Preference carries `suggesties` for
    the meeting design.
    """
    scan = load_scan() if scan is None else scan
    result = []
    for p in scan.preferences:
        if first_counts.get(p.naam, 0) <= 0:
            result.append((p, ABSENT))
        elif not p.gewone_bijeenkomst:
            result.append((p, NOT_SERVED))
    return result
