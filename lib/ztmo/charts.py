"""Charts as pure functions (data in, altair chart out) and one offline render path.

Every chart is turned into SVG on the server with vl-convert, so it shows in
Voila, in JupyterLab and in static HTML without loading anything from another
host. altair and vl-convert are imported only when a chart is drawn: a page
that shows no chart does not pay for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

NL_FORMAT = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€\u00a0", ""]}
INK = "#1f2a33"
ACCENT = "#0b6e69"


def house_config() -> dict:
    """Vega-Lite config for our look: readable fonts, calm colours."""
    return {
        "font": "DejaVu Sans, Segoe UI, Arial, sans-serif",
        "axis": {"labelFontSize": 13, "titleFontSize": 14, "labelColor": INK, "titleColor": INK,
                 "gridColor": "#e3e8ec"},
        "view": {"stroke": None},
        "bar": {"color": ACCENT},
        "title": {"fontSize": 16, "color": INK, "anchor": "start"},
    }


def ratings_chart(rows: list[tuple[str, int | None]], question: str, labels: Mapping[int, str]):
    """Horizontal bars: one per guideline, length = the rating (1-5); missing stays empty.

    ``rows`` is (guideline title, rating or None) in display order.
    """
    import altair as alt

    # Short axis labels keep the chart readable on a phone; full titles are in the tooltip
    # and in the table the apps show beside every chart.
    data = [
        {"handvat": f"Handvat {i}", "titel": title, "score": score,
         "label": labels.get(score, "") if score else "niet beoordeeld"}
        for i, (title, score) in enumerate(rows, start=1)
    ]
    order = [d["handvat"] for d in data]
    base = alt.Chart(alt.Data(values=data)).encode(
        y=alt.Y("handvat:N", sort=order, title=None, axis=alt.Axis(labelFontSize=13)),
    )
    bars = base.mark_bar(cornerRadiusEnd=4, height=22).encode(
        x=alt.X("score:Q", scale=alt.Scale(domain=[0, 5]), title=question,
                axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d")),
        tooltip=[alt.Tooltip("titel:N", title="Handvat"), alt.Tooltip("label:N", title="Oordeel")],
    )
    text = base.mark_text(align="left", dx=6, color=INK, fontSize=13).encode(
        x=alt.X("score:Q"),
        text=alt.Text("label:N"),
    ).transform_filter("isValid(datum.score)")
    return (bars + text).properties(width=210, height=alt.Step(36))


@lru_cache(maxsize=64)
def _svg_cached(spec_json: str) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(spec_json, format_locale=NL_FORMAT)


def to_svg(chart) -> str:
    """Render an altair chart (or a Vega-Lite dict) to an SVG string, offline."""
    import json

    spec = chart if isinstance(chart, dict) else chart.to_dict()
    spec = {**spec, "config": {**house_config(), **spec.get("config", {})}}
    return _svg_cached(json.dumps(spec, sort_keys=True))


# 1 (nog niet) .. 5 (heel goed): viridis, a sequential scale that stays distinct for the
# common colour-vision deficiencies and in greyscale (1 and 2 far apart in lightness).
SCORE_COLOURS = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"]


def group_ratings_chart(rows: list[tuple[str, dict[int, int]]], labels: Mapping[int, str],
                        large: bool = False):
    """Stacked bars: per guideline how many people gave each rating 1-5.

    ``rows`` is (short guideline label, {score: count}) in display order. Guidelines
    nobody rated get no bar (shown as missing in the table beside the chart).
    """
    import altair as alt

    data = [
        {"handvat": name, "score": score, "oordeel": f"{score} – {labels[score]}", "aantal": n}
        for name, counts in rows for score, n in sorted(counts.items()) if n
    ]
    order = [name for name, _ in rows]
    font = 24 if large else 13  # the projector is read from the back of the room
    return alt.Chart(alt.Data(values=data)).mark_bar(stroke="#ffffff", strokeWidth=1).encode(
        y=alt.Y("handvat:N", sort=order, title=None, scale=alt.Scale(domain=order),
                axis=alt.Axis(labelFontSize=font)),
        x=alt.X("aantal:Q", title="Aantal deelnemers",
                axis=alt.Axis(tickMinStep=1, format="d", labelFontSize=font,
                              titleFontSize=font)),
        color=alt.Color("oordeel:O", title="Oordeel",
                        scale=alt.Scale(domain=[f"{s} – {labels[s]}" for s in sorted(labels)],
                                        range=SCORE_COLOURS),
                        legend=alt.Legend(orient="top" if large else "bottom", columns=3,
                                          labelFontSize=font, titleFontSize=font,
                                          symbolSize=30 * font, labelLimit=0)),
        order=alt.Order("score:Q"),
        tooltip=["handvat:N", "oordeel:N", "aantal:Q"],
    ).properties(width=660 if large else 260, height=alt.Step(46 if large else 30))


def render(name: str, **kwargs) -> str:
    """SVG for a named chart ("ratings", "group_ratings"): from the server's shared
    renderer when there is one (kernels stay small), else drawn here."""
    from . import chartd

    svg = chartd.request(name, kwargs)
    return svg if svg is not None else chartd.draw(name, kwargs)


def preference_profile_chart(scores: Mapping[str, float], order: list[str], maximum: float):
    """A personal learning profile: one bar per preference, scale 0 to the maximum score."""
    import altair as alt

    data = [{"voorkeur": name, "punten": scores.get(name, 0)} for name in order]
    base = alt.Chart(alt.Data(values=data)).encode(
        y=alt.Y("voorkeur:N", sort=order, title=None, axis=alt.Axis(labelFontSize=13)))
    bars = base.mark_bar(cornerRadiusEnd=4, height=22).encode(
        x=alt.X("punten:Q", scale=alt.Scale(domain=[0, maximum]), title="Punten uit de scan"),
        tooltip=["voorkeur:N", "punten:Q"])
    text = base.mark_text(align="left", dx=5, color=INK).encode(
        x="punten:Q", text=alt.Text("punten:Q", format="d"))
    return (bars + text).properties(width=200, height=alt.Step(36))


def preference_distribution_chart(first: Mapping[str, int], second: Mapping[str, int],
                                  order: list[str]):
    """The group's mix: how many people have each preference first and second."""
    import altair as alt

    data = [{"voorkeur": name, "keuze": kind, "aantal": counts.get(name, 0)}
            for kind, counts in (("eerste voorkeur", first), ("tweede voorkeur", second))
            for name in order]
    return alt.Chart(alt.Data(values=data)).mark_bar().encode(
        y=alt.Y("voorkeur:N", sort=order, title=None),
        yOffset=alt.YOffset("keuze:N", sort=["eerste voorkeur", "tweede voorkeur"]),
        x=alt.X("aantal:Q", title="Aantal deelnemers", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("keuze:N", title=None, sort=["eerste voorkeur", "tweede voorkeur"],
                        scale=alt.Scale(range=[ACCENT, "#9cc9c5"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=["voorkeur:N", "keuze:N", "aantal:Q"],
    ).properties(width=200, height=alt.Step(16))


MUTED = "#b9c6cc"


def trend_chart(points: list[tuple[str, float | None, str]], title: str):
    """Bars per period, oldest left. ``points`` is (period, value or None, note); a period
    without a value keeps its place with the text 'geen cijfer', so gaps stay visible.
    Bars whose note is not 'definitief' are lighter: provisional or rounded."""
    import altair as alt

    data = [{"periode": p, "waarde": v, "soort": "definitief" if n == "definitief" else
             "voorlopig of afgerond", "label": "geen cijfer" if v is None else ""}
            for p, v, n in points]
    order = [d["periode"] for d in data]
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("periode:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)))
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        y=alt.Y("waarde:Q", title=title, axis=alt.Axis(format=",d")),
        color=alt.Color("soort:N", title=None,
                        scale=alt.Scale(domain=["definitief", "voorlopig of afgerond"],
                                        range=[ACCENT, "#8fbdb9"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("periode:N", title="Periode"),
                 alt.Tooltip("waarde:Q", title="Aantal", format=",d"),
                 alt.Tooltip("soort:N", title="Status")],
    )
    values = base.mark_text(dy=-8, color=INK, fontSize=12).encode(
        y=alt.Y("waarde:Q"), text=alt.Text("waarde:Q", format=",d"))
    gaps = base.mark_text(color="#6b7780", fontSize=12, angle=270, align="left", dx=0).encode(
        y=alt.value(150), text="label:N").transform_filter("datum.waarde == null")
    return (bars + values + gaps).properties(width=alt.Step(52), height=220)


def compare_chart(rows: list[tuple[str, float, bool]], title: str, percent: bool = False):
    """Horizontal bars for areas (name, value, highlighted), in the given order; the
    highlighted ones in the accent colour, the rest grey."""
    import altair as alt

    fmt = ".1f" if percent else ",.1f"
    data = [{"gebied": n, "waarde": v, "kleur": "uit" if h else "rest"} for n, v, h in rows]
    order = [d["gebied"] for d in data]
    base = alt.Chart(alt.Data(values=data)).encode(
        y=alt.Y("gebied:N", sort=order, title=None))
    bars = base.mark_bar(height=16, cornerRadiusEnd=3).encode(
        x=alt.X("waarde:Q", title=title),
        color=alt.Color("kleur:N", scale=alt.Scale(domain=["uit", "rest"],
                                                   range=[ACCENT, MUTED]), legend=None),
        tooltip=[alt.Tooltip("gebied:N", title="Gebied"),
                 alt.Tooltip("waarde:Q", title=title, format=fmt)],
    )
    text = base.mark_text(align="left", dx=4, color=INK, fontSize=12).encode(
        x="waarde:Q", text=alt.Text("waarde:Q", format=fmt))
    return (bars + text).properties(width=240, height=alt.Step(20))
