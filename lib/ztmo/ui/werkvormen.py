"""The group activities from the sources, each as an app of its own (the notebooks in
notebooks/werkvormen/) and, in an edition, as a worksheet on paper.

In a session the same views run inside the participant's journey (`ztmo.ui.journey`),
on the projector and on the trainer's screen; see `ztmo.ui.ideawall` and
`ztmo.ui.groupwork`.
"""

from __future__ import annotations

from . import worksheets
from .base import launch


def muur_app(regio: str = "", sessie: str = "", deelnemer: str = ""):
    def make(p):
        from .ideawall import WallApp

        return WallApp(p)

    return launch(make, (regio, sessie, deelnemer), "ideeenmuur", static=worksheets.wall_sheet)


def tijdlijn_app(regio: str = "", sessie: str = "", deelnemer: str = ""):
    def make(p):
        from .groupwork import TimelineApp

        return TimelineApp(p)

    return launch(make, (regio, sessie, deelnemer), "tijdlijn", static=worksheets.timeline_sheet)


def praktijk_app(regio: str = "", sessie: str = "", deelnemer: str = ""):
    def make(p):
        from .groupwork import PracticeApp

        return PracticeApp(p)

    return launch(make, (regio, sessie, deelnemer), "goede voorbeelden",
                  static=worksheets.practice_sheet)


def beloften_app(regio: str = "", sessie: str = "", deelnemer: str = ""):
    def make(p):
        from .groupwork import PromisesApp

        return PromisesApp(p)

    return launch(make, (regio, sessie, deelnemer), "tien beloften",
                  static=worksheets.promises_sheet)


def vlaggen_app(regio: str = "", sessie: str = "", deelnemer: str = ""):
    def make(p):
        from .groupwork import FlagsApp

        return FlagsApp(p)

    return launch(make, (regio, sessie, deelnemer), "vier vlaggen", static=worksheets.flags_sheet)
