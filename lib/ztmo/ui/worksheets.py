"""The five group activities on paper: worksheets for the printed regional editions.

In an edition (`ztmo editie`) the apps of notebooks/werkvormen/ show these instead of
widgets (`ztmo.ui.werkvormen`, `launch(..., static=...)`). A trainer prints a sheet and
the group works with pen, sticky notes and stickers: every text the live app shows is
here, with boxes to tick, lines to write on and tables to count in. Pure functions like
those in `ztmo.ui.static`: content and parameters in, an HTML string out; every piece of
text escaped, no scripts, nothing loaded from anywhere.
"""

from __future__ import annotations

from ..activities import DOT_COUNT
from ..content import Guide, load_guide
from ..groupwork import Groupwork, Practice, load_groupwork
from ..params import Params
from ..wall import MAX_VOTES, budget
from .base import esc
from .nav import GROUPWORK, START, App
from .static import PAPER_NOTE, _links, _list, lines, notices, page, ticks

WALL, TIMELINE, PRACTICE, PROMISES, FLAGS = GROUPWORK
IDEA_BOXES = 12  # sticky notes on one sheet; a real wall has as many as the group writes
NUMBER_WORDS = {1: "één", 2: "twee", 3: "drie", 4: "vier", 5: "vijf", 6: "zes", 7: "zeven",
                8: "acht", 9: "negen", 10: "tien"}
#: The colours of the flags, for the stripe on paper; an unknown colour gets a grey line.
FLAG_COLOURS = {"oranje": "#e8730c", "blauw": "#1f5fa8", "groen": "#2e7d32", "wit": "#ffffff",
                "geel": "#f2c400", "rood": "#c62828", "paars": "#6a1b9a", "zwart": "#1f2a33"}

#: Who wrote what, per sheet (the "Bron:" line above it names the document).
CREDITS = {
    "muur": ("De vragen van de ideeënmuur en de uitleg over de stippen zijn van ons. De vragen "
             "bij de pijlers schreven wij op basis van de handreiking Mijn Thuis van het "
             "Nederlands Jeugdinstituut (NJi)."),
    "tijdlijn": ("De teksten op dit werkblad zijn van ons, op basis van het rapport van het "
                 "actieleertraject in Gooi en Vechtstreek (2022). Het gezin is verzonnen. De "
                 "handvatten komen uit de handreiking Mijn Thuis van het NJi."),
    "praktijk": ("De namen en feiten komen uit de documenten hierboven. De uitleg is in onze "
                 "eigen woorden."),
    "beloften": ("De uitleg op dit werkblad is van ons, op basis van het verslag Elke dag beter "
                 "van Zorg voor de Jeugd (2018). De thema's en de zinnen vanuit het kind staan er "
                 "zoals in het verslag."),
    "vlaggen": ("De uitleg en de vragen op dit werkblad zijn van ons, op basis van het verslag "
                "Elke dag beter van Zorg voor de Jeugd (2018)."),
}

#: Extra style for the worksheets; the rest is the house style and static.PAPER_CSS.
SHEET_CSS = """
.ztmo-worksheet .ztmo-sheet-grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr));
  gap: 0.6em; margin: 0.4em 0 0.8em; }
.ztmo-worksheet .ztmo-idea-box { border: 2px dashed var(--ztmo-muted); border-radius: 8px;
  padding: 0.3em 0.6em; min-height: 7.5em; break-inside: avoid; page-break-inside: avoid; }
.ztmo-worksheet .ztmo-moment { border-left: 8px solid var(--ztmo-line); }
.ztmo-worksheet .ztmo-moment-rustig { border-left-color: #5ec962; }
.ztmo-worksheet .ztmo-moment-druk { border-left-color: #e8a317; }
.ztmo-worksheet .ztmo-moment-crisis { border-left-color: #a4161a; }
.ztmo-worksheet .ztmo-flag { border-left: 16px solid var(--ztmo-line); }
.ztmo-worksheet .ztmo-swatch { display: inline-block; width: 1.4em; height: 1em;
  border: 1px solid var(--ztmo-ink); vertical-align: -0.15em; margin-right: 0.3em; }
.ztmo-worksheet .ztmo-child { font-size: 1.05em; font-weight: bold; }
.ztmo-worksheet h4 { font-size: 1.05em; margin: 0.3em 0 0.2em; }
.ztmo-worksheet .ztmo-card > h3:first-child, .ztmo-worksheet .ztmo-card > h4:first-child {
  margin-top: 0; }
.ztmo-worksheet h4.ztmo-sheet-sub { margin-top: 1em; padding-bottom: 0.15em;
  border-bottom: 2px solid var(--ztmo-accent-soft); }
.ztmo-worksheet .ztmo-role-tally { font-size: 0.85em; }
.ztmo-worksheet .ztmo-role-tally th { overflow-wrap: break-word; }
.ztmo-worksheet .ztmo-role-tally td { height: 2.2em; }
.ztmo-worksheet .ztmo-also { color: var(--ztmo-muted); font-size: 0.9em; }
@media (max-width: 480px) { .ztmo-worksheet .ztmo-sheet-grid { grid-template-columns: 1fr; } }
@media print {
  .ztmo-worksheet .ztmo-moment, .ztmo-worksheet .ztmo-flag, .ztmo-worksheet .ztmo-swatch {
    print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""


# --- shared pieces ------------------------------------------------------------------------
def _sheet(app: App, key: str, params: Params, body: str, sources: list[str]) -> str:
    """A worksheet: heading (with the region), the paper note, the content, the sources and
    who wrote the texts, then the way on."""
    region = f" · regio {esc(params.regio)}" if params.regio else ""
    index = GROUPWORK.index(app)
    way_on = [(START.path, "Terug naar de start")]
    if index + 1 < len(GROUPWORK):
        after = GROUPWORK[index + 1]
        way_on.insert(0, (after.path, f"Volgende werkvorm: {after.titel}"))
    credit = "".join(f'<p class="ztmo-source">Bron: {esc(s)}</p>' for s in sources)
    credit += f'<p class="ztmo-source">{esc(CREDITS[key])}</p>'
    markup = (
        f"<style>{SHEET_CSS}</style>"
        + notices(params)
        + f'<h2 class="ztmo-sheet-title">Werkblad: {esc(app.titel)}{region}</h2>'
        + f'<p class="ztmo-source">{esc(PAPER_NOTE)}</p>'
        + body
        + f'<div class="ztmo-sheet-sources">{credit}</div>'
        + _links(app.path, way_on, params)
    )
    return page(markup, "ztmo-worksheet", f"ztmo-{key}")


def _count(n: int) -> str:
    return NUMBER_WORDS.get(n, str(n))


def _guideline_labels(guide: Guide) -> dict[str, str]:
    """'allerliefst_thuis.1' -> '1.1 Breng alles in beeld', in guide order."""
    return {h.id: f"{p.nummer}.{h.nummer} {h.titel}" for p in guide.pijlers for h in p.handvatten}


def _budget_rows() -> list[tuple[str, int]]:
    """('6 tot en met 9 ideeën', 2), ...: the dot-voting rule of `ztmo.wall.budget` as a
    table, up to the most dots anyone gets (MAX_VOTES)."""
    rows: list[tuple[str, int]] = []
    n = 1
    while n < 1000:
        dots, last = budget(n), n
        if dots >= MAX_VOTES:
            rows.append((f"{n} of meer ideeën", dots))
            break
        while budget(last + 1) == dots:
            last += 1
        label = f"{n} idee" if n == last == 1 else (
            f"{n} ideeën" if n == last else f"{n} tot en met {last} ideeën")
        rows.append((label, dots))
        n = last + 1
    return rows


# --- the idea wall --------------------------------------------------------------------------
def wall_sheet(params: Params, work: Groupwork | None = None, guide: Guide | None = None) -> str:
    """The idea wall on paper: the questions to choose from, boxes for ideas, how dot voting
    works (about a quarter as many dots as ideas, at most one per idea) and a tally."""
    work, guide = work or load_groupwork(), guide or load_guide()
    wall = work.muur
    pillar_questions = "".join(
        f"<p><strong>Pijler {p.nummer}: {esc(p.titel)}</strong></p>"
        + ticks([q.tekst for q in guide.groepsopdracht.vragen])
        for p in guide.pijlers
    )
    boxes = "".join(
        f'<div class="ztmo-idea-box"><span class="ztmo-kicker">Idee {n}</span>'
        f"{lines(3, f'Ruimte voor idee {n}')}</div>"
        for n in range(1, IDEA_BOXES + 1)
    )
    budget_rows = "".join(f"<tr><td>{esc(label)}</td><td>{dots}</td></tr>"
                          for label, dots in _budget_rows())
    tally_rows = "".join(f'<tr><td>{n}</td><td class="ztmo-fill"></td><td class="ztmo-fill">'
                         "</td></tr>" for n in range(1, IDEA_BOXES + 1))
    body = (
        f'<div class="ztmo-card"><h3>Zo werkt het</h3><p>{esc(wall.uitleg)}</p>'
        "<p><strong>Wat heb je nodig?</strong> Briefjes, pennen, een muur of een groot vel "
        "papier, en ronde stickers als stippen.</p></div>"
        + '<div class="ztmo-card ztmo-wall-questions"><h3>Kies één vraag voor de muur</h3>'
        "<p>Zet een kruisje bij de vraag die jullie kiezen. Elke vraag kan een eigen muur "
        "krijgen.</p>"
        f"<h4>Vragen bij de pijlers</h4>{pillar_questions}"
        f"<h4>Open vragen</h4>{ticks([q.tekst for q in wall.vragen])}"
        f"<p><strong>Of een eigen vraag van de trainer:</strong></p>{lines(1)}</div>"
        + '<h3>Jullie ideeën</h3><p>Eén idee per vak. Schrijf kort en duidelijk, zonder namen '
        "van mensen.</p>"
        f'<div class="ztmo-sheet-grid">{boxes}</div>'
        + '<div class="ztmo-card ztmo-page-break ztmo-dot-voting"><h3>Stemmen met stippen</h3>'
        f"<p>{esc(wall.uitleg_stemmen)}</p>"
        "<p><strong>De regel:</strong> iedereen krijgt ongeveer een kwart zoveel stippen als "
        "er ideeën hangen, en geeft elk idee hoogstens één stip. Tel eerst de ideeën en kijk "
        f"dan in de tabel. Meer dan {MAX_VOTES} stippen krijgt niemand.</p>"
        '<table class="ztmo-paper-table"><thead><tr><th>Op de muur hangen</th>'
        f"<th>Stippen per persoon</th></tr></thead><tbody>{budget_rows}</tbody></table></div>"
        + '<div class="ztmo-card ztmo-tally"><h3>Tel de stippen</h3>'
        "<p>Zet een streepje voor elke stip en schrijf het totaal op.</p>"
        '<table class="ztmo-paper-table"><thead><tr><th>Idee</th><th>Streepjes</th>'
        f"<th>Totaal</th></tr></thead><tbody>{tally_rows}</tbody></table>"
        "<p><strong>De drie ideeën met de meeste stippen, om samen verder te bespreken:"
        f"</strong></p>{lines(3)}</div>"
    )
    return _sheet(WALL, "muur", params, body, [guide.bron])


# --- the timeline ---------------------------------------------------------------------------
def timeline_sheet(params: Params, work: Groupwork | None = None,
                   guide: Guide | None = None) -> str:
    """The made-up family's timeline: every moment in order with a box to tick as a turning
    point and a line for the guideline that could have helped; the 15 guidelines to choose
    from and the questions to discuss."""
    work, guide = work or load_groupwork(), guide or load_guide()
    tl = work.tijdlijn
    legend = "".join(f"<li>{esc(v)}</li>" for v in tl.soorten.values())
    moments = "".join(
        f'<div class="ztmo-card ztmo-moment ztmo-moment-{esc(m.soort)}">'
        f'<span class="ztmo-kicker">{n}. {esc(m.wanneer)} · {esc(m.soort)}</span>'
        f"<h4>{esc(m.titel)}</h4><p>{esc(m.tekst)}</p>"
        f"{ticks(['Keerpunt'])}"
        "<p><strong>Welk handvat had kunnen helpen?</strong> Schrijf het nummer op, of "
        f"'geen'.</p>{lines(1, 'Nummer van het handvat')}</div>"
        for n, m in enumerate(tl.momenten, start=1)
    )
    labels = _guideline_labels(guide)
    guidelines = "".join(
        f"<p><strong>Pijler {p.nummer}: {esc(p.titel)}</strong></p>"
        + _list([labels[h.id] for h in p.handvatten], cls="ztmo-guideline-list")
        for p in guide.pijlers
    )
    questions = "".join(f"<li><p>{esc(q.tekst)}</p>{lines(2)}</li>" for q in tl.vragen)
    body = (
        f"<h3>{esc(tl.titel)}</h3>"
        + '<p class="ztmo-notice ztmo-made-up"><strong>Let op: dit gezin is verzonnen.</strong> '
        "Lisa en haar moeder bestaan niet. Het verhaal laat wel patronen zien die in echte "
        "gezinnen voorkomen.</p>"
        + f"<p>{esc(tl.uitleg)}</p>"
        + f'<div class="ztmo-card"><h4>Drie soorten tijden</h4><ul>{legend}</ul>'
        "<p><strong>Zo werk je:</strong> lees de momenten op volgorde. Zet een kruisje bij "
        "<em>keerpunt</em> als het verhaal daar een andere kant op ging. Schrijf erbij welk "
        "handvat uit de lijst had kunnen helpen.</p></div>"
        + f'<h3>De momenten</h3><div class="ztmo-timeline">{moments}</div>'
        + '<div class="ztmo-card ztmo-page-break ztmo-guidelines"><h3>De vijftien handvatten</h3>'
        "<p>Kies uit deze handvatten van de handreiking Mijn Thuis.</p>"
        f"{guidelines}</div>"
        + '<div class="ztmo-card ztmo-discussion"><h3>Om samen te bespreken</h3>'
        f'<ol class="ztmo-question-list">{questions}</ol></div>'
    )
    return _sheet(TIMELINE, "tijdlijn", params, body, [tl.bron])


# --- good practices -------------------------------------------------------------------------
def _practice_card(card: Practice) -> str:
    region = (f"Regio: {card.regio}" if card.regio_bekend else f"Regio {card.regio}")
    return (f'<div class="ztmo-card ztmo-practice-card" id="praktijk-{esc(card.id)}">'
            f'<span class="ztmo-kicker">{esc(region)}</span><h4>{esc(card.naam)}</h4>'
            f"<p>{esc(card.wat)}</p>"
            f'<p class="ztmo-source">Bron: {esc(card.bron)}</p>'
            f"{ticks(['Onze keuze'])}</div>")


def practice_sheet(params: Params, work: Groupwork | None = None,
                   guide: Guide | None = None) -> str:
    """The good-practice cards grouped by pillar and guideline. A card that fits several
    guidelines is printed once, where it first appears; later it is named by reference."""
    work, guide = work or load_groupwork(), guide or load_guide()
    pr = work.praktijken
    labels = _guideline_labels(guide)
    shown: dict[str, str] = {}  # card id -> the guideline where it is printed
    sections = []
    for p in guide.pijlers:
        parts = [f'<h3 class="ztmo-page-break">Pijler {p.nummer}: {esc(p.titel)}</h3>']
        for h in p.handvatten:
            parts.append(f'<h4 class="ztmo-sheet-sub">Handvat {esc(labels[h.id])}</h4>')
            cards = [c for c in pr.kaarten if h.id in c.handvatten]
            if not cards:
                parts.append('<p class="ztmo-missing">In de bronnen staat bij dit handvat geen '
                             "voorbeeld. Kennen jullie er zelf een?</p>")
            for c in cards:
                if c.id in shown:
                    parts.append(f'<p class="ztmo-also">Past ook hier: <strong>{esc(c.naam)}'
                                 f"</strong> (zie handvat {esc(shown[c.id])}).</p>")
                else:
                    shown[c.id] = labels[h.id].split(" ", 1)[0]
                    parts.append(_practice_card(c))
        sections.append("".join(parts))
    body = (
        f'<div class="ztmo-card"><h3>Zo werkt het</h3><p>{esc(pr.uitleg)}</p>'
        "<p>Lees de voorbeelden bij de pijler of het handvat dat jullie kiezen. Zet een "
        "kruisje bij <em>onze keuze</em> bij het voorbeeld dat jullie willen bezoeken of beter "
        "willen leren kennen.</p></div>"
        + "".join(sections)
        + '<div class="ztmo-card ztmo-page-break ztmo-our-choice"><h3>Onze keuze</h3>'
        "<p><strong>Welk voorbeeld kiezen jullie?</strong></p>"
        f"{lines(1, 'Naam van het voorbeeld')}"
        "<p><strong>Wat willen jullie ervan leren?</strong></p>"
        f"{lines(3)}"
        "<p><strong>Wie neemt contact op, en wanneer?</strong></p>"
        f"{lines(1)}</div>"
    )
    return _sheet(PRACTICE, "praktijk", params, body, [s.titel for s in pr.bronnen])


# --- ten promises ---------------------------------------------------------------------------
def promises_sheet(params: Params, work: Groupwork | None = None) -> str:
    """The ten promises: the role you look from, the promises (the child's sentence and the
    theme) with room for your dots, and a table to count the dots per role."""
    work = work or load_groupwork()
    pb = work.beloften
    dots = _count(DOT_COUNT)
    rows = "".join(
        f'<tr><td>{t.nummer}</td><td><span class="ztmo-child">“{esc(t.kind)}”</span><br>'
        f'<span class="ztmo-source">Thema: {esc(t.thema)}</span></td>'
        '<td class="ztmo-tick"><span class="ztmo-box" aria-label="stip"></span></td></tr>'
        for t in pb.themas
    )
    role_heads = "".join(f"<th>{esc(r.label)}</th>" for r in pb.rollen)
    tally = "".join(
        f"<tr><td>{t.nummer}</td>"
        + '<td class="ztmo-fill"></td>' * (len(pb.rollen) + 1) + "</tr>"
        for t in pb.themas
    )
    body = (
        f'<div class="ztmo-card"><h3>Zo werkt het</h3><p>{esc(pb.uitleg)}</p>'
        f"<p><strong>Stippen:</strong> iedereen krijgt {dots} stippen. Zet ze bij de beloften "
        "die jullie regio nu het minst waarmaakt. Eén stip per belofte.</p></div>"
        + '<div class="ztmo-card ztmo-roles"><h3>Ik kijk als</h3>'
        "<p>Zet een kruisje bij je rol.</p>"
        f"{ticks([r.label for r in pb.rollen])}</div>"
        + "<h3>De tien beloften aan het kind</h3>"
        '<table class="ztmo-paper-table ztmo-promises"><thead><tr><th>Nr.</th>'
        "<th>Wat een kind van ons mag verwachten</th><th>Stip</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        + "<p><strong>Welke belofte raakt jou het meest, en wat doe jij er al aan?</strong></p>"
        f"{lines(3)}"
        + '<div class="ztmo-page-break ztmo-tally"><h3>Tel de stippen per rol</h3>'
        f"<p>Tel voor elke belofte (nummer 1 tot en met {len(pb.themas)}, zie hierboven) "
        "hoeveel stippen er "
        "zijn, per rol. Schrijf in de laatste kolom het totaal.</p>"
        '<table class="ztmo-paper-table ztmo-role-tally"><thead><tr><th>Belofte</th>'
        f"{role_heads}<th>Totaal</th></tr></thead><tbody>{tally}</tbody></table>"
        "<p><strong>Wat valt jullie op? Kijkt elke rol hetzelfde?</strong></p>"
        f"{lines(3)}</div>"
    )
    return _sheet(PROMISES, "beloften", params, body, [pb.bron])


# --- four flags -----------------------------------------------------------------------------
def flags_sheet(params: Params, work: Groupwork | None = None) -> str:
    """The four flags with their colour and question, a line to write on each, and the
    note that the durven flags are kept for the network's next meeting."""
    work = work or load_groupwork()
    fl = work.vlaggen
    flags = []
    for f in fl.lijst:
        colour = FLAG_COLOURS.get(f.kleur.casefold())
        stripe = f' style="border-left-color: {colour}"' if colour else ""
        if colour == "#ffffff":  # a white stripe on white paper: draw its edges
            stripe = ' style="border-left: 16px double var(--ztmo-muted)"'
        swatch = (f'<span class="ztmo-swatch" style="background: {colour}" aria-hidden="true">'
                  "</span>" if colour else "")
        flags.append(
            f'<div class="ztmo-card ztmo-flag ztmo-flag-{esc(f.id)}"{stripe}>'
            f'<span class="ztmo-kicker">{swatch}Vlag: {esc(f.kleur)}</span>'
            f"<h3>{esc(f.titel)}</h3><p>{esc(f.vraag)}</p>{lines(2, f'Jouw antwoord: {f.titel}')}"
            "</div>")
    durven = next((f for f in fl.lijst if f.id == "durven"), None)
    keep = ""
    if durven is not None:
        keep = ('<p class="ztmo-notice ztmo-keep"><strong>Bewaar de vlag '
                f"{esc(durven.titel)} ({esc(durven.kleur)}).</strong> Die vlaggen bewaren we voor "
                "de volgende bijeenkomst van het leernetwerk. Dan kijken we samen: wat heb je "
                "gedurfd, en hoe ging het?</p>")
    body = (
        f'<div class="ztmo-card"><h3>Zo werkt het</h3><p>{esc(fl.uitleg)}</p>'
        "<p><strong>Wat heb je nodig?</strong> Papier in de vier kleuren (of een vel met een "
        "gekleurde streep), pennen, een waslijn en knijpers.</p></div>"
        + "".join(flags)
        + keep
    )
    return _sheet(FLAGS, "vlaggen", params, body, [fl.bron])
