"""The idea wall with dot voting: the participant's app, the group's board, and the
trainer's controls (open a wall, merge duplicates, pin one).

How it runs in a room: the trainer opens a wall (a pillar's group-task question, one of
the open questions of the group-work content, or a question of their own). Everyone
writes up to three short ideas; until the trainer reveals the step, each person sees only
their own ideas and how many came in (so people write before they read). Once revealed,
everyone sees all ideas and places dots: about a quarter as many as there are ideas, at
most one per idea (`ztmo.wall`). The projector shows the ideas sorted by dots, the top
five large. The rules of the tally live in `ztmo.wall`; the trainer's decisions (which
wall, merges, the pinned idea) in the session state (`ztmo.presenter`).

Every idea is participant text: escaped wherever it is shown; on buttons it is plain text.
"""

from __future__ import annotations

import threading
import time

import ipywidgets as w

from .. import presenter
from .. import wall as rules
from ..activities import NO_VOTES, walls
from ..errors import ZtmoError
from ..params import Params
from ..texts import text as notice
from .base import app_root, error_box, esc, guarded, html_block, log_exception, saved_html
from .group import HIDDEN_NOTE, _View, group_box
from .session import Live, shared_store

STEP = "muur"
TOP = 5  # ideas shown large on the projector
DOUBLE_TAP = 1.0  # s: a second tap on the same idea this soon is the same tap
SOURCE = ("Werkvorm: ideeënmuur met stippen, zoals gespreksleiders die vaak gebruiken; vragen "
          "uit de handreiking Mijn Thuis (NJi) en van ons.")
VOTE_RULE = ("Je krijgt ongeveer een kwart zoveel stippen als er ideeën zijn, en je geeft "
             "hoogstens één stip per idee.")


def _dots(n: int) -> str:
    return "1 stip" if n == 1 else f"{n} stippen"


class WallApp:
    """A participant's idea wall (``ztmo-idea-wall``)."""

    def __init__(self, params: Params, journey: bool = False):
        self.journey = journey
        self.live: Live | None = None
        self.link = None
        self.notices = w.VBox([])
        self.question = html_block("", "ztmo-wall-question")
        self.inputs = [w.Text(placeholder=f"Idee {n} (hoogstens {rules.MAX_IDEA_LENGTH} tekens)",
                              layout=w.Layout(width="auto"))  # 100% + margin: too wide
                       for n in range(1, rules.MAX_IDEAS_PER_PERSON + 1)]
        for box in self.inputs:
            box.add_class("ztmo-idea-input")
        self.submit = w.Button(description="Ideeën bewaren")
        self.submit.add_class("ztmo-idea-submit")
        self.submit.on_click(guarded(self._save_ideas, self._problem, "ideeën bewaren"))
        self.status = w.VBox([])
        self.privacy = html_block("", "ztmo-privacy")
        self.budget = html_block("", "ztmo-vote-budget")
        self.choices = w.VBox([])
        self.choices.add_class("ztmo-vote")
        self.board = WallBoard()
        self.body = w.VBox([])
        self.root = app_root([self.notices, self.question, self.body], "ztmo-idea-wall")
        self._lock = threading.RLock()
        self._wall = ""
        self._drawn: object = None
        self._last_tap = ("", 0.0)
        self._buttons: dict[str, w.Button] = {}
        self.set_params(params)

    # --- parameters -------------------------------------------------------------------
    def pause(self) -> None:
        if self.live:
            self.live.stop()
            self.live = None

    def set_params(self, params: Params) -> None:
        from .learning import _session

        self.pause()
        self.params, self.link, problems = _session(params)
        self.notices.children = tuple(error_box(e) for e in (*self.params.errors, *problems))
        self._wall, self._drawn = "", None
        if self.link is None:
            self._local()
            return
        from .session import SessionAnswers, audience

        sink = SessionAnswers(self.link, shared_store())
        self.privacy.value = esc(audience(sink))
        dots_line = esc(audience(sink, choice=True))
        self.body.children = (
            html_block("<h3>Jouw ideeën</h3><p>Schrijf tot drie korte ideeën op, elk in een "
                       "paar woorden.</p>"), self.privacy, *self.inputs, self.submit,
            self.status,
            html_block(f'<h3>Stippen zetten</h3><p class="ztmo-privacy">{dots_line}</p>'),
            self.budget, self.choices,
            group_box("De muur van de groep", self.board.widget),
            html_block(f'<p class="ztmo-source">{esc(SOURCE)}</p>'))
        self.live = Live(shared_store(), self.link.code, token=self.link.token)
        self.live.add(self.refresh)
        self.live.add(self.board.refresh)
        self.live.start()

    def _local(self) -> None:
        """No session: think alone, nothing is saved, nobody votes."""
        questions = {k: q for k, q in walls().items() if k != "eigen"}
        picker = w.Dropdown(options=[(q, k) for k, q in questions.items()], description="Vraag",
                            layout=w.Layout(width="100%"))
        picker.add_class("ztmo-wall-picker")

        def show(_=None):
            self.question.value = (f"<h2>Ideeënmuur</h2><p><strong>"
                                   f"{esc(questions.get(picker.value, ''))}</strong></p>")

        picker.observe(show, "value")
        show()
        from .session import SEEN_BY_YOU

        self.privacy.value = esc(SEEN_BY_YOU)
        self.body.children = (
            picker, self.privacy, *self.inputs,
            html_block("<p>Zonder groepssessie blijven je ideeën alleen op dit scherm. In een "
                       "sessie zie je hier de ideeën van de groep en zet je stippen op de "
                       f"ideeën die jij het belangrijkst vindt. {esc(VOTE_RULE)}</p>"))

    # --- live ----------------------------------------------------------------------------
    def refresh(self, snap) -> None:
        with self._lock:
            choice = presenter.wall_choice(snap.state)
            if choice.wall != self._wall:
                self._wall = choice.wall
                mine = snap.mine(self.link.token)
                for n, box in enumerate(self.inputs, start=1):
                    box.value = str(mine.get(rules.idea_key(choice.wall, n), ""))
                self.status.children = ()
            self.question.value = (f'<p class="ztmo-kicker">Ideeënmuur</p>'
                                   f"<h2>{esc(choice.question)}</h2>")
            self._draw_votes(snap, choice)

    def _draw_votes(self, snap, choice) -> None:
        found = rules.ideas(snap, choice.wall, choice.merges)
        if not snap.revealed(STEP):
            key = ("dicht", len(found))
            if key != self._drawn:
                self._drawn = key
                self.choices.children = ()
                self.budget.value = (f'<p class="ztmo-hidden-results">{esc(HIDDEN_NOTE)} '
                                     f"Binnen: {len(found)} ideeën. Stemmen kan zodra de trainer "
                                     "de muur laat zien.</p>")
            return
        allowed = rules.allowed(len(found), choice.dots)
        mine = rules.my_votes(snap, choice.wall, self.link.token, choice.merges, choice.dots)
        back = rules.doubled(snap, choice.wall, self.link.token, choice.merges)
        key = ("open", tuple((i.id, i.text) for i in found), tuple(mine), allowed, back)
        if key == self._drawn:
            return
        self._drawn = key
        left = max(0, allowed - len(mine))
        self.budget.value = (f"<p>Je hebt <strong>{_dots(allowed)}</strong> voor "
                             f"{len(found)} ideeën; je hebt er nog <strong>{left}</strong> over. "
                             f"{esc(VOTE_RULE)}</p>" if found else
                             "<p>Nog geen ideeën om een stip op te zetten.</p>")
        if back and left:  # a merge put two of their dots on one idea: one is theirs again
            said = (notice("meldingen", "muur.stip_terug") if back == 1 else
                    notice("meldingen", "muur.stippen_terug", aantal=back))
            self.budget.value += f'<p class="ztmo-dot-back ztmo-notice">{esc(said)}</p>'
        # One button per idea, kept while the idea stays: a change of dots only changes
        # a label and a class (thirty phones redrawing twenty buttons each on every dot
        # would flood the server with widgets).
        buttons = []
        for idea in found:
            b = self._buttons.get(idea.id)
            if b is None:
                b = self._buttons[idea.id] = w.Button(layout=w.Layout(width="100%",
                                                                      height="auto"))
                b.add_class("ztmo-vote-idea")
                b.on_click(guarded(lambda _b, i=idea.id: self._toggle(i),
                                   lambda box, i=idea.id: self._problem_at(i, box), "stemmen"))
            chosen = idea.id in mine
            b.description = ("● " if chosen else "○ ") + idea.text
            b.tooltip = "Stip weghalen" if chosen else "Stip zetten"
            if chosen:
                b.add_class("ztmo-chosen")
            else:
                b.remove_class("ztmo-chosen")
            buttons.append(b)
        self.choices.children = tuple(buttons)
        for gone in set(self._buttons) - {i.id for i in found}:
            self._buttons.pop(gone).close()

    # --- actions -----------------------------------------------------------------------
    def _problem(self, box: w.Widget) -> None:
        self.status.children = (box,)

    def _problem_at(self, idea: str, box: w.Widget) -> None:
        """A refused dot: the message right under the idea that was tapped, where the
        finger is (not at the top of a long list)."""
        button = self._buttons.get(idea)
        kept = [c for c in self.choices.children if isinstance(c, w.Button)]
        if button is None or button not in kept:
            return self._problem(box)
        at = kept.index(button) + 1
        box.add_class("ztmo-tap-message")
        self.choices.children = (*kept[:at], box, *kept[at:])

    def _save_ideas(self, _button=None) -> None:
        with self._lock:
            store, link, wall = shared_store(), self.link, self._wall
            texts = [box.value for box in self.inputs]
        saved = 0
        for n, text in enumerate(texts, start=1):
            if not text.strip():
                continue
            value = rules.check_idea(text)
            store.save_answer(link.code, link.token, rules.idea_key(wall, n), value)
            saved += 1
        if not saved:
            raise ZtmoError("Je hebt nog geen idee opgeschreven.")
        self.status.children = (html_block(
            saved_html(f'Bewaard: {saved} {"idee" if saved == 1 else "ideeën"}.')),)
        if self.live:
            self.live.poll_once()

    def _toggle(self, idea: str) -> None:
        now = time.monotonic()
        if self._last_tap[0] == idea and now - self._last_tap[1] < DOUBLE_TAP:
            return  # a double tap on a phone: one dot, not a dot and its undo
        self._last_tap = (idea, now)
        store, link = shared_store(), self.link
        snap = store.snapshot(link.code)  # the wall as it is now, not as last drawn
        choice = presenter.wall_choice(snap.state)
        if not snap.revealed(STEP):
            raise ZtmoError("Stemmen kan zodra de trainer de muur laat zien.")
        # The votes as stored when the dot is written, not as this snapshot saw them: two
        # quick taps (or two tabs of one person) must not overwrite each other's dot.
        store.update_answer(link.code, link.token, rules.vote_key(choice.wall), lambda stored:
                            rules.toggle(stored, idea, snap, choice.wall, choice.merges,
                                         choice.dots) or NO_VOTES)
        self.status.children = ()
        self.choices.children = tuple(c for c in self.choices.children if isinstance(c, w.Button))
        if self.live:
            self.live.poll_once()


class WallBoard(_View):
    """The group's wall: ideas sorted by dots, pinned first, the top five large."""

    step = STEP

    def __init__(self, gated: bool = True, large: bool = False):
        super().__init__("ztmo-group-wall", "ztmo-wall-board", gated=gated)
        self.large = large

    def refresh(self, snap) -> None:
        try:
            choice = presenter.wall_choice(snap.state)
            results = rules.tally(snap, choice.wall, choice.merges, choice.pinned, choice.dots)
        except Exception:  # noqa: BLE001 - a board never takes the page down
            log_exception("ideeënmuur")
            return
        if self.hidden(snap, len(results)):
            return
        voters = sum(1 for a in snap.answers if a.activity == rules.vote_key(choice.wall)
                     and not a.hidden and a.value != NO_VOTES)
        key = (choice.question, tuple(results), voters)
        self.show(key, lambda: self._html(choice.question, results, voters))

    def _html(self, question: str, results, voters: int) -> str:
        if not results:
            return (f"<p><strong>{esc(question)}</strong></p>"
                    '<p class="ztmo-missing">Nog geen ideeën.</p>')

        def item(r) -> str:
            extra = (f' <span class="ztmo-source">(met {len(r.merged_from)} '
                     f'{"gelijk idee" if len(r.merged_from) == 1 else "gelijke ideeën"})</span>'
                     if r.merged_from else "")
            pin = ' <span class="ztmo-badge">vast</span>' if r.pinned else ""
            return (f'<li class="ztmo-wall-idea"><span class="ztmo-wall-dots">'
                    f"{_dots(r.votes)}</span> {esc(r.text)}{pin}{extra}</li>")

        top, rest = results[:TOP], results[TOP:]
        size = ' class="ztmo-large"' if self.large else ""
        more = (f'<ol class="ztmo-wall-rest" start="{TOP + 1}">{"".join(item(r) for r in rest)}'
                "</ol>" if rest else "")
        return (f"<div{size}><p><strong>{esc(question)}</strong></p>"
                f'<ol class="ztmo-wall-top">{"".join(item(r) for r in top)}</ol>{more}'
                f'<p class="ztmo-source">{len(results)} ideeën; {voters} '
                f'{"persoon zette" if voters == 1 else "mensen zetten"} stippen.</p></div>')


class WallControls:
    """The trainer's part: which wall is open, merge duplicates, pin one on top."""

    def __init__(self, store, code: str, trainer_key: str):
        self.store, self.code, self.key = store, code, trainer_key
        options = [(q if len(q) <= 90 else q[:87] + "...", k) for k, q in walls().items()]
        self.wall = w.Dropdown(options=options, description="Muur", layout=w.Layout(width="100%"))
        self.wall.add_class("ztmo-wall-choice")
        self.own = w.Text(placeholder="Eigen vraag (als je 'Eigen vraag van de trainer' kiest)",
                          layout=w.Layout(width="100%"))
        self.own.add_class("ztmo-wall-own")
        self.open = w.Button(description="Deze muur openen")
        self.open.add_class("ztmo-wall-open")
        self.duplicate = w.Dropdown(options=[], description="Dubbel idee",
                                    layout=w.Layout(width="100%"))
        self.duplicate.add_class("ztmo-wall-duplicate")
        self.into = w.Dropdown(options=[], description="hoort bij", layout=w.Layout(width="100%"))
        self.into.add_class("ztmo-wall-into")
        self.merge = w.Button(description="Samenvoegen")
        self.merge.add_class("ztmo-wall-merge")
        self.pinned = w.Dropdown(options=[], description="Bovenaan", layout=w.Layout(width="100%"))
        self.pinned.add_class("ztmo-wall-pinned")
        self.pin = w.Button(description="Vastzetten")
        self.pin.add_class("ztmo-wall-pin")
        self.status = w.VBox([])
        say = lambda box: setattr(self.status, "children", (box,))
        self.open.on_click(guarded(self._open, say, "muur openen"))
        self.merge.on_click(guarded(self._merge, say, "samenvoegen"))
        self.pin.on_click(guarded(self._pin, say, "vastzetten"))
        self.root = w.VBox([
            html_block("<h4>Ideeënmuur</h4>"), self.wall, self.own, self.open,
            html_block("<p>Twee keer hetzelfde idee? Voeg ze samen: de stippen gaan mee, en wie "
                       "op allebei stemde telt één keer.</p>"),
            self.duplicate, self.into, self.merge, self.pinned, self.pin, self.status])
        self.root.add_class("ztmo-wall-controls")
        self._seen: object = None
        self._wall_seen = ""

    def refresh(self, snap) -> None:
        choice = presenter.wall_choice(snap.state)
        found = rules.ideas(snap, choice.wall, choice.merges)
        key = (choice.wall, tuple((i.id, i.text) for i in found), choice.pinned)
        if key == self._seen:
            return
        self._seen = key
        if choice.wall != self._wall_seen:  # the open wall changed (maybe elsewhere)
            self._wall_seen = self.wall.value = choice.wall
        labels = [(f"{i.id}: {i.text[:70]}", i.id) for i in found]
        for box, empty in ((self.duplicate, "(kies een idee)"), (self.into, "(kies een idee)"),
                           (self.pinned, "(geen idee vast)")):
            keep = box.value  # the trainer's choice stays while new ideas come in
            box.options = [(empty, "")] + labels
            box.value = keep if keep in {v for _, v in labels} else ""
        if choice.pinned in {i.id for i in found}:
            self.pinned.value = choice.pinned

    def _open(self, _b=None) -> None:
        presenter.set_wall(self.store, self.code, self.key, self.wall.value, self.own.value)
        self.status.children = (html_block('<p class="ztmo-saved">De muur is open.</p>'),)

    def _merge(self, _b=None) -> None:
        wall = presenter.wall_choice(self.store.state(self.code)).wall
        if not self.duplicate.value or not self.into.value:
            raise ZtmoError("Kies eerst het dubbele idee en het idee waar het bij hoort.")
        presenter.merge_ideas(self.store, self.code, self.key, wall, self.duplicate.value,
                              self.into.value)
        self.status.children = (html_block(
            f'<p class="ztmo-saved">Samengevoegd: {esc(self.duplicate.value)} hoort nu bij '
            f"{esc(self.into.value)}.</p>"),)

    def _pin(self, _b=None) -> None:
        wall = presenter.wall_choice(self.store.state(self.code)).wall
        presenter.pin_idea(self.store, self.code, self.key, wall, self.pinned.value or None)
        self.status.children = (html_block('<p class="ztmo-saved">Bewaard.</p>'),)
