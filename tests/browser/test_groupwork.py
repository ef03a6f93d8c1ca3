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
    import re

    from tests.unit.test_wall import counted_in_export
    from ztmo import presenter
    from ztmo import wall as rules
    from ztmo.report import open_report

    store, session, _tokens, screen, phones = room
    for p in phones:  # the trainer leads: every phone is on the wall
        p.page.wait_for_selector(".ztmo-stage .ztmo-idea-wall .ztmo-idea-input input",
                                 timeout=WAIT)
    ideas = [["Samen eten met het gezin", "Eén plan per gezin"],
             ["Eén plan per gezin", "Vaker thuis praten"],
             ["<b>vet</b> idee", "Een vaste mentor"]]  # the same idea twice, from two people
    for p, mine in zip(phones, ideas):
        inputs = p.page.locator(".ztmo-stage .ztmo-idea-input input")
        for i, text in enumerate(mine):
            inputs.nth(i).fill(text)
        p.page.locator(".ztmo-stage button.ztmo-idea-submit").click()
        p.page.locator(".ztmo-stage .ztmo-saved").wait_for(timeout=WAIT)
    phones[1].page.reload(wait_until="commit")  # a phone reloads: its idea is still there
    phones[1].page.wait_for_function(
        "() => [...document.querySelectorAll('.ztmo-stage .ztmo-idea-input input')]"
        ".some(i => i.value === 'Vaker thuis praten')", timeout=WAIT)
    screen.page.locator(".ztmo-hidden-results", has_text="6 antwoorden").wait_for(timeout=WAIT)
    assert "Samen eten" not in screen.page.locator("body").inner_text()
    assert phones[2].page.locator(".ztmo-vote-idea").count() == 0  # no voting before reveal
    assert "Samen eten" not in phones[2].page.locator("body").inner_text()

    presenter.set_revealed(store, session.code, session.trainer_key, "muur", True)
    for p in phones:
        p.page.locator(".ztmo-vote-idea").nth(5).wait_for(timeout=WAIT)  # six ideas
    # six ideas: two dots each. A double tap gives one dot; a third idea is refused.
    phones[0].page.locator(".ztmo-vote-idea", has_text="Eén plan").first.click()  # 1.2
    phones[0].page.locator(".ztmo-vote-idea.ztmo-chosen").wait_for(timeout=WAIT)
    phones[0].page.locator(".ztmo-vote-idea", has_text="Vaker thuis").click()
    phones[1].page.locator(".ztmo-vote-idea", has_text="Samen eten").dblclick()
    phones[1].page.locator(".ztmo-vote-idea.ztmo-chosen").wait_for(timeout=WAIT)
    phones[1].page.locator(".ztmo-vote-idea", has_text="vaste mentor").click()
    phones[2].page.locator(".ztmo-vote-idea", has_text="Eén plan").nth(1).click()  # 2.1
    phones[2].page.locator(".ztmo-vote-idea.ztmo-chosen").wait_for(timeout=WAIT)
    phones[2].page.locator(".ztmo-vote-idea", has_text="vet").click()
    for p in phones:
        p.page.locator(".ztmo-vote-idea.ztmo-chosen").nth(1).wait_for(timeout=WAIT)
    phones[2].page.locator(".ztmo-vote-idea", has_text="Samen eten").click()
    message = phones[2].page.locator(".ztmo-error", has_text="Haal eerst een stem weg")
    message.wait_for(timeout=WAIT)
    tapped = phones[2].page.locator(".ztmo-vote-idea", has_text="Samen eten").bounding_box()
    said = message.bounding_box()  # next to the finger, not at the top of the list
    assert 0 <= said["y"] - (tapped["y"] + tapped["height"]) < 40
    projector_dots = ("() => [...document.querySelectorAll('.ztmo-projector .ztmo-wall-dots')]"
                      ".reduce((n, el) => n + (parseInt(el.textContent, 10) || 0), 0) === 6")
    screen.page.wait_for_function(projector_dots, timeout=WAIT)
    board = screen.page.locator(".ztmo-projector .ztmo-slide-muur")
    assert "&lt;b&gt;vet&lt;/b&gt; idee" in board.inner_html()
    assert board.locator(".ztmo-wall-idea").count() == 6
    wall = presenter.wall_choice(store.state(session.code)).wall
    snap = store.snapshot(session.code)
    assert sorted(r.votes for r in rules.tally(snap, wall)) == [1, 1, 1, 1, 1, 1]
    assert {p.page.locator(".ztmo-vote-idea.ztmo-chosen").count() for p in phones} == {2}

    # The trainer merges the duplicate (six ideas become five: before, that took everyone's
    # second dot) and pins an idea; the projector follows, and every dot stays.
    presenter.merge_ideas(store, session.code, session.trainer_key, wall, "2.1", "1.2")
    presenter.pin_idea(store, session.code, session.trainer_key, wall, "3.1")
    board.locator(".ztmo-wall-idea").first.locator(".ztmo-badge", has_text="vast").wait_for(
        timeout=WAIT)
    board.locator(".ztmo-wall-idea", has_text="met 1 gelijk idee").wait_for(timeout=WAIT)
    assert board.locator(".ztmo-wall-idea").count() == 5
    screen.page.wait_for_function(projector_dots, timeout=WAIT)  # on the projector
    assert board.locator(".ztmo-wall-idea", has_text="Eén plan").locator(
        ".ztmo-wall-dots").inner_text() == "2 stippen"
    snap = store.snapshot(session.code)
    choice = presenter.wall_choice(snap.state)
    assert choice.dots == 2
    assert sum(r.votes for r in rules.tally(snap, wall, choice.merges, choice.pinned,
                                            choice.dots)) == 6  # in the store
    phones[2].page.locator(".ztmo-vote-budget", has_text="nog 0 over").wait_for(timeout=WAIT)
    assert phones[2].page.locator(".ztmo-vote-idea.ztmo-chosen").count() == 2
    exported = store.export(session.code)
    votes = exported[exported["opdrachtcode"] == rules.vote_key(wall)]
    assert len(votes) == 3 and "Ideeënmuur" in votes["opdracht"].iloc[0]
    assert counted_in_export(exported, wall) == 6  # in the export
    assert len(exported[exported["opdrachtcode"].str.startswith("idee:")]) == 6
    report = open_report(session.code, store).results()
    assert sum(int(n) for n in re.findall(r"<strong>(\d+) stip", report)) == 6  # the report


def on_step(phones, step: str, view: str) -> None:
    for p in phones:
        p.page.wait_for_function(
            f"() => new URLSearchParams(location.search).get('stap') === '{step}' && "
            f"document.querySelector('.ztmo-stage .{view}')", timeout=WAIT)


def hidden(screen, count: str, secret: str) -> None:
    """The projector shows how many answered, and nothing of what they answered."""
    screen.page.locator(".ztmo-projector .ztmo-hidden-results", has_text=count).wait_for(
        timeout=WAIT)
    assert secret not in screen.page.locator(".ztmo-projector-stage").inner_text()


def test_timeline_practices_promises_and_flags_in_one_session(room, voila):
    from ztmo import presenter
    from ztmo.groupwork import load_groupwork
    from ztmo.ui.groupwork import guideline_labels

    store, session, _tokens, screen, phones = room
    code, key = session.code, session.trainer_key
    work = load_groupwork()
    labels = guideline_labels()
    first_guideline = next(iter(labels.values()))
    lead = lambda step: presenter.set_pace(store, code, key, step=step)
    reveal = lambda step: presenter.set_revealed(store, code, key, step, True)

    # Timeline: two people see a turning point at the "snelkookpan", one took a mark back.
    lead("tijdlijn")
    on_step(phones, "tijdlijn", "ztmo-timeline")
    hot = [m.id for m in work.tijdlijn.momenten].index("snelkookpan")
    for p in phones[:2]:
        p.page.locator(".ztmo-stage .ztmo-turning select").nth(hot).select_option(
            label=first_guideline)
    third = phones[2].page.locator(".ztmo-stage .ztmo-turning select").nth(0)
    third.select_option(label="Keerpunt, maar ik weet niet welk handvat")
    phones[2].page.wait_for_function(  # saved (the kernel answered), then taken back
        "() => document.querySelector('.ztmo-stage .ztmo-timeline .ztmo-saved')",
        timeout=WAIT)
    third.select_option(label="Geen keerpunt")
    screen.page.locator(".ztmo-projector .ztmo-hidden-results").wait_for(timeout=WAIT)
    assert "keerpunt" not in screen.page.locator(".ztmo-projector-stage").inner_text().lower()
    reveal("tijdlijn")
    cell = screen.page.locator(".ztmo-projector .ztmo-heat-cell").nth(hot)
    cell.locator("strong", has_text="2").wait_for(timeout=WAIT)
    assert screen.page.locator(".ztmo-projector .ztmo-heat-cell").nth(0).locator(
        "strong").inner_text() == "0"

    # Good practices: two pick the same card, one another; the group's pick is shown.
    lead("praktijk")
    on_step(phones, "praktijk", "ztmo-practices")
    cards = [c.naam for c in work.praktijken.kaarten]
    for p, name in zip(phones, [cards[0], cards[0], cards[1]]):
        p.page.locator(".ztmo-stage .ztmo-practice", has_text=name).locator(
            "button.ztmo-practice-pick").click()
        p.page.locator(".ztmo-stage .ztmo-practice.ztmo-chosen", has_text=name).wait_for(
            timeout=WAIT)
    hidden(screen, "3 antwoorden", cards[0])
    reveal("praktijk")
    screen.page.locator(".ztmo-projector .ztmo-slide-praktijk", has_text="De groep wil het "
                        "liefst leren van").wait_for(timeout=WAIT)
    assert cards[0] in screen.page.locator(
        ".ztmo-projector .ztmo-slide-practice").first.inner_text()

    # Ten promises: a role each, up to three dots; a fourth dot is refused kindly.
    lead("beloften")
    on_step(phones, "beloften", "ztmo-promises")
    roles = [r.label for r in work.beloften.rollen]
    for i, p in enumerate(phones):
        p.page.locator(".ztmo-stage button.ztmo-role", has_text=roles[i % 2]).click()
        p.page.locator(".ztmo-stage button.ztmo-role.ztmo-chosen").wait_for(timeout=WAIT)
        dots = p.page.locator(".ztmo-stage .ztmo-dot")
        for k in (0, 1, 2):
            dots.nth(k).click()
            p.page.locator(".ztmo-stage .ztmo-dot.mod-active").nth(k).wait_for(timeout=WAIT)
    phones[0].page.locator(".ztmo-stage .ztmo-dot").nth(5).click()
    phones[0].page.locator(".ztmo-stage .ztmo-answer-status", has_text="3").first.wait_for(
        timeout=WAIT)
    phones[0].page.wait_for_timeout(500)
    assert phones[0].page.locator(".ztmo-stage .ztmo-dot.mod-active").count() == 3
    hidden(screen, "3 antwoorden", work.beloften.themas[0].kind)
    reveal("beloften")
    table = screen.page.locator(".ztmo-projector .ztmo-slide-table")
    table.wait_for(timeout=WAIT)
    first_row = table.locator("tbody tr").first
    assert first_row.locator("td").first.inner_text() == "3"  # everyone chose promise 1

    # Four flags: participants' text is escaped on the projector.
    lead("vlaggen")
    on_step(phones, "vlaggen", "ztmo-flags")
    for i, p in enumerate(phones):
        card = p.page.locator(".ztmo-stage .ztmo-flag-card").nth(3)  # durven
        card.locator("textarea").fill(f"<script>alert({i})</script> vaker bellen")
        card.locator("button.ztmo-flag-submit").click()
        card.locator(".ztmo-saved").wait_for(timeout=WAIT)
    hidden(screen, "3 antwoorden", "vaker bellen")
    reveal("vlaggen")
    line = screen.page.locator(".ztmo-projector .ztmo-slide-flag-col").nth(3).locator(
        ".ztmo-flag")  # durven, the fourth line
    line.nth(2).wait_for(timeout=WAIT)
    assert "&lt;script&gt;" in screen.page.locator(".ztmo-projector .ztmo-slide-vlaggen").inner_html()

    exported = store.export(code)
    steps = {"tijdlijn:": 3, "praktijk:": 3, "belofte:rol": 3, "belofte:stippen": 3, "vlag:": 3}
    for prefix, n in steps.items():
        assert len(exported[exported["opdrachtcode"].str.startswith(prefix)]) == n, prefix
    marks = exported[exported["opdrachtcode"].str.startswith("tijdlijn:")]["antwoord"]
    assert sorted(marks) == sorted([next(iter(labels)), next(iter(labels)), "nee"])
