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

    data = [
        {"handvat": f"{i}. {title}", "score": score,
         "label": labels.get(score, "") if score else "niet beoordeeld", "volgorde": i}
        for i, (title, score) in enumerate(rows, start=1)
    ]
    order = [d["handvat"] for d in data]
    base = alt.Chart(alt.Data(values=data)).encode(
        y=alt.Y("handvat:N", sort=order, title=None,
                axis=alt.Axis(labelLimit=260, labelFontSize=13)),
    )
    bars = base.mark_bar(cornerRadiusEnd=4, height=22).encode(
        x=alt.X("score:Q", scale=alt.Scale(domain=[0, 5]), title=question,
                axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d")),
        tooltip=[alt.Tooltip("handvat:N"), alt.Tooltip("label:N", title="Oordeel")],
    )
    text = base.mark_text(align="left", dx=6, color=INK, fontSize=13).encode(
        x=alt.X("score:Q"),
        text=alt.Text("label:N"),
    ).transform_filter("isValid(datum.score)")
    return (bars + text).properties(width=300, height=alt.Step(40))


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
