"""Reading our YAML content files, with Dutch errors that name file, item and field.

Shared by `content` (the guide) and `preferences` (the learning preferences), so both
files are checked the same way and a typo never becomes a half-empty page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import ContentError
from .paths import shown


def read_yaml(path: Path) -> Any:
    """Parse a content file; a missing, unreadable or invalid file is a ContentError."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"Het inhoudsbestand {shown(path)} ontbreekt.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"Het inhoudsbestand {shown(path)} kan niet worden gelezen "
                           f"({getattr(exc, 'strerror', None) or type(exc).__name__}).") from None
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"regel {mark.line + 1}, kolom {mark.column + 1}" if mark else "onbekende plek"
        raise ContentError(f"Het inhoudsbestand {path.name} is geen geldige YAML ({where}).") from None


class Reader:
    """Knows which file it reads, so every message names file, item and field."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, field: str, problem: str) -> ContentError:
        return ContentError(
            f"Het inhoudsbestand {self.path.name} is niet in orde: bij {where}, "
            f"veld '{field}': {problem}"
        )

    def text(self, node: Any, where: str, field: str) -> str:
        if not isinstance(node, dict) or field not in node:
            raise self.fail(where, field, "dit veld ontbreekt.")
        value = node[field]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, field, "de tekst is leeg.")
        return value.strip()

    def texts(self, node: dict, where: str, field: str) -> tuple[str, ...]:
        values = self.items(node, where, field)
        for k, v in enumerate(values, start=1):
            if not isinstance(v, str) or not v.strip():
                raise self.fail(where, field, f"regel {k} van de lijst is leeg.")
        return tuple(v.strip() for v in values)

    def integer(self, node: dict, where: str, field: str) -> int:
        value = node.get(field)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(where, field, "hier hoort een geheel getal.")
        return value

    def flag(self, node: dict, where: str, field: str) -> bool:
        value = node.get(field)
        if not isinstance(value, bool):
            raise self.fail(where, field, "hier hoort true of false.")
        return value

    def items(self, node: Any, where: str, field: str, count: int | None = None) -> list:
        value = node.get(field) if isinstance(node, dict) else None
        if not isinstance(value, list) or not value:
            raise self.fail(where, field, "hier hoort een lijst.")
        if count is not None and len(value) != count:
            raise self.fail(where, field,
                            f"er horen precies {count} items te staan, niet {len(value)}.")
        return value
