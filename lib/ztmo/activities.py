"""Every activity a participant can answer, registered once.

An activity has a key (what the store keeps), a kind (rating, text, choice, ranking),
its limits, a Dutch label, and the journey step it belongs to. The store's validation,
the trainer's moderation and export, the group views and the journey all derive from
this registry; no other module retypes a key.

The registry is built from the content files (guidelines, scan situations), so a
guideline added to ``pijlers.yaml`` has its activities at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .errors import InvalidAnswer

RATING, TEXT, CHOICE, RANKING = "rating", "text", "choice", "ranking"
VOTES = "votes"  # dot voting on an idea wall: idea ids ("7.2"), see ztmo.wall
NO_VOTES = "geen"  # a VOTES answer that takes every vote back
UNKNOWN_RATING = "?"  # "weet ik niet": an answer, but not a score
UNKNOWN_RATING_WORDS = "weet ik niet"  # how it is said in an export
MAX_TEXT = 500
MAX_WORDS_ANSWER = 200

# The steps of a participant's journey, in order (the key is also the address's `stap`).
STEPS: tuple[tuple[str, str], ...] = (
    ("start", "Start"),
    ("pijler1", "Pijler 1"),
    ("pijler2", "Pijler 2"),
    ("pijler3", "Pijler 3"),
    ("muur", "Ideeënmuur"),
    ("tijdlijn", "Tijdlijn"),
    ("praktijk", "Goede voorbeelden"),
    ("scan", "Leervoorkeuren-scan"),
    ("duo", "Duogesprek"),
    ("groep", "Leerprofiel van de groep"),
    ("beloften", "Tien beloften"),
    ("regio", "Cijfers van je regio"),
    ("vlaggen", "Vier vlaggen"),
)
STEP_KEYS = tuple(k for k, _ in STEPS)

WHAT_IS_HOME = "wat_is_thuis"
FIRST_PREFERENCE = "leervoorkeur:eerste"
SECOND_PREFERENCE = "leervoorkeur:tweede"
DUO_INSIGHT = "duo:inzicht"
DUO_JOINED = "duo:meedoen"  # "ja": this participant opened the duo talk, so wants a partner
ROLE = "belofte:rol"  # from which role someone looks at the ten promises
DOTS = "belofte:stippen"  # the promises their region keeps least (at most DOT_COUNT)
DOT_COUNT = 3
PRACTICE_CHOICE = "praktijk:keuze"  # the good practice this person would visit
NO_GUIDELINE = "geen"  # a turning point marked without a handvat that could have helped
NOT_TURNING = "nee"  # a moment first marked, then unmarked: not a turning point after all
FLAG_LENGTH = 140
OWN_WALL = "eigen"  # the idea wall with the trainer's own question


@dataclass(frozen=True)
class Activity:
    key: str
    kind: str
    label: str  # Dutch, for the trainer's moderation list and the export
    step: str  # one of STEP_KEYS
    max_length: int = MAX_TEXT
    choices: tuple[str, ...] = ()  # CHOICE: allowed values; RANKING: option ids
    ranks: int = 2  # RANKING: how many options are ranked at most

    @property
    def free_text(self) -> bool:
        """Typed by a participant: moderated, escaped, never trusted."""
        return self.kind == TEXT

    def check(self, value: object) -> str:
        """The value as it is stored (text), or a Dutch InvalidAnswer."""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise InvalidAnswer("Dit antwoord kunnen we niet bewaren. Vul het opnieuw in.")
        text = str(value).strip()
        if not text:
            raise InvalidAnswer("Je antwoord is nog leeg. Vul eerst iets in.")
        if self.kind == RATING:
            if text not in ("1", "2", "3", "4", "5", UNKNOWN_RATING):
                raise InvalidAnswer("Kies een getal van 1 tot en met 5, of 'weet ik niet'.")
        elif self.kind == CHOICE:
            if text not in self.choices:
                raise InvalidAnswer("Deze keuze kennen we niet. Laad de pagina opnieuw.")
        elif self.kind == VOTES:
            from .wall import IDEA_ID_RE, MAX_VOTES

            parts = [] if text == NO_VOTES else text.split(",")
            if (len(parts) > MAX_VOTES or len(set(parts)) != len(parts)
                    or not all(IDEA_ID_RE.fullmatch(p) for p in parts)):
                raise InvalidAnswer("Deze stemmen kunnen we niet bewaren. Laad de pagina "
                                    "opnieuw en stem nog een keer.")
        elif self.kind == RANKING:
            parts = text.split(",")
            if (len(parts) > self.ranks or len(set(parts)) != len(parts)
                    or any(p not in self.choices for p in parts)):
                raise InvalidAnswer("Deze keuze kennen we niet. Laad de pagina opnieuw.")
        elif len(text) > self.max_length:
            raise InvalidAnswer(
                f"Je antwoord is te lang: het mag maximaal {self.max_length} tekens zijn "
                f"(nu {len(text)}). Maak het wat korter."
            )
        return text


def rating_key(guideline_id: str) -> str:
    return f"beoordeling:{guideline_id}"


def reflection_key(guideline_id: str) -> str:
    return f"reflectie:{guideline_id}"


def discussion_key(pillar_id: str, question_id: str) -> str:
    return f"gesprek:{pillar_id}:{question_id}"


def scan_key(item_id: str) -> str:
    return f"scan:{item_id}"


def moment_key(moment_id: str) -> str:
    return f"tijdlijn:{moment_id}"


def flag_key(flag_id: str) -> str:
    return f"vlag:{flag_id}"


def pillar_wall(pillar_number: int, question_id: str) -> str:
    """The idea wall of a pillar's group task question, e.g. "p1-lukt-al"."""
    return f"p{pillar_number}-{question_id.replace('_', '-')}"


def walls() -> dict[str, str]:
    """Every idea wall a session can open, by id, with its question (the trainer's own
    question is asked in the session; its text lives in the session state)."""
    from .content import load_guide
    from .groupwork import load_groupwork

    guide, work = load_guide(), load_groupwork()
    found = {pillar_wall(p.nummer, q.id): f"Pijler {p.nummer}, {p.titel}: {q.tekst}"
             for p in guide.pijlers for q in guide.groepsopdracht.vragen}
    found.update({q.id: q.tekst for q in work.muur.vragen})
    found[OWN_WALL] = "Eigen vraag van de trainer"
    return found


@lru_cache(maxsize=1)
def registry() -> dict[str, Activity]:
    """All activities by key, in the order a participant meets them."""
    from .content import load_guide
    from .preferences import load_scan
    from .scan import PREFERENCES

    guide, scan = load_guide(), load_scan()
    acts = [Activity(WHAT_IS_HOME, TEXT, "Wat is thuis?", "start", max_length=MAX_WORDS_ANSWER)]
    for p in guide.pijlers:
        step = f"pijler{p.nummer}"
        for h in p.handvatten:
            name = f"handvat {p.nummer}.{h.nummer} ({h.titel})"
            acts.append(Activity(rating_key(h.id), RATING, f"Beoordeling {name}", step))
            acts.append(Activity(reflection_key(h.id), TEXT, f"Gedachten bij {name}", step))
        for q in guide.groepsopdracht.vragen:
            acts.append(Activity(discussion_key(p.id, q.id), TEXT,
                                 f"Groepsgesprek pijler {p.nummer}: {q.tekst}", step))
    for n, item in enumerate(scan.items, start=1):
        acts.append(Activity(scan_key(item.id), RANKING, f"Scan, situatie {n}", "scan",
                             choices=tuple(o.id for o in item.options)))
    acts.append(Activity(FIRST_PREFERENCE, CHOICE, "Eerste leervoorkeur", "scan",
                         choices=tuple(PREFERENCES)))
    acts.append(Activity(SECOND_PREFERENCE, CHOICE, "Tweede leervoorkeur", "scan",
                         choices=tuple(PREFERENCES)))
    acts.append(Activity(DUO_JOINED, CHOICE, "Doet mee aan het duogesprek", "duo",
                         choices=("ja",)))
    acts.append(Activity(DUO_INSIGHT, TEXT, "Inzicht uit het duogesprek", "duo"))
    acts += _groupwork_activities(guide)
    return {a.key: a for a in acts}


def _groupwork_activities(guide) -> list[Activity]:
    from .groupwork import load_groupwork
    from .wall import MAX_IDEA_LENGTH, MAX_IDEAS_PER_PERSON, idea_key, vote_key

    work = load_groupwork()
    acts = []
    for wall_id, question in walls().items():
        short = question if len(question) <= 60 else question[:57].rstrip() + "..."
        for n in range(1, MAX_IDEAS_PER_PERSON + 1):
            acts.append(Activity(idea_key(wall_id, n), TEXT, f"Ideeënmuur ({short}), idee {n}",
                                 "muur", max_length=MAX_IDEA_LENGTH))
        acts.append(Activity(vote_key(wall_id), VOTES, f"Ideeënmuur ({short}), stemmen", "muur"))
    guidelines = tuple(h.id for p in guide.pijlers for h in p.handvatten) + (NO_GUIDELINE,
                                                                              NOT_TURNING)
    for m in work.tijdlijn.momenten:
        acts.append(Activity(moment_key(m.id), CHOICE, f"Tijdlijn, keerpunt: {m.wanneer}, "
                             f"{m.titel}", "tijdlijn", choices=guidelines))
    acts.append(Activity(PRACTICE_CHOICE, CHOICE, "Goed voorbeeld om van te leren", "praktijk",
                         choices=tuple(c.id for c in work.praktijken.kaarten)))
    acts.append(Activity(ROLE, CHOICE, "Tien beloften: kijkt als", "beloften",
                         choices=tuple(r.id for r in work.beloften.rollen)))
    acts.append(Activity(DOTS, RANKING, "Tien beloften: stippen", "beloften",
                         choices=tuple(t.id for t in work.beloften.themas), ranks=DOT_COUNT))
    for f in work.vlaggen.lijst:
        acts.append(Activity(flag_key(f.id), TEXT, f"Vier vlaggen: {f.titel}", "vlaggen",
                             max_length=FLAG_LENGTH))
    return acts


def get(key: object) -> Activity:
    """The registered activity, or a Dutch InvalidAnswer for a key nobody registered."""
    activity = registry().get(key) if isinstance(key, str) else None
    if activity is None:
        raise InvalidAnswer(
            "Dit antwoord hoort niet bij een bekende opdracht, dus we kunnen het niet bewaren. "
            "Laad de pagina opnieuw of vraag de trainer om hulp."
        )
    return activity


def label(key: str) -> str:
    """A readable name for any stored key (an old, unknown key is shown as it is)."""
    activity = registry().get(key)
    return activity.label if activity else key


def in_words(key: str, value: str) -> str:
    """A stored value as an export says it: a rating's "?" as "weet ik niet"."""
    activity = registry().get(key)
    if activity is not None and activity.kind == RATING and value == UNKNOWN_RATING:
        return UNKNOWN_RATING_WORDS
    return value


def in_step(step: str) -> list[Activity]:
    return [a for a in registry().values() if a.step == step]


def free_text_keys() -> frozenset[str]:
    return frozenset(k for k, a in registry().items() if a.free_text)
