"""Short texts people read, from ``data/content/<name>.yaml``, looked up by dotted key.

For texts that are not part of the guide's structure (the server's own pages, notices):
one file per surface, every leaf a non-empty string, placeholders in ``{braces}``.
A missing key is a `ContentError`, never a silent empty text.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from .contentfile import read_yaml
from .errors import ContentError
from .paths import data_dir


def _flatten(node: Any, prefix: str, out: dict[str, str], name: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(value, f"{prefix}{key}.", out, name)
    elif isinstance(node, str) and node.strip():
        out[prefix[:-1]] = " ".join(node.split())
    else:
        raise ContentError(f"Het inhoudsbestand {name}.yaml is niet in orde: bij "
                           f"'{prefix[:-1]}' hoort een tekst.")


@cache
def load(name: str) -> dict[str, str]:
    """Every text of ``data/content/<name>.yaml`` by its dotted key (read once)."""
    out: dict[str, str] = {}
    _flatten(read_yaml(data_dir() / "content" / f"{name}.yaml"), "", out, name)
    return out


def text(name: str, key: str, **values: object) -> str:
    """One text, with its placeholders filled in."""
    found = load(name).get(key)
    if found is None:
        raise ContentError(f"Het inhoudsbestand {name}.yaml mist de tekst '{key}'.")
    return found.format(**values) if values else found


def section(name: str, prefix: str) -> dict[str, str]:
    """The texts under ``prefix`` (for a page script), keyed without the prefix."""
    start = prefix + "."
    return {k[len(start):]: v for k, v in load(name).items() if k.startswith(start)}
