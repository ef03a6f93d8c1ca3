"""Widgets tested by setting their synced traits, without a browser."""

import ipywidgets as w

from ztmo.content import load_guide
from ztmo.params import resolve
from ztmo.ui import pillar_app, start_page
from ztmo.ui.base import error_box, safe_app
from ztmo.ui.nav import href
from ztmo.ui.pillar import PillarWalk, rating_activity


def all_html(widget) -> str:
    out = []
    stack = [widget]
    while stack:
        x = stack.pop()
        if isinstance(x, w.HTML):
            out.append(x.value)
        stack.extend(getattr(x, "children", ()))
    return "\n".join(out)


def with_class(widget, cls):
    found, stack = [], [widget]
    while stack:
        x = stack.pop()
        if cls in getattr(x, "_dom_classes", ()):
            found.append(x)
        stack.extend(getattr(x, "children", ()))
    return found


def walk(query=""):
    guide = load_guide()
    return PillarWalk(guide, guide.pillar(2), resolve(query=query))


def test_walk_steps_through_five_guidelines_then_the_summary():
    app = walk()
    titles = []
    for i in range(5):
        assert f"<p>Handvat {i + 1} van 5</p>" in app.progress_text.value
        assert app.prev.disabled == (i == 0)
        titles.append(app.pillar.handvatten[i].titel)
        assert app.pillar.handvatten[i].titel in app.card.value
        app.next.click()
    assert app.summary.layout.display == "" and app.walk.layout.display == "none"
    summary = all_html(app.summary)
    assert "<svg" in summary
    for t in titles:
        assert t in summary
    assert summary.count("niet beoordeeld") >= 5  # nothing rated: shown as missing


def chosen(app) -> list[str]:
    return [v for v, b in app.rating.buttons.items() if "ztmo-chosen" in b._dom_classes]


def test_ratings_are_kept_per_guideline_and_shown_again_when_going_back():
    app = walk()
    app.rating.buttons["4"].click()
    app.next.click()
    assert app.rating.value is None and chosen(app) == []  # not the previous one's score
    app.rating.buttons["2"].click()
    app.prev.click()
    assert app.rating.value == "4" and chosen(app) == ["4"]
    ids = [h.id for h in app.pillar.handvatten]
    assert app.ratings() == {ids[0]: 4, ids[1]: 2, ids[2]: None, ids[3]: None, ids[4]: None}
    assert app.answers.get(rating_activity(ids[0])) == "4"


def test_the_same_score_on_consecutive_guidelines_is_saved_each_time():
    """The old toggle widget only reported changes: the same score twice was lost."""
    app = walk()
    for _ in range(5):
        app.rating.buttons["3"].click()
        assert chosen(app) == ["3"] and "Jouw keuze: <strong>3" in app.rating_label.value
        app.next.click()
    assert set(app.ratings().values()) == {3}


def test_weet_ik_niet_is_an_answer_but_not_a_score():
    app = walk()
    app.rating.unknown.click()
    assert chosen(app) == ["?"] and "weet ik niet" in app.rating_label.value
    app.next.click()
    app.prev.click()
    assert chosen(app) == ["?"]
    assert app.ratings()[app.pillar.handvatten[0].id] is None
    for _ in range(5):
        app.next.click()
    assert "weet ik niet" in all_html(app.summary)


def test_summary_lists_each_rating_with_its_label():
    app = walk()
    for score in (1, 2, 3, 4, 5):
        app.rating.buttons[str(score)].click()
        app.next.click()
    table = all_html(app.summary)
    labels = app.guide.beoordeling.labels
    for score in (1, 2, 3, 4, 5):
        assert f"{score} – {labels[score]}" in table
    assert app.guide.groepsopdracht.vragen[0].tekst in table


def test_start_page_links_to_the_three_pillars_carrying_parameters():
    html = all_html(start_page(regio="twente"))
    for path in ("pillars/1_het_allerliefst_thuis.ipynb", "pillars/2_dichtbij_thuis.ipynb",
                 "pillars/3_weer_thuis.ipynb"):
        assert f'href="{path}?regio=JZ14"' in html
    assert "Twente" in html
    assert 'href="regio.ipynb?regio=JZ14"' in html  # the region figures, for this region


def test_unknown_region_shows_an_error_box_and_the_app_still_works():
    app = pillar_app(1, regio="Amsterdm")
    boxes = with_class(app, "ztmo-error")
    assert boxes and "Amsterdam-Amstelland" in boxes[0].value
    assert "ztmo-pillar" in app._dom_classes


def test_error_box_escapes_text():
    box = error_box("<img src=x onerror=alert(1)>")
    assert "<img" not in box.value and "&lt;img" in box.value
    assert "ztmo-error" in box._dom_classes


def test_safe_app_turns_any_failure_into_a_dutch_message(capsys):
    def broken():
        raise KeyError("intern")

    app = safe_app(broken, "test")
    text = all_html(app)
    assert with_class(app, "ztmo-error")
    assert "Traceback" not in text and "KeyError" not in text
    assert "niet worden geladen" in text


def test_links_are_relative_to_the_page_showing_them():
    p = resolve(query="regio=JZ01")
    assert href("pillars/1_x.ipynb", "index.ipynb", p) == "../index.ipynb?regio=JZ01"
    assert href("index.ipynb", "pillars/2_y.ipynb", resolve(query="")) == "pillars/2_y.ipynb"


def test_preheated_kernel_shows_the_app_at_once_and_applies_the_request_later(monkeypatch):
    """In preheat mode the query string arrives later; the app must not wait for it."""
    import threading

    from ztmo import params as params_module

    arrived = threading.Event()
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setattr(params_module, "query_string",
                        lambda: arrived.wait(10) and "regio=Amsterdm")
    app = start_page()
    assert not with_class(app, "ztmo-error")  # built before the request
    arrived.set()
    for t in threading.enumerate():
        if t.name == "ztmo-params":
            t.join(10)
    assert "Amsterdam-Amstelland" in with_class(app, "ztmo-error")[0].value


def test_the_participant_apps_do_not_import_pandas():
    """Only the region app needs pandas; importing it for every kernel cost ~48 MB each."""
    import subprocess
    import sys

    code = ("import sys, ztmo.ui; from ztmo.ui import pillar_app, start_page, scan_app; "
            "print('pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"
