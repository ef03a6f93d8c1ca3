"""The idea wall with dot voting, as pure functions over a session snapshot.

How a wall is stored (ordinary answers in the session store, one per person and key):

* ``idee:<wall>:<n>`` is one idea of one person, ``n`` = 1 .. MAX_IDEAS_PER_PERSON, its value
  the text (at most MAX_IDEA_LENGTH characters). An empty or hidden answer is no idea.
* ``stem:<wall>`` is one person's votes: the ids of the ideas they chose, separated by
  commas, in the order they chose them ("3.1,7.2").

An idea's public id is ``"<person number>.<n>"``: "3.1" is the first idea of deelnemer 3.
The participant token is secret and never leaves this module (``Idea.author`` holds it for
the app that lets a person edit their own ideas, and is left out of ``repr``).

The trainer's decisions (``decided``, from the session state ``muur:<wall>``): ``merges``
maps an idea id to the id of the idea it was merged into (a duplicate), ``pinned`` is the id
of the idea shown on top, ``dots`` the budget fixed when voting opened.

Rules of the tally (``tally``):

* Everyone has ``dots`` votes, fixed when voting opened (until then ``budget(number of
  ideas)``), at most one per idea. So merging or removing ideas takes nobody's dot away.
* Votes for an idea that no longer exists (emptied, deleted or hidden) are ignored.
* The votes of a merged idea count for the idea it was merged into; someone who voted for
  both counts once and has that dot to place again (``doubled``). Merged ideas are not
  shown on their own.
* Of each voter's remaining votes only the first ``budget`` (in the order stored) count,
  so the limit holds even when ideas were removed or merged after the vote.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from .errors import InvalidAnswer

if TYPE_CHECKING:
    from .store.snapshot import Snapshot

__all__ = [
    "DECISIONS", "IDEA", "MAX_IDEAS_PER_PERSON", "MAX_IDEA_LENGTH", "MAX_VOTES", "VOTE",
    "Decisions", "Idea", "Result", "allowed", "budget", "check_idea", "check_votes", "decided",
    "doubled", "idea_id", "idea_key", "ideas", "is_idea_id", "is_wall", "merge_ok",
    "my_votes", "parse_key", "parse_votes", "resolve", "tally", "toggle", "vote_key",
]

IDEA, VOTE = "idee", "stem"  # the two families of keys
DECISIONS = "muur:"  # + wall id: the session state key of the trainer's decisions
MAX_IDEAS_PER_PERSON = 3
MAX_IDEA_LENGTH = 120
MAX_VOTES = 10

_WALL = r"[a-z0-9-]{1,24}"
WALL_RE = re.compile(_WALL)
IDEA_ID_RE = re.compile(r"([1-9][0-9]{0,5})\.([1-9][0-9]?)")
_IDEA_KEY_RE = re.compile(rf"{IDEA}:({_WALL}):([1-9][0-9]?)")
_VOTE_KEY_RE = re.compile(rf"{VOTE}:({_WALL})")

UNKNOWN_IDEA = ("Dit idee bestaat niet meer. Misschien is het weggehaald of samengevoegd met "
                "een ander idee. Laad de pagina opnieuw en kies opnieuw.")


# -- keys and ids ---------------------------------------------------------------------------

def is_wall(wall: object) -> bool:
    """A wall id: 1 to 24 lower-case letters, digits or hyphens."""
    return isinstance(wall, str) and WALL_RE.fullmatch(wall) is not None


def _check_wall(wall: object) -> str:
    if not is_wall(wall):
        raise ValueError(f"not a wall id (a-z, 0-9, '-', at most 24): {wall!r}")
    return wall  # type: ignore[return-value]


def idea_key(wall: str, n: int) -> str:
    """The key of a person's n-th idea on this wall: ``idee:<wall>:<n>``."""
    _check_wall(wall)
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_IDEAS_PER_PERSON:
        raise ValueError(f"idea number must be 1..{MAX_IDEAS_PER_PERSON}: {n!r}")
    return f"{IDEA}:{wall}:{n}"


def vote_key(wall: str) -> str:
    """The key of a person's votes on this wall: ``stem:<wall>``."""
    return f"{VOTE}:{_check_wall(wall)}"


def parse_key(key: object) -> tuple[str, str, int | None] | None:
    """``("idee", wall, n)`` or ``("stem", wall, None)``; None for any other key (also for
    an idea number out of range or written differently, such as "01")."""
    if not isinstance(key, str):
        return None
    if m := _IDEA_KEY_RE.fullmatch(key):
        n = int(m.group(2))
        return (IDEA, m.group(1), n) if n <= MAX_IDEAS_PER_PERSON else None
    if m := _VOTE_KEY_RE.fullmatch(key):
        return (VOTE, m.group(1), None)
    return None


def idea_id(number: int, n: int) -> str:
    """The public id of deelnemer ``number``'s n-th idea: "3.1"."""
    return f"{int(number)}.{int(n)}"


def is_idea_id(value: object) -> bool:
    if not isinstance(value, str) or (m := IDEA_ID_RE.fullmatch(value)) is None:
        return False
    return int(m.group(2)) <= MAX_IDEAS_PER_PERSON


# -- ideas ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Idea:
    """One idea on the wall. ``author`` is the secret token: never show it, never log it."""

    id: str  # "<person number>.<n>"
    text: str
    number: int  # deelnemer <number>
    n: int
    updated_at: datetime | None = field(default=None, compare=False)
    author: str = field(default="", repr=False, compare=False)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def check_idea(value: object) -> str:
    """An idea as it is stored (one line, spaces collapsed), or a Dutch InvalidAnswer."""
    if not isinstance(value, str):
        raise InvalidAnswer("Dit idee kunnen we niet bewaren. Schrijf het opnieuw op.")
    text = _one_line(value)
    if not text:
        raise InvalidAnswer("Je idee is nog leeg. Schrijf eerst je idee op.")
    if len(text) > MAX_IDEA_LENGTH:
        raise InvalidAnswer(
            f"Je idee is te lang: het mag maximaal {MAX_IDEA_LENGTH} tekens zijn "
            f"(nu {len(text)}). Maak het wat korter."
        )
    return text


def _shown(value: object) -> str:
    """The text of a stored idea as shown: one line, cut at MAX_IDEA_LENGTH characters (an
    older or changed rule may have let a longer text in)."""
    text = _one_line(value) if isinstance(value, str) else ""
    if len(text) > MAX_IDEA_LENGTH:
        text = text[:MAX_IDEA_LENGTH - 1].rstrip() + "…"
    return text


def _all_ideas(snap: Snapshot, wall: str) -> list[Idea]:
    """Every visible idea on the wall, merged or not, in the snapshot's order (the order
    they were last changed). Should a snapshot hold one key of one person twice, the later
    answer counts."""
    number = {p.token: p.number for p in snap.people}
    found: dict[tuple[str, int], Idea | None] = {}
    for answer in snap.answers:
        parsed = parse_key(answer.activity)
        if parsed is None or parsed[0] != IDEA or parsed[1] != wall or parsed[2] is None:
            continue
        n, person = parsed[2], number.get(answer.participant)
        text = _shown(answer.value)
        found.pop((answer.participant, n), None)  # the later answer, at its later place
        found[(answer.participant, n)] = (
            Idea(idea_id(person, n), text, person, n, getattr(answer, "updated_at", None),
                 answer.participant)
            if person is not None and text and not answer.hidden else None)
    return [i for i in found.values() if i is not None]


def _chain(merges: Mapping[str, str] | None, start: str) -> list[str] | None:
    """``start`` and the ideas it was merged into, one after another; None on a cycle."""
    path, seen = [start], {start}
    while merges and isinstance(nxt := merges.get(path[-1]), str):
        if nxt in seen:
            return None
        path.append(nxt)
        seen.add(nxt)
    return path


def resolve(merges: Mapping[str, str] | None, idea: str,
            existing: Collection[str] | None = None) -> str | None:
    """The idea that ``idea`` ended up in after the merges (a→b and b→c: c).

    With ``existing`` (the ids still on the wall), the last idea along the way that still
    exists, or None when none does (so a merge into a removed idea is undone). Merges that
    go round in a circle (refused by ``merge_ok``, so only in damaged state) are ignored.
    """
    path = _chain(merges, idea) or [idea]
    if existing is None:
        return path[-1]
    return next((i for i in reversed(path) if i in existing), None)


def merge_ok(merges: Mapping[str, str] | None, src: str, dst: str) -> bool:
    """May ``src`` be merged into ``dst``? Not into itself, not when that makes a circle
    (a→b, b→a; also through a chain), and only between well-formed idea ids."""
    if not (is_idea_id(src) and is_idea_id(dst)) or src == dst:
        return False
    return _chain({**(merges or {}), src: dst}, src) is not None


@dataclass(frozen=True)
class Decisions:
    """The trainer's decisions for one wall: merges, the pinned idea, the dots fixed when
    voting opened (None: not fixed yet)."""

    merges: dict[str, str] = field(default_factory=dict)
    pinned: str | None = None
    dots: int | None = None


def decided(state: Mapping[str, str], wall: str) -> Decisions:
    """The decisions stored as ``{"samen": {idea: into}, "vast": idea, "stippen": n}``;
    anything malformed counts as not decided."""
    try:
        raw = json.loads(state.get(DECISIONS + wall) or "null")
    except ValueError:
        raw = None
    raw = raw if isinstance(raw, dict) else {}
    merges = raw.get("samen") if isinstance(raw.get("samen"), dict) else {}
    dots = raw.get("stippen")
    return Decisions({k: v for k, v in merges.items() if isinstance(k, str) and isinstance(v, str)},
                     raw.get("vast") if isinstance(raw.get("vast"), str) else None,
                     dots if type(dots) is int and 1 <= dots <= MAX_VOTES else None)


def ideas(snap: Snapshot, wall: str, merges: Mapping[str, str] | None = None) -> list[Idea]:
    """The ideas on the wall, in the order they were last changed; hidden, empty and
    merged-away ideas left out."""
    _check_wall(wall)
    found = _all_ideas(snap, wall)
    existing = {i.id for i in found}
    return [i for i in found if resolve(merges, i.id, existing) == i.id]


# -- votes ----------------------------------------------------------------------------------

def budget(n_ideas: int) -> int:
    """How many votes each person has: a quarter of the number of ideas, rounded to the
    nearest whole number (a half rounds up: 6 ideas give 2 votes, 10 give 3), at least 1 as
    soon as there is an idea, at most MAX_VOTES. No ideas: 0."""
    if n_ideas <= 0:
        return 0
    return min(MAX_VOTES, max(1, (int(n_ideas) + 2) // 4))


def allowed(n_ideas: int, dots: int | None = None) -> int:
    """The dots each person has: ``dots`` once fixed (when voting opened), else the
    budget for the ideas there are now."""
    return dots if dots is not None else budget(n_ideas)


def parse_votes(value: object) -> list[str]:
    """The idea ids in a stored vote value, in order (empty parts and spaces dropped)."""
    if not isinstance(value, str):
        return []
    return [part.strip() for part in value.split(",") if part.strip()]


def _votes_phrase(n: int) -> str:
    return "1 stem" if n == 1 else f"{n} stemmen"


def check_votes(value: object, idea_ids: Iterable[str], budget: int) -> str:
    """Votes as they are stored ("3.1,7.2", order kept), or a Dutch InvalidAnswer.

    Refused: an idea that is not (or no longer) on the wall, two votes for one idea, more
    votes than ``budget``. An empty value means no votes and gives "".
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidAnswer("Deze stemmen kunnen we niet bewaren. Kies opnieuw.")
    known = set(idea_ids)
    chosen: list[str] = []
    for part in parse_votes(value):
        if part not in known:
            raise InvalidAnswer(UNKNOWN_IDEA)
        if part in chosen:
            raise InvalidAnswer("Je kunt maar één stem per idee geven. Kies een ander idee.")
        chosen.append(part)
    allowed = max(0, min(int(budget), MAX_VOTES))
    if len(chosen) > allowed:
        if allowed == 0:
            raise InvalidAnswer("Er zijn nog geen ideeën om op te stemmen.")
        raise InvalidAnswer(
            f"Je kunt {_votes_phrase(allowed)} geven en je hebt er nu {len(chosen)} gekozen. "
            "Haal eerst een stem weg."
        )
    return ",".join(chosen)


def _counted(value: object, merges: Mapping[str, str] | None, existing: Collection[str],
             allowed: int) -> list[str]:
    """What of one stored vote counts: existing ideas, merged through, each once, at most
    ``allowed``, in the order stored."""
    counted: list[str] = []
    for part in parse_votes(value):
        if part not in existing:
            continue
        target = resolve(merges, part, existing)
        if target is not None and target not in counted:
            counted.append(target)
    return counted[:allowed]


def _voters(snap: Snapshot, wall: str) -> dict[str, object]:
    """Each person's vote value; a hidden vote counts as none (and should a snapshot hold
    two for one person, the later one counts)."""
    key = vote_key(wall)
    given = {a.participant: (None if a.hidden else a.value)
             for a in snap.answers if a.activity == key}
    return {person: value for person, value in given.items() if value is not None}


def my_votes(snap: Snapshot, wall: str, token: str,
             merges: Mapping[str, str] | None = None, dots: int | None = None) -> list[str]:
    """The ideas one person's votes count for now (to show their choice again): merged
    through, without removed ideas, at most ``allowed`` dots."""
    found = _all_ideas(snap, wall)
    existing = {i.id for i in found}
    current = sum(1 for i in found if resolve(merges, i.id, existing) == i.id)
    value = _voters(snap, wall).get(token)
    return _counted(value, merges, existing, allowed(current, dots))


def toggle(stored: object, idea: str, snap: Snapshot, wall: str,
           merges: Mapping[str, str] | None = None, dots: int | None = None) -> str:
    """One tap on an idea: the person's new votes from the ``stored`` ones (read in the
    same transaction as the write, so two quick taps both count): a dot added, or taken
    back when it was there. Checked like ``check_votes``; "" when no dot is left."""
    found = _all_ideas(snap, wall)
    existing = {i.id for i in found}
    current = [i.id for i in found if resolve(merges, i.id, existing) == i.id]
    limit = allowed(len(current), dots)
    mine = _counted(stored, merges, existing, limit)
    votes = [v for v in mine if v != idea] if idea in mine else [*mine, idea]
    return check_votes(",".join(votes), current, limit)


def doubled(snap: Snapshot, wall: str, token: str,
            merges: Mapping[str, str] | None = None) -> int:
    """How many of one person's dots went to an idea they had a dot on already, because the
    trainer merged the two: each counts once, so that many dots are theirs to place again."""
    existing = {i.id for i in _all_ideas(snap, wall)}
    targets = [resolve(merges, part, existing)
               for part in dict.fromkeys(parse_votes(_voters(snap, wall).get(token)))
               if part in existing]
    targets = [t for t in targets if t is not None]
    return len(targets) - len(set(targets))


@dataclass(frozen=True)
class Result:
    """One idea in the tally: its votes, whether the trainer pinned it, what was merged in."""

    id: str
    text: str
    votes: int
    pinned: bool = False
    merged_from: tuple[str, ...] = ()


def tally(snap: Snapshot, wall: str, merges: Mapping[str, str] | None = None,
          pinned: str | None = None, dots: int | None = None) -> list[Result]:
    """The ideas with their votes: the pinned idea first, then most votes, then the idea
    that was there first (see the module's rules)."""
    _check_wall(wall)
    found = _all_ideas(snap, wall)
    existing = {i.id for i in found}
    target = {i.id: resolve(merges, i.id, existing) for i in found}
    current = [i for i in found if target[i.id] == i.id]
    merged_from: dict[str, list[str]] = {i.id: [] for i in current}
    for i in found:
        if target[i.id] != i.id and target[i.id] in merged_from:
            merged_from[target[i.id]].append(i.id)

    limit = allowed(len(current), dots)
    votes: Counter[str] = Counter()
    for value in _voters(snap, wall).values():
        votes.update(_counted(value, merges, existing, limit))

    top = resolve(merges, pinned, existing) if isinstance(pinned, str) and pinned in existing \
        else None
    order = {i.id: k for k, i in enumerate(current)}
    results = [Result(i.id, i.text, votes[i.id], i.id == top, tuple(merged_from[i.id]))
               for i in current]
    return sorted(results, key=lambda r: (not r.pinned, -r.votes, order[r.id]))
