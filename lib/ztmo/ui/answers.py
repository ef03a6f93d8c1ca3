"""Where a participant's answers go.

Until group sessions exist the answers stay in the participant's own page
(`LocalAnswers`). The session store plugs in behind the same small interface.
"""

from __future__ import annotations

from typing import Protocol


class AnswerSink(Protocol):
    def save(self, activity: str, value: object) -> None: ...

    def get(self, activity: str) -> object | None: ...


class LocalAnswers:
    """Answers kept in memory for this page only."""

    def __init__(self) -> None:
        self._values: dict[str, object] = {}

    def save(self, activity: str, value: object) -> None:
        self._values[activity] = value

    def get(self, activity: str) -> object | None:
        return self._values.get(activity)
