"""The HTML around the pages of an edition: page frame, edition index and overall index.

Pure standard library (plus our CSS file): strings in, strings out. Everything that is
shown is escaped; nothing is loaded from another host (the style is inlined).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser

from ..markup import esc, theme_css
from . import layout

SITE_TITLE = "Zo thuis mogelijk opgroeien"
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")

#: The page around the content: readable width, our colours, print-friendly.
PAGE_CSS = """
:root { --ztmo-ink: #1f2a33; --ztmo-muted: #4a5763; --ztmo-accent: #0b6e69;
  --ztmo-accent-soft: #e3f1ef; --ztmo-warm: #fff4e0; --ztmo-line: #c9d3da; --ztmo-error: #a4161a; }
html { background: #f6f8f9; }
body { margin: 0; color: var(--ztmo-ink); background: #f6f8f9;
  font-family: "DejaVu Sans", "Segoe UI", Roboto, Arial, sans-serif; font-size: 18px;
  line-height: 1.5; }
.ztmo-page { max-width: 48rem; margin: 0 auto; padding: 1rem 1.2rem 3rem; background: #fff;
  min-height: 100vh; box-sizing: border-box; }
.ztmo-edition-bar { display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; justify-content: space-between;
  border-bottom: 3px solid var(--ztmo-accent); padding: 0.4rem 0 0.6rem; margin-bottom: 1rem;
  font-size: 0.9em; color: var(--ztmo-muted); }
.ztmo-edition-bar a, .ztmo-page a { color: #084f4b; }
.ztmo-page h1 { font-size: 1.9em; line-height: 1.2; margin: 0.4em 0; }
.ztmo-page h2 { font-size: 1.45em; line-height: 1.25; margin: 1em 0 0.3em; }
.ztmo-page img, .ztmo-page svg { max-width: 100%; height: auto; }
.ztmo-page table { border-collapse: collapse; }
.ztmo-page .ztmo-app { max-width: none; }
.ztmo-page-footer { margin-top: 2rem; border-top: 1px solid var(--ztmo-line); padding-top: 0.6rem;
  color: var(--ztmo-muted); font-size: 0.85em; }
.ztmo-page-list { list-style: none; padding: 0; }
.ztmo-page-list li { margin: 0.5rem 0; }
.ztmo-page-list a { display: block; border: 2px solid var(--ztmo-accent); border-radius: 12px;
  padding: 0.7rem 1rem; background: var(--ztmo-accent-soft); text-decoration: none;
  color: var(--ztmo-ink); font-weight: bold; }
.ztmo-sources-list li { margin-bottom: 0.4em; }
.ztmo-figure { margin: 0.5rem 0; }
@media (max-width: 480px) { body { font-size: 17px; } .ztmo-page { padding: 0.6rem 0.8rem 2rem; } }
@media print {
  html, body { background: #fff; }
  .ztmo-page { max-width: none; padding: 0; min-height: 0; }
  .ztmo-edition-bar a { text-decoration: none; }
}
"""


def page_css() -> str:
    return PAGE_CSS + theme_css()


def dutch_date(day: date | datetime) -> str:
    """'23 november 2026'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def frame(title: str, body: str, bar: str = "", footer: str = "") -> str:
    """A complete, self-contained HTML page (Dutch, our style inlined, no scripts)."""
    bar_html = f'<header class="ztmo-edition-bar">{bar}</header>' if bar else ""
    foot = f'<footer class="ztmo-page-footer">{footer}</footer>' if footer else ""
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{page_css()}</style>\n</head>\n"
        f'<body>\n<div class="ztmo-page">{bar_html}<main>{body}</main>{foot}</div>\n'
        "</body>\n</html>\n"
    )


# --- edition index ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Page:
    notebook: str  # relative to the notebooks folder, e.g. 'pillars/1_x.ipynb'
    title: str

    @property
    def path(self) -> str:
        return layout.page_path(self.notebook)


def region_sources(derived: bool, scan_source: str) -> list[str]:
    """The sources behind every edition, before the figures' own source lines."""
    lines = [
        ("Teksten over de basisprincipes, pijlers en handvatten: de handreiking Mijn Thuis van "
         "het Nederlands Jeugdinstituut (NJi), in onze eigen woorden."),
        f"Leervoorkeuren: {scan_source}",
        ("Indeling in jeugdregio's en gemeenten: CBS / PDOK, Gebiedsindelingen 2025 "
         "(licentie CC BY 4.0). Bron: CBS."),
    ]
    if derived:
        lines.append("Welke gemeente bij welke jeugdregio hoort, hebben wij afgeleid door de "
                     "kaarten van gemeenten en jeugdregio's over elkaar te leggen. Het is niet "
                     "de officiële tabel van het CBS.")
    return lines


def edition_index(region_name: str, region_code: str, pages: list[Page], sources: list[str],
                  made: datetime, version: str) -> str:
    """The edition's own index.html: its pages, its sources and when it was made."""
    items = "".join(f'<li><a href="{esc(p.path)}">{esc(p.title)}</a></li>' for p in pages)
    source_items = "".join(f"<li>{esc(s)}</li>" for s in sources)
    body = (
        f"<h1>{esc(SITE_TITLE)}</h1>"
        f"<p>Dit is de editie voor de jeugdregio <strong>{esc(region_name)}</strong> "
        f"({esc(region_code)}). Je kunt de pagina's lezen, doorsturen en afdrukken. "
        "Invullen doe je op papier; meedoen met een groepssessie kan in de online "
        "leeromgeving.</p>"
        f'<h2>Pagina\'s</h2><ul class="ztmo-page-list">{items}</ul>'
        f'<h2>Bronnen</h2><ul class="ztmo-sources-list">{source_items}</ul>'
        f"<h2>Over deze editie</h2><p>Gemaakt op {esc(dutch_date(made))} "
        f"(versie {esc(version)} van de leeromgeving).</p>"
    )
    bar = '<a href="../index.html">Alle regio\'s</a>' f"<span>{esc(region_name)}</span>"
    return frame(f"{region_name} – {SITE_TITLE}", f'<div class="ztmo-app">{body}</div>', bar=bar,
                 footer=f"Gemaakt op {esc(dutch_date(made))}.")


@dataclass(frozen=True)
class EditionEntry:
    code: str
    name: str
    folder: str
    made: str  # ISO date-time from the manifest


def overall_index(entries: list[EditionEntry], made: datetime) -> str:
    """The index of all editions in an output folder."""
    rows = "".join(
        f'<li><a href="{esc(e.folder)}/index.html">{esc(e.name)}</a> '
        f'<span class="ztmo-source">{esc(e.code)} · gemaakt op '
        f"{esc(dutch_date(datetime.fromisoformat(e.made)))}</span></li>"
        for e in sorted(entries, key=lambda e: e.code)
    )
    count, plural = len(entries), "jeugdregio's"
    body = (
        f"<h1>{esc(SITE_TITLE)}: regionale edities</h1>"
        f"<p>Hier staan de edities voor {count} {'jeugdregio' if count == 1 else plural}. "
        "Elke editie bevat de "
        "startpagina, de drie pijlers, de leervoorkeuren, werkbladen voor vijf werkvormen in "
        "de groep en, als die er zijn, de cijfers van de regio.</p>"
        f'<ul class="ztmo-page-list">{rows}</ul>'
    )
    return frame(f"Regionale edities – {SITE_TITLE}", f'<div class="ztmo-app">{body}</div>',
                 footer=f"Bijgewerkt op {esc(dutch_date(made))}.")


# --- reading pages back ----------------------------------------------------------------------
_SOURCE_START = re.compile(r"^(bron|bronnen)\s*:", re.IGNORECASE)
_BLOCKS = {"p", "li", "td", "div", "figcaption", "small", "caption", "span", "dd"}


class _SourceLines(HTMLParser):
    """Collect the text of elements that start with 'Bron:' (the figures' source lines)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[list[str]] = []
        self.found: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1
        elif tag in _BLOCKS:
            self.stack.append([])

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS and self.stack:
            text = " ".join("".join(self.stack.pop()).split())
            if _SOURCE_START.match(text) and len(text) <= 400:
                if text not in self.found:
                    self.found.append(text)
                text = ""  # an enclosing element does not count it again
            if self.stack:
                self.stack[-1].append(" " + text + " " if text else " ")

    def handle_data(self, data):
        if not self.skip and self.stack:
            self.stack[-1].append(data)


def source_lines(markup: str, limit: int = 40) -> list[str]:
    """Distinct 'Bron: ...' lines in a page, in order of appearance."""
    parser = _SourceLines()
    parser.feed(markup)
    parser.close()
    return parser.found[:limit]
