"""Code that runs inside the editions' warm kernels (not in the renderer's own process).

A warm kernel runs many notebooks one after another. `warm` imports the heavy
libraries once; `reset` gives every notebook a clean namespace, as if it had a kernel
of its own: user variables, widgets, history and the execution counter are cleared and
the working directory is the notebook's folder. Imported modules stay loaded (that is
the point), so module-level state that a notebook could change (altair's renderer) is
put back to the edition's setting here.
"""

from __future__ import annotations

import os

WARM_MODULES = ("pandas", "altair", "vl_convert", "ipywidgets", "ztmo.ui", "ztmo.ui.static",
                "ztmo.ui.learning", "ztmo.scan", "ztmo.regions")
OPTIONAL_MODULES = ("ztmo.ui.region", "ztmo.figures")


def warm() -> None:
    """Import what the notebooks use and load the content files once."""
    import importlib

    for name in (*WARM_MODULES, *OPTIONAL_MODULES):
        try:
            importlib.import_module(name)
        except ImportError:
            if name in WARM_MODULES:
                raise
    from ztmo.content import load_guide
    from ztmo.preferences import load_scan
    from ztmo.regions import load_regions

    load_guide()
    load_scan()
    load_regions()
    _altair_offline()


def _altair_offline() -> None:
    """Charts shown straight from altair become inline SVG (its default loads vega from a CDN)."""
    import sys

    alt = sys.modules.get("altair")
    if alt is not None:
        try:
            alt.renderers.enable("svg")
        except Exception:  # noqa: BLE001, S110 - no vl-convert: the page check will say so
            pass


def reset(cwd: str) -> None:
    """Make the kernel look fresh for the next notebook."""
    import sys

    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        # What `%reset -f` does (including a gc), plus a new history session, which also
        # starts the execution counter at 1 again.
        shell.reset(new_session=True, aggressive=False)
    widgets = sys.modules.get("ipywidgets")
    if widgets is not None:
        widgets.Widget.close_all()
    os.chdir(cwd)
    _altair_offline()
