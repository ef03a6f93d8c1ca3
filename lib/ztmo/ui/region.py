"""The region app: a youth-care region's figures, each with its source, and what is missing.

The page is composed as HTML sections from `ztmo.figures` (pure) and charts
drawn to SVG, so the same sections serve Voila (inside a widget) and static
editions (plain HTML). Texts are ours, in plain Dutch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import ipywidgets as w

from .. import figures as fig
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


@dataclass
class Sources:
    """What the page draws from; loading problems become notices, not crashes."""

    figures: fig.FigureSet
    local: list = field(default_factory=list)  # LocalFigures
    notices: list[str] = field(default_factory=list)


def load_sources(directory: Path | None = None, local_file: str = "") -> Sources:
    """Figures plus the region's own files; a faulty own file is refused with its faults."""
    from .. import localfigures

    figures = fig.load(directory)
    sources = Sources(figures, notices=list(figures.notices))
    paths = [Path(local_file)] if local_file else localfigures.files(directory)
    for path in paths:
        try:
            sources.local.append(localfigures.load(path))
        except ZtmoError as exc:
            sources.notices.append(f"De eigen cijfers in {path.name} laten we niet zien. {exc}")
    return sources


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
    """An error box as markup (inside a page that is itself HTML); class ``ztmo-error``."""
    title = exc.title if isinstance(exc, ZtmoError) else "Er ging iets mis"
    return (f'<div class="ztmo-error" role="alert"><strong>{esc(title)}</strong> '
            f"{esc(exc)}</div>")


def _source(text: str) -> str:
    return f'<p class="ztmo-source">{esc(text)}</p>'


def _value(row) -> str:
    return fig.format_value(row["waarde"], row["eenheid"])


def header_html(region: Region) -> str:
    names = ", ".join(m.name for m in region.municipalities)
    derived = (" De indeling van gemeenten in regio's is door ons afgeleid uit de kaart van "
               "2025; de officiële CBS-indeling komt mee bij het vernieuwen van de cijfers."
               if region.derived else "")
    return (f'<h2 class="ztmo-region-name">{esc(region.name)} <span class="ztmo-kicker">'
            f'{esc(region.code)}</span></h2>'
            f"<p>Deze jeugdregio heeft {len(region.municipalities)} gemeenten: "
            f"{esc(names)}.</p>{_source(derived.strip())}")


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


def own_html(sources: Sources, region: Region) -> str:
    """The region's own CBS figures, and per 1,000 where the population is known."""
    frame = fig.for_region(sources.figures.frame, region.code)
    rank = {ind: i for i, ind in enumerate(OWN_ORDER)}
    frame = frame.assign(_o=frame.indicator.map(lambda i: rank.get(
        i.removesuffix(fig.RATE_SUFFIX), 99))).sort_values(["_o", "indicator", "periode"])
    intro = ("<h2>Cijfers van jouw regio</h2>")
    if frame.empty:
        return (intro + '<p class="ztmo-notice ztmo-no-own">Voor deze regio hebben we nog '
                "geen eigen CBS-cijfers in de meegeleverde gegevens. Hieronder zie je de "
                "cijfers van het land en de provincies, en onderaan hoe je de cijfers van "
                "je eigen regio krijgt.</p>")
    parts = [intro]
    trend = fig.series(sources.figures.frame, region.code, TREND)
    if trend.waarde.notna().sum() >= 2:
        parts.append(_trend_html(trend, f"{fig.indicator_label(TREND)} in {region.name}"))
    parts.append("<p>Alle cijfers die we voor deze regio hebben. Bij elk cijfer staat de "
                 "bron. Een leeg vak betekent: het CBS geeft dit cijfer niet, bijvoorbeeld "
                 "omdat het om heel weinig kinderen gaat.</p>")
    parts.append(_table(frame))
    if frame.periode_type.eq("halfjaar").any():
        parts.append('<p class="ztmo-source">Let op: een halfjaarcijfer is lager dan een '
                     "jaarcijfer. Iedereen die in die zes maanden hulp kreeg, telt één keer. "
                     "Vergelijk het dus niet met een heel jaar.</p>")
    return "".join(parts)


def municipal_html(sources: Sources, region: Region) -> str:
    codes = {m.code: m.name for m in region.municipalities}
    frame = sources.figures.frame
    rows = frame[frame.regio_code.isin(codes) & frame.indicator.isin(MUNICIPAL_FIGURES)]
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
    return ("<h3>Gemeenten in deze regio</h3>"
            "<p>Voor een paar gemeenten in deze regio hebben we een percentage uit CBS-tabel "
            "85098NED. Voor de andere gemeenten ontbreekt het nog in de meegeleverde "
            f"gegevens.</p><p>{esc(meaning.means)} {esc(meaning.not_means)}</p>"
            f'<table class="ztmo-summary-table ztmo-figures">{body}</table>')


def _trend_html(rows, title: str) -> str:
    years = [int(p) for p in rows.periode]
    known = {r.periode: r for r in rows.itertuples()}
    points = []
    for year in range(min(years), max(years) + 1):
        r = known.get(str(year))
        if r is None or math.isnan(r.waarde):
            points.append((str(year), None, ""))
        else:
            note = "definitief" if (r.status == "definitief" and r.waarde_type == "exact") \
                else "anders"
            points.append((str(year), float(r.waarde), note))
    chart = _chart("trend", title, points=points, title="Jongeren")
    lines = "".join(f"<li>{esc(r.periode)}: {esc(fig.describe(rows.loc[i]))}</li>"
                    for i, r in enumerate(rows.itertuples()))
    return (f"<h3>{esc(title)}</h3>{chart}"
            f'<ul class="ztmo-source ztmo-sources">{lines}</ul>')


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
            parts.append(
                f"<p>Van {esc(change.first_period)} tot {esc(change.last_period)}: "
                f"{fig.format_value(abs(change.difference), 'jongeren')} jongeren {word} "
                f"({fig.format_value(abs(change.percent), 'procent')}). Lichte staven zijn "
                "voorlopig of afgerond: die cijfers kunnen nog iets veranderen. Voorlopige "
                "CBS-cijfers zijn meestal 1 tot 5 procent lager dan de definitieve.</p>")
        missing = [p for p in range(int(trend.periode.min()), int(trend.periode.max()) + 1)
                   if str(p) not in set(trend.periode)]
        if missing:
            parts.append(f'<p class="ztmo-missing">Geen landelijk cijfer in de meegeleverde '
                         f'gegevens voor {esc(", ".join(map(str, missing)))}.</p>')
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
            + "<p>Bij welke provincie jouw regio hoort, staat nog niet in de meegeleverde "
              "gegevens. Een paar regio's liggen in twee provincies.</p>")


def compare_html(sources: Sources, region: Region) -> str:
    """The region among the 42 (only when every region has the figure), and look-alikes."""
    frame = sources.figures.frame
    indicator = TREND + fig.RATE_SUFFIX
    compared = fig.regions_compared(frame, indicator)
    if compared is None:
        return ("<h2>Jouw regio tussen de andere regio's</h2>"
                '<p class="ztmo-notice ztmo-no-compare">Dit kan nog niet: daarvoor zijn van '
                "alle 42 regio's het aantal jongeren met verblijf én het aantal inwoners "
                "nodig. Die staan niet in de meegeleverde gegevens. Met 'ztmo data "
                "vernieuwen' haal je ze op bij het CBS.</p>")
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
        listed = ", ".join(names.get(c, c) for c in comparison.codes)
        parts.append(f"<p>Regio's die op jouw regio lijken (op {esc(comparison.basis)}, "
                     f"{esc(comparison.period)}): {esc(listed)}.</p>")
    return "".join(parts)


def local_html(sources: Sources, region: Region) -> str:
    blocks = []
    for local in sources.local:
        rows = local.frame[local.frame.regio_code == region.code]
        if rows.empty:
            continue
        body = "".join(
            f"<tr><td>{esc(r.onderwerp)}</td><td>{esc(r.periode)}</td><td class=\"ztmo-num\">"
            f"{esc(fig.format_value(r.waarde, 'procent' if r.eenheid == 'procent' else 'x'))}"
            f"</td><td class=\"ztmo-source\">Bron: {esc(r.bron)}. {esc(r.toelichting)}</td></tr>"
            for r in rows.itertuples())
        blocks.append(f'<h3>Uit {esc(local.path.name)}</h3><table class="ztmo-summary-table '
                      f'ztmo-figures">{body}</table>')
    if not blocks:
        return ""
    return ('<section class="ztmo-local"><h2>Eigen cijfers van de regio</h2>'
            "<p>Deze cijfers komen van de regio zelf, niet van het CBS. Ze zijn niet op "
            "dezelfde manier gemaakt: vergelijk ze dus voorzichtig met de cijfers "
            "hierboven.</p>" + "".join(blocks) + "</section>")


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
            "<p>Dat ligt niet aan je regio: de meegeleverde gegevens zijn een uittreksel. "
            "Zo kom je eraan:</p><ul>"
            "<li>Met internet: <code>ztmo data vernieuwen</code> haalt de cijfers van alle 42 "
            "regio's op bij het CBS (tabel 85100NED, met inwoners uit 03759ned).</li>"
            "<li>Heeft je regio eigen cijfers? Zet ze in een bestand volgens "
            "<code>data/templates/regio_cijfers.csv</code>, controleer het met "
            "<code>ztmo data controleer</code> en zet het in <code>data/lokaal/</code>.</li>"
            "</ul></section>")


def region_page(sources: Sources, region: Region, params: Params | None = None) -> str:
    """The whole figures page for one region, as HTML."""
    params = params or Params(regio=region.name, regio_code=region.code)
    notices = "".join(error_html(n) for n in sources.notices)
    back = f'<p><a href="{href(HERE, START.path, params)}">Terug naar de start</a></p>'
    return "".join([
        notices, header_html(region), info_html(region), map_html(region), own_html(sources, region),
        municipal_html(sources, region), local_html(sources, region), national_html(sources),
        provinces_html(sources), compare_html(sources, region), missing_html(sources, region),
        back])


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
            self.page.value = ('<p>Kies hierboven een van de 42 jeugdregio\'s. Je ziet dan de '
                               "cijfers van die regio, met de bron bij elk cijfer.</p>")

    def _picked(self, change) -> None:
        if change["new"]:
            self.show(change["new"])

    def show(self, code: str) -> None:
        if self._shown == code:
            return
        self._shown = code
        try:
            region = get_region(code)
            if self._sources is None:
                self._sources = load_sources(local_file=self.local_file)
            sources = self._sources
            params = Params(regio=region.name, regio_code=region.code, sessie=self.params.sessie,
                            deelnemer=self.params.deelnemer)
            self.page.value = region_page(sources, region, params)
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
