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
    assert bars["encoding"]["y"]["sort"] == ["Handvat 1", "Handvat 2", "Handvat 3"]
    assert [v["titel"] for v in values] == ["Eerste", "Tweede", "Derde"]


def test_svg_is_self_contained():
    svg = charts.to_svg(charts.ratings_chart([("Een", 3), ("Twee", 5)], "Vraag", LABELS))
    assert svg.lstrip().startswith("<svg")
    # Only XML namespaces may mention a host; nothing is loaded from elsewhere.
    urls = set(re.findall(r"https?://[^\s\"')]+", svg))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "Redelijk" in svg and "Heel goed" in svg


def test_group_chart_counts_per_score_and_keeps_unrated_rows_on_the_axis():
    s = charts.group_ratings_chart([("Handvat 1", {1: 0, 2: 1, 3: 0, 4: 2, 5: 0}),
                                    ("Handvat 2", {1: 0, 2: 0, 3: 0, 4: 0, 5: 0})], LABELS).to_dict()
    values = s["data"]["values"]
    assert sorted((v["handvat"], v["score"], v["aantal"]) for v in values) == [
        ("Handvat 1", 2, 1), ("Handvat 1", 4, 2)]
    assert s["encoding"]["y"]["scale"]["domain"] == ["Handvat 1", "Handvat 2"]
    assert "<svg" in charts.to_svg(s)


ORDER = ["Kunst afkijken", "Participeren", "Kennis verwerven", "Oefenen", "Ontdekken"]


def test_preference_charts_keep_every_preference_on_the_axis():
    s = charts.preference_profile_chart({"Oefenen": 30.0}, ORDER, 48).to_dict()
    assert [v["punten"] for v in s["data"]["values"]] == [0, 0, 0, 30.0, 0]
    d = charts.preference_distribution_chart({"Participeren": 3}, {"Ontdekken": 1}, ORDER).to_dict()
    values = {(v["voorkeur"], v["keuze"]): v["aantal"] for v in d["data"]["values"]}
    assert values[("Participeren", "eerste voorkeur")] == 3
    assert values[("Ontdekken", "tweede voorkeur")] == 1 and len(values) == 10
    assert "<svg" in charts.to_svg(d)
