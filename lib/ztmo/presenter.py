"""What the trainer decides for the room, kept as data in the session (pure rules here).

Presenter state lives in the store's session state like answers do, so every
participant's kernel and the projector follow it by polling; no kernel talks to
another. Three pieces:
- the pace: "samen" (everyone follows the trainer's current step) or "eigen" (everyone
  at their own pace), the current step, and a counter that says "move now";
- what is revealed: per step, whether the group's answers are shown on the
  participants' screens and the projector (opinion questions start hidden, so people
  answer before they see what others said);
- the run sheet: which steps this meeting uses, in order, with a suggested time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .activities import STEP_KEYS, STEPS

PACE = "tempo"
REVEALED = "zichtbaar"
RUN_SHEET = "draaiboek"
TOGETHER, OWN_PACE = "samen", "eigen"

# Steps whose group results are opinions: hidden until the trainer reveals them.
HIDDEN_UNTIL_REVEALED = frozenset({"start", "pijler1", "pijler2", "pijler3", "duo", "muur",
                                   "tijdlijn", "praktijk", "beloften", "vlaggen"})
# Suggested minutes per step, for a 2-3 hour learning-network meeting.
MINUTES = {"start": 10, "pijler1": 25, "pijler2": 25, "pijler3": 25, "scan": 15, "duo": 15,
           "groep": 10, "regio": 15, "muur": 20, "tijdlijn": 20, "praktijk": 10,
           "beloften": 15, "vlaggen": 15}
WHAT = {
    "start": "Welkom, meedoen met de code, en de vraag 'Wat is thuis?'",
    "pijler1": "Pijler 1, Het allerliefst thuis: vijf handvatten en het groepsgesprek",
    "pijler2": "Pijler 2, Dichtbij thuis: vijf handvatten en het groepsgesprek",
    "pijler3": "Pijler 3, Weer thuis: vijf handvatten en het groepsgesprek",
    "scan": "De scan: hoe leer jij het liefst?",
    "duo": "Duogesprek over leervoorkeuren",
    "groep": "Het leerprofiel van de groep",
    "regio": "Cijfers van de regio bespreken",
    "muur": "Ideeënmuur: ideeën delen en stemmen met stippen",
    "tijdlijn": "Tijdlijn van een verzonnen gezin: waar keerde het, en wat had geholpen?",
    "praktijk": "Goede voorbeelden: welke praktijk willen we bezoeken of van leren?",
    "beloften": "De tien beloften aan het kind: welke houdt onze regio het minst?",
    "vlaggen": "Afsluiting met vier vlaggen: moeten, kunnen, willen, durven",
}
LABELS = dict(STEPS)


@dataclass(frozen=True)
class Pace:
    mode: str = OWN_PACE
    step: str = "start"
    n: int = 0  # goes up on every "move now", so a kernel knows it has to follow


def _json(state: dict[str, str], key: str) -> object:
    try:
        return json.loads(state.get(key) or "null")
    except ValueError:
        return None


def pace(state: dict[str, str]) -> Pace:
    raw = _json(state, PACE)
    if not isinstance(raw, dict):
        return Pace()
    mode = raw.get("mode") if raw.get("mode") in (TOGETHER, OWN_PACE) else OWN_PACE
    step = raw.get("step") if raw.get("step") in STEP_KEYS else "start"
    n = raw.get("n") if isinstance(raw.get("n"), int) else 0
    return Pace(mode, step, n)


def pace_json(p: Pace) -> str:
    return json.dumps({"mode": p.mode, "step": p.step, "n": p.n})


def revealed(state: dict[str, str], step: str) -> bool:
    """Are the group's answers for this step shown to the room?"""
    raw = _json(state, REVEALED)
    if isinstance(raw, dict) and isinstance(raw.get(step), bool):
        return raw[step]
    return step not in HIDDEN_UNTIL_REVEALED


def with_revealed(state: dict[str, str], step: str, shown: bool) -> str:
    raw = _json(state, REVEALED)
    raw = raw if isinstance(raw, dict) else {}
    return json.dumps({**{k: v for k, v in raw.items() if k in STEP_KEYS}, step: bool(shown)})


@dataclass(frozen=True)
class SheetItem:
    step: str
    minutes: int
    what: str

    @property
    def label(self) -> str:
        return LABELS[self.step]


# The run sheet until the trainer chooses: about three hours. The other group activities
# (timeline, good practices, ten promises) are one tick away on the control panel.
DEFAULT_SHEET = ("start", "pijler1", "pijler2", "pijler3", "muur", "scan", "duo", "groep",
                 "regio", "vlaggen")


def run_sheet(state: dict[str, str]) -> list[SheetItem]:
    """The steps this meeting uses, in order (DEFAULT_SHEET when the trainer chose
    none)."""
    raw = _json(state, RUN_SHEET)
    steps = [s for s in raw if s in STEP_KEYS] if isinstance(raw, list) else []
    steps = list(dict.fromkeys(steps)) or list(DEFAULT_SHEET)
    return [SheetItem(s, MINUTES[s], WHAT[s]) for s in steps]


def next_step(sheet: list[SheetItem], current: str) -> str:
    """The step after ``current`` in the run sheet (the last one stays the last)."""
    steps = [i.step for i in sheet]
    if current not in steps:
        return steps[0]
    return steps[min(steps.index(current) + 1, len(steps) - 1)]


def total_minutes(sheet: list[SheetItem]) -> int:
    return sum(i.minutes for i in sheet)


def run_sheet_html(name: str, sheet: list[SheetItem]) -> str:
    """A printable run sheet (a page of its own, our house style, nothing from elsewhere)."""
    from .markup import esc

    rows, clock = [], 0
    for n, item in enumerate(sheet, start=1):
        rows.append(f"<tr><td>{n}</td><td>{clock}–{clock + item.minutes} min</td>"
                    f"<td><strong>{esc(item.label)}</strong><br>{esc(item.what)}</td>"
                    f"<td>{item.minutes} min</td></tr>")
        clock += item.minutes
    return (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
        f"<title>Draaiboek: {esc(name)}</title><style>"
        "body{font-family:'DejaVu Sans',Arial,sans-serif;color:#1f2a33;margin:2rem;}"
        "table{border-collapse:collapse;width:100%;}td,th{border-bottom:1px solid #c9d3da;"
        "padding:.5em;text-align:left;vertical-align:top;}</style></head><body>"
        f"<h1>Draaiboek: {esc(name)}</h1>"
        f"<p>{len(sheet)} onderdelen, samen ongeveer {total_minutes(sheet)} minuten. Reken er "
        "een pauze van een kwartier bij.</p>"
        "<table><thead><tr><th>#</th><th>Tijd</th><th>Onderdeel</th><th>Duur</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></body></html>"
    )


# -- writing (the trainer key is checked by the store) ------------------------------------

def set_pace(store, code: str, trainer_key: str, mode: str | None = None,
             step: str | None = None) -> Pace:
    """Change the pace and/or the current step; moving to a step bumps the counter."""
    store.check_trainer_key(code, trainer_key)
    result: list[Pace] = []

    def change(old: str | None) -> str:
        cur = pace({PACE: old or ""})
        new = Pace(mode if mode in (TOGETHER, OWN_PACE) else cur.mode,
                   step if step in STEP_KEYS else cur.step,
                   cur.n + (1 if step in STEP_KEYS or mode == TOGETHER else 0))
        result.append(new)
        return pace_json(new)

    store.update_state(code, PACE, change)
    return result[-1]


def set_revealed(store, code: str, trainer_key: str, step: str, shown: bool) -> None:
    """Show (or hide) a step's results; showing the idea wall opens its voting, which fixes
    the number of dots (`open_voting`)."""
    store.check_trainer_key(code, trainer_key)
    store.update_state(code, REVEALED, lambda old: with_revealed({REVEALED: old or ""}, step,
                                                                 shown))
    if step == WALL and shown:
        open_voting(store, code, wall_choice(store.state(code)).wall)


def set_page(store, code: str, trainer_key: str, step: str, page: int) -> None:
    """Turn the projector's slide of ``step`` to ``page`` (see `ztmo.paging`)."""
    from .paging import PAGE_KEY, with_page

    store.check_trainer_key(code, trainer_key)
    if step in STEP_KEYS:
        store.update_state(code, PAGE_KEY, lambda old: with_page(old, step, page))


def set_run_sheet(store, code: str, trainer_key: str, steps: list[str]) -> None:
    store.check_trainer_key(code, trainer_key)
    chosen = [s for s in STEP_KEYS if s in set(steps)]
    store.update_state(code, RUN_SHEET, lambda old: json.dumps(chosen))


# -- the idea wall ---------------------------------------------------------------------------

WALL = "muur"  # {"muur": wall id, "eigen": the trainer's own question}; also the step
# + wall id: {"samen": {idea: into idea}, "vast": idea or null, "stippen": dots} (ztmo.wall)
WALL_DECISIONS = "muur:"
OWN_QUESTION_MAX = 200


@dataclass(frozen=True)
class WallChoice:
    wall: str  # the wall the room works on now
    question: str  # its question, as shown
    merges: dict[str, str]
    pinned: str | None
    dots: int | None = None  # fixed when voting opened (None: from the number of ideas)


def wall_choice(state: dict[str, str]) -> WallChoice:
    """Which idea wall is open, with its question and the trainer's merges and pin."""
    from .activities import walls

    known = walls()
    raw = _json(state, WALL)
    raw = raw if isinstance(raw, dict) else {}
    wall = raw.get("muur") if raw.get("muur") in known else _default_wall()
    return wall_of(state, wall)


def wall_of(state: dict[str, str], wall: str) -> WallChoice:
    """One wall (open or not) with its question and the trainer's merges and pin."""
    from .activities import OWN_WALL, walls

    raw = _json(state, WALL)
    raw = raw if isinstance(raw, dict) else {}
    own = str(raw.get("eigen") or "").strip()[:OWN_QUESTION_MAX]
    question = ((own or "Wat wil je de groep meegeven?") if wall == OWN_WALL
                else walls().get(wall, wall))
    from .wall import decided

    found = decided(state, wall)
    return WallChoice(wall, question, found.merges, found.pinned, found.dots)


def _default_wall() -> str:
    """Until the trainer chooses: the first open question of the group-work content."""
    from .groupwork import load_groupwork

    return load_groupwork().muur.vragen[0].id


def set_wall(store, code: str, trainer_key: str, wall: str, own_question: str = "") -> None:
    from .activities import OWN_WALL, walls
    from .errors import ZtmoError

    store.check_trainer_key(code, trainer_key)
    if wall not in walls():
        raise ZtmoError("Deze ideeënmuur kennen we niet. Kies er een uit de lijst.")
    from .store.codes import clean_text

    own = " ".join(clean_text(str(own_question or "")).split())  # shown to the whole room
    if len(own) > OWN_QUESTION_MAX:
        raise ZtmoError(f"De eigen vraag mag maximaal {OWN_QUESTION_MAX} tekens zijn "
                        f"(nu {len(own)}). Maak hem wat korter.")
    if wall == OWN_WALL and not own:
        raise ZtmoError("Schrijf eerst de eigen vraag op.")

    def change(old: str | None) -> str:
        cur = _json({WALL: old or ""}, WALL)
        cur = cur if isinstance(cur, dict) else {}
        return json.dumps({"muur": wall, "eigen": own if wall == OWN_WALL else cur.get("eigen", "")})

    store.update_state(code, WALL, change)
    if revealed(store.state(code), WALL):  # voting is open already: on this wall too
        open_voting(store, code, wall)


def open_voting(store, code: str, wall: str, keep: bool = False) -> None:
    """Fix the dots each person has on this wall from the ideas there are now (none yet:
    not fixed). Opening again may raise the number (more ideas came), never lower it; with
    ``keep`` a number fixed before stays as it is. Merging or removing ideas later takes
    nobody's dot away."""
    from .wall import budget, decided, ideas

    snap = store.snapshot(code)
    n = len(ideas(snap, wall, decided(snap.state, wall).merges))
    if n == 0:
        return

    def change(old: str | None) -> str | None:
        cur = _json({"k": old or ""}, "k")
        cur = cur if isinstance(cur, dict) else {}
        fixed = decided({WALL_DECISIONS + wall: old or ""}, wall).dots
        if fixed is not None and keep:
            return None
        return json.dumps({**cur, "stippen": max(fixed or 0, budget(n))})

    store.update_state(code, WALL_DECISIONS + wall, change)


def _decide(store, code: str, trainer_key: str, wall: str, edit) -> None:
    store.check_trainer_key(code, trainer_key)

    def change(old: str | None) -> str:
        cur = _json({"k": old or ""}, "k")
        cur = cur if isinstance(cur, dict) else {}
        merges = dict(cur.get("samen") or {})
        pinned = cur.get("vast")
        merges, pinned = edit(merges, pinned)
        return json.dumps({**cur, "samen": merges, "vast": pinned})

    store.update_state(code, WALL_DECISIONS + wall, change)


def merge_ideas(store, code: str, trainer_key: str, wall: str, duplicate: str, into: str) -> None:
    """The trainer merges a duplicate idea into another (its votes move along)."""
    from .errors import ZtmoError
    from .wall import merge_ok

    def edit(merges, pinned):
        if not merge_ok(merges, duplicate, into):
            raise ZtmoError("Deze twee ideeën kunnen niet worden samengevoegd. Kies twee "
                            "verschillende ideeën.")
        merges[duplicate] = into
        return merges, (into if pinned == duplicate else pinned)

    store.check_trainer_key(code, trainer_key)
    if revealed(store.state(code), WALL):  # voting is open: fix the dots before the merge
        open_voting(store, code, wall, keep=True)
    _decide(store, code, trainer_key, wall, edit)


def unmerge_idea(store, code: str, trainer_key: str, wall: str, idea: str) -> None:
    _decide(store, code, trainer_key, wall,
            lambda merges, pinned: ({k: v for k, v in merges.items() if k != idea}, pinned))


def pin_idea(store, code: str, trainer_key: str, wall: str, idea: str | None) -> None:
    """Pin one idea on top of the wall (None: unpin)."""
    from .wall import is_idea_id

    _decide(store, code, trainer_key, wall,
            lambda merges, pinned: (merges, idea if idea and is_idea_id(idea) else None))
