"""Our Voila server: Voila itself, with the routes narrowed to what the apps need.

Standalone Voila serves a file browser (/voila/tree, /voila/api/contents) and renders
any notebook under its root, including tests/, benchmarks/ and the notebooks inside
.venv. `ZtmoVoila` keeps every route the apps use (render, static files, kernel
websocket, query and shutdown endpoints) and changes these things:

- only notebooks under `apps_dir` (notebooks/) are rendered; the file browser and the
  contents API answer 404, and no error page names a file;
- the bare address is a light join page (no kernel), and before a page takes a kernel
  the join gate (`ztmo.gate`) decides: on a hosted server only a valid code or a
  signed-in trainer gets an app; each session keeps to its kernel budget; guessed codes
  are slowed down and limited per client (see `ztmo.serverauth` for trainers' sign-in);
- a kernel whose page never connects is returned within seconds; one kernel's websocket
  messages and memory are bounded;
- before a page takes a kernel it checks the server's ceiling (see `kernelcap`): when
  it is reached the page gets a short Dutch "Het is even druk" page (503) that retries;
- the page gets Voila's `_xsrf` cookie, so the shutdown beacon the page sends when it
  is left is accepted (Voila's own page never set it, so every beacon was refused);
  a page left while it was still loading has its kernel shut down here;
- a private status endpoint (`/voila/api/ztmo/status`, only with $ZTMO_STATUS_TOKEN).

Run with `python -m ztmo.serverext` and Voila's usual options (see ztmo.serve).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import re
import stat
import tempfile
import time
import warnings
from urllib.parse import urlencode

import tornado.ioloop
import tornado.web
from jupyter_core.utils import ensure_async
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado.log import access_log
from traitlets import Unicode
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from . import gate
from .hosting import HostSettings, Limiter
from .kernelcap import ServerBusy, ready_in_pool, status
from .serverauth import (
    TRAINER_HEADER,
    LightHandler,
    SignInHandler,
    SignOutHandler,
    TrainerBook,
    client_of,
    current_trainer,
    light_headers,
    pass_trainer_on,
)
from .serverfiles import AllowListFileHandler, PlainFilesHandler
from .serverpages import SIGN_IN, SIGN_OUT, busy_page, error_page, full_page, join_page

STATUS_ENV = "ZTMO_STATUS_TOKEN"
STATUS_HEADER = "X-Ztmo-Status-Token"
RETRY_SECONDS = 30
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')

GUESS_LIMIT, GUESS_WINDOW = 20, 5 * 60  # codes that do not exist, per client per 5 minutes
GUESS_DELAY = 1.0
MEMORY_CHECK_MS = 10_000
WS_WARN_EVERY = 60.0


def app_path(path: str | None, apps_dir: str) -> str | None:
    """The notebook path if it is one of our apps (under apps_dir, no hidden parts), else None."""
    if not path or not path.endswith(".ipynb"):
        return None
    parts = path.split("/")
    if len(parts) < 2 or parts[0] != apps_dir:
        return None
    if any(p in ("", ".", "..") or p.startswith(".") or "\\" in p for p in parts):
        return None
    return path


def private_dir(path: str) -> str:
    """`path` as a folder only we can read (for the kernels' socket files); if that is
    not safe (someone else's, a symlink, open to others), a fresh private temp folder."""
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        info = os.lstat(path)
        if (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
                and not info.st_mode & 0o077):
            return path
    except OSError:
        pass
    return tempfile.mkdtemp(prefix="ztmo-")


class DutchErrors:
    """Error pages in plain Dutch, without paths or tracebacks."""

    def write_error(self, status_code: int, **kwargs) -> None:
        self.clear()  # drops headers set for the failed answer
        self.set_status(status_code)
        light_headers(self)
        self.finish(error_page(status_code))


class NotFoundHandler(DutchErrors, tornado.web.RequestHandler):
    def prepare(self):
        raise tornado.web.HTTPError(404)


class HomeHandler(LightHandler):
    """The bare address: the light join page (no file list, no kernel)."""

    def get(self):
        self.light(200, join_page(self.base, hosted=self.host.accounts))


class SlashHandler(tornado.web.RequestHandler):
    """The prefix without its last slash (what people type from the projector)."""

    def get(self):
        self.redirect(self.settings["base_url"], permanent=False)


class AppHandler(DutchErrors, TornadoVoilaHandler):
    """Voila's page handler for our apps only: the join gate, the kernel ceiling, and
    cleanup of kernels whose page went or never came."""

    def initialize(self, **kwargs):
        self.apps_dir = kwargs.pop("apps_dir")
        super().initialize(**kwargs)
        self._gone = False

    def on_connection_close(self):
        self._gone = True
        super().on_connection_close()

    @property
    def host(self) -> HostSettings:
        return self.settings["ztmo_host"]

    def light(self, status: int, html: str, retry: int | None = None) -> None:
        self.clear()
        self.set_status(status)
        light_headers(self)
        if retry:
            self.set_header("Retry-After", str(retry))
        self.finish(html)

    def busy(self) -> None:
        self.light(503, busy_page(), retry=RETRY_SECONDS)

    async def admit(self, notebook: str) -> gate.Verdict | None:
        """The join gate; None when this request got a light page instead of the app."""
        from .errors import StoreUnavailable

        query = {k: self.get_query_argument(k, "") for k in ("sessie", "deelnemer")}
        trainer = await current_trainer(self)
        pass_trainer_on(self, trainer)
        code, token = gate.requested(query)
        facts = None
        guesses: Limiter = self.settings["ztmo_guess_limiter"]
        client = client_of(self)
        if code and notebook not in gate.TRAINER_APPS:
            wait = guesses.wait(client)
            if wait > 0:
                self.log.warning("Join gate: too many unknown codes from %s", client)
                self.light(429, join_page(self.base_url, hosted=self.host.accounts,
                                          problem="meedoen.te_vaak",
                                          wait_minutes=max(1, round(wait / 60))),
                           retry=int(wait) + 1)
                return None
            lookup: gate.SessionLookup = self.settings["ztmo_sessions"]
            try:
                facts = await asyncio.to_thread(lookup.facts, code, token)
            except StoreUnavailable:
                self.light(503, error_page(503, "fouten.opslag"), retry=RETRY_SECONDS)
                return None
        book: gate.KernelBook = self.settings["ztmo_kernels"]
        book.prune(self.kernel_manager.live_kernel_ids())
        verdict = gate.decide(notebook, query, hosted=self.host.accounts,
                              trainer=trainer is not None, facts=facts,
                              held=book.held(code), held_by_participant=book.held_by(code, token))
        if verdict.allowed:
            return verdict
        if verdict.kind == "signin":
            target = self.request.uri or ""
            self.redirect(self.base_url + SIGN_IN + "?" + urlencode({"volgende": target}))
        elif verdict.kind == "full":
            self.log.warning("Join gate: session %s has used its kernel budget (%d kernels)",
                             verdict.session, book.held(verdict.session))
            self.light(503, full_page(), retry=RETRY_SECONDS)
        else:
            problem = verdict.problem
            status = 404 if verdict.guess else 410 if problem else 200
            if verdict.guess:
                await asyncio.sleep(GUESS_DELAY)
                if guesses.failed(client) > guesses.limit:  # came in parallel with others
                    problem, status = "meedoen.te_vaak", 429
            self.light(status, join_page(self.base_url, code=code, hosted=self.host.accounts,
                                         problem=problem,
                                         wait_minutes=max(1, round(guesses.wait(client) / 60))))
        return None

    @tornado.web.authenticated
    async def get(self, path=None):
        notebook = app_path(path, self.apps_dir)
        if notebook is None:
            raise tornado.web.HTTPError(404)
        verdict = await self.admit(notebook)
        if verdict is None:
            return
        km = self.kernel_manager
        km.note_demand()
        if not km.has_room() and not ready_in_pool(km, notebook):
            self.log.warning("Kernel ceiling (%s) reached: %s gets the busy page",
                             km.max_kernels, notebook)
            return self.busy()
        self.xsrf_token  # noqa: B018 - sets the _xsrf cookie the shutdown beacon sends back
        _opened[0] += 1
        book: gate.KernelBook = self.settings["ztmo_kernels"]
        kernel_id, sent = None, False
        try:
            async for html in self.get_generator(path=notebook):
                if kernel_id is None and (found := KERNEL_ID.search(html)):
                    kernel_id = found.group(1)
                    _rendering.add(kernel_id)
                    book.tag(kernel_id, verdict.session, verdict.participant)
                if not self._gone:  # once gone, let the notebook finish, then free its kernel
                    self.write(html)
                    self.flush()
                    sent = True
        except ServerBusy:
            if sent:
                raise
            return self.busy()
        finally:
            if kernel_id:
                _rendering.discard(kernel_id)
                if self._gone or kernel_id in _leave_after:
                    _leave_after.discard(kernel_id)
                    self.log.info("Page left while loading: shutting down kernel %s", kernel_id)
                    await shutdown_once(km, kernel_id)
                elif not km.ever_connected(kernel_id):
                    asyncio.ensure_future(km.reap_if_never_connected(kernel_id,
                                                                     self.host.connect_grace))


# A goodbye for a page that is still being rendered waits for the render to end: shutting
# the kernel down under the running notebook only fills the log with "Kernel died".
_rendering: set[str] = set()
_leave_after: set[str] = set()
_closing: set[str] = set()


async def shutdown_once(km, kernel_id: str) -> None:
    """Shut a kernel down once, however many goodbyes arrive (Voila's and ours)."""
    if kernel_id in _closing or kernel_id not in km:
        return
    _closing.add(kernel_id)
    try:
        await ensure_async(km.shutdown_kernel(kernel_id))
    except Exception as exc:  # noqa: BLE001 - already gone: nothing left to do
        km.log.debug("Kernel %s was already gone: %s", kernel_id, exc)
    finally:
        _closing.discard(kernel_id)


class ShutdownHandler(VoilaShutdownKernelHandler):
    """Voila's shutdown endpoint (XSRF-checked as before), but idempotent and quiet."""

    @tornado.web.authenticated
    async def post(self, kernel_id):
        if kernel_id in _rendering:
            _leave_after.add(kernel_id)
        else:
            await shutdown_once(self.kernel_manager, kernel_id)
        self.set_status(204)
        self.finish()


class StatusHandler(APIHandler):
    """Kernel counts, for tests and trainers; 404 unless the caller knows the token."""

    @tornado.web.authenticated
    def get(self):
        token = os.environ.get(STATUS_ENV, "")
        given = self.request.headers.get(STATUS_HEADER, "")
        if not token or not hmac.compare_digest(token.encode(), given.encode()):
            raise tornado.web.HTTPError(404)
        self.set_header("Cache-Control", "no-store")
        book: gate.KernelBook = self.settings["ztmo_kernels"]
        book.prune(self.kernel_manager.live_kernel_ids())
        self.finish(json.dumps({**status(self.kernel_manager), "sessies": book.per_session(),
                                "apps_geopend": _opened[0]}))


_ws_warned = [float("-inf")]
_opened = [0]  # apps that passed the gate and the ceiling and were rendered with a kernel


def _log_request(handler: tornado.web.RequestHandler) -> None:
    """Access lines only for what a trainer may need to see: errors and refusals. Every
    page's static files and its 15-second kernel check would otherwise fill the console.

    A kernel websocket asked for without its Upgrade header means a proxy in front drops
    it: the apps cannot work, so say so plainly (once a minute)."""
    status = handler.get_status()
    level = logging.DEBUG if status < 400 else logging.INFO if status < 500 else logging.WARNING
    access_log.log(level, "%d %s %.2fms", status, handler._request_summary(),
                   1000.0 * handler.request.request_time())
    request = handler.request
    if (status == 400 and request.path.endswith("/channels")
            and "websocket" not in request.headers.get("Upgrade", "").lower()
            and time.monotonic() - _ws_warned[0] > WS_WARN_EVERY):
        _ws_warned[0] = time.monotonic()
        access_log.warning(
            "Websocket zonder Upgrade-kop: de proxy voor deze server geeft websockets niet "
            "door, dus geen enkele app kan starten. Zet in nginx proxy_http_version 1.1 en "
            "de kopregels Upgrade en Connection (zie deploy/nginx/ztmo.conf).")


def _quiet_trust(record: logging.LogRecord) -> bool:
    """Drop "Notebook ... is not trusted", logged on every page: our notebooks are committed
    without outputs, so there is nothing to trust, and Voila runs them regardless."""
    return record.msg != "Notebook %s is not trusted"


_ready_said: set[str] = set()


def _say_ready(record: logging.LogRecord) -> bool:
    """When the participant app's pool is full for the first time, say so in Dutch: the
    trainer waits for this line before the group comes in (Voila's own line stays)."""
    if (record.msg == "Kernel pool of %s is filled with %s kernel(s)" and record.args
            and str(record.args[0]).endswith("index.ipynb") and "index" not in _ready_said):
        _ready_said.add("index")
        print(f"Klaar: de apps voor {record.args[1]} deelnemers staan klaar. De groep kan "
              "beginnen.", flush=True)
    return True


def page_config_hook(page_config: dict, **kwargs) -> dict:
    """Every app page gets our page script's texts (from data/content/server.yaml), and
    Voila's themes address under the server's own path (it is absolute otherwise)."""
    from .texts import section

    base = kwargs.get("base_url") or "/"
    page_config["themesUrl"] = url_path_join(base, "voila/api/themes")
    page_config["ztmoTexts"] = section("server", "pagina")
    return page_config


def _store():
    from .store import Store

    return Store.from_env()


class ZtmoVoila(Voila):
    apps_dir = Unicode("notebooks", config=True, help="Folder (under the root) of the apps.")

    def start(self):
        self.connection_dir_root = private_dir(self.connection_dir_root)
        super().start()

    async def _check_memory(self) -> None:
        """Replace a kernel that grew over the ceiling: its page reloads by itself and the
        participant comes back as themselves, with a fresh kernel."""
        km = self.kernel_manager
        for kernel_id, rss in km.over_memory(self.host.kernel_memory_mb * 1024 * 1024):
            self.log.warning("Kernel %s gebruikt %d MB, meer dan het plafond van %d MB "
                             "(ZTMO_KERNEL_MB): hij wordt vervangen.", kernel_id,
                             rss // (1024 * 1024), self.host.kernel_memory_mb)
            await shutdown_once(km, kernel_id)

    def init_settings(self):
        self.log.addFilter(_quiet_trust)
        self.log.addFilter(_say_ready)
        self.host = HostSettings.from_env(os.environ)  # ztmo serve checked it already
        self.voila_configuration.page_config_hook = page_config_hook
        headers = list(self.voila_configuration.http_header_envs)
        if TRAINER_HEADER not in headers:
            self.voila_configuration.http_header_envs = [*headers, TRAINER_HEADER]
        settings = super().init_settings()
        settings["default_handler_class"] = NotFoundHandler
        settings["log_function"] = _log_request
        settings["websocket_max_message_size"] = self.host.max_message_kb * 1024
        settings["ztmo_host"] = self.host
        if self.host.address is not None:
            # Behind a proxy the Host header may lack the public port (nginx's $host), so
            # the websocket's origin check compares against the public address instead.
            settings["allow_origin"] = f"{self.host.address.scheme}://{self.host.address.netloc}"
        settings["ztmo_sessions"] = gate.SessionLookup(_store)
        settings["ztmo_trainers"] = TrainerBook(_store)
        settings["ztmo_kernels"] = gate.KernelBook()
        settings["ztmo_guess_limiter"] = Limiter(GUESS_LIMIT, GUESS_WINDOW)
        settings["ztmo_key_limiter"] = Limiter(SignInHandler.key_limit, SignInHandler.key_window)
        if self.host.kernel_memory_mb > 0:  # Voila's start() runs this loop next
            tornado.ioloop.PeriodicCallback(self._check_memory, MEMORY_CHECK_MS).start()
        return settings

    def init_handlers(self):
        handlers = [(url_path_join(self.server_url, "/voila/api/ztmo/status"), StatusHandler),
                    (url_path_join(self.base_url, SIGN_IN), SignInHandler),
                    (url_path_join(self.base_url, SIGN_OUT), SignOutHandler)]
        if self.base_url != "/":
            handlers.append((self.base_url.rstrip("/"), SlashHandler))
        for spec in super().init_handlers():
            pattern, handler = spec[0], spec[1]
            if handler is TornadoVoilaTreeHandler and pattern == self.server_url:
                handlers.append((pattern, HomeHandler))
            elif handler in (TornadoVoilaTreeHandler, VoilaContentsHandler):
                handlers.append((pattern, NotFoundHandler))
            elif handler is TornadoVoilaHandler:
                handlers.append((pattern, AppHandler, {**spec[2], "apps_dir": self.apps_dir}))
            elif handler is VoilaShutdownKernelHandler:
                handlers.append((pattern, ShutdownHandler))
            elif handler is AllowListFileHandler:  # the path checked before the allow-list
                handlers.append((pattern, PlainFilesHandler, *spec[2:]))
            else:
                handlers.append(spec)
        return handlers


def main() -> None:
    # Lists and dicts on the command line are fine; traitlets warns once per option.
    warnings.filterwarnings("ignore", r"--.* for (containers|dict-traits) is deprecated",
                            DeprecationWarning)
    ZtmoVoila.launch_instance()


if __name__ == "__main__":
    from ztmo.serverext import main as _main  # the importable module's classes, not __main__'s

    _main()
