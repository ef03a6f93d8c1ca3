"""A learning network's memory: pure comparisons between its meetings.

"Hoe weten we of we vooruitkomen?" A network meets several times a year; each meeting
is a session of the store. Here the meetings are compared: per handvat the spread and
average of the ratings per meeting, what the group said in its group talk last time and
now, and the region's figures beside it. Data in (snapshots, plain values), plain data
and escaped HTML out; no widgets, no database.

Small numbers: no spread and no average for fewer than ``MIN_GROUP`` ratings; then the
page says "minder dan 5 beoordelingen". People are never followed from one meeting to
the next: every meeting has its own anonymous participants.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from .aggregate import MIN_GROUP
from .errors import ZtmoError
from .markup import esc

FEW_RATINGS = "minder dan 5 beoordelingen"
SCALE = (1, 2, 3, 4, 5)
# The trainer screen's colours (charts.SCORE_COLOURS: viridis, colour-blind safe); the
# text on each colour is chosen for contrast.
SCORE_COLOURS = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")
SCORE_INK = ("#1f2a33", "#1f2a33", "#ffffff", "#ffffff", "#ffffff")
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")
NO_FLAGS = ("De vorige bijeenkomst liet geen durven-vlaggen achter (de werkvorm 'vier vlaggen' "
            "stond niet in het draaiboek, of niemand schreef er een).")
MAX_NAME = 100
#: The few rules the comparison needs beyond the house style (inlined: nothing to load).
PROGRESS_CSS = (
    ".ztmo-progress th{text-align:left;vertical-align:bottom;padding:.35em .3em;"
    "border-bottom:2px solid #c9d3da;}"
    ".ztmo-progress td.ztmo-change{font-weight:bold;white-space:nowrap;}"
    ".ztmo-talk-compare{display:grid;grid-template-columns:1fr 1fr;gap:1rem;}"
    "@media (max-width:600px){.ztmo-talk-compare{grid-template-columns:1fr;}}"
    ".ztmo-distribution{max-width:100%;height:auto;}"
    "@media print{.ztmo-distribution rect{print-color-adjust:exact;"
    "-webkit-print-color-adjust:exact;}}"
)


class UnknownNetwork(ZtmoError):
    """No learning network with this code (never made, mistyped, or deleted)."""

    title = "Dit leernetwerk kennen we niet"

    def __init__(self, network_id: str = ""):
        self.network_id = network_id
        readable = network_id.isascii() and network_id.isalnum() and len(network_id) <= 12
        shown = f" met de code {network_id}" if readable else ""
        super().__init__(f"We vinden geen leernetwerk{shown}. Kijk of je de code goed hebt "
                         "overgenomen. Is het netwerk verwijderd? Dan is het er niet meer.")


class NetworkError(ZtmoError):
    """Something about a network or a meeting that cannot be done; says what to do."""

    title = "Dit lukt niet bij het leernetwerk"


def check_network_name(name: object) -> str:
    text = " ".join(name.split()) if isinstance(name, str) else ""
    if not text:
        raise NetworkError("Geef het leernetwerk een naam, bijvoorbeeld 'Leernetwerk Twente'.")
    if len(text) > MAX_NAME or "\x00" in text:
        raise NetworkError(f"Deze naam kunnen we niet gebruiken. Kies een naam van hoogstens "
                           f"{MAX_NAME} tekens.")
    return text


def dutch_date(day: date) -> str:
    """'12 mei 2026'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


# --- meetings and ratings -------------------------------------------------------------------
@dataclass(frozen=True)
class MeetingInfo:
    """One meeting of a network, as a page shows it (no keys, no people)."""

    code: str
    name: str
    day: date
    closed: bool
    number: int  # 1, 2, ... in the order the network met

    @property
    def label(self) -> str:
        return f"{self.number}. {dutch_date(self.day)}"


@dataclass(frozen=True)
class RatingFigure:
    """The ratings of one handvat in one meeting. ``counts`` and ``mean`` are None when
    fewer than MIN_GROUP people rated (then nothing but "minder dan 5" is shown)."""

    n: int  # people who gave a score 1-5
    unknown: int  # people who said "weet ik niet"
    counts: dict[int, int] | None
    mean: float | None

    @property
    def shown(self) -> bool:
        return self.counts is not None


def rating_figure(values: Iterable[str]) -> RatingFigure:
    """Scores 1-5 counted; "?" (weet ik niet) apart; anything else ignored."""
    scores, unknown = [], 0
    for v in values:
        text = str(v).strip()
        if text == "?":
            unknown += 1
        elif text in ("1", "2", "3", "4", "5"):
            scores.append(int(text))
    if len(scores) < MIN_GROUP:
        return RatingFigure(len(scores), unknown, None, None)
    counts = {s: scores.count(s) for s in SCALE}
    return RatingFigure(len(scores), unknown, counts, statistics.fmean(scores))


def format_mean(mean: float | None) -> str:
    return "–" if mean is None else f"{mean:.1f}".replace(".", ",")


def format_change(change: float | None) -> str:
    """'+0,6', '−0,3', '0,0'; a dash when there is nothing to compare."""
    if change is None:
        return "–"
    text = f"{abs(change):.1f}".replace(".", ",")
    if text == "0,0":
        return "0,0"
    return ("+" if change > 0 else "−") + text


@dataclass(frozen=True)
class GuidelineRow:
    guideline_id: str
    label: str  # "1.2"
    title: str
    figures: tuple[RatingFigure, ...]  # one per meeting, in meeting order

    @property
    def change(self) -> float | None:
        """Average now minus average last time, when both meetings show a figure."""
        if len(self.figures) < 2:
            return None
        before, now = self.figures[-2], self.figures[-1]
        if before.mean is None or now.mean is None:
            return None
        return now.mean - before.mean


@dataclass(frozen=True)
class TalkRow:
    """One group-talk question of a pillar: the notes of last time and of now."""

    pillar: str  # "Pijler 1: Het allerliefst thuis"
    question: str
    before: tuple[str, ...]
    now: tuple[str, ...]


@dataclass(frozen=True)
class Progress:
    meetings: tuple[MeetingInfo, ...]  # oldest first; the last one is "now"
    pillars: tuple[tuple[str, tuple[GuidelineRow, ...]], ...]  # (pillar heading, rows)
    talk: tuple[TalkRow, ...]
    flags_before: tuple[str, ...] = ()  # the "durven" flags of last time (visible ones)

    @property
    def current(self) -> MeetingInfo | None:
        return self.meetings[-1] if self.meetings else None

    @property
    def previous(self) -> MeetingInfo | None:
        return self.meetings[-2] if len(self.meetings) >= 2 else None

    @property
    def guidelines(self) -> tuple[GuidelineRow, ...]:
        return tuple(row for _, rows in self.pillars for row in rows)


def progress(guide, meetings: Sequence[tuple[MeetingInfo, object]], upto: str = "") -> Progress:
    """Compare the meetings (with their snapshots), oldest first, up to and including the
    meeting ``upto`` (a session code; "" = all). Hidden answers are left out (the
    snapshot's ``values`` does that); deleted ones are gone from the store."""
    from .activities import discussion_key, rating_key

    ordered = sorted(meetings, key=lambda m: m[0].number)
    if upto:
        codes = [m.code for m, _ in ordered]
        if upto in codes:
            ordered = ordered[: codes.index(upto) + 1]
    infos = tuple(m for m, _ in ordered)
    snaps = [s for _, s in ordered]
    pillars = []
    for p in guide.pijlers:
        rows = tuple(
            GuidelineRow(h.id, f"{p.nummer}.{h.nummer}", h.titel,
                         tuple(rating_figure(s.values(rating_key(h.id))) for s in snaps))
            for h in p.handvatten)
        pillars.append((f"Pijler {p.nummer}: {p.titel}", rows))
    talk = []
    if snaps:
        before = snaps[-2] if len(snaps) >= 2 else None
        for p in guide.pijlers:
            for q in guide.groepsopdracht.vragen:
                key = discussion_key(p.id, q.id)
                talk.append(TalkRow(f"Pijler {p.nummer}: {p.titel}", q.tekst,
                                    tuple(before.values(key)) if before else (),
                                    tuple(snaps[-1].values(key))))
    from .activities import flag_key

    flags = tuple(snaps[-2].values(flag_key("durven"))) if len(snaps) >= 2 else ()
    return Progress(infos, tuple(pillars), tuple(talk), flags)


# --- views (escaped HTML) ---------------------------------------------------------------------
def distribution_svg(rows: Sequence[tuple[str, RatingFigure]], labels: dict[int, str],
                     title: str) -> str:
    """Stacked bars, one per (label, figure): the share of each score 1-5, so meetings of
    different sizes compare fairly. A figure that is not shown keeps its row with the words
    "minder dan 5 beoordelingen". Plain inline SVG: nothing to load, prints as it shows."""
    left, width, row_h, bar_h, top = 190, 420, 34, 24, 6
    legend_y = top + row_h * len(rows) + 14
    height = legend_y + 26 * ((len(SCALE) + 2) // 3) + 4
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="ztmo-distribution" '
             f'viewBox="0 0 {left + width + 80} {height}" width="{left + width + 80}" '
             f'height="{height}" role="img" aria-label="{esc(title)}"><title>{esc(title)}</title>'
             '<style>text{font-family:"DejaVu Sans",Arial,sans-serif;font-size:15px;}</style>')]
    for i, (label, fig) in enumerate(rows):
        y = top + i * row_h
        parts.append(f'<text x="{left - 8}" y="{y + bar_h - 5}" text-anchor="end" '
                     f'fill="#1f2a33">{esc(label)}</text>')
        if not fig.shown:
            parts.append(f'<text x="{left}" y="{y + bar_h - 5}" fill="#4a5763" '
                         f'font-style="italic">{esc(FEW_RATINGS)}</text>')
            continue
        x = float(left)
        for score in SCALE:
            count = fig.counts.get(score, 0)
            if not count:
                continue
            w = width * count / fig.n
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                         f'fill="{SCORE_COLOURS[score - 1]}" stroke="#ffffff" stroke-width="1">'
                         f"<title>{esc(labels.get(score, score))}: {count}</title></rect>")
            if w >= 18:
                parts.append(f'<text x="{x + w / 2:.1f}" y="{y + bar_h - 5}" '
                             f'text-anchor="middle" fill="{SCORE_INK[score - 1]}">{count}</text>')
            x += w
        parts.append(f'<text x="{left + width + 6}" y="{y + bar_h - 5}" fill="#1f2a33">'
                     f"n = {fig.n}</text>")
    for j, score in enumerate(SCALE):
        lx, ly = 10 + (j % 3) * 210, legend_y + (j // 3) * 26
        parts.append(f'<rect x="{lx}" y="{ly}" width="16" height="16" '
                     f'fill="{SCORE_COLOURS[score - 1]}" stroke="#1f2a33" stroke-width="0.5"/>'
                     f'<text x="{lx + 22}" y="{ly + 14}" fill="#1f2a33">{score} – '
                     f"{esc(labels.get(score, ''))}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _figure_cell(fig: RatingFigure) -> str:
    if not fig.shown:
        return f'<span class="ztmo-missing ztmo-few">{esc(FEW_RATINGS)}</span>'
    unknown = f" · {fig.unknown}× weet ik niet" if fig.unknown else ""
    return (f'<span class="ztmo-mean">gemiddeld {format_mean(fig.mean)}</span> '
            f'<span class="ztmo-count">(n = {fig.n})</span>{unknown}')


def progress_html(prog: Progress, guide, chart: bool = True) -> str:
    """Per pillar: a chart of the spread per meeting and a table of averages with n, and
    the change since last time; then the group talk of last time and now; then the flags."""
    if not prog.meetings:
        return '<p class="ztmo-missing">Dit netwerk heeft nog geen bijeenkomsten.</p>'
    labels = dict(guide.beoordeling.labels)
    heads = "".join(f"<th>{esc(m.label)}</th>" for m in prog.meetings)
    compare = len(prog.meetings) >= 2
    parts = [(f"<style>{PROGRESS_CSS}</style>"
              f'<p class="ztmo-question">{esc(guide.beoordeling.vraag)} Per handvat zie je per '
             "bijeenkomst hoe de groep het beoordeelde: de verdeling, het gemiddelde (1 = "
             f"{esc(labels.get(1, ''))}, 5 = {esc(labels.get(5, ''))}) en hoeveel mensen een "
             "cijfer gaven (n). Bij minder dan 5 beoordelingen laten we geen cijfers zien.</p>")]
    for heading, rows in prog.pillars:
        parts.append(f'<section class="ztmo-progress-pillar"><h3>{esc(heading)}</h3>')
        if not any(f.n or f.unknown for r in rows for f in r.figures):
            parts.append('<p class="ztmo-missing">In deze bijeenkomsten heeft niemand de '
                         "handvatten van deze pijler beoordeeld.</p></section>")
            continue
        drawn = [r for r in rows if any(f.shown for f in r.figures)]
        if chart and drawn:
            bars = [(f"{r.label} · {dutch_date(m.day)}" if compare else f"Handvat {r.label}", f)
                    for r in drawn for m, f in zip(prog.meetings, r.figures, strict=True)]
            parts.append(f'<div class="ztmo-chart">{distribution_svg(bars, labels, heading)}'
                         "</div>")
        body = "".join(
            f'<tr class="ztmo-progress-row" data-handvat="{esc(r.label)}"><td>{esc(r.label)} '
            f"{esc(r.title)}</td>"
            + "".join(f"<td>{_figure_cell(f)}</td>" for f in r.figures)
            + (f'<td class="ztmo-change">{format_change(r.change)}</td>' if compare else "")
            + "</tr>" for r in rows)
        change_head = "<th>Verschil met vorige keer</th>" if compare else ""
        parts.append(f'<table class="ztmo-summary-table ztmo-progress"><thead><tr>'
                     f"<th>Handvat</th>{heads}{change_head}</tr></thead><tbody>{body}</tbody>"
                     "</table></section>")
    parts.append(talk_html(prog))
    if prog.flags_before:
        dares = "".join(f"<li>{esc(x)}</li>" for x in prog.flags_before)
        parts.append("<h3>Wat jullie vorige keer wilden durven</h3>"
                     f'<ul class="ztmo-previous-dares">{dares}</ul>')
    elif len(prog.meetings) >= 2:
        parts.append(f'<h3>Wat jullie vorige keer wilden durven</h3><p class="ztmo-source">'
                     f"{esc(NO_FLAGS)}</p>")
    return "".join(parts)


def _notes(texts: tuple[str, ...]) -> str:
    if not texts:
        return '<p class="ztmo-missing">Geen aantekeningen.</p>'
    return '<ul class="ztmo-wall-list">' + "".join(
        f'<li class="ztmo-wall-item">{esc(t)}</li>' for t in texts) + "</ul>"


def talk_html(prog: Progress) -> str:
    """What the group said in the group talk last time and what it says now (the
    leeromgeving has no separate 'what we will work on' question yet: this is closest)."""
    rows = [t for t in prog.talk if t.before or t.now]
    intro = ("<h3>Wat de groep besprak</h3><p>In het groepsgesprek per pijler vertelt de groep "
             "wat al goed gaat en wat lastig is. Hier staat wat de groep "
             + ("de vorige keer zei en wat ze nu zegt." if prog.previous else "nu zegt.")
             + " Een aparte vraag 'waar gaan we aan werken?' heeft de leeromgeving nog niet.</p>")
    if not rows:
        return intro + '<p class="ztmo-missing">Geen aantekeningen uit het groepsgesprek.</p>'
    parts = [intro]
    for t in rows:
        parts.append(f"<h4>{esc(t.pillar)}: {esc(t.question)}</h4>")
        if prog.previous:
            parts.append(f'<div class="ztmo-talk-compare"><div><p><strong>Vorige keer '
                         f"({esc(dutch_date(prog.previous.day))})</strong></p>{_notes(t.before)}"
                         f"</div><div><p><strong>Nu ({esc(dutch_date(prog.current.day))})"
                         f"</strong></p>{_notes(t.now)}</div></div>")
        else:
            parts.append(_notes(t.now))
    return "".join(parts)


def meetings_html(meetings: Sequence[MeetingInfo], current: str = "") -> str:
    """The list of a network's meetings, the current one marked."""
    if not meetings:
        return '<p class="ztmo-missing">Nog geen bijeenkomsten.</p>'
    mark = ' class="ztmo-current"'
    items = "".join(
        f"<li{mark if m.code == current else ''}>"
        f"<strong>{esc(m.label)}</strong>: {esc(m.name)} "
        f'<span class="ztmo-source">(code {esc(m.code)}'
        f"{', nog open' if not m.closed else ''})</span></li>" for m in meetings)
    return f'<ol class="ztmo-meetings">{items}</ol>'


# --- the region beside it ---------------------------------------------------------------------
def region_rows(frame, code: str):
    """The region's own figures, every period, in a stable order (pure pandas)."""
    from . import figures as fig

    rows = fig.for_region(frame, code)
    return rows.sort_values(["indicator", "periode"])


def region_html(region, frame, notices: Sequence[str] = ()) -> tuple[str, list[str]]:
    """The region's figures over time with their sources, as the region app shows them
    (small counts as "minder dan 5"); and the source lines for the report's list."""
    from . import figures as fig

    rows = region_rows(frame, region.code)
    head = (f"<h3>Cijfers van de jeugdregio {esc(region.name)} ({esc(region.code)})</h3>")
    notes = "".join(f'<p class="ztmo-notice">{esc(n)}</p>' for n in notices)
    if rows.empty:
        national = fig.series(frame, "NL01", "jhmv_totaal")
        sources = []
        table = ""
        if len(national):
            body = "".join(f"<tr><td>{esc(r['periode'])}</td><td class=\"ztmo-num\">"
                           f"{esc(fig.shown_value(r['waarde'], r['eenheid']))}</td>"
                           f"<td class=\"ztmo-source\">{esc(fig.describe(r))}</td></tr>"
                           for _, r in national.iterrows())
            sources = [fig.describe(r) for _, r in national.iterrows()]
            table = (f"<p>Ter vergelijking: {esc(fig.indicator_label('jhmv_totaal'))} in heel "
                     "Nederland.</p>"
                     f'<table class="ztmo-summary-table ztmo-figures">{body}</table>')
        return (head + notes + '<p class="ztmo-notice">Voor deze regio hebben we nog geen '
                "cijfers van het CBS over de regio als geheel. Vraag je gemeente of de trainer: "
                "zij kunnen nieuwe CBS-cijfers en eigen cijfers van de regio laten toevoegen."
                "</p>" + table, sources)
    body = "".join(
        f"<tr><td>{esc(fig.indicator_label(r['indicator']))}</td>"
        f"<td class=\"ztmo-period\">{esc(r['periode'])}</td>"
        f"<td class=\"ztmo-num\">{esc(fig.shown_value(r['waarde'], r['eenheid']))}</td>"
        f"<td class=\"ztmo-source\">{esc(fig.describe(r))}</td></tr>"
        for _, r in rows.iterrows())
    sources = list(dict.fromkeys(fig.describe(r) for _, r in rows.iterrows()))
    return (head + notes + "<p>Zo ontwikkelen de cijfers van de regio zich, met bij elk cijfer "
            "de bron. Een aantal onder de 5 laten we nooit zien: daar staat 'minder dan 5'.</p>"
            f'<table class="ztmo-summary-table ztmo-figures">{body}</table>', sources)
