"""A region's own page content: optional `data/regions/<code>.yaml`.

A region (or the team, from the source documents) can add an introduction,
contacts and good practices. They appear on the region page and so in the
region's edition. Every good practice names its source. Contacts are
organisations, teams or public addresses: never private persons' details.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .contentfile import Reader, read_yaml
from .errors import ContentError
from .paths import data_dir

FIELDS = {"introductie", "contacten", "goede_voorbeelden"}
MAX_TEXT = 1200


@dataclass(frozen=True)
class Contact:
    naam: str
    hoe: str  # website, e-mail of telefoon van de organisatie


@dataclass(frozen=True)
class Practice:
    naam: str
    uitleg: str
    bron: str


@dataclass(frozen=True)
class RegionInfo:
    code: str
    introductie: str
    contacten: tuple[Contact, ...]
    goede_voorbeelden: tuple[Practice, ...]


def path_for(code: str, directory: Path | None = None) -> Path:
    return (directory or data_dir()) / "regions" / f"{code}.yaml"


def load(code: str, directory: Path | None = None) -> RegionInfo | None:
    """The region's own content, None when it has none; ContentError when it is broken."""
    path = path_for(code, directory)
    if not path.is_file():
        return None
    try:
        node = read_yaml(path)
    except ContentError as exc:  # shown on the region page: the file name, never its folder
        raise ContentError(str(exc).replace(str(path), path.name)) from None
    r = Reader(path)
    if not isinstance(node, dict):
        raise r.fail("het begin", "introductie", "het bestand moet velden bevatten.")
    unknown = sorted(set(node) - FIELDS)
    if unknown:
        raise r.fail("het begin", unknown[0], f"onbekend veld; toegestaan: {', '.join(sorted(FIELDS))}.")
    intro = r.text(node, "het begin", "introductie") if "introductie" in node else ""
    if len(intro) > MAX_TEXT:
        raise r.fail("het begin", "introductie", f"te lang (meer dan {MAX_TEXT} tekens).")
    contacts = tuple(
        Contact(r.text(c, f"contact {i}", "naam"), r.text(c, f"contact {i}", "hoe"))
        for i, c in enumerate(r.items(node, "het begin", "contacten"), start=1)
    ) if "contacten" in node else ()
    practices = tuple(
        Practice(r.text(p, f"goed voorbeeld {i}", "naam"), r.text(p, f"goed voorbeeld {i}", "uitleg"),
                 r.text(p, f"goed voorbeeld {i}", "bron"))
        for i, p in enumerate(r.items(node, "het begin", "goede_voorbeelden"), start=1)
    ) if "goede_voorbeelden" in node else ()
    return RegionInfo(code, intro, contacts, practices)
