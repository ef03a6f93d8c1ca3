"""Where things go in an edition: which notebooks, and the file each page becomes.

Pure standard library, so the CLI, the UI (for links between static pages) and the
tests can all import it without paying for Papermill or nbconvert.

An edition folder looks like this::

    index.html                  the edition's own index: pages, sources, date
    start.html                  notebooks/index.ipynb (the start page)
    pillars/1_....html          notebooks/pillars/1_....ipynb
    werkvormen/1_....html       notebooks/werkvormen/1_....ipynb (a worksheet to print)
    notebooks/...               the executed notebooks, for whoever wants to look inside
    editie.json                 manifest: written last, only when every page succeeded
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from pathlib import Path

#: The edition's notebooks, relative to the notebooks folder, in reading order. Globs:
#: pillars, learning styles and group activities (worksheets on paper) are found by name,
#: and regio.ipynb when it exists.
NOTEBOOK_PATTERNS: tuple[str, ...] = (
    "index.ipynb",
    "pillars/*.ipynb",
    "learning_styles/*.ipynb",
    "werkvormen/*.ipynb",
    "regio.ipynb",
)
#: Notebooks that never go into an edition (they need a live session).
EXCLUDED: frozenset[str] = frozenset({
    "trainer.ipynb", "beamer.ipynb",  # live session screens
    "netwerk.ipynb", "verslag.ipynb",  # bound to a session or a network, not to a region
})
START_NOTEBOOK = "index.ipynb"
START_PAGE = "start.html"
INDEX_PAGE = "index.html"
MANIFEST = "editie.json"
NOTEBOOKS_SUBDIR = "notebooks"
FAILED_DIR = "_mislukt"
STAGING_DIR = ".bezig"  # editions being made; emptied at the start and end of a run


def edition_notebooks(notebooks_dir: Path) -> list[str]:
    """The notebooks of an edition (posix paths relative to ``notebooks_dir``)."""
    found: list[str] = []
    for pattern in NOTEBOOK_PATTERNS:
        for path in sorted(notebooks_dir.glob(pattern)):
            rel = path.relative_to(notebooks_dir).as_posix()
            if (path.is_file() and rel not in EXCLUDED and rel not in found
                    and ".ipynb_checkpoints" not in rel):
                found.append(rel)
    return found


def page_path(notebook: str) -> str:
    """The HTML page a notebook becomes: 'pillars/1_x.ipynb' -> 'pillars/1_x.html'.

    The start page becomes 'start.html', because 'index.html' is the edition's index.
    """
    if notebook == START_NOTEBOOK:
        return START_PAGE
    return posixpath.splitext(notebook)[0] + ".html"


def page_link(from_notebook: str, to_notebook: str) -> str:
    """A relative link from one static page to another (no query string: the region is
    baked into the edition)."""
    here = posixpath.dirname(page_path(from_notebook)) or "."
    return posixpath.relpath(page_path(to_notebook), here)


def slug(text: str) -> str:
    """'Gooi en Vechtstreek' -> 'gooi-en-vechtstreek'; safe as a folder name."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " en ")
    return "-".join(re.sub(r"[^0-9a-z]+", " ", text).split()) or "regio"


def edition_dirname(code: str, name: str) -> str:
    """The folder of a region's edition, e.g. 'jz14-twente' (code first: unique, sorted)."""
    return f"{code.lower()}-{slug(name)}"
