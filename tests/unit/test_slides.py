"""The projector's slides (ui.slides, ui.slides_more) and their pages (ztmo.paging), drawn
from a real store: hidden until revealed, escaped, small numbers kept small, every item on
exactly one page."""

from __future__ import annotations

import re

import pytest

from tests.browser.room import fill_room, fill_votes
from ztmo import paging, presenter
from ztmo.activities import STEP_KEYS, flag_key
from ztmo.content import load_guide
from ztmo.preferences import load_scan
from ztmo.store import Store
from ztmo.ui.groupwork import merged_roles
from ztmo.ui.slides_more import slides


def test_lines_wrap_at_word_boundaries():
    assert paging.lines("", 10) == 1
    assert paging.lines("een twee drie", 20) == 1
    assert paging.lines("een twee drie vier vijf", 10) == 3
    assert paging.lines("x" * 25, 10) == 1  # one long word: one (overflowing) line counted


def test_pages_fill_up_to_the_budget_and_a_tall_item_gets_its_own():
    assert paging.paginate([3, 3, 3, 3], 7) == [[0, 1], [2, 3]]
    assert paging.paginate([2, 9, 2], 7) == [[0], [1], [2]]
    assert paging.paginate([], 7) == [[]]
    assert paging.columns([3, 3, 3, 3, 3], 6, 2) == [[[0, 1], [2, 3]], [[4]]]


def test_the_page_shown_is_presenter_state_and_stays_in_range():
    value = paging.with_page(None, "muur", 2)
    assert paging.page_of({paging.PAGE_KEY: value}, "muur", 3) == 2
    assert paging.page_of({paging.PAGE_KEY: value}, "muur", 1) == 1  # the list got shorter
    assert paging.page_of({paging.PAGE_KEY: value}, "vlaggen", 3) == 1
    assert paging.page_of({paging.PAGE_KEY: "kapot"}, "muur", 3) == 1
    other = paging.with_page(value, "vlaggen", 4)
    assert paging.page_of({paging.PAGE_KEY: other}, "muur", 3) == 2


@pytest.fixture()
def room(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'room.sqlite3'}")
    session = store.create_session("Twente")
    tokens = fill_room(store, session.code, people=13, long_answers=True)
    yield store, session, tokens
    store.close()


def html(slide, snap) -> str:
    slide.refresh(snap)
    return slide.widget.value


def test_every_slide_shows_only_what_was_revealed_and_escapes_participant_text(room):
    store, session, tokens = room
    secret = "<script>alert(1)</script> vaker bellen"
    store.save_answer(session.code, tokens[0], flag_key("durven"), secret)
    all_slides = slides(load_guide(), load_scan())
    assert set(all_slides) == set(STEP_KEYS)
    snap = store.snapshot(session.code)
    for step, slide in all_slides.items():
        if step in presenter.HIDDEN_UNTIL_REVEALED:
            hidden = html(slide, snap)
            assert "ztmo-hidden-results" in hidden, step
            assert "vaker bellen" not in hidden and slide.pages(snap) == 1
    for step in STEP_KEYS:
        presenter.set_revealed(store, session.code, session.trainer_key, step, True)
    fill_votes(store, session.code, tokens)
    snap = store.snapshot(session.code)
    for step, slide in all_slides.items():
        shown = html(slide, snap)
        assert "ztmo-hidden-results" not in shown and "<script>" not in shown, step
    flags = all_slides["vlaggen"]
    texts = []
    for page in range(1, flags.pages(snap) + 1):
        presenter.set_page(store, session.code, session.trainer_key, "vlaggen", page)
        texts.append(html(flags, store.snapshot(session.code)))
    everything = "".join(texts)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; vaker bellen" in everything
    assert everything.count("vaker bellen") == 1  # on exactly one page


def test_every_idea_is_on_exactly_one_page_and_the_dots_add_up(room):
    store, session, tokens = room
    presenter.set_revealed(store, session.code, session.trainer_key, "muur", True)
    placed = fill_votes(store, session.code, tokens)
    wall = slides(load_guide(), load_scan())["muur"]
    snap = store.snapshot(session.code)
    pages = wall.pages(snap)
    seen, dots = 0, 0
    for page in range(1, pages + 1):
        presenter.set_page(store, session.code, session.trainer_key, "muur", page)
        shown = html(wall, store.snapshot(session.code))
        seen += shown.count('class="ztmo-wall-idea"')
        dots += sum(int(n) for n in re.findall(r'ztmo-wall-dots">(\d+) ', shown))
        assert (f"pagina {page} van {pages}" in shown) == (pages > 1)
    from ztmo import wall as rules

    choice = presenter.wall_choice(snap.state)
    assert seen == len(rules.tally(snap, choice.wall)) and dots == placed


def test_small_numbers_no_average_and_no_profile_under_five(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'few.sqlite3'}") as store:
        session = store.create_session("Klein")
        fill_room(store, session.code, people=4)
        for step in STEP_KEYS:
            presenter.set_revealed(store, session.code, session.trainer_key, step, True)
        snap = store.snapshot(session.code)
        all_slides = slides(load_guide(), load_scan())
        pillar = html(all_slides["pijler1"], snap)
        assert "gemiddeld" not in pillar and "Vanaf 5" in pillar
        profile = html(all_slides["groep"], snap)
        assert "Vanaf 5" in profile and "<svg" not in profile


def test_roles_with_fewer_than_five_people_count_as_others(room):
    store, session, tokens = room
    from ztmo.activities import DOTS, ROLE
    from ztmo.ui.groupwork import PromisesBoard

    for i, token in enumerate(tokens):  # 6 professionals, 1 parent, the rest without a role
        role = "professional" if i < 6 else "ouder" if i == 6 else None
        if role:
            store.save_answer(session.code, token, ROLE, role)
        else:
            store.delete_answer(session.code, session.trainer_key, token, ROLE)
    board = PromisesBoard(gated=False)
    snap = store.snapshot(session.code)
    columns, rows, voters = merged_roles(*board.table(snap), snap, board)
    assert columns == ("professional", "anderen")
    assert voters == len(snap.by_participant(DOTS))
    for p, total, counts in rows:
        assert sum(counts) == total, p  # nobody lost in the merge


def test_phones_and_the_trainer_keep_the_small_numbers_rule_too(tmp_path):
    from ztmo.ui.group import GroupRatings
    from ztmo.ui.learning import PreferenceGroupView

    guide = load_guide()
    with Store(f"sqlite:///{tmp_path / 'phones.sqlite3'}") as store:
        session = store.create_session("Klein")
        fill_room(store, session.code, people=3)
        snap = store.snapshot(session.code)
        ratings = GroupRatings(guide, guide.pijlers[0], gated=False)
        ratings.refresh(snap)
        assert "gemiddeld" not in ratings.widget.value
        assert "minder dan 5 beoordelingen" in ratings.widget.value
        assert "<svg" not in ratings.widget.value
        profile = PreferenceGroupView(load_scan(), gated=False)
        profile.refresh(snap)
        assert "vanaf 5 mensen" in profile.widget.value and "<svg" not in profile.widget.value
        more = store.create_session("Groot")
        fill_room(store, more.code, people=8)
        ratings.refresh(store.snapshot(more.code))
        assert "gemiddeld" in ratings.widget.value
