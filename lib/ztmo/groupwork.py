"""Group activities as validated, frozen data (data/content/groepswerk.yaml).

The case timeline of a made-up family, the ten promises of the support agenda, the
four flags (moeten, kunnen, willen, durven), good-practice cards linked to the
guidelines of "Mijn Thuis", and the idea wall. Like ztmo.content and
ztmo.preferences, the file is checked on load: a typo gives a Dutch message naming the
file, the item and the field, instead of a card that silently links to nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .contentfile import Reader, read_yaml
from .errors import ContentError
from .paths import data_dir

VERSION = 1
ID_PATTERN = re.compile(r"^[a-z0-9-]{1,24}$")

#: How intense the involvement of care was at a moment of the timeline.
KINDS: tuple[str, ...] = ("rustig", "druk", "crisis")
MOMENTS_MIN, MOMENTS_MAX = 9, 12
PROMISE_COUNT = 10
#: The roles a participant can look from, as (id, label), in this fixed order.
ROLE_KEYS: tuple[tuple[str, str], ...] = (
    ("professional", "Professional"),
    ("gemeente", "Gemeente"),
    ("ouder", "Ouder of ervaringsdeskundige"),
    ("jongere", "Jongere"),
    ("anders", "Anders"),
)
ROLE_IDS: tuple[str, ...] = tuple(i for i, _ in ROLE_KEYS)
#: The four flags of "Elke dag beter", in this fixed order.
FLAG_IDS: tuple[str, ...] = ("moeten", "kunnen", "willen", "durven")
PRACTICES_MIN, PRACTICES_MAX = 8, 15
WALL_QUESTIONS_MIN, WALL_QUESTIONS_MAX = 3, 5
#: What a practice card says when its source names no region.
REGION_NOT_NAMED = "niet genoemd in de bron"

# Longest text per kind of field, in characters: long enough for the content, short
# enough that a card or a slide stays readable.
LABEL_MAX = 40     # wanneer, kleur, rol
TITLE_MAX = 80     # titels, namen, regio
LINE_MAX = 160     # thema, kindzin, vraag
TEXT_MAX = 420     # tekst van een moment, 'wat' van een praktijk
INTRO_MAX = 700    # uitleg en bron van een onderdeel


@dataclass(frozen=True)
class Question:
    id: str
    tekst: str


@dataclass(frozen=True)
class Moment:
    """One moment in the timeline; `soort` is rustig, druk or crisis."""

    id: str
    wanneer: str
    titel: str
    tekst: str
    soort: str


@dataclass(frozen=True)
class Timeline:
    titel: str
    uitleg: str
    bron: str
    soorten: dict[str, str]
    """A short label per kind (rustig, druk, crisis), e.g. for a legend."""
    momenten: tuple[Moment, ...]
    vragen: tuple[Question, ...]


@dataclass(frozen=True)
class Promise:
    """A theme of the support agenda with its sentence from the child's view."""

    id: str
    nummer: int
    thema: str
    kind: str
    kind_nummer: int
    """The number of the child's sentence in the source (the pairing is ours)."""


@dataclass(frozen=True)
class Role:
    id: str
    label: str


@dataclass(frozen=True)
class Promises:
    uitleg: str
    bron: str
    themas: tuple[Promise, ...]
    rollen: tuple[Role, ...]


@dataclass(frozen=True)
class Flag:
    id: str
    titel: str
    kleur: str
    vraag: str


@dataclass(frozen=True)
class Flags:
    uitleg: str
    bron: str
    lijst: tuple[Flag, ...]


@dataclass(frozen=True)
class Source:
    id: str
    titel: str


@dataclass(frozen=True)
class Practice:
    """A good-practice card; `handvatten` are guideline ids of the guide."""

    id: str
    naam: str
    regio: str
    wat: str
    handvatten: tuple[str, ...]
    bron: str
    """The title of the source document."""
    bron_id: str

    @property
    def regio_bekend(self) -> bool:
        return self.regio != REGION_NOT_NAMED


@dataclass(frozen=True)
class Practices:
    uitleg: str
    bronnen: tuple[Source, ...]
    kaarten: tuple[Practice, ...]


@dataclass(frozen=True)
class Wall:
    uitleg: str
    vragen: tuple[Question, ...]
    uitleg_stemmen: str


@dataclass(frozen=True)
class Groupwork:
    versie: int
    tijdlijn: Timeline
    beloften: Promises
    vlaggen: Flags
    praktijken: Practices
    muur: Wall
    guideline_ids: tuple[str, ...] = field(default=(), repr=False, compare=False)
    """The guideline ids of the guide the file was checked against, in guide order."""

    def moment(self, moment_id: str) -> Moment:
        """A moment of the timeline by id; a ContentError in Dutch otherwise."""
        return _find(self.tijdlijn.momenten, moment_id, "Het moment")

    def promise(self, promise_id: str) -> Promise:
        """A promise (theme of the support agenda) by id; a ContentError otherwise."""
        return _find(self.beloften.themas, promise_id, "De belofte")

    def role(self, role_id: str) -> Role:
        return _find(self.beloften.rollen, role_id, "De rol")

    def flag(self, flag_id: str) -> Flag:
        return _find(self.vlaggen.lijst, flag_id, "De vlag")

    def practice(self, practice_id: str) -> Practice:
        return _find(self.praktijken.kaarten, practice_id, "Het voorbeeld")

    def practices_for(self, guideline_id: str) -> tuple[Practice, ...]:
        """The practice cards that fit one guideline (may be none); unknown id: ContentError."""
        if self.guideline_ids and guideline_id not in self.guideline_ids:
            raise ContentError(f"Het handvat '{_shown(guideline_id)}' bestaat niet in de "
                               "handreiking Mijn Thuis.")
        return tuple(p for p in self.praktijken.kaarten if guideline_id in p.handvatten)

    def guidelines_without_practice(self) -> tuple[str, ...]:
        """Guideline ids no practice card links to, in guide order."""
        linked = {h for p in self.praktijken.kaarten for h in p.handvatten}
        return tuple(g for g in self.guideline_ids if g not in linked)


def _shown(value: Any) -> str:
    return str(value)[:40]


def _find(items, key: str, what: str):
    for item in items:
        if item.id == key:
            return item
    raise ContentError(f"{what} '{_shown(key)}' bestaat niet. Kies uit: "
                       f"{', '.join(i.id for i in items)}.")


# --- reading ---------------------------------------------------------------------------
class _Checks:
    """The Reader plus the checks this file needs (length, id pattern, unique ids)."""

    def __init__(self, reader: Reader):
        self.r = reader

    def text(self, node: Any, where: str, name: str, limit: int) -> str:
        value = " ".join(self.r.text(node, where, name).split())
        if len(value) > limit:
            raise self.r.fail(where, name, f"de tekst is te lang ({len(value)} tekens; "
                              f"hoogstens {limit}).")
        return value

    def ident(self, node: Any, where: str) -> str:
        if isinstance(node, dict) and isinstance(node.get("id"), (int, float)) \
                and not isinstance(node.get("id"), bool):
            node = {**node, "id": str(node["id"])}  # YAML reads an id like 12 as a number
        value = self.r.text(node, where, "id")
        if not ID_PATTERN.match(value):
            raise self.r.fail(where, "id", f"'{_shown(value)}' is geen geldige id: gebruik "
                              "alleen kleine letters, cijfers en streepjes, hoogstens 24 tekens.")
        return value

    def section(self, raw: dict, name: str) -> dict:
        node = raw.get(name)
        if not isinstance(node, dict):
            raise self.r.fail("het begin", name, "dit onderdeel ontbreekt.")
        return node

    def items(self, node: dict, where: str, name: str, low: int, high: int) -> list:
        values = self.r.items(node, where, name)
        if not low <= len(values) <= high:
            wanted = f"precies {low}" if low == high else f"{low} tot en met {high}"
            raise self.r.fail(where, name, f"er horen {wanted} items te staan, "
                              f"niet {len(values)}.")
        return values

    def unique(self, ids: list[str], wheres: list[str]) -> None:
        seen: set[str] = set()
        for i, where in zip(ids, wheres):
            if i in seen:
                raise self.r.fail(where, "id", f"de id '{i}' komt vaker voor in deze lijst; "
                                  "elke id moet uniek zijn.")
            seen.add(i)

    def questions(self, node: dict, where: str, name: str, label: str,
                  low: int, high: int) -> tuple[Question, ...]:
        result, wheres = [], []
        for k, q in enumerate(self.items(node, where, name, low, high), start=1):
            qwhere = f"{where}, {label} {k}"
            result.append(Question(id=self.ident(q, qwhere),
                                   tekst=self.text(q, qwhere, "tekst", LINE_MAX)))
            wheres.append(qwhere)
        self.unique([q.id for q in result], wheres)
        return tuple(result)


def _timeline(c: _Checks, raw: dict) -> Timeline:
    node = c.section(raw, "tijdlijn")
    soorten = node.get("soorten")
    if not isinstance(soorten, dict) or sorted(soorten) != sorted(KINDS):
        raise c.r.fail("tijdlijn", "soorten", f"hier horen precies de soorten "
                       f"{', '.join(KINDS)}, elk met een korte uitleg.")
    labels = {k: c.text(soorten, "tijdlijn, soorten", k, TITLE_MAX) for k in KINDS}
    moments, wheres = [], []
    for k, m in enumerate(c.items(node, "tijdlijn", "momenten", MOMENTS_MIN, MOMENTS_MAX),
                          start=1):
        where = f"tijdlijn, moment {k}"
        mid = c.ident(m, where)
        where = f"tijdlijn, moment {k} ({mid})"
        soort = c.text(m, where, "soort", LABEL_MAX)
        if soort not in KINDS:
            raise c.r.fail(where, "soort", f"'{_shown(soort)}' kan niet; kies uit "
                           f"{', '.join(KINDS)}.")
        moments.append(Moment(id=mid, wanneer=c.text(m, where, "wanneer", LABEL_MAX),
                              titel=c.text(m, where, "titel", TITLE_MAX),
                              tekst=c.text(m, where, "tekst", TEXT_MAX), soort=soort))
        wheres.append(where)
    c.unique([m.id for m in moments], wheres)
    return Timeline(
        titel=c.text(node, "tijdlijn", "titel", TITLE_MAX),
        uitleg=c.text(node, "tijdlijn", "uitleg", INTRO_MAX),
        bron=c.text(node, "tijdlijn", "bron", INTRO_MAX),
        soorten=labels,
        momenten=tuple(moments),
        vragen=c.questions(node, "tijdlijn", "vragen", "vraag", 1, 5),
    )


def _promises(c: _Checks, raw: dict) -> Promises:
    node = c.section(raw, "beloften")
    themes, wheres = [], []
    for k, t in enumerate(c.items(node, "beloften", "themas", PROMISE_COUNT, PROMISE_COUNT),
                          start=1):
        where = f"beloften, thema {k}"
        tid = c.ident(t, where)
        where = f"beloften, thema {k} ({tid})"
        nummer = c.r.integer(t, where, "nummer")
        if nummer != k:
            raise c.r.fail(where, "nummer", f"verwacht {k}, gevonden {nummer}. De thema's "
                           "staan in de volgorde van de agenda.")
        kind_nummer = c.r.integer(t, where, "kind_nummer")
        if not 1 <= kind_nummer <= PROMISE_COUNT:
            raise c.r.fail(where, "kind_nummer", f"hier hoort een nummer van 1 tot en met "
                           f"{PROMISE_COUNT}, niet {kind_nummer}.")
        themes.append(Promise(id=tid, nummer=nummer, thema=c.text(t, where, "thema", LINE_MAX),
                              kind=c.text(t, where, "kind", LINE_MAX), kind_nummer=kind_nummer))
        wheres.append(where)
    c.unique([t.id for t in themes], wheres)
    seen: dict[int, str] = {}
    for t, where in zip(themes, wheres):
        if t.kind_nummer in seen:
            raise c.r.fail(where, "kind_nummer", f"nummer {t.kind_nummer} staat ook al bij "
                           f"'{seen[t.kind_nummer]}'; elke zin vanuit het kind hoort bij "
                           "precies één thema.")
        seen[t.kind_nummer] = t.id
    roles = []
    nodes = c.items(node, "beloften", "rollen", len(ROLE_KEYS), len(ROLE_KEYS))
    for k, (n, (rid, label)) in enumerate(zip(nodes, ROLE_KEYS), start=1):
        where = f"beloften, rol {k}"
        found = c.ident(n, where)
        if found != rid:
            raise c.r.fail(where, "id", f"verwacht '{rid}', gevonden '{found}'. De rollen "
                           f"staan in een vaste volgorde: {', '.join(ROLE_IDS)}.")
        roles.append(Role(id=rid, label=c.text(n, f"{where} ({rid})", "label", LABEL_MAX)))
    return Promises(
        uitleg=c.text(node, "beloften", "uitleg", INTRO_MAX),
        bron=c.text(node, "beloften", "bron", INTRO_MAX),
        themas=tuple(themes),
        rollen=tuple(roles),
    )


def _flags(c: _Checks, raw: dict) -> Flags:
    node = c.section(raw, "vlaggen")
    flags = []
    nodes = c.items(node, "vlaggen", "lijst", len(FLAG_IDS), len(FLAG_IDS))
    for k, (n, fid) in enumerate(zip(nodes, FLAG_IDS), start=1):
        where = f"vlaggen, vlag {k}"
        found = c.ident(n, where)
        if found != fid:
            raise c.r.fail(where, "id", f"verwacht '{fid}', gevonden '{found}'. De vier "
                           f"vlaggen staan in een vaste volgorde: {', '.join(FLAG_IDS)}.")
        where = f"{where} ({fid})"
        flags.append(Flag(id=fid, titel=c.text(n, where, "titel", LABEL_MAX),
                          kleur=c.text(n, where, "kleur", LABEL_MAX),
                          vraag=c.text(n, where, "vraag", LINE_MAX)))
    return Flags(
        uitleg=c.text(node, "vlaggen", "uitleg", INTRO_MAX),
        bron=c.text(node, "vlaggen", "bron", INTRO_MAX),
        lijst=tuple(flags),
    )


def _practices(c: _Checks, raw: dict, guideline_ids: tuple[str, ...]) -> Practices:
    node = c.section(raw, "praktijken")
    sources, swheres = [], []
    for k, s in enumerate(c.items(node, "praktijken", "bronnen", 1, 10), start=1):
        where = f"praktijken, bron {k}"
        sources.append(Source(id=c.ident(s, where), titel=c.text(s, where, "titel", LINE_MAX)))
        swheres.append(where)
    c.unique([s.id for s in sources], swheres)
    titles = {s.id: s.titel for s in sources}
    known = set(guideline_ids)
    cards, wheres = [], []
    for k, p in enumerate(c.items(node, "praktijken", "kaarten", PRACTICES_MIN, PRACTICES_MAX),
                          start=1):
        where = f"praktijken, voorbeeld {k}"
        pid = c.ident(p, where)
        where = f"praktijken, voorbeeld {k} ({pid})"
        bron_id = c.text(p, where, "bron", LABEL_MAX)
        if bron_id not in titles:
            raise c.r.fail(where, "bron", f"'{_shown(bron_id)}' staat niet bij de bronnen; "
                           f"kies uit {', '.join(titles)}.")
        handvatten = c.r.texts(p, where, "handvatten")
        for h in handvatten:
            if h not in known:
                raise c.r.fail(where, "handvatten", f"het handvat '{_shown(h)}' bestaat niet "
                               "in de handreiking. Gebruik een id uit pijlers.yaml, zoals "
                               f"'{guideline_ids[0] if guideline_ids else 'allerliefst_thuis.1'}'.")
        if len(set(handvatten)) != len(handvatten):
            raise c.r.fail(where, "handvatten", "een handvat staat er twee keer.")
        cards.append(Practice(id=pid, naam=c.text(p, where, "naam", TITLE_MAX),
                              regio=c.text(p, where, "regio", TITLE_MAX),
                              wat=c.text(p, where, "wat", TEXT_MAX),
                              handvatten=tuple(handvatten), bron=titles[bron_id],
                              bron_id=bron_id))
        wheres.append(where)
    c.unique([p.id for p in cards], wheres)
    return Practices(uitleg=c.text(node, "praktijken", "uitleg", INTRO_MAX),
                     bronnen=tuple(sources), kaarten=tuple(cards))


def _wall(c: _Checks, raw: dict) -> Wall:
    node = c.section(raw, "muur")
    return Wall(
        uitleg=c.text(node, "muur", "uitleg", INTRO_MAX),
        vragen=c.questions(node, "muur", "vragen", "vraag", WALL_QUESTIONS_MIN,
                           WALL_QUESTIONS_MAX),
        uitleg_stemmen=c.text(node, "muur", "uitleg_stemmen", INTRO_MAX),
    )


def parse_groupwork(raw: Any, path: Path, guideline_ids: tuple[str, ...]) -> Groupwork:
    """Turn the parsed YAML into Groupwork, or raise ContentError naming the fault.

    `guideline_ids` are the ids of the guide's guidelines (handvatten) the practice
    cards may link to.
    """
    r = Reader(path)
    if not isinstance(raw, dict):
        raise r.fail("het begin", "(hele bestand)", "het bestand bevat geen gegevens.")
    versie = r.integer(raw, "het begin", "versie")
    if versie != VERSION:
        raise r.fail("het begin", "versie", f"deze leeromgeving kent alleen versie {VERSION}, "
                     f"niet {versie}.")
    c = _Checks(r)
    return Groupwork(
        versie=versie,
        tijdlijn=_timeline(c, raw),
        beloften=_promises(c, raw),
        vlaggen=_flags(c, raw),
        praktijken=_practices(c, raw, tuple(guideline_ids)),
        muur=_wall(c, raw),
        guideline_ids=tuple(guideline_ids),
    )


def load_groupwork(path: Path | str | None = None) -> Groupwork:
    """Read and validate groepswerk.yaml against the guide (cached for the default file)."""
    if path is None:
        return _default_groupwork()
    return _load(Path(path))


@lru_cache(maxsize=1)
def _default_groupwork() -> Groupwork:
    return _load(data_dir() / "content" / "groepswerk.yaml")


def _load(path: Path) -> Groupwork:
    from .content import load_guide

    guide = load_guide()
    ids = tuple(h.id for p in guide.pijlers for h in p.handvatten)
    return parse_groupwork(read_yaml(path), path, ids)
