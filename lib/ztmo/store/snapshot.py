"""A session's whole state at one moment, read in one transaction.

The live views (participants' group views, the trainer's screen) all draw from one
snapshot per change instead of asking the database themselves: one refresh costs a
handful of queries, however many views are on the screen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Person:
    token: str
    nickname: str | None
    joined_at: datetime
    last_seen: datetime | None
    number: int  # 1, 2, ... in the order people joined: "deelnemer 7" everywhere


@dataclass(frozen=True)
class Snapshot:
    code: str
    name: str
    revision: int
    closed: bool
    people: tuple[Person, ...]
    answers: tuple  # of store.Answer, in the order they were last changed
    state: dict[str, str] = field(default_factory=dict)
    taken_at: datetime | None = None

    @property
    def count(self) -> int:
        return len(self.people)

    def values(self, activity: str, include_hidden: bool = False) -> list[str]:
        """The values given for one activity (hidden ones left out unless asked)."""
        return [a.value for a in self.answers
                if a.activity == activity and (include_hidden or not a.hidden)]

    def by_participant(self, activity: str) -> dict[str, str]:
        return {a.participant: a.value for a in self.answers
                if a.activity == activity and not a.hidden}

    def mine(self, token: str) -> dict[str, str]:
        """One participant's own answers (hidden or not: they are theirs)."""
        return {a.activity: a.value for a in self.answers if a.participant == token}

    def labels(self) -> dict[str, str]:
        """What people are called on screen: their nickname, else "deelnemer N"."""
        from .codes import display_nickname

        return {p.token: (display_nickname(p.nickname) or f"deelnemer {p.number}")
                for p in self.people}

    def present(self, within: timedelta) -> set[str]:
        """Tokens of people whose app said it was alive within ``within`` of the snapshot."""
        now = self.taken_at
        if now is None:
            return {p.token for p in self.people}
        return {p.token for p in self.people
                if (p.last_seen or p.joined_at) >= now - within}

    def revealed(self, step: str) -> bool:
        """Does the trainer show the group's answers of this step to the room?"""
        from ..presenter import revealed

        return revealed(self.state, step)

    def state_json(self, key: str, default: object = None) -> object:
        raw = self.state.get(key)
        if raw is None:
            return default
        try:
            return json.loads(raw)
        except ValueError:
            return default
