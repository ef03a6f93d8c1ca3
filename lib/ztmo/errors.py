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


# --- Group sessions (ztmo.store) -------------------------------------------------------


class UnknownSession(ZtmoError):
    """No session with this join code (never made, mistyped, or deleted)."""

    title = "Deze sessie kennen we niet"

    def __init__(self, code: str = ""):
        self.code = code
        # Only echo a code that looks like one: the message may end up on a web page.
        readable = code.isascii() and code.isalnum() and len(code) <= 12
        shown = f" met de code {code}" if readable else ""
        super().__init__(
            f"We vinden geen sessie{shown}. Kijk of je de code goed hebt overgenomen, "
            "of vraag de trainer om de juiste code."
        )


class SessionClosed(ZtmoError):
    """The trainer has closed the session: nobody can join or answer any more."""

    title = "Deze sessie is gesloten"

    def __init__(self, code: str = ""):
        self.code = code
        super().__init__(
            "De trainer heeft deze sessie gesloten. Je kunt niet meer meedoen of antwoorden. "
            "Wat je eerder hebt ingevuld, is bewaard."
        )


class UnknownParticipant(ZtmoError):
    """The participant token does not belong to this session (old or copied link)."""

    title = "We herkennen je niet in deze sessie"

    def __init__(self, message: str | None = None):
        super().__init__(
            message or "Je link hoort niet bij deze sessie. Ga terug naar de startpagina "
            "en doe opnieuw mee met de code van de trainer."
        )


class WrongTrainerKey(ZtmoError):
    """The trainer key is wrong; nothing has been changed."""

    title = "Deze sleutel klopt niet"

    def __init__(self, message: str | None = None):
        super().__init__(
            message or "De sleutel van de trainer klopt niet, dus er is niets veranderd. "
            "Kijk of je de sleutel goed hebt overgenomen."
        )


class InvalidAnswer(ZtmoError):
    """An answer that cannot be saved (empty, too long, unknown activity); says what to do."""

    title = "Dit antwoord kunnen we niet bewaren"


class InvalidNickname(InvalidAnswer):
    """A nickname that is too long or contains characters we cannot store."""

    title = "Deze bijnaam kunnen we niet gebruiken"


class StoreUnavailable(ZtmoError):
    """The database cannot be reached or opened; details go to the server log only."""

    title = "Opslaan lukt nu even niet"

    def __init__(self, message: str | None = None):
        super().__init__(
            message or "We kunnen de antwoorden nu niet bewaren of ophalen: de opslag is "
            "niet bereikbaar. Wat al bewaard was, gaat niet verloren. Probeer het zo nog "
            "eens, of vraag de trainer om hulp."
        )


# --- Learning-preference scan and duos (ztmo.scan) ---------------------------------------


def _dutch_list(parts: list[str]) -> str:
    """'3', '3 en 7', '2, 3 en 7': how a Dutch sentence lists things."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " en " + parts[-1]


class IncompleteScan(ZtmoError):
    """Not every situation of the scan has an answer yet; names them by their number."""

    title = "De scan is nog niet af"

    def __init__(self, missing: list[int] | tuple[int, ...] = ()):
        self.missing = tuple(missing)
        which = _dutch_list([str(n) for n in self.missing])
        lead = f"Je hebt situatie {which} nog niet ingevuld." if which else "De scan is nog niet af."
        super().__init__(
            f"{lead} Kies bij elke situatie in elk geval wat je als eerste zou doen."
        )


class InvalidScan(ZtmoError):
    """Scan answers that cannot be right (unknown or repeated choice); never a full echo."""

    title = "Deze antwoorden kloppen niet"


class PairingError(ZtmoError):
    """Duos cannot be made yet, for instance because fewer than two people take part."""

    title = "Duo's maken lukt nog niet"

    def __init__(self, message: str | None = None):
        super().__init__(
            message or "Er zijn nog te weinig deelnemers om duo's te maken. Er zijn minstens "
            "twee mensen nodig; wacht tot er meer mensen meedoen en probeer het dan opnieuw."
        )
