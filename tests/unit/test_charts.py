import re

from ztmo import charts

LABELS = {1: "Nog niet", 2: "Een beetje", 3: "Redelijk", 4: "Goed", 5: "Heel goed"}


def spec(rows):
    return charts.ratings_chart(rows, "Hoe goed lukt dit bij ons?", LABELS).to_dict()


def test_ratings_chart_keeps_order_scale_and_missing_values():
    s = spec([("Eerste", 4), ("Tweede", None), ("Derde", 1)])
    values = s["datasets"][next(iter(s["datasets"]))] if "datasets" in s else s["data"]["values"]
    assert [v["score"] for v in values] == [4, None, 1]
    assert [v["label"] for v in values] == ["Goed", "niet beoordeeld", "Nog niet"]
    bars = s["layer"][0]
    assert bars["encoding"]["x"]["scale"]["domain"] == [0, 5]
    assert bars["encoding"]["y"]["sort"] == ["1. Eerste", "2. Tweede", "3. Derde"]


def test_svg_is_self_contained():
    svg = charts.to_svg(charts.ratings_chart([("Een", 3), ("Twee", 5)], "Vraag", LABELS))
    assert svg.lstrip().startswith("<svg")
    # Only XML namespaces may mention a host; nothing is loaded from elsewhere.
    urls = set(re.findall(r"https?://[^\s\"')]+", svg))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "Redelijk" in svg and "Heel goed" in svg
