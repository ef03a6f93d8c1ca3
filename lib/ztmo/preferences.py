"""Ruijters' five learning preferences and our own scan, as validated frozen data.

Source: data/content/leervoorkeuren.yaml. Like ztmo.content, the file is checked on
load, so a typo gives a Dutch message naming the file, the item and the field
instead of a scan that silently cannot reach one of the preferences.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .contentfile import Reader, read_yaml
from .errors import ContentError
from .paths import data_dir

#: The five preferences as (id, name), in the fixed order used everywhere (ties, charts).
PREFERENCE_KEYS: tuple[tuple[str, str], ...] = (
    ("kunst_afkijken", "Kunst afkijken"),
    ("participeren", "Participeren"),
    ("kennis_verwerven", "Kennis verwerven"),
    ("oefenen", "Oefenen"),
    ("ontdekken", "Ontdekken"),
)
PREFERENCE_IDS: tuple[str, ...] = tuple(i for i, _ in PREFERENCE_KEYS)
PREFERENCE_NAMES: tuple[str, ...] = tuple(n for _, n in PREFERENCE_KEYS)
MIN_ITEMS = 10
OPTIONS_PER_ITEM = len(PREFERENCE_KEYS)


@dataclass(frozen=True)
class Preference:
    id: str
    naam: str
    kort: str
    beschrijving: str
    helpt: tuple[str, ...]
    valkuilen: tuple[str, ...]
    brengt: str
    nodig: str
    tip: str
    suggesties: tuple[str, ...]
    gewone_bijeenkomst: bool
    """True when presentations plus discussion usually serve this preference well."""


@dataclass(frozen=True)
class Option:
    """One answer to a scan situation; `preference` is the name, e.g. "Kunst afkijken"."""

    id: str
    preference: str
    preference_id: str
    tekst: str


@dataclass(frozen=True)
class Item:
    """One work situation with exactly one option per preference."""

    id: str
    situatie: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Scan:
    bron: str
    instructie: str
    preferences: tuple[Preference, ...]
    items: tuple[Item, ...]

    def preference(self, name_or_id: str) -> Preference:
        """A preference by name or id; a ContentError in Dutch otherwise."""
        for p in self.preferences:
            if name_or_id in (p.naam, p.id):
                return p
        shown = str(name_or_id)[:40]
        raise ContentError(
            f"De leervoorkeur '{shown}' bestaat niet. Kies uit: {', '.join(PREFERENCE_NAMES)}."
        )


def _preferences(r: Reader, raw: dict) -> tuple[Preference, ...]:
    nodes = r.items(raw, "het begin", "voorkeuren")
    if len(nodes) != len(PREFERENCE_KEYS):
        raise r.fail("het begin", "voorkeuren",
                     f"er horen precies {len(PREFERENCE_KEYS)} voorkeuren te staan, "
                     f"niet {len(nodes)}.")
    result = []
    for i, (node, (pid, naam)) in enumerate(zip(nodes, PREFERENCE_KEYS), start=1):
        where = f"voorkeur {i}"
        for field, expected in (("naam", naam), ("id", pid)):
            found = r.text(node, where, field)
            if found != expected:
                raise r.fail(where, field, f"verwacht '{expected}', gevonden '{found[:40]}'. "
                             "De vijf voorkeuren staan in een vaste volgorde.")
        where = f"voorkeur {i} ({naam})"
        result.append(Preference(
            id=pid,
            naam=naam,
            kort=r.text(node, where, "kort"),
            beschrijving=r.text(node, where, "beschrijving"),
            helpt=r.texts(node, where, "helpt"),
            valkuilen=r.texts(node, where, "valkuilen"),
            brengt=r.text(node, where, "brengt"),
            nodig=r.text(node, where, "nodig"),
            tip=r.text(node, where, "tip"),
            suggesties=r.texts(node, where, "suggesties"),
            gewone_bijeenkomst=r.flag(node, where, "gewone_bijeenkomst"),
        ))
    return tuple(result)


def _item(r: Reader, node: Any, number: int) -> Item:
    where = f"situatie {number}"
    item_id = r.text(node, where, "id")
    where = f"situatie {number} ({item_id[:40]})"
    situatie = r.text(node, where, "situatie")
    nodes = r.items(node, where, "opties")
    if len(nodes) != OPTIONS_PER_ITEM:
        raise r.fail(where, "opties", f"er horen precies {OPTIONS_PER_ITEM} opties te staan, "
                     f"één per voorkeur, niet {len(nodes)}.")
    names = dict(PREFERENCE_KEYS)
    options: list[Option] = []
    for k, o in enumerate(nodes, start=1):
        owhere = f"{where}, optie {k}"
        oid = r.text(o, owhere, "id")
        pid = r.text(o, owhere, "voorkeur")
        if pid not in names:
            raise r.fail(owhere, "voorkeur", f"'{pid[:40]}' is geen voorkeur; kies uit "
                         f"{', '.join(PREFERENCE_IDS)}.")
        if any(prev.id == oid for prev in options):
            raise r.fail(owhere, "id", f"de id '{oid[:40]}' komt vaker voor in deze situatie.")
        if any(prev.preference_id == pid for prev in options):
            raise r.fail(owhere, "voorkeur", f"de voorkeur '{pid}' staat al bij een andere "
                         "optie; elke voorkeur hoort precies één keer bij een situatie.")
        options.append(Option(id=oid, preference=names[pid], preference_id=pid,
                              tekst=r.text(o, owhere, "tekst")))
    return Item(id=item_id, situatie=situatie, options=tuple(options))


def parse_scan(raw: Any, path: Path) -> Scan:
    """Turn the parsed YAML into a Scan, or raise ContentError naming the fault."""
    r = Reader(path)
    if not isinstance(raw, dict):
        raise r.fail("het begin", "(hele bestand)", "het bestand bevat geen gegevens.")
    preferences = _preferences(r, raw)
    scan = raw.get("scan")
    if not isinstance(scan, dict):
        raise r.fail("het begin", "scan", "dit onderdeel ontbreekt.")
    nodes = r.items(scan, "scan", "items")
    if len(nodes) < MIN_ITEMS:
        raise r.fail("scan", "items", f"er horen minstens {MIN_ITEMS} situaties te staan, "
                     f"niet {len(nodes)}.")
    items = tuple(_item(r, node, n) for n, node in enumerate(nodes, start=1))
    seen: set[str] = set()
    for n, item in enumerate(items, start=1):
        if item.id in seen:
            raise r.fail(f"situatie {n} ({item.id[:40]})", "id",
                         f"de id '{item.id[:40]}' komt vaker voor; elke id moet uniek zijn.")
        seen.add(item.id)
    return Scan(
        bron=r.text(raw, "het begin", "bron"),
        instructie=r.text(scan, "scan", "instructie"),
        preferences=preferences,
        items=items,
    )


def load_scan(path: Path | str | None = None) -> Scan:
    """Read and validate leervoorkeuren.yaml (cached for the default file)."""
    if path is None:
        return _default_scan()
    return _load(Path(path))


@lru_cache(maxsize=1)
def _default_scan() -> Scan:
    return _load(data_dir() / "content" / "leervoorkeuren.yaml")


def _load(path: Path) -> Scan:
    return parse_scan(read_yaml(path), path)
