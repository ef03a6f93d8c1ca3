"""The projector view (notebooks/beamer.ipynb?sessie=CODE): what the whole room may see.

Made for one 16:9 screen read from a distance, at 1920×1080 and 1280×720 alike: it never
scrolls (``projector.css``; slides in `ui.slides`). At the start the join panel is large
(QR code, short address, code); during an activity it shrinks to a corner and the
results take the screen. After closing there is nothing to join. It needs no trainer key
and shows nothing a participant may not see: never the key, never a hidden answer, never
results the trainer has not revealed (the slides are gated, see `group._View`).
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlencode, urlparse

import ipywidgets as w

from ..content import Guide, load_guide
from ..errors import SessionClosed, ZtmoError
from ..params import Params
from ..presenter import LABELS, pace
from .base import app_root, error_box, esc, html_block, launch
from .session import Live, shared_store

JOIN_PATH = "voila/render/notebooks/index.ipynb"
ADDRESS = "adres"  # session state: the address participants use (set on the control panel)
PROJECTOR_POLL = 0.5  # s: the projector looks for new answers twice a second (one kernel)



def projector_css() -> str:
    """The projector's own style (ui/projector.css), read once per call site."""
    from pathlib import Path

    return (Path(__file__).with_name("projector.css")).read_text(encoding="utf-8")


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


def corner_html(base: str, code: str) -> str:
    """During an activity: a small QR code, the short address and the code, in a corner."""
    from ..texts import text

    url = join_url(base, code)
    short = esc(short_address(base)).replace("/", "<wbr>/")
    return (f'<div class="ztmo-beamer-corner"><div><p>{esc(text("beamer", "doe_mee"))}: '
            f'<span class="ztmo-join-short">{short}</span></p>'
            f'<p>{esc(text("beamer", "code"))} <span class="ztmo-session-code">{esc(code)}</span></p>'
            f'</div><div class="ztmo-qr" role="img" aria-label="QR-code om mee te doen">'
            f"{qr_svg(url)}</div></div>")


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
        self.root = app_root([html_block(f"<style>{projector_css()}</style>"), self.notices,
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
        from ..preferences import load_scan
        from .slides_more import slides

        self.notices.children = ()
        self.code = session.code
        self.name = session.name
        self.invite = html_block("", "ztmo-invite")
        self.corner = html_block("", "ztmo-corner")
        self.count = html_block("", "ztmo-participant-count")
        self.title = html_block("", "ztmo-projector-title")
        self.welcome_title = html_block("", "ztmo-projector-title")
        self.stage = w.VBox([], layout=w.Layout(width="100%"))
        self.stage.add_class("ztmo-projector-stage")
        self.slides = slides(self.guide, load_scan())
        head = w.HBox([self.title, self.corner])
        head.add_class("ztmo-beamer-head")
        self.activity = w.VBox([head, self.stage])
        self.activity.add_class("ztmo-beamer-activity")
        self.welcome = w.GridBox([w.VBox([self.invite, self.count]),
                                  w.VBox([self.welcome_title])])
        self.welcome.add_class("ztmo-beamer-welcome")
        self._address = None
        self._mode = ""
        self.live = Live(store, session.code, interval=PROJECTOR_POLL)
        self.live.add(self.refresh)
        self.live.start()

    def _title(self, step: str) -> str:
        if step.startswith("pijler"):
            p = self.guide.pillar(int(step[-1]))
            return f"Pijler {p.nummer}: {p.titel}"
        return LABELS[step]

    def refresh(self, snap) -> None:
        from ..texts import text

        step = pace(snap.state).step
        base = snap.state.get(ADDRESS) or default_base_url()
        if base != self._address:
            self._address = base
            self.invite.value = invite_html(base, snap.code)
        n = snap.count
        people = text("beamer", "deelnemers_een" if n == 1 else "deelnemers_meer")
        self.count.value = f'<p class="ztmo-beamer-count"><strong>{n}</strong> {esc(people)}</p>'
        # After closing there is nothing to join: no code, no QR code.
        self.corner.value = (f'<p class="ztmo-closed-note">{esc(text("beamer", "gesloten"))}</p>'
                             if snap.closed else corner_html(base, snap.code))
        heading = (f'<p class="ztmo-kicker">{esc(self.name)} · {n} {esc(people)}</p>'
                   f"<h2>{esc(self._title(step))}</h2>")
        self.title.value = heading
        self.welcome_title.value = (f'<p class="ztmo-kicker">{esc(text("beamer", "nu"))}</p>'
                                    f"<h2>{esc(self.name)}</h2>")
        slide = self.slides.get(step)
        if slide is not None:
            slide.refresh(snap)
        widgets = (slide.widget,) if slide is not None else ()
        if tuple(self.stage.children) != widgets:
            self.stage.children = widgets
        mode = "start" if step == "start" and not snap.closed else "activity"
        if mode != self._mode:
            self._mode = mode
            if mode == "start":
                self.welcome.children[1].children = (self.welcome_title, self.stage)
                self.body.children = (self.welcome,)
            else:
                self.activity.children = (self.activity.children[0], self.stage)
                self.body.children = (self.activity,)

    def pages(self, snap, step: str) -> int:
        slide = self.slides.get(step)
        return slide.pages(snap) if slide is not None else 1


def group_activity_boards(gated: bool) -> dict[str, list]:
    """The boards of the group activities by step, large (projector, trainer's screen)."""
    from . import groupwork
    from .ideawall import WallBoard

    boards = {"muur": [WallBoard(gated=gated, large=True)]}
    boards.update({step: [board(gated=gated, large=True)]
                   for step, board in groupwork.BOARDS.items()})
    return boards


def projector_page(sessie: str = "") -> w.Widget:
    """The projector view; opened with ?sessie=CODE, never with a key."""
    return launch(lambda p: Projector(load_guide(), p), ("", sessie, ""), "beamerscherm")
