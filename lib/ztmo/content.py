"""The "Mijn Thuis" guide as validated, frozen data (data/content/pijlers.yaml).

Content is data: one YAML file feeds the apps, the editions and the tests. It is
checked on load so that a typo in the file gives a Dutch message naming the file,
the item and the field instead of a half-empty page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .contentfile import Reader, read_yaml
from .errors import ContentError
from .paths import data_dir

PILLAR_COUNT = 3
GUIDELINES_PER_PILLAR = 5
SCALE = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Principle:
    id: str
    titel: str
    uitleg: str


@dataclass(frozen=True)
class Guideline:
    """A practical guideline (handvat) within a pillar."""

    id: str
    nummer: int
    titel: str
    uitleg: str
    waarom: str
    vragen: tuple[str, ...]


@dataclass(frozen=True)
class Pillar:
    id: str
    nummer: int
    titel: str
    doel: str
    kernzin: str
    intro: str
    handvatten: tuple[Guideline, ...]


@dataclass(frozen=True)
class GroupQuestion:
    id: str
    tekst: str


@dataclass(frozen=True)
class GroupTask:
    titel: str
    intro: str
    max_groepsgrootte: int
    vragen: tuple[GroupQuestion, ...]


@dataclass(frozen=True)
class RatingScale:
    vraag: str
    labels: dict[int, str]


@dataclass(frozen=True)
class Guide:
    motto: str
    principes: tuple[Principle, ...]
    pijlers: tuple[Pillar, ...]
    groepsopdracht: GroupTask
    beoordeling: RatingScale
    bron: str = ""
    """Credit line: the guide "Mijn Thuis" by NJi, and that the texts are our own words."""
    rol_organisaties_gemeenten: str = ""
    """What the guide's part on organisations and municipalities is about, in our words."""

    def pillar(self, key: int | str) -> Pillar:
        """A pillar by number (1-3) or id; a ContentError in Dutch otherwise."""
        for p in self.pijlers:
            if key in (p.nummer, p.id, str(p.nummer)):
                return p
        raise ContentError(f"Pijler '{key}' bestaat niet. Kies 1, 2 of 3.")


def _unique(reader: Reader, ids: list[str], where: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise reader.fail(where, "id", f"de id '{i}' komt vaker voor; elke id moet uniek zijn.")
        seen.add(i)


def parse_guide(raw: Any, path: Path) -> Guide:
    """Turn the parsed YAML into a Guide, or raise ContentError naming the fault."""
    r = Reader(path)
    if not isinstance(raw, dict):
        raise r.fail("het begin", "(hele bestand)", "het bestand bevat geen gegevens.")
    principes = tuple(
        Principle(
            id=r.text(p, f"principe {i}", "id"),
            titel=r.text(p, f"principe {i}", "titel"),
            uitleg=r.text(p, f"principe {i}", "uitleg"),
        )
        for i, p in enumerate(r.items(raw, "het begin", "principes", 3), start=1)
    )
    pijlers = []
    for i, p in enumerate(r.items(raw, "het begin", "pijlers", PILLAR_COUNT), start=1):
        where = f"pijler {i}"
        pid = r.text(p, where, "id")
        guidelines = []
        for j, h in enumerate(r.items(p, where, "handvatten", GUIDELINES_PER_PILLAR), start=1):
            hwhere = f"{where}, handvat {j}"
            vragen = tuple(
                r.text({"vraag": q}, f"{hwhere}, vraag {k}", "vraag")
                for k, q in enumerate(r.items(h, hwhere, "vragen"), start=1)
            )
            guidelines.append(
                Guideline(
                    id=r.text(h, hwhere, "id"),
                    nummer=j,
                    titel=r.text(h, hwhere, "titel"),
                    uitleg=r.text(h, hwhere, "uitleg"),
                    waarom=r.text(h, hwhere, "waarom"),
                    vragen=vragen,
                )
            )
        nummer = r.integer(p, where, "nummer")
        if nummer != i:
            raise r.fail(where, "nummer", f"verwacht {i}, gevonden {nummer}.")
        pijlers.append(
            Pillar(
                id=pid,
                nummer=nummer,
                titel=r.text(p, where, "titel"),
                doel=r.text(p, where, "doel"),
                kernzin=r.text(p, where, "kernzin"),
                intro=r.text(p, where, "intro"),
                handvatten=tuple(guidelines),
            )
        )
    all_ids = [p.id for p in principes] + [p.id for p in pijlers]
    all_ids += [h.id for p in pijlers for h in p.handvatten]
    _unique(r, all_ids, "de ids")

    g = raw.get("groepsopdracht")
    if not isinstance(g, dict):
        raise r.fail("het begin", "groepsopdracht", "dit onderdeel ontbreekt.")
    vragen = tuple(
        GroupQuestion(id=r.text(q, f"groepsvraag {k}", "id"), tekst=r.text(q, f"groepsvraag {k}", "tekst"))
        for k, q in enumerate(r.items(g, "groepsopdracht", "vragen"), start=1)
    )
    task = GroupTask(
        titel=r.text(g, "groepsopdracht", "titel"),
        intro=r.text(g, "groepsopdracht", "intro"),
        max_groepsgrootte=r.integer(g, "groepsopdracht", "max_groepsgrootte"),
        vragen=vragen,
    )
    b = raw.get("beoordeling")
    if not isinstance(b, dict):
        raise r.fail("het begin", "beoordeling", "dit onderdeel ontbreekt.")
    schaal = b.get("schaal")
    if not isinstance(schaal, dict) or sorted(schaal) != list(SCALE):
        raise r.fail("beoordeling", "schaal", "hier horen de labels voor 1 tot en met 5.")
    labels = {k: r.text({"label": v}, f"beoordeling, schaal {k}", "label") for k, v in schaal.items()}
    scale = RatingScale(vraag=r.text(b, "beoordeling", "vraag"), labels=labels)
    return Guide(
        motto=r.text(raw, "het begin", "motto"),
        principes=principes,
        pijlers=tuple(pijlers),
        groepsopdracht=task,
        beoordeling=scale,
        bron=r.text(raw, "het begin", "bron"),
        rol_organisaties_gemeenten=r.text(raw, "het begin", "rol_organisaties_gemeenten"),
    )


def load_guide(path: Path | None = None) -> Guide:
    """Read and validate pijlers.yaml (cached for the default file)."""
    if path is None:
        return _default_guide()
    return _load(Path(path))


@lru_cache(maxsize=1)
def _default_guide() -> Guide:
    return _load(data_dir() / "content" / "pijlers.yaml")


def _load(path: Path) -> Guide:
    return parse_guide(read_yaml(path), path)
