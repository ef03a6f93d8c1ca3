"""The four group activities (timeline, good practices, ten promises, four flags): the
participants' apps and the group's boards, with a real SQLite store and real widgets."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.test_ui import all_html
from tests.unit.test_ui_session import live_poll, store  # noqa: F401 - fixture
from ztmo.activities import (
    DOT_COUNT,
    DOTS,
    NO_GUIDELINE,
    NOT_TURNING,
    PRACTICE_CHOICE,
    ROLE,
    flag_key,
    moment_key,
)
from ztmo.groupwork import load_groupwork
from ztmo.network import SCORE_COLOURS
from ztmo.params import resolve
from ztmo.presenter import set_revealed
from ztmo.ui.answers import LocalAnswers
from ztmo.ui.groupwork import (
    NO_ROLE,
    FlagsApp,
    FlagsBoard,
    PracticeApp,
    PracticeBoard,
    PromisesApp,
    PromisesBoard,
    TimelineApp,
    TimelineBoard,
    previous_dares,
)
from ztmo.ui.session import SessionAnswers

WORK = load_groupwork()
MOMENTS = [m.id for m in WORK.tijdlijn.momenten]
PROMISES = [t.id for t in WORK.beloften.themas]
CARDS = [c.id for c in WORK.praktijken.kaarten]
G11, G12, G22 = "allerliefst_thuis.1", "allerliefst_thuis.2", "dichtbij_thuis.2"

opened: list = []


@pytest.fixture(autouse=True)
def _stop_live_views():
    yield
    while opened:
        opened.pop().pause()


def in_order(widget, cls) -> list:
    """Widgets with a class, in the order they are on the page (depth first)."""
    found = []

    def visit(x) -> None:
        if cls in getattr(x, "_dom_classes", ()):
            found.append(x)
        for child in getattr(x, "children", ()):
            visit(child)

    visit(widget)
    return found


def app(cls, s=None, token=""):
    made = cls(resolve(sessie=s.code if s else "", deelnemer=token, query=""))
    opened.append(made)
    return made


def group(store, n=3):  # noqa: F811
    s = store.create_session("Groepswerk")
    return s, [store.join(s.code) for _ in range(n)]


def board_html(made) -> str:
    return made.board.widget.value


def saved(store, code, activity) -> dict[str, str]:  # noqa: F811
    return {a.participant: a.value for a in store.answers(code, activity)}


# --- timeline ----------------------------------------------------------------------------------
def test_timeline_three_people_mark_change_and_unmark_and_the_board_counts(store):  # noqa: F811
    s, (a, b, c) = group(store)
    apps = [app(TimelineApp, s, t) for t in (a, b, c)]
    drops = [in_order(x.root, "ztmo-turning") for x in apps]
    assert all(len(d) == len(MOMENTS) for d in drops)
    assert drops[0][0].options[0] == ("Geen keerpunt", "")
    assert ("Keerpunt, maar ik weet niet welk handvat", NO_GUIDELINE) in drops[0][0].options
    assert any(label.startswith("1.1 ") and value == G11 for label, value in drops[0][0].options)

    drops[0][1].value = G11
    drops[0][5].value = G22
    drops[1][1].value = G12
    drops[1][1].value = G11  # changed back: the same handvat as a
    drops[2][1].value = NO_GUIDELINE
    drops[2][5].value = G22
    drops[2][5].value = ""  # unmarked again
    drops[2][7].value = ""  # never marked: nothing saved
    assert saved(store, s.code, moment_key(MOMENTS[1])) == {a: G11, b: G11, c: NO_GUIDELINE}
    assert saved(store, s.code, moment_key(MOMENTS[5])) == {a: G22, c: NOT_TURNING}
    assert saved(store, s.code, moment_key(MOMENTS[7])) == {}
    assert "geen keerpunt meer" in all_html(apps[2].root)

    live_poll(apps[0])
    html = board_html(apps[0])
    assert "ztmo-hidden-results" in html and "Binnen: 3 antwoorden" in html
    assert G11 not in html and "Keerpunten" not in html
    set_revealed(store, s.code, s.trainer_key, "tijdlijn", True)
    live_poll(apps[0])
    board = apps[0].board
    rows = board.counts(store.snapshot(s.code))
    assert rows[1] == (3, 1, ((G11, 2),))
    assert rows[5] == (1, 0, ((G22, 1),))  # c's unmark does not count
    assert sum(n for n, _, _ in rows) == 4
    html = board_html(apps[0])
    assert "ztmo-timeline-board" in board.widget._dom_classes
    assert f"background:{SCORE_COLOURS[-1]};color:#ffffff" in html  # moment 2: the most
    assert f"background:{SCORE_COLOURS[1]}" in html  # moment 6: one of three
    assert "<small>2</small><strong>3</strong>" in html and "3 mensen zien hier" in html
    assert "(2)" in html and "1× zonder handvat" in html
    assert WORK.tijdlijn.bron[:40] in html

    again = app(TimelineApp, s, c)  # a reload shows what was saved
    redrawn = in_order(again.root, "ztmo-turning")
    assert redrawn[1].value == NO_GUIDELINE and redrawn[5].value == "" and redrawn[0].value == ""


def test_timeline_board_draws_larger_for_the_projector_and_ungated(store):  # noqa: F811
    s, (a,) = group(store, 1)
    store.save_answer(s.code, a, moment_key(MOMENTS[0]), G12)
    board = TimelineBoard(gated=False, large=True)
    board.refresh(store.snapshot(s.code))
    assert "ztmo-large" in board.widget.value and "1 persoon ziet hier" in board.widget.value
    shut = TimelineBoard()
    shut.refresh(store.snapshot(s.code))
    assert "ztmo-hidden-results" in shut.widget.value


def test_a_failed_save_shows_a_dutch_box_and_the_choice_goes_back(store):  # noqa: F811
    s, (a,) = group(store, 1)
    made = app(TimelineApp, s, a)
    drops = in_order(made.root, "ztmo-turning")
    drops[2].value = G11
    store.close_session(s.code, s.trainer_key)
    drops[2].value = G22
    assert "gesloten" in " ".join(b.value for b in in_order(made.root, "ztmo-error")).lower()
    assert drops[2].value == G11 and saved(store, s.code, moment_key(MOMENTS[2])) == {a: G11}


# --- good practices ----------------------------------------------------------------------------
def test_practices_grouped_once_each_and_the_groups_pick_with_ties(store):  # noqa: F811
    s, (a, b, c) = group(store)
    apps = [app(PracticeApp, s, t) for t in (a, b, c)]
    picks = in_order(apps[0].root, "ztmo-practice-pick")
    assert len(picks) == len(CARDS)  # a card fitting several handvatten appears once
    unnamed = next(card for card in WORK.praktijken.kaarten if not card.regio_bekend)
    assert "regio niet genoemd" in all_html(apps[0].root) and unnamed.naam in all_html(apps[0].root)
    x, y, z = CARDS[0], CARDS[1], CARDS[2]
    apps[0].buttons[x].click()
    apps[1].buttons[x].click()
    apps[2].buttons[y].click()
    apps[2].buttons[z].click()  # changed her mind
    assert saved(store, s.code, PRACTICE_CHOICE) == {a: x, b: x, c: z}
    chosen = in_order(apps[0].root, "ztmo-chosen")
    assert chosen == [apps[0].cards[x]]

    live_poll(apps[0])
    assert "ztmo-hidden-results" in board_html(apps[0]) and "Binnen: 3" in board_html(apps[0])
    set_revealed(store, s.code, s.trainer_key, "praktijk", True)
    live_poll(apps[0])
    assert apps[0].board.ranking(store.snapshot(s.code)) == ((1, x, 2), (2, z, 1))
    html = board_html(apps[0])
    assert "De groep kiest: <strong>" in html and "2 stemmen van de 3" in html
    assert WORK.practice(x).wat[:40] in html

    apps[1].buttons[y].click()  # now one each: a three-way tie
    live_poll(apps[0])
    assert apps[0].board.ranking(store.snapshot(s.code)) == ((1, x, 1), (1, y, 1), (1, z, 1))
    html = board_html(apps[0])
    assert "Gelijk op de eerste plaats" in html and "gedeeld op plaats 1" in html

    again = app(PracticeApp, s, b)
    assert in_order(again.root, "ztmo-chosen") == [again.cards[y]]
    assert again.buttons[y].description == "Jouw keuze"


# --- ten promises ------------------------------------------------------------------------------
def test_promises_roles_dots_limit_and_the_table_per_role(store):  # noqa: F811
    s, (a, b, c) = group(store)
    apps = [app(PromisesApp, s, t) for t in (a, b, c)]
    roles = in_order(apps[0].root, "ztmo-role")
    assert [r.description for r in roles] == [r.label for r in WORK.beloften.rollen]
    dots = [in_order(x.root, "ztmo-dot") for x in apps]
    assert len(dots[0]) == len(PROMISES) == 10
    p1, p2, p3, p4 = PROMISES[:4]

    roles[0].click()  # a: professional
    in_order(apps[1].root, "ztmo-role")[2].click()  # b: ouder; c chooses no role
    for k in (2, 0, 1):  # a clicks in another order: saved in promise order
        dots[0][k].value = True
    assert saved(store, s.code, DOTS)[a] == f"{p1},{p2},{p3}"
    dots[0][3].value = True  # a fourth dot
    assert dots[0][3].value is False
    assert f"al {DOT_COUNT} stippen" in all_html(apps[0].root)
    assert saved(store, s.code, DOTS)[a] == f"{p1},{p2},{p3}"  # nothing changed

    dots[1][0].value = True
    dots[1][3].value = True
    dots[1][3].value = False  # b takes one back
    dots[1][0].value = False  # ... and the last: nothing new is saved, and b is told
    assert saved(store, s.code, DOTS)[b] == p1
    assert "laatste keuze nog mee" in all_html(apps[1].root)
    dots[1][0].value = True
    dots[1][3].value = True
    dots[2][0].value = True
    assert saved(store, s.code, DOTS) == {a: f"{p1},{p2},{p3}", b: f"{p1},{p4}", c: p1}
    assert saved(store, s.code, ROLE) == {a: "professional", b: "ouder"}

    live_poll(apps[2])
    assert "ztmo-hidden-results" in board_html(apps[2]) and "Binnen: 3" in board_html(apps[2])
    set_revealed(store, s.code, s.trainer_key, "beloften", True)
    live_poll(apps[2])
    columns, rows, voters = apps[2].board.table(store.snapshot(s.code))
    assert columns == ("professional", "ouder", NO_ROLE) and voters == 3
    assert rows[:4] == ((p1, 3, (1, 1, 1)), (p2, 1, (1, 0, 0)), (p3, 1, (1, 0, 0)),
                        (p4, 1, (0, 1, 0)))
    assert all(total == 0 for _, total, _ in rows[4:]) and len(rows) == 10
    html = board_html(apps[2])
    # Small numbers: no role has 5 people, so no column per role (a lone parent would be
    # recognisable); the totals per promise stay.
    assert "rol niet gekozen" not in html and "Ouder of ervaringsdeskundige" not in html
    assert "Gemeente" not in html
    assert "3 mensen zetten samen 6 stippen" in html

    again = app(PromisesApp, s, a)
    assert [d.value for d in in_order(again.root, "ztmo-dot")][:4] == [True, True, True, False]
    assert in_order(again.root, "ztmo-chosen") == [in_order(again.root, "ztmo-role")[0]]
    assert "Al je stippen staan" in again.budget.value


# --- four flags --------------------------------------------------------------------------------
def test_flags_saved_escaped_on_the_washing_line_and_shown_again(store):  # noqa: F811
    s, (a, b, c) = group(store)
    apps = [app(FlagsApp, s, t) for t in (a, b, c)]
    inputs = [in_order(x.root, "ztmo-flag-input") for x in apps]
    buttons = [in_order(x.root, "ztmo-flag-submit") for x in apps]
    assert len(inputs[0]) == len(buttons[0]) == 4
    assert "Wie ziet dit?" in all_html(apps[0].root)

    inputs[0][0].value = "<script>alert(1)</script> samen werken"
    buttons[0][0].click()
    inputs[1][3].value = "Vaker nee zeggen"
    buttons[1][3].click()
    inputs[2][3].value = "x" * 141
    assert "Maak hem wat korter" in all_html(apps[2].root)
    buttons[2][3].click()
    assert saved(store, s.code, flag_key("durven")) == {b: "Vaker nee zeggen"}
    inputs[2][3].value = "Een gezin eerst vragen wat het zelf wil"
    buttons[2][3].click()
    inputs[2][3].value = "Een gezin eerst vragen wat het zelf wil, en luisteren"
    buttons[2][3].click()  # changed
    assert saved(store, s.code, flag_key("moeten")) == {a: "<script>alert(1)</script> samen werken"}
    assert saved(store, s.code, flag_key("durven"))[c].endswith("en luisteren")

    live_poll(apps[1])
    html = board_html(apps[1])
    assert "ztmo-hidden-results" in html and "samen werken" not in html and "Binnen: 3" in html
    set_revealed(store, s.code, s.trainer_key, "vlaggen", True)
    live_poll(apps[1])
    html = board_html(apps[1])
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; samen werken" in html
    assert html.count('class="ztmo-flag ztmo-flag-') == 3
    assert "ztmo-flag-durven" in html and "Vorige keer" not in html  # no network
    assert WORK.vlaggen.bron[:30] in html

    again = app(FlagsApp, s, a)
    assert in_order(again.root, "ztmo-flag-input")[0].value.startswith("<script>")


def test_previous_dares_come_from_the_meeting_before_in_the_same_network(store):  # noqa: F811
    net = store.create_network("Leernetwerk Twente")
    october = store.start_meeting(net.id, net.trainer_key, "oktober", date(2026, 10, 6))
    may = store.start_meeting(net.id, net.trainer_key, "mei", date(2026, 5, 12))
    december = store.start_meeting(net.id, net.trainer_key, "december", date(2026, 12, 8))
    dare = flag_key("durven")
    m1 = store.join(may.code)
    store.save_answer(may.code, m1, dare, "In mei: om hulp vragen")
    o1, o2, o3 = (store.join(october.code) for _ in range(3))
    store.save_answer(october.code, o1, dare, "<b>Fouten</b> durven maken")
    store.save_answer(october.code, o2, dare, "Iets wat de trainer verbergt")
    store.save_answer(october.code, o3, flag_key("moeten"), "Geen durven-vlag")
    store.hide_answer(october.code, october.trainer_key, o2, dare)

    assert previous_dares(store, may.code) == []  # the first meeting
    assert previous_dares(store, october.code) == ["In mei: om hulp vragen"]
    assert previous_dares(store, december.code.lower()) == ["<b>Fouten</b> durven maken"]
    alone = store.create_session("Los")
    assert previous_dares(store, alone.code) == []

    d1 = store.join(december.code)
    made = app(FlagsApp, december, d1)
    assert "Fouten" not in board_html(made)  # gated like the flags of now
    set_revealed(store, december.code, december.trainer_key, "vlaggen", True)
    live_poll(made)
    html = board_html(made)
    assert "Vorige keer wilden jullie durven:" in html
    assert "&lt;b&gt;Fouten&lt;/b&gt; durven maken" in html and "verbergt" not in html
    board = FlagsBoard(gated=False, store=store)
    board.refresh(store.snapshot(december.code))
    assert "Vorige keer wilden jullie durven:" in board.widget.value


# --- without a session -------------------------------------------------------------------------
@pytest.mark.parametrize("cls", [TimelineApp, PracticeApp, PromisesApp, FlagsApp])
def test_without_a_session_every_app_works_locally_and_shows_no_board(cls):
    made = app(cls)
    html = all_html(made.root)
    assert isinstance(made.sink, LocalAnswers) and made.board is None and made.live is None
    assert "worden niet bewaard" in html and "verschijnen hier als je meedoet" in html
    assert "ztmo-group-wall" not in html
    assert cls.css_class in made.root._dom_classes


def test_local_answers_stay_on_the_page():
    timeline = app(TimelineApp)
    drops = in_order(timeline.root, "ztmo-turning")
    drops[0].value = G11
    drops[0].value = ""
    assert timeline.sink.get(moment_key(MOMENTS[0])) == NOT_TURNING

    practices = app(PracticeApp)
    practices.buttons[CARDS[3]].click()
    assert practices.sink.get(PRACTICE_CHOICE) == CARDS[3]
    assert in_order(practices.root, "ztmo-chosen") == [practices.cards[CARDS[3]]]

    promises = app(PromisesApp)
    dots = in_order(promises.root, "ztmo-dot")
    for d in dots[:4]:
        d.value = True
    assert promises.dotted() == PROMISES[:3] and promises.sink.get(DOTS) == ",".join(PROMISES[:3])

    flags = app(FlagsApp)
    flags.boxes[1].input.value = "Samen <i>leren</i>"
    flags.boxes[1].submit()
    assert flags.sink.get(flag_key("kunnen")) == "Samen <i>leren</i>"
    assert "alleen jij" in all_html(flags.root).lower()


def test_pause_stops_the_live_board(store):  # noqa: F811
    s, (a,) = group(store, 1)
    made = app(PromisesApp, s, a)
    assert isinstance(made.sink, SessionAnswers)
    live = made.live
    made.pause()
    assert made.live is None and live._stop.is_set()


def test_boards_for_other_screens_are_built_alike(store):  # noqa: F811
    s, (a,) = group(store, 1)
    store.save_answer(s.code, a, PRACTICE_CHOICE, CARDS[0])
    store.save_answer(s.code, a, DOTS, PROMISES[9])
    store.save_answer(s.code, a, flag_key("willen"), "Beter luisteren")
    snap = store.snapshot(s.code)
    for cls in (TimelineBoard, PracticeBoard, PromisesBoard, FlagsBoard):
        board = cls(gated=False, large=True)
        board.refresh(snap)
        assert "ztmo-large" in board.widget.value and "ztmo-group-wall" in board.widget._dom_classes
        assert board.step in ("tijdlijn", "praktijk", "beloften", "vlaggen")
        gated = cls()
        gated.refresh(snap)
        assert "ztmo-hidden-results" in gated.widget.value
