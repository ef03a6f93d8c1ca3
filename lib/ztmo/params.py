"""One place that decides a notebook's parameters.

Order: a value injected by Papermill (or typed in the parameters cell), else the
Voila URL query string (``?regio=...&sessie=...``), else the default. In a
preheated Voila kernel the query string only exists after the page is requested,
so we wait for it there (``ztmo.request.wait_for_request``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from .errors import UnknownRegion, ZtmoError

KEYS = ("regio", "sessie", "deelnemer", "sleutel", "stap")
MAX_LEN = 80
_CODE = re.compile(r"^[A-Za-z0-9-]{2,32}$")


@dataclass(frozen=True)
class Params:
    """Resolved parameters; ``errors`` holds Dutch problems to show, never raised."""

    regio: str = ""  # the canonical region name, or "" when none was asked for
    regio_code: str = ""
    sessie: str = ""
    deelnemer: str = ""
    sleutel: str = ""  # the trainer key: never carried along in links
    stap: str = ""  # the journey's current step (ztmo.activities.STEP_KEYS), "" = start
    errors: tuple[ZtmoError, ...] = field(default=())

    def link_query(self, stap: str = "") -> str:
        """The query string to carry along in links (empty values left out); ``stap`` names
        the journey step the link leads to."""
        pairs = [(k, v) for k, v in (("regio", self.regio_code), ("sessie", self.sessie),
                                     ("deelnemer", self.deelnemer), ("stap", stap)) if v]
        return ("?" + urlencode(pairs)) if pairs else ""


def in_preheated_kernel() -> bool:
    return os.environ.get("VOILA_PREHEAT", "False") == "True"


def in_voila() -> bool:
    """True in a kernel that Voila started for a page (preheated or not): Voila tells its
    kernels the server's address."""
    return in_preheated_kernel() or bool(os.environ.get("VOILA_SERVER_URL")
                                         or os.environ.get("VOILA_APP_PORT"))


def in_edition() -> bool:
    """True while `ztmo editie` executes a notebook for a static (HTML) edition.

    Apps then show plain HTML instead of widgets: a static page has no kernel.
    """
    return os.environ.get("ZTMO_EDITIE", "") == "1"


def query_string() -> str:
    """The Voila request's query string, or "" outside Voila (Papermill, Lab)."""
    if in_preheated_kernel():
        from .request import wait_for_request

        wait_for_request()
    return os.environ.get("QUERY_STRING", "")


def parse_query(qs: str) -> dict[str, str]:
    """The known keys from a query string; first value wins, lengths capped."""
    parsed = parse_qs(qs.lstrip("?"), keep_blank_values=False)
    return {k: parsed[k][0][:MAX_LEN] for k in KEYS if parsed.get(k)}


def resolve(regio: str | None = "", sessie: str | None = "", deelnemer: str | None = "",
            sleutel: str | None = "", stap: str | None = "", query: str | None = None) -> Params:
    """Combine injected values and the query string into checked Params.

    ``query`` is for tests; by default the real Voila query string is read.
    """
    from_url = parse_query(query_string() if query is None else query)
    given = {"regio": regio or "", "sessie": sessie or "", "deelnemer": deelnemer or "",
             "sleutel": sleutel or "", "stap": stap or ""}
    values = {k: (str(given[k]).strip() or from_url.get(k, "")).strip() for k in KEYS}

    errors: list[ZtmoError] = []
    name = code = ""
    if values["regio"]:
        from .regions import get_region

        try:
            region = get_region(values["regio"])
            name, code = region.name, region.code
        except UnknownRegion as exc:
            errors.append(exc)
    sessie = values["sessie"].upper()
    if sessie and not _CODE.match(sessie):
        errors.append(ZtmoError(
            "De sessiecode in de link klopt niet. Vraag de trainer om de juiste code."
        ))
        sessie = ""
    deelnemer = values["deelnemer"] if _CODE.match(values["deelnemer"]) else ""
    sleutel = values["sleutel"].upper() if _CODE.match(values["sleutel"]) else ""
    from .activities import STEP_KEYS

    stap = values["stap"] if values["stap"] in STEP_KEYS else ""
    return Params(regio=name, regio_code=code, sessie=sessie, deelnemer=deelnemer,
                  sleutel=sleutel, stap=stap, errors=tuple(errors))
