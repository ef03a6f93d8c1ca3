"""The participant's whole journey in one app and one kernel.

The start page, the three pillars, the scan, the duo talk, the group profile and the
region figures are views of this one app: moving between them swaps the view, it does
not open a new page (so a participant holds one kernel for the whole workshop). Each
view is the same component the separate notebooks use.

Two small channels connect the app with our page script (template ``ztmo``):
- out: a hidden ``.ztmo-identity`` element carries the session code, the participant
  token and the current step; the script puts them in the address (a reload or a
  bookmark comes back to the same person and step) and in the browser's memory (the
  join link opened again on the same device returns the same participant);
- in: a hidden text field (``.ztmo-bridge``) by which the script reports a click on a
  link with ``data-ztmo-stap`` ("go"), or the participant it remembers ("who").
Both carry only codes checked against a strict pattern; no participant text.
"""

from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import replace

import ipywidgets as w

from ..activities import STEP_KEYS, STEPS
from ..content import Guide, load_guide
from ..params import Params
from .base import app_root, error_box, esc, html_block, launch, log_exception, page_channel
from .nav import Nav
from .session import HEARTBEAT, flush_within, open_session, shared_store

HERE = "index.ipynb"
_BRIDGE = re.compile(r"^(go|who):([A-Za-z0-9-]{0,32})(?::([A-Za-z0-9]{0,32}))?(?:#\d+)?$")
MENU = tuple(STEPS)
LABELS = dict(STEPS)
# The group activities of ztmo.ui.groupwork, by step (the idea wall has its own module).
GROUPWORK_APPS = {"tijdlijn": "TimelineApp", "praktijk": "PracticeApp",
                  "beloften": "PromisesApp", "vlaggen": "FlagsApp"}
FOLLOW_INTERVAL = 0.5  # s: a participant's app follows the trainer's "Volgende stap" this fast
# s after the page's request without building ahead: widgets made while the page loads
# its widgets can be lost to it ("widget model not found").
PAGE_LOAD_QUIET = 10.0


class Journey:
    """Views by step, built on first use and kept (with their state) for the session."""

    def __init__(self, guide: Guide, params: Params):
        self.guide = guide
        self.views: dict[str, object] = {}
        self.stale: set[str] = set()
        self.step = ""
        self.forget = ""  # a remembered session the browser should drop (closed, deleted)
        self.adopted: tuple[str, str] | None = None  # (code, token) the browser remembered
        self.identity, self.bridge = page_channel(self._on_bridge)
        self.notices = w.VBox([])
        self.menu = html_block("", "ztmo-menu")
        self.anchor = html_block("")  # where the page scrolls to when the view changes
        self.stage = w.VBox([], layout=w.Layout(width="100%"))
        self.stage.add_class("ztmo-stage")
        self.root = app_root([self.identity, self.bridge, self.notices, self.menu, self.stage],
                             "ztmo-journey")
        self._beat = threading.Event()
        self._beat_thread: threading.Thread | None = None
        self._showing = threading.RLock()  # the page script and the trainer's pace both move
        self.pace_seen = -1
        self.upcoming = ""  # while the trainer leads: the step that most likely comes next
        self.sheet: tuple[str, ...] = ()  # joined: the steps of the meeting's run sheet
        # "Still here" every HEARTBEAT seconds, at a moment of its own: phones that joined
        # together must not all write to the database in the same second.
        self._last_touch = time.monotonic() - random.uniform(0, HEARTBEAT)
        # When to build one more of the meeting's steps ahead: set on joining, half a
        # minute or so later (a group arriving at once must not all build then).
        self._next_build = float("inf")
        self._quiet_until = 0.0  # no building ahead before this (the page is loading)
        self._chores: threading.Thread | None = None
        # A preheated kernel builds the app before the request (and its address) arrives:
        # until then the identity is not real, and the page script must not copy it.
        from ..params import in_preheated_kernel

        self.real = not in_preheated_kernel()
        self.set_params(params)
        self.real = True

    # --- identity ------------------------------------------------------------------
    def set_params(self, params: Params) -> None:
        """Apply the address's parameters (or those after joining) to every view."""
        if self.adopted and not params.deelnemer and params.sessie in ("", self.adopted[0]):
            # The remembered participant may arrive before a preheated kernel sees its
            # address; the address naming nobody must not undo it.
            params = replace(params, sessie=self.adopted[0], deelnemer=self.adopted[1])
        link, problems = open_session(params)
        if params.sessie and link is None:
            self.forget = params.sessie
            params = replace(params, sessie="", deelnemer="")
        elif link is not None and not link.joined:
            if params.deelnemer:  # a token that is not (or no longer) this session's
                problems.append(_unknown_token())
            params = replace(params, deelnemer="")
        self.params, self.link = params, link
        self._quiet_until = time.monotonic() + PAGE_LOAD_QUIET
        self.notices.children = tuple(error_box(e) for e in (*params.errors, *problems))
        for view in self.views.values():
            _pause(view)
        self.stale = set(self.views)
        self.show(params.stap or self.step or "start")
        self._heartbeat()  # and, when the trainer leads, the trainer's step

    def join(self, params: Params) -> None:
        """The start page's "Meedoen": carry the new participant everywhere."""
        self.adopted = (params.sessie, params.deelnemer)
        self.set_params(replace(params, stap=self.step if self.step != "start" else ""))

    def adopt(self, code: str, token: str) -> None:
        """The browser remembers this participant for this session: continue as them,
        unless the address already names someone (the address wins)."""
        if self.params.deelnemer or not code or not token:
            return
        if self.params.sessie and self.params.sessie != code.upper():
            return
        store = shared_store()
        candidate = replace(self.params, sessie=code.upper(), deelnemer=token)
        link, _ = open_session(candidate, store)
        if link is None or not link.joined:
            self.forget = code.upper()  # stale memory: a clean fresh start
            self._write_identity()
            return
        self.adopted = (link.code, token)
        self.set_params(candidate)

    # --- views -----------------------------------------------------------------------
    def show(self, step: str) -> None:
        with self._showing:
            self._show(step)

    def _show(self, step: str) -> None:
        if step not in STEP_KEYS:
            step = "start"
        if self.step and self.step != step and self.step in self.views:
            flush_within(self.views[self.step].root)  # what was typed there is saved
            _pause(self.views[self.step])
        view = self.views.get(step)
        if view is None:
            view = self.views[step] = self._build(step)
        elif step in self.stale or step != self.step:
            view.set_params(self._params_for(step))
        self.stale.discard(step)
        self.step = step
        self.anchor.value = _anchor(step)
        if tuple(self.stage.children) != (self.anchor, view.root):
            self.stage.children = (self.anchor, view.root)
        self.menu.value = self._menu_html()
        self._write_identity()
        shown = getattr(view, "shown", None)  # what a view does only once someone sees it
        if shown is not None:
            shown()

    def _params_for(self, step: str) -> Params:
        return replace(self.params, stap=step, errors=())

    def _build(self, step: str):
        from ..preferences import load_scan
        from .learning import DuoApp, GroupProfileApp, ScanApp
        from .pillar import PillarWalk
        from .start import StartPage

        params = self._params_for(step)
        if step == "start":
            return StartPage(self.guide, params, journey=True, on_join=self.join)
        if step.startswith("pijler"):
            return PillarWalk(self.guide, self.guide.pillar(int(step[-1])), params, journey=True)
        if step == "scan":
            return ScanApp(load_scan(), params, journey=True)
        if step == "duo":
            return DuoApp(load_scan(), params, journey=True)
        if step == "groep":
            return GroupProfileApp(load_scan(), params, journey=True)
        if step == "muur":
            from .ideawall import WallApp

            return WallApp(params, journey=True)
        if step in GROUPWORK_APPS:
            from . import groupwork

            return getattr(groupwork, GROUPWORK_APPS[step])(params, journey=True)
        from .region import RegionApp  # pandas: only for whoever opens the figures

        return RegionApp(params)

    def menu_steps(self) -> list[str]:
        """Every step on your own; in a session the run sheet's (a phone's menu stays
        short), the start page first, and the step shown now even when the sheet skips it."""
        if not self.sheet:
            return [key for key, _ in MENU]
        steps = ["start", *(s for s in self.sheet if s != "start")]
        return steps if self.step in steps or not self.step else [*steps, self.step]

    def _menu_html(self) -> str:
        return menu_html(Nav(HERE, self.params, journey=True), self.menu_steps(), self.step,
                         self.link.name if self.link and self.link.joined else "")

    def _write_identity(self) -> None:
        p = self.params
        self.identity.value = (
            f'<span class="ztmo-identity" data-sessie="{esc(p.sessie)}" '
            f'data-deelnemer="{esc(p.deelnemer)}" data-stap="{esc(self.step)}" '
            f'data-vergeet="{esc(self.forget)}" data-echt="{int(self.real)}"></span>')

    # --- the page script's messages ------------------------------------------------------
    def _on_bridge(self, change) -> None:
        match = _BRIDGE.match(str(change["new"] or ""))
        if not match:
            return
        kind, first, second = match.group(1), match.group(2), match.group(3) or ""
        try:
            if kind == "go":
                self.show(first)
            else:
                self.adopt(first, second)
        except Exception:  # noqa: BLE001 - a participant never sees a traceback
            log_exception("navigatie")
            self.notices.children = (error_box("Dit onderdeel kon niet worden geopend. "
                                               "Laad de pagina opnieuw."),)

    # --- following the trainer, and still here ---------------------------------------------
    def _heartbeat(self) -> None:
        """While joined: follow the trainer's pace twice a second, and note every half minute
        that this app is alive (for the duos). One thread per app."""
        if not (self.link and self.link.joined):
            return
        self._follow(initial=True)
        if self._beat_thread is not None:
            return
        self._next_build = time.monotonic() + random.uniform(HEARTBEAT / 2, 1.5 * HEARTBEAT)

        def run() -> None:
            while not self._beat.wait(FOLLOW_INTERVAL):
                try:
                    self._tick()
                except Exception:  # noqa: BLE001 - the next round tries again
                    log_exception("tempo volgen")

        self._beat_thread = threading.Thread(target=run, name="ztmo-heartbeat", daemon=True)
        self._beat_thread.start()

    def _tick(self) -> None:
        """One round of the heartbeat thread: follow the trainer, build the next step's
        view ahead (here, never in a click's handler), say "still here" now and then."""
        link = self.link
        if not (link and link.joined):
            return
        self._follow()
        chores = self._chores
        if chores is None or not chores.is_alive():
            # Building ahead and "still here" (a write) run beside this loop: a busy
            # database or a slow build never holds back following the trainer.
            self._chores = threading.Thread(target=self._do_chores, args=(link,),
                                            name="ztmo-chores", daemon=True)
            self._chores.start()

    def _do_chores(self, link) -> None:
        try:
            if self.upcoming and time.monotonic() >= self._quiet_until:
                self.prepare(self.upcoming)
            if time.monotonic() - self._last_touch >= HEARTBEAT:
                self._last_touch = time.monotonic()
                shared_store().touch(link.code, link.token)
            if time.monotonic() >= max(self._next_build, self._quiet_until):
                # One more of the meeting's steps, at this phone's own moment: when the
                # trainer skips a step or goes back, the room swaps views instead of every
                # phone building one in the same second.
                self._next_build = time.monotonic() + HEARTBEAT
                ahead = self.to_build()
                if ahead:
                    self.prepare(ahead[0])
        except Exception:  # noqa: BLE001 - the next round tries again
            log_exception("vooruit klaarzetten")

    def _follow(self, initial: bool = False) -> None:
        """When the trainer leads ("samen"), go to the trainer's step each time it moves."""
        from ..presenter import TOGETHER, next_step, pace, run_sheet

        link = self.link
        if not (link and link.joined):
            return
        state = shared_store().state(link.code)
        items = run_sheet(state)
        sheet = tuple(i.step for i in items)
        if sheet != self.sheet:
            with self._showing:
                self.sheet = sheet
                self.menu.value = self._menu_html()
        now = pace(state)
        # One follower at a time (the heartbeat and a page message both call this): a
        # second one that finds this move already seen returns only once it is shown.
        with self._showing:
            if now.n == self.pace_seen and not initial:
                return
            self.pace_seen = now.n
            if now.mode == TOGETHER and now.step != self.step:
                self.show(now.step)
            self.upcoming = next_step(items, now.step) if now.mode == TOGETHER else ""

    def to_build(self) -> list[str]:
        """The run sheet's steps without a view yet, nearest to the current step first
        (of two as near, the one after it)."""
        steps = list(self.sheet)
        here = steps.index(self.step) if self.step in steps else 0
        todo = [s for s in steps if s not in self.views]
        return sorted(todo, key=lambda s: (abs(steps.index(s) - here), steps.index(s) < here))

    def prepare(self, step: str) -> None:
        """Build the view of the step the trainer will most likely choose next, while the
        group works on this one: when "Volgende stap" comes, the app only swaps views (the
        page already has the new view's widgets), instead of every phone in the room
        building one in the same second."""
        with self._showing:
            if step in self.views or step not in STEP_KEYS or step == self.step:
                return
            view = self.views[step] = self._build(step)
            _pause(view)
            self.stale.add(step)


def menu_html(nav: Nav, steps: list[str], current: str, session: str = "") -> str:
    """A compact header: where you are, the session, and the menu behind one button (a
    phone shows the step itself first, not thirteen buttons)."""
    here = ' aria-current="page"'
    items = "".join(
        f'<li><a {nav.attrs(key)}{here if key == current else ""}>{esc(LABELS[key])}</a></li>'
        for key in steps)
    where = f'<span class="ztmo-header-session">{esc(session)}</span>' if session else ""
    return (f'<header class="ztmo-header"><p class="ztmo-header-step">'
            f"{esc(LABELS.get(current, LABELS['start']))}{where}</p>"
            '<details class="ztmo-menu-toggle"><summary>Menu</summary>'
            f'<nav class="ztmo-menu-bar" aria-label="Onderdelen"><ul>{items}</ul></nav>'
            "</details></header>")


def _anchor(step: str) -> str:
    return f'<span class="ztmo-step-anchor" data-step="view:{esc(step)}"></span>'


def _pause(view) -> None:
    pause = getattr(view, "pause", None)
    if pause is not None:
        pause()


def _unknown_token():
    from ..errors import ZtmoError

    return ZtmoError("Je deelnemerslink hoort niet bij deze sessie. Doe opnieuw mee met de code "
                     "van de trainer; je krijgt dan een nieuwe plek in de groep.")


def journey_app(regio: str = "", sessie: str = "", deelnemer: str = "", stap: str = ""):
    """The participant app (notebooks/index.ipynb): the whole journey in one kernel."""
    from pathlib import Path

    from . import static
    from .nav import REGION

    return launch(lambda p: Journey(load_guide(), p), (regio, sessie, deelnemer, "", stap),
                  "deelnemersapp",
                  static=lambda p: static.start_html(load_guide(), p,
                                                     with_region=Path(REGION.path).is_file()))
