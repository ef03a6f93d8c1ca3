"""Building blocks every app shares: the styled root, Dutch error boxes, escaping.

A participant never sees a traceback: `safe_app` turns any failure while building
an app into a Dutch message, and the technical details go to the server log.
"""

from __future__ import annotations

import html
import sys
import traceback
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import ipywidgets as w

from ..errors import ZtmoError

GENERIC_PROBLEM = (
    "Dit onderdeel kon niet worden geladen. Probeer de pagina opnieuw te openen. "
    "Blijft het misgaan? Meld het dan aan de trainer."
)


def esc(text: object) -> str:
    """Escape any text before it goes into HTML (participant text is untrusted)."""
    return html.escape(str(text), quote=True)


@lru_cache(maxsize=1)
def _css() -> str:
    return (Path(__file__).with_name("theme.css")).read_text(encoding="utf-8")


def style() -> w.HTML:
    """The house style as a widget, so it travels with the app (Voila, Lab, HTML)."""
    return w.HTML(f"<style>{_css()}</style>", layout=w.Layout(display="none"))


def html_block(markup: str, *classes: str) -> w.HTML:
    """A piece of trusted markup (built by us, with escaped values) as a widget."""
    widget = w.HTML(markup)
    for c in classes:
        widget.add_class(c)
    return widget


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


def app_root(children: Iterable[w.Widget], *classes: str) -> w.VBox:
    """The root of an app: house style first, then the content; class ``ztmo-app``."""
    root = w.VBox([style(), *children], layout=w.Layout(width="100%"))
    root.add_class("ztmo-app")
    for c in classes:
        root.add_class(c)
    return root


def log_exception(context: str) -> None:
    """Write the traceback to the server log (the kernel's real stderr), not the page."""
    stream = sys.__stderr__
    if stream is not None:
        print(f"[ztmo] fout in {context}:", file=stream)
        traceback.print_exc(file=stream)
        stream.flush()


def safe_app(build: Callable[[], w.Widget], context: str) -> w.Widget:
    """Build an app; on any failure return an app that only shows a Dutch message."""
    try:
        return build()
    except ZtmoError as exc:
        return app_root([error_box(exc)])
    except Exception:  # noqa: BLE001 - the whole point: nothing escapes to the page
        log_exception(context)
        return app_root([error_box(GENERIC_PROBLEM, "Er ging iets mis")])


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
