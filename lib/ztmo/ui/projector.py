"""The projector view (notebooks/beamer.ipynb?sessie=CODE): what the whole room may see.

Made for 1920×1080 and 1280×720 read from a distance: the join code very large, a QR
code that a phone camera reads, the short address, the number of participants, and
the current activity's results, large. It needs no trainer key and shows nothing a
participant may not see: never the key, never a hidden answer, never results the
trainer has not revealed (the views are gated, see `group._View`).
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlencode, urlparse

import ipywidgets as w

from ..activities import WHAT_IS_HOME
from ..content import Guide, load_guide
from ..errors import SessionClosed, ZtmoError
from ..params import Params
from ..presenter import LABELS, pace
from .base import app_root, error_box, esc, html_block, launch
from .group import GroupRatings, Wall, WordCloud
from .session import Live, shared_store

JOIN_PATH = "voila/render/notebooks/index.ipynb"
ADDRESS = "adres"  # session state: the address participants use (set on the control panel)
PROJECTOR_POLL = 0.5  # s: the projector looks for new answers twice a second (one kernel)

PROJECTOR_CSS = """
#rendered_cells { max-width: none !important; padding: 0.5rem 1.5rem !important; }
.ztmo-app.ztmo-projector { max-width: none; font-size: clamp(18px, 1.6vw, 34px); }
.ztmo-projector-grid { display: grid; grid-template-columns: minmax(18rem, 30%) 1fr; gap: 2.5rem;
  align-items: start; }
.ztmo-projector .ztmo-join-box { text-align: center; }
.ztmo-projector .ztmo-session-code { font-size: min(3.6em, 4.6vw); font-weight: bold;
  letter-spacing: 0.1em; line-height: 1.1; white-space: nowrap; }
.ztmo-projector .ztmo-join-short { font-size: 1.6em; font-weight: bold; overflow-wrap: break-word; }
.ztmo-projector .ztmo-qr { background: #fff; padding: 0; margin: 0.2em auto; width: min(38vh, 100%);
  overflow: visible; }
.ztmo-projector .ztmo-join-title { font-size: 1.4em; font-weight: bold; margin: 0; }
.ztmo-projector .ztmo-join-box p { margin: 0.2em 0; }
.ztmo-projector .ztmo-qr svg { display: block; width: 100%; height: auto; max-width: none; }
.ztmo-projector .ztmo-participant-count { font-size: 1.6em; }
.ztmo-projector h2 { font-size: 1.7em; }
.ztmo-projector .ztmo-summary-table { font-size: 1em; }
.ztmo-projector .ztmo-words { font-size: 1.4em; }
.ztmo-projector .ztmo-cloud svg { max-height: 62vh; }
.ztmo-projector .ztmo-wall-item { font-size: 1.05em; }
.ztmo-projector .ztmo-chart svg { width: 100%; max-width: 64rem; height: auto; }
.ztmo-projector .ztmo-hidden-results { font-size: 1.3em; color: #4a5763; }
@media (max-width: 900px) { .ztmo-projector-grid { grid-template-columns: 1fr; } }
"""


def lan_address() -> str:
    """This machine's address in the local network (what phones on the same wifi use)."""
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            ip = info[4][0]
            if not ip.startswith("127."):
                return ip
    except OSError:
        pass
    return ""


def default_base_url(env: dict[str, str] | None = None) -> str:
    """Where participants reach this server: $ZTMO_BASE_URL; else, when the server listens
    on the network, this machine's network address; else the address the trainer's own
    browser used (Voila tells the kernel)."""
    env = os.environ if env is None else env
    if env.get("ZTMO_BASE_URL"):
        return env["ZTMO_BASE_URL"].rstrip("/")
    host, port = env.get("SERVER_NAME", ""), env.get("SERVER_PORT", "")
    if env.get("ZTMO_HOST", "") in ("0.0.0.0", "::") and host in ("127.0.0.1", "localhost", ""):
        host = lan_address() or host
    if host:
        return f"http://{host}:{port}" if port else f"http://{host}"
    return "http://127.0.0.1:8866"


def join_url(base: str, code: str) -> str:
    return f"{base.rstrip('/')}/{JOIN_PATH}?{urlencode({'sessie': code})}"


def short_address(base: str) -> str:
    """What people type: the host and port (the server sends them on to the start page)."""
    parsed = urlparse(base)
    return (parsed.netloc or base) + (parsed.path.rstrip("/") if parsed.path not in ("", "/")
                                      else "")


def qr_svg(text: str) -> str:
    """A QR code as inline SVG that scales with its box (viewBox, no fixed size), black on
    white with the standard quiet zone, so a camera or decoder finds it at any size."""
    import segno

    return segno.make(text, error="m").svg_inline(scale=1, border=4, omitsize=True,
                                                  dark="#000000", light="#ffffff")


def invite_html(base: str, code: str) -> str:
    """Scan the code, or type the short address and the join code: all on one screen."""
    url = join_url(base, code)
    return (
        '<div class="ztmo-join-box"><p class="ztmo-join-title">Doe mee</p>'
        f'<div class="ztmo-qr" role="img" aria-label="QR-code om mee te doen">{qr_svg(url)}</div>'
        f'<p>of ga naar <span class="ztmo-join-short">'
        f'{esc(short_address(base)).replace("/", "<wbr>/")}</span> met '
        f'de code</p><p class="ztmo-session-code">{esc(code)}</p></div>'
    )


class Projector:
    def __init__(self, guide: Guide, params: Params):
        self.guide = guide
        self.live: Live | None = None
        self.notices = w.VBox([])
        self.body = w.VBox([], layout=w.Layout(width="100%"))
        self.root = app_root([html_block(f"<style>{PROJECTOR_CSS}</style>"), self.notices,
                              self.body], "ztmo-projector")
        self.set_params(params)

    def set_params(self, params: Params) -> None:
        if self.live:
            self.live.stop()
            self.live = None
        self.body.children = ()
        if not params.sessie:
            self.notices.children = (error_box(ZtmoError(
                "Dit is het beamerscherm van een groepssessie. Open het vanaf het scherm van de "
                "trainer, met de knop 'Beamerscherm openen'.")),)
            return
        store = shared_store()
        try:
            session = store.get_session(params.sessie)
            if session.closed_at is not None:
                raise SessionClosed(session.code)
        except ZtmoError as exc:
            self.notices.children = (error_box(exc),)
            return
        self.notices.children = ()
        self.code = session.code
        self.invite = html_block("", "ztmo-invite")
        self.count = html_block("", "ztmo-participant-count")
        self.title = html_block("", "ztmo-projector-title")
        self.stage = w.VBox([], layout=w.Layout(width="100%"))
        self.stage.add_class("ztmo-projector-stage")
        self.views = self._views()
        left = w.VBox([self.invite, self.count])
        right = w.VBox([html_block(f"<h2>{esc(session.name)}</h2>"), self.title, self.stage])
        grid = w.GridBox([left, right], layout=w.Layout(width="100%"))
        grid.add_class("ztmo-projector-grid")
        self.body.children = (grid,)
        self._address = None
        self.live = Live(store, session.code, interval=PROJECTOR_POLL)
        self.live.add(self.refresh)
        self.live.start()

    def _views(self) -> dict[str, list]:
        from ..preferences import load_scan
        from .learning import PreferenceGroupView
        from .pillar import discussion_activity

        views: dict[str, list] = {"start": [WordCloud(WHAT_IS_HOME, large=True)]}
        for p in self.guide.pijlers:
            talk = Wall({discussion_activity(p.id, q.id): q.tekst
                         for q in self.guide.groepsopdracht.vragen}, "Nog geen aantekeningen.")
            views[f"pijler{p.nummer}"] = [GroupRatings(self.guide, p, large=True), talk]
        views["groep"] = views["scan"] = [PreferenceGroupView(load_scan())]
        views.update(group_activity_boards(gated=True))
        return views

    def _title(self, step: str) -> str:
        if step.startswith("pijler"):
            p = self.guide.pillar(int(step[-1]))
            return f"Pijler {p.nummer}: {p.titel}"
        return LABELS[step]

    def refresh(self, snap) -> None:
        if snap.closed:
            self.notices.children = (error_box(SessionClosed(snap.code)),)
        base = snap.state.get(ADDRESS) or default_base_url()
        if base != self._address:
            self._address = base
            self.invite.value = invite_html(base, snap.code)
        n = snap.count
        self.count.value = f"<p><strong>{n}</strong> {'deelnemer' if n == 1 else 'deelnemers'}</p>"
        step = pace(snap.state).step
        self.title.value = f'<p class="ztmo-kicker">Nu</p><h2>{esc(self._title(step))}</h2>'
        views = self.views.get(step, [])
        for view in views:
            view.refresh(snap)
        if views:
            widgets = tuple(v.widget for v in views)
        else:
            widgets = (html_block(_other_step_html(step, snap)),)
        if tuple(self.stage.children) != widgets:
            self.stage.children = widgets


def group_activity_boards(gated: bool) -> dict[str, list]:
    """The boards of the group activities by step, large (projector, trainer's screen)."""
    from . import groupwork
    from .ideawall import WallBoard

    boards = {"muur": [WallBoard(gated=gated, large=True)]}
    boards.update({step: [board(gated=gated, large=True)]
                   for step, board in groupwork.BOARDS.items()})
    return boards


def _other_step_html(step: str, snap) -> str:
    if step == "duo":
        from .learning import duo_groups

        groups, _ = duo_groups(snap)
        return (f"<p>{len(groups)} duo's gevormd. Kijk op je telefoon wie je "
                "gesprekspartner is, en zoek elkaar op.</p>")
    return "<p>Kijk op je eigen scherm.</p>"


def projector_page(sessie: str = "") -> w.Widget:
    """The projector view; opened with ?sessie=CODE, never with a key."""
    return launch(lambda p: Projector(load_guide(), p), ("", sessie, ""), "beamerscherm")
