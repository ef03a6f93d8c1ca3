"""Executed notebook -> one self-contained static HTML page (nbconvert), and its checks.

nbconvert's own templates reach for other hosts (require.js, MathJax, jQuery, mermaid,
the widget manager from unpkg). Ours extends only the cell-level blocks of the
``classic`` template and writes its own page head: Dutch, our style inlined, no
scripts. Widget views, JavaScript and stderr are left out of the page (they cannot
work without a kernel); code cells without output are dropped; inputs and prompts are
never shown. Building an exporter costs time, so each process keeps one.
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import urlsplit

from . import pages

TEMPLATE_FILE = "ztmo_edition.html.j2"
TEMPLATE = r"""
{%- extends 'base.html.j2' -%}
{%- block header -%}
<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ resources.ztmo.title | e }}</title>
<style>{{ resources.ztmo.css }}</style>
</head>
{%- endblock header -%}
{%- block body_header -%}
<body>
<div class="ztmo-page">
<header class="ztmo-edition-bar">{{ resources.ztmo.bar }}</header>
<main>
{%- endblock body_header -%}
{%- block body_footer -%}
</main>
<footer class="ztmo-page-footer">{{ resources.ztmo.footer }}</footer>
</div>
</body>
{%- endblock body_footer -%}
{%- block footer -%}
</html>
{% endblock footer -%}
{%- block data_javascript -%}{%- endblock data_javascript -%}
{%- block data_widget_view -%}{%- endblock data_widget_view -%}
{%- block stream_stderr -%}{%- endblock stream_stderr -%}
{%- block data_svg scoped -%}
<div class="output_svg output_subarea ztmo-figure" role="img"
 aria-label="{{ (output | get_metadata('alt', 'image/svg+xml')) or 'Grafiek' }}">
{{ output.data['image/svg+xml'] }}
</div>
{%- endblock data_svg -%}
"""
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
DROPPED_MIMETYPES = (WIDGET_VIEW, "application/javascript",
                     "application/vnd.jupyter.widget-state+json")
ENGLISH_ALT = "No description has been provided for this image"


@lru_cache(maxsize=1)
def exporter():
    """One configured HTMLExporter per process (building it costs tens of milliseconds)."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.language_code = "nl"
    config.HTMLExporter.exclude_anchor_links = True  # no "¶" after every heading
    config.CSSHTMLHeaderPreprocessor.enabled = False  # pygments CSS: we show no code
    config.ExtractAttachmentsPreprocessor.enabled = False
    return HTMLExporter(config=config, template_name="classic", template_file=TEMPLATE_FILE,
                        extra_loaders=[DictLoader({TEMPLATE_FILE: TEMPLATE})])


def publishable(nb):
    """A copy of an executed notebook with only what a static page can show."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            outputs = []
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    continue
                data = out.get("data")
                if data is not None:
                    if WIDGET_VIEW in data:
                        continue  # a widget: its text/plain twin ("VBox(...)") means nothing
                    for m in DROPPED_MIMETYPES:
                        data.pop(m, None)
                    if not data:
                        continue
                outputs.append(out)
            if not outputs:
                continue
            cell.outputs = outputs
        cells.append(cell)
    nb.cells = cells
    return nb


def to_html(nb, title: str, bar: str, footer: str) -> str:
    """The page for an executed notebook (the checks are separate: `problems`)."""
    body, _ = exporter().from_notebook_node(
        publishable(nb),
        resources={"ztmo": {"title": title, "css": pages.page_css(), "bar": bar,
                            "footer": footer}},
    )
    return body.replace(ENGLISH_ALT, "Afbeelding zonder beschrijving")


# --- checks ----------------------------------------------------------------------------------
def error_outputs(nb) -> list[str]:
    """'NameError: x' for every error output in an executed notebook."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "error":
                found.append(f"{out.get('ename', 'Fout')}: {out.get('evalue', '')}".strip())
    return found


_ERROR_BOX = re.compile(r'<div[^>]*class="[^"]*\bztmo-error\b[^"]*"[^>]*>(.*?)</div>',
                        re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def error_boxes(markup: str) -> list[str]:
    """The text of every Dutch error box (class ``ztmo-error``) in the page."""
    return [" ".join(_TAG.sub(" ", m).split()) for m in _ERROR_BOX.findall(markup)]


#: Attributes through which a page loads something (not plain links to read later).
_LOADING_ATTRS = {"src", "srcset", "data", "poster", "background", "action", "formaction",
                  "xlink:href", "manifest", "codebase", "archive"}
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)|@import\s+(['\"])([^'\"]+)\3",
                      re.IGNORECASE)


def _is_external(url: str) -> bool:
    url = url.strip()
    if not url or url.startswith(("#", "data:", "about:blank")):
        return False
    parts = urlsplit(url)
    return bool(parts.scheme and parts.scheme not in ("data",)) or url.startswith("//")


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loading: list[str] = []  # resources the browser would fetch
        self.links: list[str] = []  # <a href>: only followed when clicked
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        if tag == "style":
            self.in_style = True
        for name, value in attrs:
            if value is None:
                continue
            if name == "href":
                (self.links if tag == "a" else self.loading).append(value)
            elif name == "srcset":
                self.loading.extend(part.split()[0] for part in value.split(",") if part.strip())
            elif name in _LOADING_ATTRS:
                self.loading.append(value)
            elif name == "style":
                self.loading.extend(m[1] or m[3] for m in _CSS_URL.findall(value))
        if tag == "script":
            self.loading.append("<script>")  # we never need one: count it as a problem

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.loading.extend(m[1] or m[3] for m in _CSS_URL.findall(data))


def references(markup: str) -> tuple[list[str], list[str]]:
    """(what the page would load, where its links point)."""
    parser = _References()
    parser.feed(markup)
    parser.close()
    return parser.loading, parser.links


def external_loads(markup: str) -> list[str]:
    """Everything the page would fetch from another host (plus any script at all)."""
    loading, _ = references(markup)
    return [u for u in loading if u == "<script>" or _is_external(u)]


def problems(nb, markup: str) -> list[str]:
    """Why a page may not be published (Dutch); empty when it may."""
    found = [f"de notebook gaf een foutmelding: {e}" for e in error_outputs(nb)]
    found += [f"de pagina toont een foutmelding: {t}" for t in error_boxes(markup)]
    loads = external_loads(markup)
    if loads:
        shown = ", ".join(sorted(set(loads))[:3])
        found.append(f"de pagina laadt iets van een andere server of een script ({shown})")
    return found
