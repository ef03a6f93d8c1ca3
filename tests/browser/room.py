"""A full room's answers, written straight into the store: realistic texts of realistic
lengths for every activity of every step, so screens can be checked as a room fills them.

Plain helpers (no pytest): the screen rehearsal test and scripts/screens.py use them.
"""

from __future__ import annotations

import random

from ztmo import activities, presenter
from ztmo.activities import CHOICE, RANKING, RATING, TEXT, VOTES, registry

PHRASES = [
    "samen eten aan tafel", "een eigen bed en een kast voor mijn spullen", "veilig",
    "mensen die je kent en die blijven", "rust in huis", "mijn broertje en de hond",
    "een plek waar je gewoon jezelf mag zijn, ook als het even niet goed gaat",
    "dat iemand vraagt hoe je dag was", "warmte", "vrienden in de buurt",
    "school om de hoek, zodat ik niet elke dag een uur in de taxi zit",
    "opa en oma op zondag", "de geur van soep", "niet steeds verhuizen",
    "Betrek het netwerk van het gezin al bij de eerste melding, niet pas als het misgaat.",
    "Eén plan met het gezin, en één regisseur die het overzicht houdt.",
    "Meer tijd om naast ouders te staan in plaats van te rapporteren.",
    "Vraag jongeren zelf wat ze nodig hebben en doe daar iets mee.",
    "Pleegzorg dichtbij school en sport, zodat een kind zijn leven houdt.",
    "Terug naar huis voorbereiden vanaf de eerste dag van de opname.",
    "Wijkteam en specialistische hulp samen aan tafel, met het gezin erbij.",
    "Een vast gezicht voor het gezin, ook als de hulp verandert van aanbieder.",
    "We durven vaker te wachten en mee te kijken in plaats van meteen uit huis te plaatsen.",
    "Ervaringsdeskundigen in elk overleg.",
    "Snelle hulp in crisis thuis, 's avonds en in het weekend.",
    "Minder wachtlijsten door samen te kijken welke hulp echt nodig is.",
]


# Some people write a lot: a whole story in one answer.
LONG = ("In onze regio hebben we vorig jaar een gezin begeleid waar het echt misging: de "
        "oudste dochter moest uit huis, en pas daarna kwam iedereen samen aan tafel. Als we "
        "toen meteen de oma, de school en het wijkteam hadden gevraagd, was ze misschien "
        "thuis gebleven. Dat wil ik de volgende keer anders doen, samen met jullie.")


def text_for(rng: random.Random, max_length: int, long_answers: bool = False) -> str:
    if long_answers and rng.random() < 0.12:
        return LONG[:max_length].strip()
    text = rng.choice(PHRASES)
    while rng.random() < 0.25 and len(text) < max_length - 80:
        text += " " + rng.choice(PHRASES)
    return text[:max_length].strip()


def value_for(act, rng: random.Random, long_answers: bool = False) -> str | None:
    if act.kind == TEXT:
        return text_for(rng, min(act.max_length, 400), long_answers)
    if act.kind == RATING:
        return rng.choice(["1", "2", "3", "3", "4", "4", "5", activities.UNKNOWN_RATING])
    if act.kind == CHOICE:
        return rng.choice(act.choices)
    if act.kind == RANKING:
        return ",".join(rng.sample(list(act.choices), k=min(act.ranks, len(act.choices))))
    return None  # VOTES: placed after the ideas exist (fill_votes)


def fill_room(store, code: str, people: int = 13, seed: int = 7,
              steps: tuple[str, ...] | None = None, long_answers: bool = False) -> list[str]:
    """``people`` participants answer everything in ``steps`` (all steps by default), the
    idea wall only for the wall that is open; their tokens in joining order."""
    rng = random.Random(seed)
    wall = presenter.wall_choice(store.state(code)).wall
    from ztmo import wall as wallmod

    tokens = [store.join(code, f"Deelnemer {i + 1}") for i in range(people)]
    for act in registry().values():
        if steps is not None and act.step not in steps:
            continue
        parsed = wallmod.parse_key(act.key)
        if parsed is not None and parsed[1] != wall:
            continue  # another wall's ideas or votes
        if act.kind == VOTES:
            continue
        for token in tokens:
            if parsed is not None and parsed[2] is not None and rng.random() < 0.55:
                continue  # not everyone writes three ideas
            if act.kind == TEXT and rng.random() < 0.15:
                continue  # and some leave a box empty
            value = value_for(act, rng, long_answers)
            if value is not None:
                store.save_answer(code, token, act.key, value)
    return tokens


def fill_votes(store, code: str, tokens: list[str], seed: int = 7) -> int:
    """Everyone places their dots on the open wall (after the trainer revealed it)."""
    from ztmo import wall as wallmod

    rng = random.Random(seed)
    wall = presenter.wall_choice(store.state(code)).wall
    snap = store.snapshot(code)
    ideas = [i.id for i in wallmod.ideas(snap, wall)]
    allowed = wallmod.budget(len(ideas))
    placed = 0
    for token in tokens:
        mine = rng.sample(ideas, k=min(allowed, len(ideas)))
        store.save_answer(code, token, wallmod.vote_key(wall), ",".join(mine) or "geen")
        placed += len(mine)
    return placed
