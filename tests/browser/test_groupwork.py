"""The group activities in a real room: three phones, the projector, the trainer's decisions.

Each activity: answers (with the things people do: the same answer twice, a double tap,
a reload) reach the projector only after the trainer reveals them, counts are exact, the
participants' text is escaped, and the export holds every answer.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import Page
from tests.browser.test_apps import open_app

pytestmark = pytest.mark.browser

WAIT = 20_000  # ms: a generous bound on a busy 2-core machine (these are not timed promises)


def dots_on(page) -> int:
    return page.evaluate("() => [...document.querySelectorAll('.ztmo-wall-dots')]"
                         ".reduce((n, el) => n + (parseInt(el.textContent, 10) || 0), 0)")


@pytest.fixture()
def room(browser, voila):
    """A session led by the trainer, its projector, and three joined phones."""
    from ztmo import presenter
    from ztmo.store import Store

    store = Store.from_env()
    session = store.create_session("Werkvormen")
    tokens = [store.join(session.code) for _ in range(3)]
    presenter.set_pace(store, session.code, session.trainer_key, mode=presenter.TOGETHER,
                       step="muur")
    screen = Page(browser, voila, 1920, 1080)
    open_app(screen.page, voila, "beamer.ipynb", f"sessie={session.code}")
    phones = []
    for token in tokens:
        p = Page(browser, voila, 390, 844)
        open_app(p.page, voila, "index.ipynb", f"sessie={session.code}&deelnemer={token}")
        phones.append(p)
    yield store, session, tokens, screen, phones
    for p in (screen, *phones):
        assert p.foreign == []  # no request to another host
        p.context.close()


def test_idea_wall_ideas_hidden_until_reveal_then_dots_counted_exactly(room, voila):
    from ztmo import presenter
    from ztmo import wall as rules

    store, session, tokens, screen, phones = room
    for p in phones:  # the trainer leads: every phone is on the wall
        p.page.wait_for_selector(".ztmo-stage .ztmo-idea-wall .ztmo-idea-input input",
                                 timeout=WAIT)
    ideas = [["Samen eten met het gezin", "Eén plan per gezin"], ["Eén plan per gezin"],
             ["<b>vet</b> idee"]]  # the same idea twice, from two people
    for p, mine in zip(phones, ideas):
        inputs = p.page.locator(".ztmo-stage .ztmo-idea-input input")
        for i, text in enumerate(mine):
            inputs.nth(i).fill(text)
        p.page.locator(".ztmo-stage button.ztmo-idea-submit").click()
        p.page.locator(".ztmo-stage .ztmo-saved").wait_for(timeout=WAIT)
    phones[1].page.reload(wait_until="commit")  # a phone reloads: its idea is still there
    phones[1].page.wait_for_function(
        "() => [...document.querySelectorAll('.ztmo-stage .ztmo-idea-input input')]"
        ".some(i => i.value === 'Eén plan per gezin')", timeout=WAIT)
    screen.page.locator(".ztmo-hidden-results", has_text="4 antwoorden").wait_for(timeout=WAIT)
    assert "Samen eten" not in screen.page.locator("body").inner_text()
    assert phones[2].page.locator(".ztmo-vote-idea").count() == 0  # no voting before reveal
    assert "Samen eten" not in phones[2].page.locator("body").inner_text()

    presenter.set_revealed(store, session.code, session.trainer_key, "muur", True)
    for p in phones:
        p.page.locator(".ztmo-vote-idea").nth(3).wait_for(timeout=WAIT)  # four ideas
    # four ideas: one dot each. A double tap gives one dot; a second idea is refused.
    phones[0].page.locator(".ztmo-vote-idea", has_text="Eén plan").first.click()
    phones[1].page.locator(".ztmo-vote-idea", has_text="Samen eten").dblclick()
    phones[2].page.locator(".ztmo-vote-idea", has_text="vet").click()
    for p in phones:
        p.page.locator(".ztmo-vote-idea.ztmo-chosen").wait_for(timeout=WAIT)
    phones[2].page.locator(".ztmo-vote-idea", has_text="Samen eten").click()
    phones[2].page.locator(".ztmo-error", has_text="Haal eerst een stem weg").wait_for(
        timeout=WAIT)
    screen.page.wait_for_function(
        "() => [...document.querySelectorAll('.ztmo-projector .ztmo-wall-dots')].reduce("
        "(n, el) => n + (parseInt(el.textContent, 10) || 0), 0) === 3", timeout=WAIT)
    board = screen.page.locator(".ztmo-projector .ztmo-wall-board")
    assert "&lt;b&gt;vet&lt;/b&gt; idee" in board.inner_html()
    assert board.locator(".ztmo-wall-top .ztmo-wall-idea").count() == 4
    wall = presenter.wall_choice(store.state(session.code)).wall
    snap = store.snapshot(session.code)
    assert sorted(r.votes for r in rules.tally(snap, wall)) == [0, 1, 1, 1]
    assert {p.page.locator(".ztmo-vote-idea.ztmo-chosen").count() for p in phones} == {1}

    # The trainer merges the duplicate and pins an idea; the projector follows.
    presenter.merge_ideas(store, session.code, session.trainer_key, wall, "2.1", "1.2")
    presenter.pin_idea(store, session.code, session.trainer_key, wall, "3.1")
    board.locator(".ztmo-wall-idea").first.locator(".ztmo-badge", has_text="vast").wait_for(
        timeout=WAIT)
    board.locator(".ztmo-wall-idea", has_text="met 1 gelijk idee").wait_for(timeout=WAIT)
    assert board.locator(".ztmo-wall-idea").count() == 3
    exported = store.export(session.code)
    votes = exported[exported["opdrachtcode"] == rules.vote_key(wall)]
    assert len(votes) == 3 and "Ideeënmuur" in votes["opdracht"].iloc[0]
    assert len(exported[exported["opdrachtcode"].str.startswith("idee:")]) == 4
