"""A trainer's account on a hosted server, as the control panel shows it.

On a server with trainer accounts (``ZTMO_ACCOUNTS=1``) the server tells the kernel who
signed in (`ztmo.serverauth`: a request header only the server sets, which Voila hands
over as ``HTTP_X_ZTMO_TRAINER``). The control panel then acts for that trainer: their
own sessions and networks open without a key, and what they make belongs to them.
Pure HTML helpers here; the widgets stay in `ui.trainer` and `ui.network`.
"""

from __future__ import annotations

import os
from datetime import date
from urllib.parse import urlencode

from ..hosting import deletion_day, flag, local_day, retention_months, session_budget
from ..markup import esc
from ..store.codes import is_code
from ..store.trainers import Owner
from ..texts import text

SIGN_OUT = "../../../afmelden"  # from voila/render/notebooks/<app> to the server's page
SIGN_IN = "../../../aanmelden"


def t(key: str, **values: object) -> str:
    return text("accounts", key, **values)


def accounts_on() -> bool:
    try:
        return flag(os.environ, "ZTMO_ACCOUNTS")
    except ValueError:
        return False


def signed_in() -> Owner | None:
    """The trainer this page's request was signed in as; None on a laptop (no accounts)."""
    if not accounts_on():
        return None
    trainer_id = os.environ.get("HTTP_X_ZTMO_TRAINER", "").strip()
    return Owner(trainer_id) if is_code(trainer_id) else None


def hosted_address() -> bool:
    """The server has a fixed public address: nothing for the trainer to set."""
    return bool(os.environ.get("ZTMO_BASE_URL", "").strip())


def months() -> int:
    try:
        return retention_months(os.environ)
    except ValueError:
        return 12


def _day(d: date) -> str:
    return d.strftime("%d-%m-%Y")


def deleted_on(created_at, meeting_date=None) -> date:
    return deletion_day(meeting_date or local_day(created_at), months())


def retention_html(created_at, meeting_date=None) -> str:
    return (f'<p class="ztmo-source ztmo-retention">'
            f"{esc(t('bewaren', datum=_day(deleted_on(created_at, meeting_date)), maanden=months()))}"
            "</p>")


def header_html(name: str) -> str:
    return (f'<p class="ztmo-account">{esc(t("aangemeld", naam=name))} · '
            f'<a class="ztmo-sign-out" href="{SIGN_OUT}">{esc(t("afmelden"))}</a></p>')


def not_signed_in_html() -> str:
    return (f'<p class="ztmo-notice">{esc(t("niet_aangemeld"))} '
            f'<a href="{SIGN_IN}">{esc(t("aanmelden_link"))}</a></p>')


def sessions_html(sessions) -> str:
    """The trainer's own sessions, newest first, each with a link to open it."""
    rows = []
    for s in sessions:
        state = t("eigen_sessies.gesloten") if s.closed_at else t("eigen_sessies.open")
        gone = t("eigen_sessies.weg_op", datum=_day(deleted_on(s.created_at, s.meeting_date)))
        link = "trainer.ipynb?" + urlencode({"sessie": s.code})
        held = _day(s.meeting_date or local_day(s.created_at))
        rows.append(f'<li><a class="ztmo-own-session" href="{esc(link)}">{esc(s.name)}</a> '
                    f"({esc(s.code)}, {held}, {esc(state)}; {esc(gone)})</li>")
    body = (f'<ul class="ztmo-own-sessions">{"".join(rows)}</ul>' if rows
            else f"<p>{esc(t('eigen_sessies.leeg'))}</p>")
    return f"<h2>{esc(t('eigen_sessies.titel'))}</h2>{body}"


def networks_html(networks) -> str:
    rows = [f'<li><a class="ztmo-own-network" href="{esc("netwerk.ipynb?" + urlencode({"netwerk": n.id}))}">'
            f"{esc(n.name)}</a> ({esc(n.id)})</li>" for n in networks]
    body = (f'<ul class="ztmo-own-networks">{"".join(rows)}</ul>' if rows
            else f"<p>{esc(t('eigen_netwerken.leeg'))}</p>")
    return f"<h2>{esc(t('eigen_netwerken.titel'))}</h2>{body}"


def expected_html(expected: int) -> str:
    return (f'<p class="ztmo-source ztmo-budget">'
            f"{esc(t('verwacht.uitleg', aantal=expected, budget=session_budget(expected)))}</p>")
