"""Shared fixtures. In CI (CI=true) nothing may be skipped for a missing tool."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def skip_or_fail(reason: str) -> None:
    """Skip locally with a visible reason; fail in CI, where the install step must provide it."""
    if IN_CI:
        pytest.fail(f"In CI mag dit niet ontbreken: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
