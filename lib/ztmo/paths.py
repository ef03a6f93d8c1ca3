"""Where ztmo finds its data files.

One tiny function so every module agrees on the location, and so tests and
deployments can point elsewhere with the environment variable ZTMO_DATA_PATH.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "ZTMO_DATA_PATH"


def data_dir() -> Path:
    """Return the data directory: $ZTMO_DATA_PATH if set, else <repo>/data.

    Resolved on every call (not cached) so a changed environment takes effect.
    """
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser().resolve()
    return Path(__file__).resolve().parents[2] / "data"


def shown(path: Path | str) -> str:
    """A file's name as messages show it: relative to the data folder when it is inside it,
    else just the name. Messages never show a server's absolute paths."""
    p = Path(path)
    try:
        return p.resolve().relative_to(data_dir().resolve()).as_posix()
    except (ValueError, OSError):
        return p.name
