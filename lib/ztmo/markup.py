"""Escaping and the house style, without widgets: shared by the apps and the editions."""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path


def esc(text: object) -> str:
    """Escape any text before it goes into HTML (participant text is untrusted)."""
    return html.escape(str(text), quote=True)


@lru_cache(maxsize=1)
def theme_css() -> str:
    """The house style of the apps (ui/theme.css), read once per process."""
    return (Path(__file__).with_name("ui") / "theme.css").read_text(encoding="utf-8")
