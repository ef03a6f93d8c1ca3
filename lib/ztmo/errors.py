"""Errors with Dutch messages, meant to be shown to people (never a traceback)."""

from __future__ import annotations


class ZtmoError(Exception):
    """Base class: the message is Dutch, complete and safe to show a participant."""

    title = "Er ging iets mis"


class ContentError(ZtmoError):
    """A content file (data/content/*.yaml) is missing or does not follow the rules."""

    title = "De inhoud kon niet worden geladen"


class DataFileError(ZtmoError):
    """A data file is missing or broken; the message names file, row and column."""

    title = "Een gegevensbestand is niet in orde"


class UnknownRegion(ZtmoError):
    """A region name or code that is not one of the 42 youth-care regions."""

    title = "Deze regio kennen we niet"

    def __init__(self, given: str, suggestions: list[str] | tuple[str, ...] = ()):
        self.given = given
        self.suggestions = list(suggestions)
        if self.suggestions:
            hint = "Bedoel je misschien: " + ", ".join(self.suggestions) + "?"
        else:
            hint = "Kies een van de 42 jeugdregio's uit de lijst."
        super().__init__(f"De regio '{given}' kennen we niet. {hint}")
