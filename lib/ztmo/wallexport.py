"""The idea wall in an export: each idea's text, and each person's dots in words.

Kept beside `ztmo.wall` (whose rules for ids, shown text and the tally it uses), so an
export says of every dot what the projector and the report count.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .activities import NO_VOTES
from .wall import (
    IDEA,
    _all_ideas,
    _counted,
    _shown,
    _voters,
    allowed,
    idea_id,
    parse_key,
    parse_votes,
    resolve,
)

if TYPE_CHECKING:
    from .store.snapshot import Snapshot

__all__ = ["export_votes", "idea_texts", "vote_text"]


def idea_texts(snap: Snapshot, include_hidden: bool = False) -> dict[str, dict[str, str]]:
    """Per wall, each idea's public id and its text as shown, for an export's votes; a
    hidden idea only with ``include_hidden`` (and then marked so)."""
    number = {p.token: p.number for p in snap.people}
    texts: dict[str, dict[str, str]] = {}
    for answer in snap.answers:
        parsed = parse_key(answer.activity)
        person = number.get(answer.participant)
        text = _shown(answer.value)
        if (parsed is None or parsed[0] != IDEA or parsed[2] is None or person is None
                or not text or (answer.hidden and not include_hidden)):
            continue
        shown = text + (" (verborgen)" if answer.hidden else "")
        texts.setdefault(parsed[1], {})[idea_id(person, parsed[2])] = shown
    return texts


def vote_text(value: object, texts: Mapping[str, str]) -> str:
    """A stored vote in words, for an export: each idea id with its text ("1.1: Samen
    eten | 2.1: Eén plan"), "(idee weggehaald)" for an idea no longer there, "geen stemmen"
    when every vote was taken back."""
    ids = [] if value == NO_VOTES else parse_votes(value)
    if not ids:
        return "geen stemmen"
    return " | ".join(f"{i}: {texts.get(i, '(idee weggehaald)')}" for i in ids)


def export_votes(snap: Snapshot, wall: str, merges: Mapping[str, str] | None = None,
                 dots: int | None = None, include_hidden: bool = False) -> dict[str, str]:
    """Per voter (token: for the store's export only) their dots in words, first those that
    count as the tally counts them, then those that do not ("9.2: (idee weggehaald)"):
    "1.1: Samen eten | 2.1: Eén plan (stip op 3.1, samengevoegd)"."""
    found = _all_ideas(snap, wall)
    existing = {i.id for i in found}
    shown = {**idea_texts(snap, include_hidden).get(wall, {}), **{i.id: i.text for i in found}}
    limit = allowed(sum(1 for i in found if resolve(merges, i.id, existing) == i.id), dots)
    out = {}
    for token, value in _voters(snap, wall).items():
        counted = _counted(value, merges, existing, limit)
        via: dict[str, list[str]] = {t: [] for t in counted}
        rest = []
        for part in dict.fromkeys([] if value == NO_VOTES else parse_votes(value)):
            target = resolve(merges, part, existing) if part in existing else None
            if target in via:
                via[target].append(part)
            else:
                rest.append(f"{part}: {shown.get(part, '(idee weggehaald)')}"
                            + (" (telt niet)" if target else ""))
        words = [f"{t}: {shown[t]}" + ("" if via[t] == [t] else
                                       f" (stip op {', '.join(via[t])}, samengevoegd"
                                       f"{'; telt één keer' if len(via[t]) > 1 else ''})")
                 for t in counted]
        out[token] = " | ".join(words + rest) or "geen stemmen"
    return out
