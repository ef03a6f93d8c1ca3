"""The region app: a youth-care region's figures, each with its source, and what is missing.

The page is composed as HTML sections from `ztmo.figures` (pure) and charts
drawn to SVG, so the same sections serve Voila (inside a widget) and static
editions (plain HTML). Texts are ours, in plain Dutch.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import ipywidgets as w

from ..errors import ZtmoError
from ..params import Params, in_edition
from ..regions import Region, get_region, load_regions
from .base import app_root, esc, html_block, launch, log_exception, style
from .nav import START, href

HERE = "regio.ipynb"
TREND = "jhmv_totaal"
FORMS = ("jhmv_pleegzorg", "jhmv_gezinsgericht", "jhmv_gesloten", "jhmv_ander_verblijf")
PROVINCE_FIGURE = "pct_jhmv_van_jeugdhulp"
OWN_ORDER = ("jhmv_totaal", *FORMS, "jhzv_totaal", "jh_totaal", "jh_in_natura_totaal",
             "jh_pgb", "jhzv_wijkteam", "jhzv_niet_wijkteam", "jb_totaal", "jb_ots",
             "jb_voogdij", "jr_totaal", "jz_totaal", "jz_in_natura_totaal")
MUNICIPAL_FIGURES = ("pct_jhmv_van_jeugdhulp", "pct_jeugdhulp_in_natura")


class _Figures:
    """`ztmo.figures` (and so pandas, about 45 MB), imported on first use: a participant's
    kernel that gets its region page from the server's shared renderer never loads it."""

    def __getattr__(self, name: str):
        from .. import figures

        return getattr(figures, name)


fig = _Figures()


@dataclass
class Sources:
    """What the page draws from; loading problems become notices, not crashes.

    ``notices`` concern every region (say a broken CBS refresh); a refused local file
    (``refused``) concerns only the regions it is about, so one region's faulty file
    never spoils another region's page or edition.
    """

    figures: fig.FigureSet
    local: list = field(default_factory=list)  # localfigures.LocalFigures
    notices: list[str] = field(default_factory=list)
    refused: list = field(default_factory=list)  # localfigures.Refused
    explicit: bool = False  # the local file was asked for by name (lokale_cijfers)

    def refused_for(self, code: str) -> list:
        """The refused files that concern this region."""
        return [r for r in self.refused
                if code in r.regions or (self.explicit and not r.regions)]


def load_sources(directory: Path | None = None, local_file: str = "") -> Sources:
    """Figures plus the regions' own files; a faulty own file is refused with its faults."""
    from .. import localfigures

    figures = fig.load(directory)
    paths = [Path(local_file)] if local_file else localfigures.files(directory)
    local, refused = localfigures.load_all(paths)
    for r in refused:
        if not r.regions and not local_file:
            logging.getLogger("ztmo").warning(
                "Eigen cijfers in %s niet getoond: het bestand noemt geen regio die we kennen "
                "en heeft fouten: %s", r.name, "; ".join(r.lines()))
    return Sources(figures, local, notices=list(figures.notices), refused=refused,
                   explicit=bool(local_file))


# ------------------------------------------------------------------------ words


def plural(n: int, one: str, many: str) -> str:
    """'1 gemeente', '3 gemeenten' (Dutch number format)."""
    return f"{fig.format_value(n, 'aantal')} {one if n == 1 else many}"


def and_list(items: list[str]) -> str:
    """'a', 'a en b', 'a, b en c'."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]


def period_words(period: str) -> str:
    """'2025-H1' -> 'het eerste halfjaar van 2025'; a year stays a year."""
    if len(period) == 7 and period[4:6] == "-H":
        half = "eerste" if period[-1] == "1" else "tweede"
        return f"het {half} halfjaar van {period[:4]}"
    return period


_SERVER_PATH = re.compile(r"(?<![\w:/.~])(?:[A-Za-z]:)?[\\/](?:[^\s\\/'\"<>]+[\\/])+"
                          r"([^\s\\/'\"<>:,;]+)")


def without_paths(text: str) -> str:
    """A message with every server path cut down to the file name (safety net: our own
    messages already name files only)."""
    return _SERVER_PATH.sub(lambda m: m.group(1), text)


# ------------------------------------------------------------------------ sections


def _chart(name: str, label: str, **kwargs) -> str:
    from .. import charts

    try:
        svg = charts.render(name, **kwargs)
    except Exception:  # noqa: BLE001 - a chart that fails must not take the page down
        log_exception(f"grafiek {name}")
        return '<p class="ztmo-missing">Deze grafiek kon niet worden getekend.</p>'
    return f'<div class="ztmo-chart" role="img" aria-label="{esc(label)}">{svg}</div>'


def error_html(exc: BaseException | str) -> str:
    """An error box as markup (inside a page that is itself HTML); class ``ztmo-error``.
    No server path ever reaches the page."""
    title = exc.title if isinstance(exc, ZtmoError) else "Er ging iets mis"
    return (f'<div class="ztmo-error" role="alert"><strong>{esc(title)}</strong> '
            f"{esc(without_paths(str(exc)))}</div>")


def refused_html(refused) -> str:
    """A region's own file that we do not show: which file, and every fault in it."""
    lines = refused.lines()
    shown = "".join(f"<li>{esc(without_paths(line))}</li>" for line in lines[:20])
    if len(lines) > 20:
        shown += f"<li>{esc(plural(len(lines) - 20, 'andere fout', 'andere fouten'))}</li>"
    return ('<div class="ztmo-error" role="alert"><strong>Eigen cijfers niet getoond'
            f"</strong> In het bestand {esc(refused.name)} met eigen cijfers van de regio "
            "staan fouten. Daarom laten we die cijfers niet zien. Geef dit door aan wie het "
            f"bestand heeft gemaakt, of aan de trainer.<ul>{shown}</ul></div>")


def _source(text: str) -> str:
    return f'<p class="ztmo-source">{esc(text)}</p>'


def _value(row) -> str:
    return fig.shown_value(row["waarde"], row["eenheid"])


def header_html(region: Region) -> str:
    names = and_list([m.name for m in region.municipalities])
    count = len(region.municipalities)
    derived = ("Welke gemeente bij welke regio hoort, hebben wij afgeleid uit de kaart van "
               "2025. Het is niet de officiële indeling van het CBS." if region.derived else "")
    has = (f"bestaat uit één gemeente: {esc(names)}" if count == 1
           else f"heeft {esc(plural(count, 'gemeente', 'gemeenten'))}: {esc(names)}")
    return (f'<h2 class="ztmo-region-name">{esc(region.name)} <span class="ztmo-kicker">'
            f'{esc(region.code)}</span></h2>'
            f"<p>Deze jeugdregio {has}.</p>{_source(derived) if derived else ''}")


def _municipal_rows(sources: Sources, region: Region):
    codes = {m.code for m in region.municipalities}
    frame = sources.figures.frame
    return frame[frame.regio_code.isin(codes) & frame.indicator.isin(MUNICIPAL_FIGURES)]


def _local_rows(sources: Sources, region: Region) -> list:
    return [local.frame[local.frame.regio_code == region.code] for local in sources.local
            if (local.frame.regio_code == region.code).any()]


def _some_of(rows, region: Region) -> str:
    """'3 van de 10 gemeenten in deze regio', 'de gemeente in deze regio'."""
    k, m = rows.regio_code.nunique(), len(region.municipalities)
    if m == 1:
        return "de gemeente in deze regio"
    if k == m:
        return f"alle {m} gemeenten in deze regio"
    return f"{k} van de {m} gemeenten in deze regio"


def overview_html(sources: Sources, region: Region) -> str:
    """In plain words: what this page has for the region, and how to get the rest."""
    from ..regioninfo import load

    own = fig.for_region(sources.figures.frame, region.code)
    have = set(own.indicator)
    items = []
    if len(own):
        periods = and_list([period_words(p) for p in sorted(set(own.periode))])
        items.append(f"{plural(len(own), 'cijfer', 'cijfers')} van het CBS over de hele "
                     f"regio, over {periods}.")
    else:
        items.append("Nog geen cijfers van het CBS over de regio als geheel.")
    if TREND not in have:
        items.append("Hoeveel jongeren uit deze regio jeugdhulp met verblijf kregen, hebben "
                     "we nog niet. Dat cijfer zie je wel voor heel Nederland.")
    municipal = _municipal_rows(sources, region)
    if len(municipal):
        items.append(f"Percentages van het CBS voor {_some_of(municipal, region)}.")
    if _local_rows(sources, region):
        items.append("Eigen cijfers van de regio zelf, apart van de CBS-cijfers.")
    try:
        info = load(region.code)
    except ZtmoError:
        info = None  # info_html shows what is wrong
    if info is not None and info.goede_voorbeelden:
        practices = plural(len(info.goede_voorbeelden), "goed voorbeeld", "goede voorbeelden")
        items.append(f"{practices} uit deze regio.")
    items.append("Cijfers over heel Nederland en per provincie, om mee te vergelijken.")
    listed = "".join(f"<li>{esc(i)}</li>" for i in items)
    return ('<section class="ztmo-region-overview"><h3>Wat vind je hier over '
            f"{esc(region.name)}?</h3><ul>{listed}</ul>"
            "<p>Mis je cijfers over je eigen regio? Vraag je gemeente of de trainer. Zij "
            "kunnen nieuwe CBS-cijfers en eigen cijfers van de regio laten toevoegen.</p>"
            "</section>")


def info_html(region: Region) -> str:
    """The region's own introduction, contacts and good practices, if it has them."""
    from ..regioninfo import load

    try:
        info = load(region.code)
    except ZtmoError as exc:  # the figures still show; the box says what to fix
        return error_html(exc)
    if info is None:
        return ""
    parts = ['<section class="ztmo-region-info">']
    if info.introductie:
        parts.append(f"<p>{esc(info.introductie)}</p>")
    if info.contacten:
        items = "".join(f"<li><strong>{esc(c.naam)}</strong>: {esc(c.hoe)}</li>"
                        for c in info.contacten)
        parts.append(f"<h3>Contact</h3><ul>{items}</ul>")
    if info.goede_voorbeelden:
        items = "".join(f'<li><strong>{esc(p.naam)}</strong>. {esc(p.uitleg)} '
                        f'<span class="ztmo-source">Bron: {esc(p.bron)}.</span></li>'
                        for p in info.goede_voorbeelden)
        parts.append(f"<h3>Goede voorbeelden uit deze regio</h3><ul>{items}</ul>")
    return "".join(parts) + "</section>"


def map_html(region: Region) -> str:
    from ..maps import SOURCE

    codes = tuple(m.code for m in region.municipalities)
    chart = _chart("region_map", f"Kaart van Nederland met de regio {region.name}",
                   code=region.code, municipalities=codes)
    return f'<div class="ztmo-map">{chart}{_source(SOURCE)}</div>'


def _table(rows, with_period: bool = True) -> str:
    body = "".join(
        f"<tr><td>{esc(fig.indicator_label(r['indicator']))}</td>"
        + (f"<td class=\"ztmo-period\">{esc(r['periode'])}</td>" if with_period else "")
        + f"<td class=\"ztmo-num\">{esc(_value(r))}</td><td class=\"ztmo-source\">"
        f"{esc(fig.describe(r))}</td></tr>"
        for _, r in rows.iterrows())
    return f'<table class="ztmo-summary-table ztmo-figures">{body}</table>'


SMALL_NOTE = ("Een aantal onder de 5 laten we nooit zien, want dan is een kind misschien te "
              "herkennen. Daar staat dan 'minder dan 5'.")


def own_html(sources: Sources, region: Region) -> str:
    """The region's own CBS figures, and per 1,000 where the population is known."""
    frame = fig.for_region(sources.figures.frame, region.code)
    rank = {ind: i for i, ind in enumerate(OWN_ORDER)}
    frame = frame.assign(_o=frame.indicator.map(lambda i: rank.get(
        i.removesuffix(fig.RATE_SUFFIX), 99))).sort_values(["_o", "indicator", "periode"])
    intro = ("<h2>Cijfers van jouw regio</h2>")
    if frame.empty:
        return (intro + '<p class="ztmo-notice ztmo-no-own">Voor deze regio hebben we nog '
                "geen cijfers van het CBS over de regio als geheel. Hieronder zie je de "
                "cijfers van het land en de provincies. Onderaan staat hoe je aan de cijfers "
                "van je eigen regio komt.</p>")
    parts = [intro]
    trend = fig.series(sources.figures.frame, region.code, TREND)
    if trend.waarde.notna().sum() >= 2:
        parts.append(_trend_html(trend, f"{fig.indicator_label(TREND)} in {region.name}"))
    parts.append("<p>Dit zijn alle cijfers die we voor deze regio hebben, met bij elk cijfer "
                 "de bron. 'Onbekend' betekent: het CBS geeft dit cijfer niet, bijvoorbeeld "
                 f"omdat het om heel weinig kinderen gaat. {esc(SMALL_NOTE)}</p>")
    parts.append(_table(frame))
    if frame.periode_type.eq("halfjaar").any():
        parts.append('<p class="ztmo-source">Let op: een halfjaarcijfer is lager dan een '
                     "jaarcijfer. Iedereen die in die zes maanden hulp kreeg, telt één keer. "
                     "Vergelijk het dus niet met een heel jaar.</p>")
    return "".join(parts)


def municipal_html(sources: Sources, region: Region) -> str:
    codes = {m.code: m.name for m in region.municipalities}
    rows = _municipal_rows(sources, region)
    if rows.empty:
        return ""
    rows = rows.assign(naam=rows.regio_code.map(codes)).sort_values(["naam", "periode"])
    body = "".join(
        f"<tr><td>{esc(r['naam'])}</td><td>{esc(fig.indicator_label(r['indicator']))}</td>"
        f"<td class=\"ztmo-period\">{esc(r['periode'])}</td>"
        f"<td class=\"ztmo-num\">{esc(_value(r))}</td>"
        f"<td class=\"ztmo-source\">{esc(fig.describe(r))}</td></tr>"
        for _, r in rows.iterrows())
    meaning = fig.INDICATORS[PROVINCE_FIGURE]
    tables = and_list([f"tabel {t}" for t in sorted(set(rows.bron_tabel))])
    rest = ("" if rows.regio_code.nunique() == len(codes)
            else " Voor de andere gemeenten hebben we die percentages nog niet.")
    return ("<h3>Gemeenten in deze regio</h3>"
            f"<p>Voor {esc(_some_of(rows, region))} hebben we percentages van het CBS "
            f"({esc(tables)}).{rest}</p>"
            f"<p>{esc(meaning.means)} {esc(meaning.not_means)}</p>"
            f'<table class="ztmo-summary-table ztmo-figures">{body}</table>')


def _trend_html(rows, title: str) -> str:
    lines = "".join(f"<li>{esc(r.periode)}: {esc(fig.describe(rows.loc[i]))}</li>"
                    for i, r in enumerate(rows.itertuples()))
    return (f"<h3>{esc(title)}</h3>{_trend_chart(rows, title)}"
            f'<ul class="ztmo-source ztmo-sources">{lines}</ul>')


def _trend_chart(rows, title: str) -> str:
    years = [int(p) for p in rows.periode]
    known = {r.periode: r for r in rows.itertuples()}
    points = []
    for year in range(min(years), max(years) + 1):
        r = known.get(str(year))
        if r is None or math.isnan(r.waarde) or fig.is_small_count(r.waarde, r.eenheid):
            points.append((str(year), None, ""))
        else:
            note = "definitief" if (r.status == "definitief" and r.waarde_type == "exact") \
                else "anders"
            points.append((str(year), float(r.waarde), note))
    return _chart("trend", title, points=points, title="Jongeren")


def sources_line(rows) -> str:
    """One source line for a series: tables, the periods, and which are not final yet."""
    tables = and_list(sorted({fig._table_words(t) for t in rows.bron_tabel}))
    periods = sorted(rows.periode)
    open_ = sorted(p for p, st in zip(rows.periode, rows.status) if st != "definitief")
    note = f"; {and_list(open_)} voorlopig" if open_ else ""
    return f"Bron: CBS, {tables}, {periods[0]}–{periods[-1]}{note}."


def slide_html(sources: Sources, region: Region | None = None) -> str:
    """The projector's figures: the trend of youth care with a stay, for the meeting's
    region when we have it (else for the Netherlands), with one source line."""
    from ..texts import text

    frame = sources.figures.frame
    rows = fig.series(frame, region.code, TREND) if region is not None else frame.iloc[0:0]
    note = ""
    if region is not None and len(rows):
        title = f"Jongeren met jeugdhulp met verblijf in {region.name}"
    else:
        rows = fig.series(frame, "NL01", TREND)
        title = "Jongeren met jeugdhulp met verblijf in Nederland"
        if region is not None:
            note = (f'<p class="ztmo-missing">Voor {esc(region.name)} hebben we dit cijfer '
                    "nog niet: hier heel Nederland.</p>")
    if not len(rows):
        return '<p class="ztmo-missing">Er zijn nog geen cijfers om te laten zien.</p>'
    questions = "".join(f"<li>{esc(text('beamer', f'regio.vraag_{n}'))}</li>" for n in (1, 2, 3))
    return (f'<div class="ztmo-slide-split"><div><h3>{esc(title)}</h3>{note}'
            f"{_trend_chart(rows, title)}"
            f'<p class="ztmo-source">{esc(sources_line(rows))}</p></div>'
            f"<div><h3>{esc(text('beamer', 'regio.vragen'))}</h3><ol>{questions}</ol>"
            f"<p>{esc(text('beamer', 'regio.eigen_scherm'))}</p></div></div>")


def _basis(rows) -> str:
    """'voorlopige, afgeronde CBS-cijfers': what a calculation from these rows rests on."""
    words = []
    if any(s != "definitief" for s in rows.status):
        words.append("voorlopige")
    if any(str(t).startswith("afgerond") for t in rows.waarde_type):
        words.append("afgeronde")
    if any(str(t).startswith("afgeleid") for t in rows.waarde_type):
        words.append("opgetelde")
    if not words:
        words.append("definitieve")
    return ", ".join(words) + " CBS-cijfers"


def national_html(sources: Sources) -> str:
    frame = sources.figures.frame
    trend = fig.series(frame, "NL01", TREND)
    meaning = fig.INDICATORS[TREND]
    parts = ["<h2>Nederland</h2>", f"<p>{esc(meaning.means)} {esc(meaning.not_means)}</p>"]
    if len(trend):
        parts.append(_trend_html(trend, "Jongeren met jeugdhulp met verblijf in Nederland"))
        change = fig.change_since_first(trend)
        if change is not None:
            word = "minder" if change.difference < 0 else "meer"
            ends = trend[trend.periode.isin([change.first_period, change.last_period])]
            parts.append(
                f"<p>Van {esc(change.first_period)} tot {esc(change.last_period)}: "
                f"{fig.format_value(abs(change.difference), 'jongeren')} jongeren {word} "
                f"({fig.format_value(abs(change.percent), 'procent')}). Dit is een eigen "
                f"berekening op basis van {esc(_basis(ends))}, dus het echte verschil kan "
                "iets anders zijn. Lichte staven zijn voorlopig of afgerond: die cijfers "
                "kunnen nog iets veranderen. Voorlopige CBS-cijfers zijn meestal 1 tot 5 "
                "procent lager dan de definitieve.</p>")
        missing = [p for p in range(int(trend.periode.min()), int(trend.periode.max()) + 1)
                   if str(p) not in set(trend.periode)]
        if missing:
            parts.append(f'<p class="ztmo-missing">Voor {esc(and_list([str(p) for p in missing]))}'
                         " hebben we geen landelijk cijfer.</p>")
    forms = frame[(frame.regio_code == "NL01") & frame.indicator.isin(FORMS)]
    if len(forms):
        period = max(forms.periode)
        forms = forms[forms.periode == period]
        parts.append(f"<h3>Welke vorm van verblijf? ({esc(period)})</h3>")
        parts.append(_table(forms, with_period=False))
        parts.append('<p class="ztmo-source">Een kind kan in één jaar meer dan één vorm '
                     "krijgen. Daarom is de som groter dan het totaal.</p>")
    return "".join(parts)


def provinces_html(sources: Sources) -> str:
    frame = sources.figures.frame
    rows = frame[frame.regio_type.isin(["PV", "NL"]) & (frame.indicator == PROVINCE_FIGURE)
                 & frame.waarde.notna()]
    if rows.empty:
        return ""
    period = max(rows[rows.regio_type == "PV"].periode)
    rows = rows[rows.periode == period].sort_values("waarde", ascending=False)
    data = [(r.regio_naam, float(r.waarde), r.regio_code == "NL01") for r in rows.itertuples()]
    meaning = fig.INDICATORS[PROVINCE_FIGURE]
    first = rows.iloc[0]
    chart = _chart("compare", "Staafdiagram: provincies", rows=data,
                   title=f"{fig.indicator_label(PROVINCE_FIGURE)}, {period}", percent=True)
    return ("<h2>De provincies</h2>"
            f"<p>{esc(meaning.means)} {esc(meaning.not_means)}</p>{chart}"
            + _source(fig.describe(first))
            + "<p>Bij welke provincie jouw regio hoort, staat hier nog niet. Een paar "
              "regio's liggen in twee provincies.</p>")


def compare_html(sources: Sources, region: Region) -> str:
    """The region among the 42 (only when every region has the figure), and look-alikes."""
    frame = sources.figures.frame
    indicator = TREND + fig.RATE_SUFFIX
    compared = fig.regions_compared(frame, indicator)
    if compared is None:
        return ("<h2>Jouw regio tussen de andere regio's</h2>"
                '<p class="ztmo-notice ztmo-no-compare">Dit kan nog niet. Daarvoor zijn van '
                "alle 42 regio's het aantal jongeren met verblijf én het aantal inwoners "
                "nodig, en die hebben we nu niet. De trainer kan ze laten ophalen bij het "
                "CBS.</p>")
    period, rows = compared
    names = {r.code: r.name for r in load_regions()}
    data = [(names.get(r.regio_code, r.regio_code), float(r.waarde),
             r.regio_code == region.code) for r in rows.iloc[::-1].itertuples()]
    chart = _chart("compare", "Staafdiagram: alle regio's", rows=data,
                   title=f"{fig.indicator_label(indicator)}, {period}")
    own = rows[rows.regio_code == region.code]
    parts = ["<h2>Jouw regio tussen de andere regio's</h2>", chart,
             _source(fig.describe(own.iloc[0] if len(own) else rows.iloc[0]))]
    for comparison in fig.comparable(frame, region.code, indicator=indicator):
        listed = and_list([names.get(c, c) for c in comparison.codes])
        parts.append(f"<p>Regio's die op jouw regio lijken (op {esc(comparison.basis)}, "
                     f"{esc(comparison.period)}): {esc(listed)}.</p>")
    return "".join(parts)


_LOCAL_UNITS = {"aantal": "aantal", "procent": "procent",
                "per 1.000 jongeren": "per 1.000 jongeren"}


def _local_value(r) -> str:
    if r.klein:
        return fig.SMALL_TEXT if r.eenheid == "aantal" else fig.SMALL_RATE_TEXT
    return fig.shown_value(r.waarde, _LOCAL_UNITS.get(r.eenheid, "aantal"))


def local_html(sources: Sources, region: Region) -> str:
    rows = [r for frame in _local_rows(sources, region) for r in frame.itertuples()]
    if not rows:
        return ""
    body = "".join(
        f"<tr><td>{esc(r.onderwerp)}</td><td>{esc(r.periode)}</td><td class=\"ztmo-num\">"
        f"{esc(_local_value(r))}</td><td class=\"ztmo-source\">Bron: {esc(r.bron)}. "
        f"{esc(r.toelichting)}</td></tr>"
        for r in rows)
    return ('<section class="ztmo-local"><h2>Eigen cijfers van de regio</h2>'
            "<p>Deze cijfers komen van de regio zelf, niet van het CBS. Ze zijn niet op "
            "dezelfde manier gemaakt: vergelijk ze dus voorzichtig met de cijfers "
            f"hierboven. {esc(SMALL_NOTE)}</p>"
            f'<table class="ztmo-summary-table ztmo-figures">{body}</table></section>')


def missing_html(sources: Sources, region: Region) -> str:
    frame = fig.for_region(sources.figures.frame, region.code)
    have = set(frame.indicator)
    lacking = [fig.indicator_label(i) for i in (TREND, *FORMS, "jhzv_totaal", "jb_totaal")
               if i not in have]
    if fig.POPULATION not in have:
        lacking.append("het aantal jongeren dat in de regio woont (nodig voor cijfers per "
                       "1.000 jongeren)")
    if not lacking:
        return ""
    items = "".join(f"<li>{esc(x)}</li>" for x in lacking)
    return ('<section class="ztmo-missing-data"><h2>Wat ontbreekt nog?</h2>'
            f"<p>Voor {esc(region.name)} hebben we deze cijfers nog niet:</p><ul>{items}</ul>"
            "<p>Dat ligt niet aan je regio: deze leeromgeving heeft nu nog maar een deel van "
            "de CBS-cijfers. Zo kom je aan de rest:</p><ul>"
            "<li>Vraag de trainer om de nieuwste cijfers van het CBS te laten ophalen. Dan "
            "komen de cijfers van alle 42 regio's erbij (CBS-tabel 85100NED, met het aantal "
            "inwoners uit CBS-tabel 03759ned).</li>"
            "<li>Heeft je gemeente of regio eigen cijfers, bijvoorbeeld over pleegzorg of "
            "gezinshuizen? Vraag je gemeente of de trainer om ze hier te laten zien. Ze komen "
            "dan apart te staan, naast de cijfers van het CBS.</li>"
            "</ul></section>")


def region_page(sources: Sources, region: Region, params: Params | None = None) -> str:
    """The whole figures page for one region, as HTML."""
    params = params or Params(regio=region.name, regio_code=region.code)
    return region_body(sources, region) + back_html(params)


def region_body(sources: Sources, region: Region) -> str:
    """The page without its link back: the same for everyone who asks for this region."""
    notices = "".join(error_html(n) for n in sources.notices)
    notices += "".join(refused_html(r) for r in sources.refused_for(region.code))
    return "".join([
        notices, header_html(region), overview_html(sources, region), info_html(region),
        map_html(region), own_html(sources, region), municipal_html(sources, region),
        local_html(sources, region), national_html(sources), provinces_html(sources),
        compare_html(sources, region), missing_html(sources, region)])


def back_html(params: Params) -> str:
    return f'<p><a href="{href(HERE, START.path, params)}">Terug naar de start</a></p>'


def shared_body(code: str) -> str | None:
    """The region's page body drawn by the server's shared renderer (`ztmo.chartd`), which
    holds the figures once for all kernels; None without one (the kernel draws it)."""
    from .. import chartd

    return chartd.request("region_body", {"code": code})


# ------------------------------------------------------------------------ the app


class RegionApp:
    """Without a region: a picker. With one: its page. Choosing redraws in place."""

    def __init__(self, params: Params, local_file: str = ""):
        self.local_file = local_file
        self._sources: Sources | None = None  # read once, on the first region shown
        self._shown = ""
        self.params = params
        self.messages = html_block("")
        options = [("Kies een jeugdregio", "")] + [(r.name, r.code) for r in load_regions()]
        self.picker = w.Dropdown(options=options, value="", description="Regio")
        self.picker.add_class("ztmo-region-picker")
        self.picker.observe(self._picked, "value")
        self.page = html_block("")
        self.root = app_root([self.messages, self.picker, self.page], "ztmo-region")
        self.set_params(params)

    def set_params(self, params: Params) -> None:
        self.params = params
        self.messages.value = "".join(error_html(e) for e in params.errors)
        if params.regio_code:
            self.picker.value = params.regio_code  # keep the picker in step with the page
            self.show(params.regio_code)  # no-op when the picker's event already drew it
        else:
            self.page.value = ('<p>Kies hierboven een van de 42 jeugdregio\'s. Je ziet dan '
                               "welke cijfers er voor die regio zijn, met de bron bij elk "
                               "cijfer, en hoe je aan de rest komt.</p>")

    def _picked(self, change) -> None:
        if change["new"]:
            self.show(change["new"])

    def show(self, code: str) -> None:
        if self._shown == code:
            return
        self._shown = code
        try:
            region = get_region(code)
            params = Params(regio=region.name, regio_code=region.code, sessie=self.params.sessie,
                            deelnemer=self.params.deelnemer)
            body = None if self.local_file else shared_body(region.code)
            if body is None:
                if self._sources is None:
                    self._sources = load_sources(local_file=self.local_file)
                body = region_body(self._sources, region)
            self.page.value = body + back_html(params)
        except ZtmoError as exc:
            self.page.value = error_html(exc)
        except Exception:  # noqa: BLE001 - never a traceback for a participant
            log_exception("regio-app")
            self.page.value = error_html("De cijfers konden niet worden getoond. Probeer het "
                                         "later opnieuw of kies een andere regio.")


def static_page(regio: str, local_file: str = "") -> str:
    """The page for a static edition: no widgets; an unknown region becomes an error box."""
    try:
        region = get_region(regio)
    except ZtmoError as exc:
        return error_html(exc)
    return region_page(load_sources(local_file=local_file), region)


def region_app(regio: str = "", sessie: str = "", deelnemer: str = "",
               lokale_cijfers: str = "") -> w.Widget:
    """The region app; parameters come from Papermill or the page's link."""
    if in_edition():
        from IPython.display import HTML

        return HTML(style().value + f'<div class="ztmo-app ztmo-region">'
                    f"{static_page(regio, lokale_cijfers)}</div>")
    return launch(lambda params: RegionApp(params, lokale_cijfers), (regio, sessie, deelnemer),
                  "regio-app")
