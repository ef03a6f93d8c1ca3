"""The apps as static HTML, for the printed and mailed regional editions (`ztmo editie`).

A static page has no kernel, so nothing can be clicked or saved. Each app degrades to
something a group can still use on paper: a rating becomes the guidelines with their
questions and boxes to tick; a live group view becomes an empty template to fill in;
the scan becomes the situations with the five preferences to tick, plus a key to count
the points. Pure functions: content and parameters in, an HTML string out. Every piece
of text is escaped; no scripts, nothing loaded from anywhere.
"""

from __future__ import annotations

from ..content import Guide, Pillar
from ..errors import ZtmoError
from ..params import Params
from ..preferences import Scan
from .base import _css, esc
from .nav import GROUPWORK, LEARNING, PILLAR_PATHS, REGION, START, App, card, href

SCAN_PATH = LEARNING[0].path
DUO_PATH = LEARNING[1].path
GROUP_PATH = LEARNING[2].path
PAPER_ORDER_SEED = "papieren-editie"  # one fixed shuffle of the scan for everybody on paper
LETTERS = "ABCDEFGHIJ"

#: Extra style for paper forms; the rest is the house style (ui/theme.css).
PAPER_CSS = """
.ztmo-static { margin: 0 auto; }
.ztmo-box { display: inline-block; width: 1.1em; height: 1.1em; border: 2px solid var(--ztmo-ink);
  border-radius: 3px; vertical-align: -0.2em; margin-right: 0.35em; background: #fff; }
.ztmo-ticks { list-style: none; padding: 0; margin: 0.3em 0 0.6em;
  display: flex; flex-wrap: wrap; gap: 0.4em 1.2em; }
.ztmo-ticks li { white-space: nowrap; }
.ztmo-lines { margin: 0.4em 0 0.8em; }
.ztmo-line { border-bottom: 1px solid var(--ztmo-muted); height: 2em; }
.ztmo-paper-table { border-collapse: collapse; width: 100%; margin: 0.4em 0 0.8em; }
.ztmo-paper-table th, .ztmo-paper-table td { border: 1px solid var(--ztmo-line);
  padding: 0.4em 0.5em; text-align: left; vertical-align: top; }
.ztmo-paper-table th { background: var(--ztmo-accent-soft); }
.ztmo-paper-table td.ztmo-fill { min-width: 5em; height: 2.2em; }
.ztmo-paper-table td.ztmo-tick { width: 4.5em; text-align: center; }
.ztmo-key-table { font-size: 0.8em; }
.ztmo-key-table td, .ztmo-key-table th { padding: 0.3em; overflow-wrap: anywhere; }
.ztmo-static .ztmo-card { break-inside: avoid; page-break-inside: avoid; }
@media print {
  .ztmo-app { max-width: none; font-size: 12pt; }
  a.ztmo-nav-card { border-width: 1px; }
  .ztmo-page-break { break-before: page; page-break-before: always; }
}
"""

PAPER_NOTE = (
    "Dit is de versie om te lezen en af te drukken. Je kunt hier niets invullen op het "
    "scherm: vul het op papier in, of gebruik de online leeromgeving."
)
DUO_QUESTIONS = (
    "Vertel elkaar wat je eerste leervoorkeur is, en of je jezelf daarin herkent.",
    "Geef een voorbeeld: wanneer leerde je in je werk echt iets?",
    "Wat betekent jullie verschil (of overeenkomst) voor samen leren in het leernetwerk?",
)


# --- small pieces -------------------------------------------------------------------------
def page(body: str, *classes: str) -> str:
    """The root of a static app: house style, paper style, then the content."""
    names = " ".join(("ztmo-app", "ztmo-static", *classes))
    return f'<div class="{esc(names)}"><style>{_css()}{PAPER_CSS}</style>{body}</div>'


def error_html(exc: BaseException | str) -> str:
    """A Dutch problem in a box (class ``ztmo-error``), like the apps' error boxes."""
    if isinstance(exc, ZtmoError):
        title, message = exc.title, str(exc)
    else:
        title, message = "Er ging iets mis", str(exc)
    return (f'<div class="ztmo-error" role="alert"><strong>{esc(title)}</strong>'
            f"{esc(message)}</div>")


def notices(params: Params) -> str:
    """Problems with the parameters (say an unknown region), then the region in use."""
    boxes = "".join(error_html(e) for e in params.errors)
    region = (f'<p class="ztmo-notice">Dit is de editie voor de regio '
              f"<strong>{esc(params.regio)}</strong>.</p>" if params.regio else "")
    return boxes + region


def ticks(labels: list[str] | tuple[str, ...]) -> str:
    """A row of empty boxes to tick on paper, each with its label."""
    items = "".join(f'<li><span class="ztmo-box" aria-hidden="true"></span>{esc(t)}</li>'
                    for t in labels)
    return f'<ul class="ztmo-ticks">{items}</ul>'


def lines(n: int = 3, label: str = "Ruimte om te schrijven") -> str:
    """Empty lines to write on."""
    rows = "".join('<div class="ztmo-line"></div>' for _ in range(max(1, n)))
    return f'<div class="ztmo-lines" role="img" aria-label="{esc(label)}">{rows}</div>'


def _list(items, tag: str = "ul", cls: str = "ztmo-question-list") -> str:
    return f'<{tag} class="{cls}">' + "".join(f"<li>{esc(x)}</li>" for x in items) + f"</{tag}>"


def _links(here: str, targets: list[tuple[str, str]], params: Params) -> str:
    parts = " · ".join(f'<a href="{href(here, path, params)}">{esc(text)}</a>'
                       for path, text in targets)
    return f'<p class="ztmo-links">{parts}</p>'


# --- start page ---------------------------------------------------------------------------
def start_html(guide: Guide, params: Params, with_region: bool = True) -> str:
    """The start page: region, the three basic principles, and the way to every page.

    ``with_region``: link the region's figures (when the edition has that page).
    """
    here = START.path
    principles = "".join(
        f'<div class="ztmo-card"><span class="ztmo-kicker">Basisprincipe {i}</span>'
        f"<h3>{esc(p.titel)}</h3><p>{esc(p.uitleg)}</p></div>"
        for i, p in enumerate(guide.principes, start=1)
    )
    pillars = "".join(
        card(App(PILLAR_PATHS[p.nummer], p.titel, p.kernzin), here, params,
             kicker=f"Pijler {p.nummer} · {p.doel}")
        for p in guide.pijlers
    )
    learning = "".join(card(app, here, params, kicker="Leervoorkeuren") for app in LEARNING)
    groupwork = "".join(card(app, here, params, kicker="Werkblad") for app in GROUPWORK)
    region = ""
    if with_region and REGION.beschikbaar:
        region = ("<h2>Jouw regio</h2><nav class=\"ztmo-nav\" aria-label=\"Regio\">"
                  f"{card(REGION, here, params, kicker='Cijfers')}</nav>")
    body = (
        notices(params)
        + f'<p class="ztmo-source">{esc(PAPER_NOTE)}</p>'
        + "<h2>De drie basisprincipes</h2>"
        + f'<p class="ztmo-motto"><em>{esc(guide.motto)}</em></p>'
        + f'<div class="ztmo-principles">{principles}</div>'
        + "<h2>De drie pijlers</h2><p>Elke pijler heeft vijf handvatten, met vragen om samen "
        "te bespreken.</p>"
        + f'<nav class="ztmo-nav" aria-label="Pijlers">{pillars}</nav>'
        + "<h2>Samen leren</h2>"
        + f'<nav class="ztmo-nav" aria-label="Leervoorkeuren">{learning}</nav>'
        + "<h2>Werkvormen voor de groep</h2><p>Werkbladen om af te drukken: voor een "
        "ideeënmuur, een tijdlijn, goede voorbeelden, tien beloften en vier vlaggen.</p>"
        + f'<nav class="ztmo-nav" aria-label="Werkvormen">{groupwork}</nav>'
        + region
    )
    return page(body, "ztmo-start")


# --- a pillar -----------------------------------------------------------------------------
def pillar_html(guide: Guide, pillar: Pillar, params: Params) -> str:
    """A pillar on paper: every guideline with its questions, a rating to tick and room
    for notes; then an overview to fill in and the group task with empty lines."""
    here = PILLAR_PATHS[pillar.nummer]
    scale = guide.beoordeling
    labels = [f"{k} – {scale.labels[k]}" for k in sorted(scale.labels)]
    cards = []
    for h in pillar.handvatten:
        cards.append(
            f'<div class="ztmo-card ztmo-guideline"><span class="ztmo-kicker">Handvat {h.nummer}'
            f"</span><h3>{esc(h.titel)}</h3><p>{esc(h.uitleg)}</p>"
            f"<p><strong>Waarom dit ertoe doet.</strong> {esc(h.waarom)}</p>"
            f"<p><strong>Om samen te bespreken</strong></p>{_list(h.vragen)}"
            f'<div class="ztmo-rating-block"><p><strong>{esc(scale.vraag)}</strong></p>'
            f"{ticks(labels)}</div>"
            f"<p><strong>Wat valt je op?</strong></p>{lines(2)}</div>"
        )
    overview_rows = "".join(f"<tr><td>{h.nummer}. {esc(h.titel)}</td>"
                            '<td class="ztmo-fill"></td></tr>' for h in pillar.handvatten)
    task = guide.groepsopdracht
    questions = "".join(f"<li><p>{esc(q.tekst)}</p>{lines(3)}</li>" for q in task.vragen)
    nxt = pillar.nummer % 3 + 1
    roles = (('<div class="ztmo-card ztmo-roles"><h3>De rol van organisaties en gemeenten</h3>'
              f"<p>{esc(guide.rol_organisaties_gemeenten)}</p></div>")
             if guide.rol_organisaties_gemeenten else "")
    credit = f'<p class="ztmo-source">Bron: {esc(guide.bron)}</p>' if guide.bron else ""
    body = (
        notices(params)
        + f'<p class="ztmo-source">{esc(PAPER_NOTE)}</p>'
        + f'<div class="ztmo-pillar-intro"><span class="ztmo-kicker">Pijler {pillar.nummer} · '
        f"{esc(pillar.doel)}</span><p><strong>{esc(pillar.kernzin)}</strong></p>"
        f"<p>{esc(pillar.intro)}</p></div>"
        + "<h2>De vijf handvatten</h2>" + "".join(cards)
        + '<div class="ztmo-summary ztmo-page-break"><h3>Jullie overzicht</h3>'
        f"<p>Schrijf bij elk handvat jullie cijfer (1 tot en met 5): {esc(scale.vraag)}</p>"
        '<table class="ztmo-paper-table"><thead><tr><th>Handvat</th><th>Cijfer</th></tr>'
        f"</thead><tbody>{overview_rows}</tbody></table></div>"
        + f'<div class="ztmo-card ztmo-group-task"><h3>{esc(task.titel)}</h3>'
        f"<p>{esc(task.intro)}</p>"
        f'<p class="ztmo-source">Werk in groepjes van maximaal {task.max_groepsgrootte} mensen. '
        "Eén persoon schrijft op wat jullie bespreken.</p>"
        f'<ol class="ztmo-question-list">{questions}</ol></div>'
        + roles + credit
        + _links(here, [(PILLAR_PATHS[nxt], f"Verder met pijler {nxt}"),
                        (START.path, "Terug naar de start")], params)
    )
    return page(body, "ztmo-pillar")


# --- learning preferences -----------------------------------------------------------------
def _preference_cards(scan: Scan, ideas: bool = False) -> str:
    return "".join(
        f'<div class="ztmo-card"><h4>{esc(p.naam)}</h4><p>{esc(p.kort)}</p>'
        f"<p><strong>Brengt:</strong> {esc(p.brengt)}</p>"
        f"<p><strong>Heeft nodig:</strong> {esc(p.nodig)}</p>"
        + (f"<p><strong>Ideeën voor een bijeenkomst</strong></p>{_list(p.suggesties, cls='')}"
           if ideas else "")
        + "</div>"
        for p in scan.preferences
    )


def scan_html(scan: Scan, params: Params) -> str:
    """The scan on paper: each situation with its five options (A-E) to tick as first and
    second choice, then a key to count the points per preference."""
    from .. import scan as scan_core

    items = {i.id: i for i in scan.items}
    order = scan_core.order_for(PAPER_ORDER_SEED, scan.items)
    first, second = scan_core.POINTS[0], scan_core.POINTS[1]
    situations, key_rows = [], []
    for n, (item_id, option_ids) in enumerate(order, start=1):
        item = items[item_id]
        options = {o.id: o for o in item.options}
        rows = "".join(
            f"<tr><td><strong>{LETTERS[k]}</strong> {esc(options[oid].tekst)}</td>"
            '<td class="ztmo-tick"><span class="ztmo-box" aria-label="eerst"></span></td>'
            '<td class="ztmo-tick"><span class="ztmo-box" aria-label="daarna"></span></td></tr>'
            for k, oid in enumerate(option_ids)
        )
        situations.append(
            f'<div class="ztmo-card ztmo-situation"><span class="ztmo-kicker">Situatie {n}</span>'
            f"<p>{esc(item.situatie)}</p>"
            '<table class="ztmo-paper-table"><thead><tr><th>Wat doe je?</th><th>Eerst</th>'
            f"<th>Daarna</th></tr></thead><tbody>{rows}</tbody></table></div>"
        )
        key_rows.append(f"<tr><td>{n}</td>" + "".join(
            f"<td>{esc(options[oid].preference)}</td>" for oid in option_ids) + "</tr>")
    letters = "".join(f"<th>{LETTERS[k]}</th>" for k in range(len(order[0][1]) if order else 0))
    tally = "".join(f'<tr><td>{esc(p.naam)}</td><td class="ztmo-fill"></td></tr>'
                    for p in scan.preferences)
    maximum = first * len(order)
    body = (
        notices(params)
        + f'<p class="ztmo-source">{esc(PAPER_NOTE)}</p>'
        + f'<div class="ztmo-scan-intro"><p>{esc(scan.instructie)}</p>'
        "<p><strong>Zo vul je het in:</strong> zet bij elke situatie een kruisje bij wat je "
        "als eerste zou doen, en een kruisje bij wat je daarna zou doen.</p></div>"
        + "".join(situations)
        + '<div class="ztmo-card ztmo-page-break ztmo-scan-key"><h3>Tel je punten</h3>'
        f"<p>Kijk per situatie welke leervoorkeur bij je kruisjes hoort. Een kruisje bij "
        f"<em>eerst</em> is {first} punten, een kruisje bij <em>daarna</em> {second} punten. "
        f"Tel per leervoorkeur alles op. Je kunt per voorkeur hooguit {maximum} punten halen. "
        "De voorkeur met de meeste punten is je eerste leervoorkeur.</p>"
        '<table class="ztmo-paper-table ztmo-key-table"><thead><tr><th>Nr.</th>'
        f"{letters}</tr></thead>"
        f'<tbody>{"".join(key_rows)}</tbody></table>'
        '<table class="ztmo-paper-table"><thead><tr><th>Leervoorkeur</th><th>Mijn punten</th>'
        f"</tr></thead><tbody>{tally}</tbody></table></div>"
        + f"<h3>De vijf leervoorkeuren</h3>{_preference_cards(scan)}"
        + f'<p class="ztmo-source">{esc(scan.bron)}</p>'
        + _links(SCAN_PATH, [(DUO_PATH, "Verder: het duogesprek"),
                             (GROUP_PATH, "Het profiel van de groep")], params)
    )
    return page(body, "ztmo-scan")


def duo_html(params: Params) -> str:
    """The duo talk: how to find a partner, the questions, and room for one insight."""
    body = (
        notices(params)
        + f'<p class="ztmo-source">{esc(PAPER_NOTE)}</p>'
        + "<p>Zoek iemand die je nog niet kent, het liefst met een andere eerste "
        "leervoorkeur. Vul eerst allebei de scan in.</p>"
        + '<div class="ztmo-card ztmo-duo-prompts"><h3>Zo gaat het gesprek</h3>'
        f'{_list(DUO_QUESTIONS, "ol")}</div>'
        + '<div class="ztmo-card"><h3>Wie praten er?</h3><table class="ztmo-paper-table">'
        "<thead><tr><th></th><th>Naam of bijnaam</th><th>Eerste leervoorkeur</th></tr></thead>"
        '<tbody><tr><td>Ik</td><td class="ztmo-fill"></td><td class="ztmo-fill"></td></tr>'
        '<tr><td>Mijn gesprekspartner</td><td class="ztmo-fill"></td><td class="ztmo-fill"></td>'
        "</tr></tbody></table></div>"
        + f"<h3>Eén inzicht uit jullie gesprek</h3>{lines(4)}"
        + _links(DUO_PATH, [(SCAN_PATH, "Naar de scan"),
                            (GROUP_PATH, "Het profiel van de groep")], params)
    )
    return page(body, "ztmo-duo")


def group_profile_html(scan: Scan, params: Params) -> str:
    """The group's learning profile as an empty template: count hands per preference, then
    talk about what the mix means for your meetings."""
    rows = "".join(f'<tr><td>{esc(p.naam)}</td><td class="ztmo-fill"></td>'
                   '<td class="ztmo-fill"></td></tr>' for p in scan.preferences)
    body = (
        notices(params)
        + f'<p class="ztmo-source">{esc(PAPER_NOTE)}</p>'
        + '<div class="ztmo-group ztmo-group-template"><h3>Het leerprofiel van de groep</h3>'
        "<p>Vraag wie welke leervoorkeur als eerste en als tweede heeft (uit de scan), en "
        "schrijf het aantal mensen op.</p>"
        '<table class="ztmo-paper-table"><thead><tr><th>Leervoorkeur</th><th>Als eerste</th>'
        f"<th>Als tweede</th></tr></thead><tbody>{rows}</tbody></table>"
        "<h4>Wat betekent deze mix voor jullie bijeenkomsten?</h4>"
        "<p>Welke voorkeur komt weinig voor? Welke past slecht bij een gewone bijeenkomst "
        "met presentaties en gesprek? Wat doen jullie de volgende keer anders?</p>"
        f"{lines(4)}</div>"
        + f"<h3>De vijf leervoorkeuren</h3>{_preference_cards(scan, ideas=True)}"
        + f'<p class="ztmo-source">{esc(scan.bron)}</p>'
        + _links(GROUP_PATH, [(SCAN_PATH, "Naar de scan"), (START.path, "Terug naar de start")],
                 params)
    )
    return page(body, "ztmo-group-profile-app")
