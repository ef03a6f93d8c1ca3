"""Building blocks every app shares: the styled root, Dutch error boxes, escaping.

A participant never sees a traceback: `safe_app` turns any failure while building
an app into a Dutch message, and the technical details go to the server log.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Protocol

import ipywidgets as w

from ..errors import ZtmoError
from ..markup import esc
from ..markup import theme_css as _css
from ..params import Params, in_edition, in_preheated_kernel, in_voila, resolve

GENERIC_PROBLEM = (
    "Dit onderdeel kon niet worden geladen. Probeer de pagina opnieuw te openen. "
    "Blijft het misgaan? Meld het dan aan de trainer."
)


def style() -> w.HTML:
    """The house style as a widget, so it travels with the app (Voila, Lab, HTML)."""
    return w.HTML(f"<style>{_css()}</style>", layout=w.Layout(display="none"))


def html_block(markup: str, *classes: str) -> w.HTML:
    """A piece of trusted markup (built by us, with escaped values) as a widget."""
    widget = w.HTML(markup)
    for c in classes:
        widget.add_class(c)
    return widget


def saved_html(text: str) -> str:
    """"Saved", shown only after the store took what was typed. Its mark, new each time,
    tells the page script (ztmo-server.js) a new confirmation from an old one drawn again:
    only a new one makes typed text count as saved."""
    return f'<p class="ztmo-saved" data-bewaard="{time.time_ns()}">{esc(text)}</p>'


def error_box(exc: BaseException | str, title: str | None = None) -> w.HTML:
    """A Dutch error message in a box with the stable class ``ztmo-error``."""
    if isinstance(exc, ZtmoError):
        title = title or exc.title
        message = str(exc)
    elif isinstance(exc, str):
        message = exc
    else:
        message = GENERIC_PROBLEM
    heading = f"<strong>{esc(title)}</strong>" if title else ""
    box = w.HTML(f'<div role="alert">{heading}{esc(message)}</div>')
    box.add_class("ztmo-error")
    return box


def page_channel(on_message: Callable[[dict], None]) -> tuple[w.HTML, w.Text]:
    """The two hidden widgets through which an app and our page script (template ``ztmo``,
    ztmo-identity.js) talk: ``.ztmo-identity`` carries codes out (into the address and the
    browser's memory), the ``.ztmo-bridge`` field brings the script's messages in."""
    identity = html_block("", "ztmo-identity-box")
    identity.layout.display = "none"
    bridge = w.Text(value="", layout=w.Layout(display="none"))
    bridge.add_class("ztmo-bridge")
    bridge.observe(on_message, "value")
    return identity, bridge


def app_root(children: Iterable[w.Widget], *classes: str) -> w.VBox:
    """The root of an app: house style first, then the content; class ``ztmo-app``."""
    root = w.VBox([style(), *children], layout=w.Layout(width="100%"))
    root.add_class("ztmo-app")
    for c in classes:
        root.add_class(c)
    return root


def log_exception(context: str) -> None:
    """The exception being handled, to the server log (the kernel's real stderr), not the
    page: one short line per cause, repeats counted (`ztmo.serverlog`)."""
    from ..serverlog import report

    report(context)


def quiet_tracebacks() -> None:
    """In a kernel behind a page, no traceback goes back over the wire.

    ipywidgets answers a malformed widget message (anyone on the page's websocket can send
    one) with IPython's ``showtraceback``, which publishes the traceback, with file paths
    and code, to the page. Behind Voila it goes to the server log instead. JupyterLab and
    Papermill keep their tracebacks: there they help whoever runs the notebook.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - we always run inside IPython
        return
    shell = get_ipython()
    if shell is None or not in_voila() or getattr(shell, "_ztmo_quiet", False):
        return
    from .. import serverlog

    serverlog.to_server_log()  # stderr, logging and warnings: to the server log too

    def to_server_log(*_args, **_kwargs) -> None:
        serverlog.report("bericht van de pagina", from_page=True)

    shell.showtraceback = to_server_log
    shell._ztmo_quiet = True


def safe_app(build: Callable[[], w.Widget], context: str) -> w.Widget:
    """Build an app; on any failure return an app that only shows a Dutch message."""
    try:
        return build()
    except ZtmoError as exc:
        return app_root([error_box(exc)])
    except Exception:  # noqa: BLE001 - the whole point: nothing escapes to the page
        log_exception(context)
        return app_root([error_box(GENERIC_PROBLEM, "Er ging iets mis")])


class ParamsApp(Protocol):
    """An app whose parameter-dependent parts can be (re)applied after it is built."""

    root: w.Widget

    def set_params(self, params: Params) -> None: ...


def launch(make: Callable[[Params], ParamsApp], given: tuple[str, ...], context: str,
           static: Callable[[Params], str] | None = None) -> w.Widget | object:
    """Build an app for the given (regio, sessie, deelnemer), safely.

    In a static edition (`ztmo editie`, see `in_edition`) there is no kernel behind the
    page, so ``static`` builds plain HTML instead (an ``IPython.display.HTML``). Errors
    are not hidden there: the edition renderer must see them and not publish the page.

    In a preheated Voila kernel the request (and so the query string) comes later.
    Waiting for it inside the cell would hold the whole page back; instead the app is
    built and shown at once, and a background thread applies the real parameters as
    soon as the request arrives. Elsewhere (Papermill, Lab, Binder) they apply at once.
    """
    if static is not None and in_edition():
        from IPython.display import HTML

        return HTML(static(resolve(*given)))

    quiet_tracebacks()

    def build() -> w.Widget:
        if in_preheated_kernel():
            import websockets.sync.client  # noqa: F401 - now, so the thread only waits

            app = make(Params())
            threading.Thread(target=_apply_later, args=(app, given, context),
                             name="ztmo-params", daemon=True).start()
        else:
            app = make(resolve(*given))
        return app.root

    return safe_app(build, context)


def _apply_later(app: ParamsApp, given: tuple[str, ...], context: str) -> None:
    warm_up()
    try:
        app.set_params(resolve(*given))
    except Exception:  # noqa: BLE001 - a thread must not die loudly on the page
        log_exception(context)


def warm_up() -> None:
    """Before the request arrives, do what every arrival needs first: open the store
    (SQLAlchemy, the database driver, the schema check). An arrival then costs a few
    milliseconds instead of about 0.15 CPU-seconds, which a group arriving at once
    would otherwise all pay in the same seconds."""
    try:
        from .session import shared_store

        shared_store().warm_up()
    except Exception:  # noqa: BLE001 - the first real use reports a broken store in Dutch
        log_exception("opslag voorbereiden")


def guarded(callback: Callable[..., None], on_error: Callable[[w.Widget], None],
            context: str) -> Callable[..., None]:
    """Wrap a widget callback so an error shows a Dutch box instead of a traceback."""

    def run(*args, **kwargs):
        try:
            callback(*args, **kwargs)
        except ZtmoError as exc:
            on_error(error_box(exc))
        except Exception:  # noqa: BLE001
            log_exception(context)
            on_error(error_box(GENERIC_PROBLEM, "Er ging iets mis"))

    return run
