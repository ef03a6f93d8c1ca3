"""Our Voila server: Voila itself, with the routes narrowed to what the apps need.

Standalone Voila serves a file browser (/voila/tree, /voila/api/contents) and renders
any notebook under its root, including tests/, benchmarks/ and the notebooks inside
.venv. `ZtmoVoila` keeps every route the apps use (render, static files, kernel
websocket, query and shutdown endpoints) and changes four things:

- only notebooks under `apps_dir` (notebooks/) are rendered; the file browser and the
  contents API answer 404, and no error page names a file;
- before a page takes a kernel it checks the server's ceiling (see `kernelcap`): when
  it is reached the page gets a short Dutch "Het is even druk" page (503) that retries;
- the page gets Voila's `_xsrf` cookie, so the shutdown beacon the page sends when it
  is left is accepted (Voila's own page never set it, so every beacon was refused);
  a page left while it was still loading has its kernel shut down here;
- a private status endpoint (`/voila/api/ztmo/status`, only with $ZTMO_STATUS_TOKEN).

Run with `python -m ztmo.serverext` and Voila's usual options (see ztmo.serve).
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import re
import stat
import tempfile
import warnings
from html import escape

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

from .kernelcap import ServerBusy, ready_in_pool, status

STATUS_ENV = "ZTMO_STATUS_TOKEN"
STATUS_HEADER = "X-Ztmo-Status-Token"
RETRY_SECONDS = 30
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')

_PAGE = """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">{head}
<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:34rem;margin:15vh auto;padding:0 1.2rem;
line-height:1.5;color:#1f2933}}a{{color:#0b5cad}}</style></head>
<body><h1>{title}</h1><p>{text}</p>{extra}</body></html>"""


def page(title: str, text: str, head: str = "", extra: str = "") -> str:
    return _PAGE.format(title=escape(title), text=escape(text), head=head, extra=extra)


def busy_page() -> str:
    return page("Het is even druk", "Het is even druk. Probeer het over een halve minuut opnieuw.",
                head=f'\n<meta http-equiv="refresh" content="{RETRY_SECONDS}">',
                extra="<p>Deze pagina probeert het straks vanzelf opnieuw.</p>")


ERRORS = {
    403: ("Geen toegang", "Deze pagina is niet openbaar."),
    404: ("Niet gevonden", "Deze pagina bestaat niet."),
}
OTHER_ERROR = ("Er ging iets mis", "Er ging iets mis op de server. Laad de pagina opnieuw.")


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
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        title, text = ERRORS.get(status_code, OTHER_ERROR)
        self.finish(page(title, text))


class NotFoundHandler(DutchErrors, tornado.web.RequestHandler):
    def prepare(self):
        raise tornado.web.HTTPError(404)


class HomeHandler(DutchErrors, tornado.web.RequestHandler):
    """The bare address: a link to the start page (no file list, no kernel)."""

    def initialize(self, start: str):
        self.start = start

    def get(self):
        self.finish(page("Zo thuis mogelijk opgroeien", "Welkom bij de leeromgeving.",
                         extra=f'<p><a href="{escape(self.start)}">Naar de startpagina</a></p>'))


class AppHandler(DutchErrors, TornadoVoilaHandler):
    """Voila's page handler for our apps only, with the kernel ceiling and cleanup."""

    def initialize(self, **kwargs):
        self.apps_dir = kwargs.pop("apps_dir")
        super().initialize(**kwargs)
        self._gone = False

    def on_connection_close(self):
        self._gone = True
        super().on_connection_close()

    def busy(self) -> None:
        self.clear()
        self.set_status(503)
        self.set_header("Retry-After", str(RETRY_SECONDS))
        self.set_header("Cache-Control", "no-store")
        self.finish(busy_page())

    @tornado.web.authenticated
    async def get(self, path=None):
        notebook = app_path(path, self.apps_dir)
        if notebook is None:
            raise tornado.web.HTTPError(404)
        km = self.kernel_manager
        km.note_demand()
        if not km.has_room() and not ready_in_pool(km, notebook):
            self.log.warning("Kernel ceiling (%s) reached: %s gets the busy page",
                             km.max_kernels, notebook)
            return self.busy()
        self.xsrf_token  # noqa: B018 - sets the _xsrf cookie the shutdown beacon sends back
        kernel_id, sent = None, False
        try:
            async for html in self.get_generator(path=notebook):
                if kernel_id is None and (found := KERNEL_ID.search(html)):
                    kernel_id = found.group(1)
                    _rendering.add(kernel_id)
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
        self.finish(json.dumps(status(self.kernel_manager)))


def _log_request(handler: tornado.web.RequestHandler) -> None:
    """Access lines only for what a trainer may need to see: errors and refusals. Every
    page's static files and its 15-second kernel check would otherwise fill the console."""
    status = handler.get_status()
    level = logging.DEBUG if status < 400 else logging.INFO if status < 500 else logging.WARNING
    access_log.log(level, "%d %s %.2fms", status, handler._request_summary(),
                   1000.0 * handler.request.request_time())


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


class ZtmoVoila(Voila):
    apps_dir = Unicode("notebooks", config=True, help="Folder (under the root) of the apps.")

    def start(self):
        self.connection_dir_root = private_dir(self.connection_dir_root)
        super().start()

    def init_settings(self):
        self.log.addFilter(_quiet_trust)
        self.log.addFilter(_say_ready)
        settings = super().init_settings()
        settings["default_handler_class"] = NotFoundHandler
        settings["log_function"] = _log_request
        return settings

    def init_handlers(self):
        start = url_path_join(self.base_url, "voila/render", self.apps_dir, "index.ipynb")
        handlers = [(url_path_join(self.server_url, "/voila/api/ztmo/status"), StatusHandler)]
        for spec in super().init_handlers():
            pattern, handler = spec[0], spec[1]
            if handler is TornadoVoilaTreeHandler and pattern == self.server_url:
                handlers.append((pattern, HomeHandler, {"start": start}))
            elif handler in (TornadoVoilaTreeHandler, VoilaContentsHandler):
                handlers.append((pattern, NotFoundHandler))
            elif handler is TornadoVoilaHandler:
                handlers.append((pattern, AppHandler, {**spec[2], "apps_dir": self.apps_dir}))
            elif handler is VoilaShutdownKernelHandler:
                handlers.append((pattern, ShutdownHandler))
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
