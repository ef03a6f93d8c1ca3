"""Four group activities, each as a participant's app and as the group's board.

* the timeline of a made-up family: where did the story turn, and which handvat of
  "Mijn Thuis" could have helped there (`TimelineApp`, `TimelineBoard`);
* good practices from the sources, per handvat: which one would we visit or learn from
  (`PracticeApp`, `PracticeBoard`);
* the ten promises to the child: from which role do you look, and which three promises
  does your region keep least (`PromisesApp`, `PromisesBoard`);
* the four flags, moeten, kunnen, willen, durven, and what the network dared last time
  (`FlagsApp`, `FlagsBoard`, `previous_dares`).

An app without a session works on its own page (answers are not saved) and shows no
board. In a session its answers go to the store and its board runs live below it. A
board (a `_View`) hides the group's answers until the trainer reveals its step; the
journey, the projector (``large=True``) and the trainer's screen build the same boards.

Every piece of participant text is escaped; the content's texts are ours, its source
line is shown small under every app and board. Nobody is asked about a real family.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import ipywidgets as w

from ..activities import (
    DOT_COUNT,
    DOTS,
    FLAG_LENGTH,
    NO_GUIDELINE,
    NOT_TURNING,
    PRACTICE_CHOICE,
    ROLE,
    flag_key,
    moment_key,
)
from ..aggregate import MIN_GROUP
from ..content import load_guide
from ..errors import UnknownSession, ZtmoError
from ..groupwork import load_groupwork
from ..network import SCORE_COLOURS, SCORE_INK
from ..params import Params
from .answers import AnswerSink, LocalAnswers
from .base import (
    GENERIC_PROBLEM,
    error_box,
    esc,
    guarded,
    html_block,
    log_exception,
    saved_html,
)
from .group import _View, group_box
from .learning import _SessionPage
from .nav import STEP_PATHS
from .session import Live, SessionLink, answer_sink, audience, shared_store

TIMELINE, PRACTICE, PROMISES, FLAGS = "tijdlijn", "praktijk", "beloften", "vlaggen"
DARE = "durven"  # the flag shown again at the next meeting of the network
NO_ROLE = "rol niet gekozen"
TOP_GUIDELINES = 3  # handvatten named per moment on the timeline board
PREVIOUS_TTL = 60.0  # seconds a board keeps the previous meeting's dares before asking again

NOT_SAVED = ("Je doet nu mee zonder groepssessie. Je keuzes blijven alleen op dit scherm en "
             "worden niet bewaard.")
BOARD_IN_SESSION = ("De resultaten van de groep verschijnen hier als je meedoet met een "
                    "groepssessie.")

# How busy care was at a moment: a colour (Okabe-Ito, colour-blind safe) and a band that
# gets wider with the pressure, and the word itself, so colour is never the only cue.
KIND_STYLE = {"rustig": ("#56B4E9", 4), "druk": ("#E69F00", 9), "crisis": ("#D55E00", 15)}
# A flag's colour (its stripe) and a light tint behind the text (dark ink stays readable).
FLAG_COLOURS = {
    "oranje": ("#E69F00", "#fde7c2"),
    "blauw": ("#0072B2", "#d6e8f5"),
    "groen": ("#009E73", "#d3f0e6"),
    "wit": ("#9aa5ad", "#ffffff"),
    "rood": ("#D55E00", "#f9dccb"),
    "geel": ("#F0E442", "#fbf6c6"),
}
OTHER_FLAG = ("#4a5763", "#eef1f3")
EMPTY_CELL = ("#ffffff", "#4a5763")  # a moment nobody marked


def heat_cell(k: int, n: int, most: int, label: str, titled: bool = False) -> str:
    """Moment k of the timeline as one cell of the heat strip: darker as more people (of
    ``most`` at the most) see a turning point there."""
    if n:
        level = min(len(SCORE_COLOURS) - 1, -(-len(SCORE_COLOURS) * n // most) - 1)
        back, ink = SCORE_COLOURS[level], SCORE_INK[level]
    else:
        back, ink = EMPTY_CELL
    title = f' title="{esc(label)}"' if titled else ""
    return (f'<div class="ztmo-heat-cell" role="listitem" style="background:{back};'
            f'color:{ink}"{title} aria-label="{esc(label)}"><small>{k}</small>'
            f"<strong>{n}</strong></div>")


def heat_strip(cells: list[str]) -> str:
    return (f'<div class="ztmo-heat-strip" role="list" style="grid-template-columns:'
            f'repeat({len(cells)},minmax(0,1fr))">{"".join(cells)}</div>')

#: The few rules these views need beyond the house style, inlined with every app and
#: board (the boards also run on the projector and the trainer's screen).
GROUPWORK_CSS = (
    ".ztmo-gw.ztmo-large{font-size:1.6em;}"
    ".ztmo-gw .ztmo-source,.ztmo-gw-source{color:#4a5763;font-size:.85em;}"
    ".ztmo-moment-head{padding-left:.7em;border-left-style:solid;}"
    ".ztmo-heat-strip{display:grid;gap:3px;margin:.5rem 0;}"
    ".ztmo-heat-cell{border:1px solid #c9d3da;border-radius:6px;padding:.3em .1em;"
    "text-align:center;min-width:0;}"
    ".ztmo-heat-cell small{display:block;font-size:.7em;}"
    ".ztmo-heat-cell strong{display:block;font-size:1.3em;}"
    ".ztmo-heat-list{list-style:none;padding-left:0;}.ztmo-heat-list li{margin:.3em 0;}"
    ".ztmo-kind{font-size:1.3em;font-weight:bold;line-height:1.3;margin:.1em 0 .3em;}"
    ".ztmo-theme{font-size:.85em;color:#4a5763;margin:0;}"
    ".ztmo-gw table{border-collapse:collapse;width:100%;}"
    ".ztmo-gw th,.ztmo-gw td{text-align:left;vertical-align:top;padding:.3em;"
    "border-top:1px solid #c9d3da;}"
    ".ztmo-gw .ztmo-num{text-align:right;}.ztmo-gw td.ztmo-num{white-space:nowrap;}"
    ".ztmo-gw .ztmo-table-scroll{overflow-x:auto;}"
    ".ztmo-promises-table th[scope=row]{font-weight:normal;}"
    # On a phone each promise is a block: its text, then "Stippen 5 · ouder 2 ..."
    "@media (max-width:700px){.ztmo-promises-table thead{display:none;}"
    ".ztmo-promises-table tr{display:block;border-top:1px solid #c9d3da;padding:.3em 0;}"
    ".ztmo-promises-table th,.ztmo-promises-table td{display:inline-block;border:0;"
    "padding:.1em .6em .1em 0;text-align:left;}"
    ".ztmo-promises-table th[scope=row]{display:block;}"
    ".ztmo-promises-table td::before{content:attr(data-label) ': ';color:#4a5763;}}"
    ".ztmo-promises-table .ztmo-kind{font-size:1em;}"
    ".ztmo-washing-line{display:flex;flex-wrap:wrap;gap:.6rem;list-style:none;margin:.2rem 0 1rem;"
    "padding:.35rem 0 0;border-top:3px solid #4a5763;}"
    ".ztmo-flag{max-width:15em;padding:.45em .7em 1.5em;border-top:7px solid;"
    "clip-path:polygon(0 0,100% 0,100% 100%,50% calc(100% - 1em),0 100%);"
    "overflow-wrap:anywhere;color:#1f2a33;}"
    ".ztmo-flag-icon{display:inline-block;width:1.3em;height:1.5em;margin-right:.4em;"
    "vertical-align:middle;border-top:5px solid;"
    "clip-path:polygon(0 0,100% 0,100% 100%,50% 75%,0 100%);}"
    ".ztmo-app .ztmo-chosen{outline:3px solid #0b6e69;}"
    ".ztmo-app .ztmo-card.ztmo-chosen{background:#e3f1ef;}"
)


def _style() -> str:
    return f"<style>{GROUPWORK_CSS}</style>"


def _source(text: str) -> str:
    return f'<p class="ztmo-source ztmo-gw-source">{esc(text)}</p>'


def _people(n: int) -> str:
    return "1 persoon" if n == 1 else f"{n} mensen"


def _dots(n: int) -> str:
    return "1 stip" if n == 1 else f"{n} stippen"


def _votes(n: int) -> str:
    return "1 stem" if n == 1 else f"{n} stemmen"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def _wrap(html: str, large: bool, *classes: str) -> str:
    cls = " ".join(("ztmo-gw", *classes, *(("ztmo-large",) if large else ())))
    return f'{_style()}<div class="{cls}">{html}</div>'


def guideline_labels(guide=None) -> dict[str, str]:
    """Every handvat as "1.1 titel", by guideline id, in guide order."""
    guide = guide or load_guide()
    return {h.id: f"{p.nummer}.{h.nummer} {h.titel}" for p in guide.pijlers
            for h in p.handvatten}


def _message(box: w.VBox, text: str, cls: str = "ztmo-saved") -> None:
    line = saved_html(text) if cls == "ztmo-saved" else f'<p class="{cls}">{esc(text)}</p>'
    box.children = (html_block(line),) if text else ()


def _saved_at(sink) -> str:
    from .session import saved_note

    return saved_note(sink)


# --- the participant's apps ------------------------------------------------------------------
class _GroupworkApp(_SessionPage):
    """Notices, the activity, and below it the board (live in a session).

    A subclass sets ``css_class``, ``here`` and ``board_title`` and writes ``_build``
    (the activity's widgets, answers read from ``self.sink``) and ``_board`` (its board).
    """

    css_class = ""
    here = ""
    board_title = ""

    def __init__(self, params: Params, journey: bool = False):
        self.work = load_groupwork()
        self.guide = load_guide()
        self.link: SessionLink | None = None
        self.sink: AnswerSink = LocalAnswers()
        self.board: _View | None = None
        self._loading = False
        super().__init__(None, params, journey)

    def set_params(self, params: Params) -> None:
        link = self._begin(params)
        sink: AnswerSink = LocalAnswers()
        if link is not None:
            try:
                sink = answer_sink(link)
            except ZtmoError as exc:
                self.notices.children += (error_box(exc),)
                link = None
        self.link, self.sink, self.board = link, sink, None
        if link is None:
            self.notices.children += (html_block(f'<p class="ztmo-notice">{esc(NOT_SAVED)}</p>',
                                                 "ztmo-local-note"),)
        parts = self._build()
        if link is None:
            tail: w.Widget = html_block(f'<p class="ztmo-missing">{esc(BOARD_IN_SESSION)}</p>',
                                        "ztmo-board-later")
        else:
            tail = self._start_board(link)
        style = html_block(_style())
        style.layout.display = "none"  # a hidden <style> still applies
        self.body.children = (style, *parts, tail)

    def _start_board(self, link: SessionLink) -> w.Widget:
        board = self._board()
        live = Live(shared_store(), link.code, token=link.token)
        try:
            live.add(board.refresh)
        except ZtmoError as exc:
            return error_box(exc)
        except Exception:  # noqa: BLE001 - the activity itself still works
            log_exception(f"groepsbeeld {self.css_class}")
            return error_box(GENERIC_PROBLEM, "Er ging iets mis")
        self.board, self.live = board, live.start()
        return group_box(self.board_title, board.widget)

    def _build(self) -> list[w.Widget]:
        raise NotImplementedError

    def _board(self) -> _View:
        raise NotImplementedError

    def _privacy(self, choice: bool = True, extra: str = "") -> w.HTML:
        line = audience(self.sink, choice=choice) + (f" {extra}" if extra else "")
        return html_block(f'<p class="ztmo-privacy">{esc(line)}</p>')


class TimelineApp(_GroupworkApp):
    """The made-up family's moments; per moment: a turning point, and which handvat."""

    css_class = "ztmo-timeline"
    here = STEP_PATHS[TIMELINE]
    board_title = "Waar keerde het verhaal volgens de groep?"

    def _build(self) -> list[w.Widget]:
        t = self.work.tijdlijn
        labels = guideline_labels(self.guide)
        self.options = [("Geen keerpunt", ""),
                        ("Keerpunt, maar ik weet niet welk handvat", NO_GUIDELINE),
                        *((label, gid) for gid, label in labels.items())]
        allowed = {v for _, v in self.options}
        legend = "".join(
            f'<li><span class="ztmo-moment-head" style="border-left-color:{colour};'
            f'border-left-width:{width}px">{esc(kind)}</span>: {esc(t.soorten[kind])}</li>'
            for kind, (colour, width) in KIND_STYLE.items() if kind in t.soorten)
        intro = html_block(
            f"<h3>{esc(t.titel)}</h3><p>{esc(t.uitleg)}</p>"
            f'<ul class="ztmo-kind-legend">{legend}</ul>'
            "<p><strong>Wat doe je?</strong> Lees de momenten. Vind je dat het verhaal op een "
            "moment keerde? Kies dan bij dat moment welk handvat uit Mijn Thuis daar had "
            "kunnen helpen. Weet je het niet? Kies dan 'Keerpunt, maar ik weet niet welk "
            "handvat'.</p>", "ztmo-timeline-intro")
        self.dropdowns: list[w.Dropdown] = []
        self.statuses: dict[str, w.VBox] = {}
        cards: list[w.Widget] = []
        for n, m in enumerate(t.momenten, start=1):
            saved = self.sink.get(moment_key(m.id))
            value = str(saved) if saved is not None and str(saved) in allowed else ""
            dropdown = w.Dropdown(options=self.options, value=value, description="Keerpunt?",
                                  style={"description_width": "initial"},
                                  layout=w.Layout(width="100%"))
            dropdown.add_class("ztmo-turning")
            status = w.VBox([])
            status.add_class("ztmo-answer-status")
            dropdown.observe(guarded(lambda change, mid=m.id: self.choose(mid, change["new"]),
                                     lambda box, s=status: setattr(s, "children", (box,)),
                                     "keerpunt kiezen"), "value")
            colour, width = KIND_STYLE.get(m.soort, ("#9aa5ad", 4))
            card = w.VBox([html_block(
                f'<div class="ztmo-moment-head" style="border-left-color:{colour};'
                f'border-left-width:{width}px"><span class="ztmo-kicker">Moment {n} · '
                f"{esc(m.wanneer)}</span><h4>{esc(m.titel)}</h4><p>{esc(m.tekst)}</p>"
                f'<p><span class="ztmo-badge">{esc(m.soort)}</span></p></div>'), dropdown, status])
            for cls in ("ztmo-card", "ztmo-moment", f"ztmo-soort-{m.soort}"):
                card.add_class(cls)
            self.dropdowns.append(dropdown)
            self.statuses[m.id] = status
            cards.append(card)
        questions = html_block(
            "<h4>Praat er samen over</h4><ul>"
            + "".join(f"<li>{esc(q.tekst)}</li>" for q in t.vragen) + "</ul>"
            + _source(t.bron), "ztmo-timeline-questions")
        return [intro, self._privacy(), *cards, questions]

    def choose(self, moment_id: str, value: str | None) -> None:
        if self._loading:
            return
        key = moment_key(moment_id)
        status = self.statuses[moment_id]
        saved = self.sink.get(key)
        if not value:
            if saved is None or str(saved) == NOT_TURNING:
                _message(status, "")
                return
            self._save(moment_id, NOT_TURNING)
            _message(status, "Weggehaald: voor jou is dit geen keerpunt meer.")
            return
        self._save(moment_id, value)
        _message(status, _saved_at(self.sink))

    def _save(self, moment_id: str, value: str) -> None:
        key = moment_key(moment_id)
        try:
            self.sink.save(key, value)
        except Exception:
            saved = self.sink.get(key)  # show what is really saved again
            index = [m.id for m in self.work.tijdlijn.momenten].index(moment_id)
            shown = str(saved) if saved is not None and str(saved) != NOT_TURNING else ""
            self._loading = True
            try:
                if shown in {v for _, v in self.options}:
                    self.dropdowns[index].value = shown
            finally:
                self._loading = False
            raise

    def _board(self) -> _View:
        return TimelineBoard()


class PracticeApp(_GroupworkApp):
    """The good practices, grouped by the first handvat they fit; pick one to learn from."""

    css_class = "ztmo-practices"
    here = STEP_PATHS[PRACTICE]
    board_title = "De keuze van de groep"

    def _build(self) -> list[w.Widget]:
        work = self.work.praktijken
        labels = guideline_labels(self.guide)
        order = {gid: n for n, gid in enumerate(labels)}
        saved = self.sink.get(PRACTICE_CHOICE)
        self.chosen = str(saved) if saved is not None else ""
        self.cards: dict[str, w.VBox] = {}
        self.buttons: dict[str, w.Button] = {}
        self.status = w.VBox([])
        self.status.add_class("ztmo-answer-status")
        under: dict[str, list] = {}
        for card in work.kaarten:
            known = sorted((h for h in card.handvatten if h in order), key=order.get)
            if known:
                under.setdefault(known[0], []).append(card)
        parts: list[w.Widget] = [html_block(
            f"<h3>Goede voorbeelden</h3><p>{esc(work.uitleg)}</p>"
            "<p><strong>Wat doe je?</strong> Lees de voorbeelden. Bij welk voorbeeld wil jij "
            "gaan kijken, of wat wil je ervan leren? Kies er één. Je kunt later nog een "
            "ander kiezen.</p>", "ztmo-practices-intro"), self.status]
        for p in self.guide.pijlers:
            shown = [(h, under[h.id]) for h in p.handvatten if under.get(h.id)]
            if not shown:
                continue
            parts.append(html_block(f"<h3>Pijler {p.nummer}: {esc(p.titel)}</h3>"))
            for h, cards in shown:
                parts.append(html_block(f"<h4>Handvat {esc(labels[h.id])}</h4>"))
                parts.extend(self._card(card, labels) for card in cards)
        missing = [labels[g] for g in self.work.guidelines_without_practice() if g in labels]
        if missing:
            parts.append(html_block(
                '<p class="ztmo-missing">Bij deze handvatten staat in de bronnen geen '
                f"voorbeeld: {esc('; '.join(missing))}. Kent de groep er een?</p>"))
        parts.append(html_block(_source("Bronnen: " + "; ".join(s.titel for s in work.bronnen)
                                        + ".")))
        self._mark()
        return [parts[0], self._privacy(), *parts[1:]]

    def _card(self, card, labels: dict[str, str]) -> w.VBox:
        region = card.regio if card.regio_bekend else "regio niet genoemd"
        fits = "; ".join(labels.get(h, h) for h in card.handvatten)
        button = w.Button(description="Deze willen we bezoeken of van leren",
                          tooltip=f"Kies {card.naam}", layout=w.Layout(width="auto"))
        button.add_class("ztmo-practice-pick")
        button.on_click(guarded(lambda _b, pid=card.id: self.pick(pid),
                                lambda box: setattr(self.status, "children", (box,)),
                                "goed voorbeeld kiezen"))
        box = w.VBox([html_block(
            f"<h4>{esc(card.naam)}</h4><p><strong>Regio:</strong> {esc(region)}</p>"
            f"<p>{esc(card.wat)}</p><p><strong>Past bij:</strong> {esc(fits)}</p>"
            + _source(f"Bron: {card.bron}")), button])
        box.add_class("ztmo-card")
        box.add_class("ztmo-practice")
        self.cards[card.id], self.buttons[card.id] = box, button
        return box

    def pick(self, practice_id: str) -> None:
        self.sink.save(PRACTICE_CHOICE, practice_id)
        self.chosen = practice_id
        self._mark()
        name = self.work.practice(practice_id).naam
        _message(self.status, f"Jouw keuze: {name}. {_saved_at(self.sink)}")

    def _mark(self) -> None:
        for pid, box in self.cards.items():
            button = self.buttons[pid]
            if pid == self.chosen:
                box.add_class("ztmo-chosen")
                button.button_style = "primary"
                button.description = "Jouw keuze"
            else:
                box.remove_class("ztmo-chosen")
                button.button_style = ""
                button.description = "Deze willen we bezoeken of van leren"

    def _board(self) -> _View:
        return PracticeBoard()


class PromisesApp(_GroupworkApp):
    """Choose the role you look from, then put up to three dots on the promises your
    region keeps least."""

    css_class = "ztmo-promises"
    here = STEP_PATHS[PROMISES]
    board_title = "Welke beloften houdt de regio het minst, volgens de groep?"

    def _build(self) -> list[w.Widget]:
        b = self.work.beloften
        self.order = [t.id for t in b.themas]
        saved_role = self.sink.get(ROLE)
        self.role = str(saved_role) if saved_role is not None else ""
        saved = self.sink.get(DOTS)
        self.saved_dots = self._parse(saved)
        self.role_buttons: dict[str, w.Button] = {}
        self.role_status = w.VBox([])
        self.role_status.add_class("ztmo-answer-status")
        for r in b.rollen:
            button = w.Button(description=r.label, tooltip=f"Ik kijk als {r.label.lower()}",
                              layout=w.Layout(width="auto"))
            button.add_class("ztmo-role")
            button.on_click(guarded(lambda _b, rid=r.id: self.choose_role(rid),
                                    lambda box: setattr(self.role_status, "children", (box,)),
                                    "rol kiezen"))
            self.role_buttons[r.id] = button
        roles = w.HBox(list(self.role_buttons.values()), layout=w.Layout(flex_flow="row wrap"))
        roles.add_class("ztmo-roles")
        self.budget = html_block("", "ztmo-dot-budget")
        self.status = w.VBox([])
        self.status.add_class("ztmo-answer-status")
        self.toggles: dict[str, w.ToggleButton] = {}
        cards: list[w.Widget] = []
        for t in b.themas:
            toggle = w.ToggleButton(value=t.id in self.saved_dots, tooltip="Stip zetten of weghalen",
                                    layout=w.Layout(width="auto"))
            toggle.add_class("ztmo-dot")
            toggle.observe(guarded(lambda change, pid=t.id: self.dot(pid, change["new"]),
                                   lambda box: setattr(self.status, "children", (box,)),
                                   "stip zetten"), "value")
            self.toggles[t.id] = toggle
            card = w.VBox([html_block(f'<p class="ztmo-kind">“{esc(t.kind)}”</p>'
                                      f'<p class="ztmo-theme">Thema {t.nummer}: '
                                      f"{esc(t.thema)}</p>"), toggle])
            card.add_class("ztmo-card")
            card.add_class("ztmo-promise")
            cards.append(card)
        self._mark_role()
        self._show_dots()
        return [
            html_block(f"<h3>Tien beloften aan het kind</h3><p>{esc(b.uitleg)}</p>",
                       "ztmo-promises-intro"), self._privacy(),
            html_block("<h4>1. Vanuit welke rol kijk jij?</h4>"), roles, self.role_status,
            html_block(f"<h4>2. Welke beloften houdt jullie regio het minst?</h4><p>Zet "
                       f"hoogstens {DOT_COUNT} stippen. Klik nog een keer om een stip weg te "
                       "halen.</p>"), self.budget, self.status, *cards,
            html_block(_source(b.bron)),
        ]

    def _parse(self, value: object) -> list[str]:
        parts = [] if value is None else str(value).split(",")
        return [p for p in self.order if p in parts][:DOT_COUNT]

    def dotted(self) -> list[str]:
        """The promises with a dot on screen, in promise order."""
        return [p for p in self.order if self.toggles[p].value]

    def choose_role(self, role_id: str) -> None:
        self.sink.save(ROLE, role_id)
        self.role = role_id
        self._mark_role()
        _message(self.role_status, f"Je kijkt als {self.work.role(role_id).label.lower()}. "
                                   + _saved_at(self.sink))

    def _mark_role(self) -> None:
        for rid, button in self.role_buttons.items():
            if rid == self.role:
                button.add_class("ztmo-chosen")
                button.button_style = "primary"
            else:
                button.remove_class("ztmo-chosen")
                button.button_style = ""

    def dot(self, promise_id: str, on: bool) -> None:
        if self._loading:
            return
        chosen = self.dotted()
        if on and len(chosen) > DOT_COUNT:
            self._set(promise_id, False)
            _message(self.status, f"Je hebt al {DOT_COUNT} stippen gezet. Meer kan niet. Wil je "
                     "een andere belofte kiezen? Haal dan eerst een stip weg.", "ztmo-notice")
            return
        self._show_dots()
        if not chosen:
            if self.saved_dots and self.link is not None:
                names = _and([f"'{self.work.promise(p).kind}'" for p in self.saved_dots])
                _message(self.status, "Je hebt nu geen stippen meer staan. Een keuze zonder "
                         f"stippen kunnen we niet bewaren. Daarom telt je laatste keuze nog mee: "
                         f"{names}. Zet minstens één stip om die te veranderen.", "ztmo-notice")
            else:
                _message(self.status, "Je hebt nu geen stippen meer staan.", "ztmo-notice")
            return
        try:
            self.sink.save(DOTS, ",".join(chosen))
        except Exception:
            self._set(promise_id, not on)
            raise
        self.saved_dots = chosen
        _message(self.status, _saved_at(self.sink))

    def _set(self, promise_id: str, on: bool) -> None:
        self._loading = True
        try:
            self.toggles[promise_id].value = on
        finally:
            self._loading = False
        self._show_dots()

    def _show_dots(self) -> None:
        for toggle in self.toggles.values():
            toggle.description = "● Stip gezet" if toggle.value else "Stip zetten"
            toggle.button_style = "primary" if toggle.value else ""
        left = DOT_COUNT - len(self.dotted())
        self.budget.value = (f"<p><strong>Je hebt nog {_dots(left)}.</strong></p>" if left
                             else "<p><strong>Al je stippen staan.</strong></p>")

    def _board(self) -> _View:
        return PromisesBoard()


class FlagBox:
    """One flag: its question, a text box with a counter, and a save button."""

    def __init__(self, flag, sink: AnswerSink):
        self.flag, self.sink = flag, sink
        self.activity = flag_key(flag.id)
        stripe, tint = FLAG_COLOURS.get(flag.kleur.lower(), OTHER_FLAG)
        self.input = w.Textarea(placeholder=f"Schrijf hier je {flag.titel.lower()}-vlag "
                                f"(hoogstens {FLAG_LENGTH} tekens)", rows=2,
                                layout=w.Layout(width="100%"))
        self.input.add_class("ztmo-flag-input")
        self.counter = html_block("", "ztmo-flag-counter")
        self.button = w.Button(description="Opslaan", tooltip=f"Vlag {flag.titel} opslaan")
        self.button.add_class("ztmo-flag-submit")
        self.status = w.VBox([])
        self.status.add_class("ztmo-answer-status")
        self.button.on_click(guarded(self.submit, lambda box: setattr(
            self.status, "children", (box,)), "vlag opslaan"))
        self.input.observe(guarded(lambda _c: self.count(), lambda box: setattr(
            self.status, "children", (box,)), "tekens tellen"), "value")
        saved = sink.get(self.activity)
        self.input.value = "" if saved is None else str(saved)
        self.count()
        self.root = w.VBox([html_block(
            f'<h4><span class="ztmo-flag-icon" style="border-top-color:{stripe};'
            f'background:{tint}" aria-hidden="true"></span>{esc(flag.titel)} '
            f'<span class="ztmo-badge">{esc(flag.kleur)}</span></h4><p>{esc(flag.vraag)}</p>'),
            self.input, self.counter, self.button, self.status])
        self.root.add_class("ztmo-card")
        self.root.add_class("ztmo-flag-card")

    def count(self) -> None:
        n = len(self.input.value.strip())
        if n > FLAG_LENGTH:
            self.counter.value = (f'<p class="ztmo-missing">Je tekst heeft {n} tekens. Het '
                                  f"mogen er {FLAG_LENGTH} zijn. Maak hem wat korter.</p>")
        else:
            self.counter.value = f'<p class="ztmo-source">{n} van {FLAG_LENGTH} tekens</p>'

    def submit(self, _=None) -> None:
        text = self.input.value.strip()
        if not text:
            _message(self.status, "Schrijf eerst iets op je vlag.", "ztmo-missing")
            return
        if len(text) > FLAG_LENGTH:
            _message(self.status, f"Je tekst heeft {len(text)} tekens. Het mogen er "
                     f"{FLAG_LENGTH} zijn. Maak hem wat korter; je tekst blijft staan.",
                     "ztmo-missing")
            return
        self.sink.save(self.activity, text)
        from .session import SessionAnswers

        hung = " Je vlag hangt aan de waslijn." if isinstance(self.sink, SessionAnswers) else ""
        _message(self.status, f"{_saved_at(self.sink)}{hung}")


class FlagsApp(_GroupworkApp):
    """Four flags: moeten, kunnen, willen, durven, each with its own question."""

    css_class = "ztmo-flags"
    here = STEP_PATHS[FLAGS]
    board_title = "De waslijn van de groep"

    def _build(self) -> list[w.Widget]:
        f = self.work.vlaggen
        self.boxes = [FlagBox(flag, self.sink) for flag in f.lijst]
        from .session import SessionAnswers, _privacy

        dare = _privacy("durven") if isinstance(self.sink, SessionAnswers) else ""
        return [html_block(f"<h3>Vier vlaggen</h3><p>{esc(f.uitleg)}</p>", "ztmo-flags-intro"),
                self._privacy(choice=False, extra=dare), *(b.root for b in self.boxes),
                html_block(_source(f.bron))]

    def _board(self) -> _View:
        return FlagsBoard()


# --- the group's boards --------------------------------------------------------------------
class TimelineBoard(_View):
    """Per moment how many people see a turning point (a heat strip), and the handvatten
    chosen most there."""

    step = TIMELINE

    def __init__(self, gated: bool = True, large: bool = False):
        super().__init__("ztmo-group-wall", "ztmo-timeline-board", gated=gated)
        self.large = large
        self.work = load_groupwork()
        self.labels = guideline_labels()
        self.order = {gid: n for n, gid in enumerate(self.labels)}

    def counts(self, snap) -> tuple[tuple[int, int, tuple[tuple[str, int], ...]], ...]:
        """Per moment, in order: (turning points, without handvat, top handvatten)."""
        rows = []
        for m in self.work.tijdlijn.momenten:
            marks = [v for v in snap.by_participant(moment_key(m.id)).values()
                     if v != NOT_TURNING]
            chosen = Counter(v for v in marks if v in self.labels)
            top = sorted(chosen.items(), key=lambda kv: (-kv[1], self.order[kv[0]]))
            rows.append((len(marks), marks.count(NO_GUIDELINE), tuple(top[:TOP_GUIDELINES])))
        return tuple(rows)

    def refresh(self, snap) -> None:
        keys = {moment_key(m.id) for m in self.work.tijdlijn.momenten}
        people = {a.participant for a in snap.answers if a.activity in keys and not a.hidden}
        if self.hidden(snap, len(people)):
            return
        rows = self.counts(snap)
        self.show(rows, lambda: self._html(rows))

    def _html(self, rows) -> str:
        t = self.work.tijdlijn
        most = max((n for n, _, _ in rows), default=0)
        cells, items = [], []
        for k, (m, (n, unknown, top)) in enumerate(zip(t.momenten, rows), start=1):
            cells.append(heat_cell(k, n, most, f"Moment {k}, {m.wanneer}, {m.titel}: {n} keer "
                                   "een keerpunt", titled=True))
            if n:
                named = ", ".join(f"{esc(self.labels[g])} ({c})" for g, c in top)
                without = f" {unknown}× zonder handvat." if unknown else ""
                detail = (f" Het vaakst gekozen: {named}.{without}" if named
                          else " Nog niemand koos er een handvat bij.")
                items.append(f"<li><strong>{k}. {esc(m.wanneer)}: {esc(m.titel)}</strong> "
                             f"– {_people(n)} {'ziet' if n == 1 else 'zien'} hier een keerpunt.{detail}</li>")
        strip = heat_strip(cells)
        body = (f'<ol class="ztmo-heat-list">{"".join(items)}</ol>' if items else
                '<p class="ztmo-missing">Nog niemand heeft een keerpunt gekozen.</p>')
        return _wrap(
            f"<h4>Keerpunten: {esc(t.titel)}</h4><p class=\"ztmo-source\">Per moment (1 is "
            "het eerste) het aantal mensen dat er een keerpunt ziet. Hoe donkerder het vak, hoe meer mensen.</p>"
            f"{strip}{body}{_source(t.bron)}", self.large, "ztmo-timeline-heat")


class PracticeBoard(_View):
    """The practices the group chose, most chosen first; ties shown as ties."""

    step = PRACTICE

    def __init__(self, gated: bool = True, large: bool = False):
        super().__init__("ztmo-group-wall", "ztmo-practice-board", gated=gated)
        self.large = large
        self.work = load_groupwork()
        self.cards = {c.id: c for c in self.work.praktijken.kaarten}
        self.order = {pid: n for n, pid in enumerate(self.cards)}

    def ranking(self, snap) -> tuple[tuple[int, str, int], ...]:
        """(place, practice id, votes), most chosen first; equal votes share a place."""
        counts = Counter(v for v in snap.values(PRACTICE_CHOICE) if v in self.cards)
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], self.order[kv[0]]))
        return tuple((1 + sum(1 for _, c in ordered if c > n), pid, n) for pid, n in ordered)

    def refresh(self, snap) -> None:
        if self.hidden(snap, len(snap.values(PRACTICE_CHOICE))):
            return
        rows = self.ranking(snap)
        self.show(rows, lambda: self._html(rows))

    def _html(self, rows) -> str:
        if not rows:
            return _wrap('<p class="ztmo-missing">Nog niemand heeft een voorbeeld gekozen.</p>',
                         self.large)
        total = sum(n for _, _, n in rows)
        first = [pid for place, pid, _ in rows if place == 1]
        top_votes = rows[0][2]
        if len(first) == 1:
            lead = (f"<p>De groep kiest: <strong>{esc(self.cards[first[0]].naam)}</strong> "
                    f"({_votes(top_votes)} van de {total}).</p>")
        else:
            names = _and([f"<strong>{esc(self.cards[p].naam)}</strong>" for p in first])
            lead = (f"<p>Gelijk op de eerste plaats: {names}, elk {_votes(top_votes)} (van de "
                    f"{total}). Kies samen, of ga bij allemaal kijken.</p>")
        shared = Counter(place for place, _, _ in rows)
        items = []
        for place, pid, n in rows:
            card = self.cards[pid]
            region = card.regio if card.regio_bekend else "regio niet genoemd"
            tie = "gedeeld op plaats" if shared[place] > 1 else "plaats"
            items.append(
                f'<li class="ztmo-card"><span class="ztmo-kicker">{tie} {place} · '
                f"{_votes(n)}</span><h4>{esc(card.naam)}</h4><p><strong>Regio:</strong> "
                f"{esc(region)}</p><p>{esc(card.wat)}</p>{_source(f'Bron: {card.bron}')}</li>")
        return _wrap(f'{lead}<ol class="ztmo-practice-ranking" style="list-style:none;'
                     f'padding:0">{"".join(items)}</ol>', self.large)


class PromisesBoard(_View):
    """Per promise the dots in total and per role; people without a role are counted
    under "rol niet gekozen"."""

    step = PROMISES

    def __init__(self, gated: bool = True, large: bool = False):
        super().__init__("ztmo-group-wall", "ztmo-promises-board", gated=gated)
        self.large = large
        self.work = load_groupwork()
        self.promises = {t.id: t for t in self.work.beloften.themas}

    def table(self, snap) -> tuple[tuple[str, ...], tuple[tuple[str, int, tuple[int, ...]], ...],
                                   int]:
        """(role columns, rows of (promise id, total, per column), people with dots).

        Columns are the roles (content order) of people who placed dots, then NO_ROLE when
        someone placed dots without choosing a role. Rows: all promises, most dots first.
        """
        roles = snap.by_participant(ROLE)
        known_roles = [r.id for r in self.work.beloften.rollen]
        per: dict[str, Counter] = {p: Counter() for p in self.promises}
        seen_roles: set[str] = set()
        voters = 0
        for token, value in snap.by_participant(DOTS).items():
            dots = [p for p in dict.fromkeys(value.split(",")) if p in self.promises]
            if not dots:
                continue
            voters += 1
            role = roles.get(token) if roles.get(token) in known_roles else NO_ROLE
            seen_roles.add(role)
            for p in dots:
                per[p][role] += 1
        columns = tuple([r for r in known_roles if r in seen_roles]
                        + ([NO_ROLE] if NO_ROLE in seen_roles else []))
        rows = sorted(((p, sum(c.values()), tuple(c[r] for r in columns))
                       for p, c in per.items()),
                      key=lambda row: (-row[1], self.promises[row[0]].nummer))
        return columns, tuple(rows), voters

    def refresh(self, snap) -> None:
        if self.hidden(snap, len(snap.by_participant(DOTS))):
            return
        data = merged_roles(*self.table(snap), snap, self)
        self.show(data, lambda: self._html(*data))

    def _html(self, columns, rows, voters: int) -> str:
        if not voters:
            return _wrap('<p class="ztmo-missing">Nog niemand heeft stippen gezet.</p>',
                         self.large)
        names = {r.id: r.label for r in self.work.beloften.rollen}
        names["anderen"] = "anderen"
        head = "".join(f'<th class="ztmo-num" scope="col">{esc(names.get(c, c))}</th>'
                       for c in columns)
        body = "".join(
            f'<tr><th scope="row"><span class="ztmo-kind">'
            f'“{esc(self.promises[p].kind)}”</span><br><span class="ztmo-theme">Thema '
            f"{self.promises[p].nummer}: {esc(self.promises[p].thema)}</span></th>"
            f'<td class="ztmo-num" data-label="Stippen"><strong>{total}</strong></td>'
            + "".join(f'<td class="ztmo-num" data-label="{esc(names.get(c, c))}">{n or 0}</td>'
                      for c, n in zip(columns, counts)) + "</tr>"
            for p, total, counts in rows)
        return _wrap(
            f"<p>{_people(voters)} zetten samen {_dots(sum(t for _, t, _ in rows))}. Bovenaan "
            "staan de beloften die de regio volgens de groep het minst houdt.</p>"
            f'<div class="ztmo-table-scroll"><table class="ztmo-promises-table"><thead><tr><th scope="col">Belofte</th>'
            f'<th class="ztmo-num" scope="col">Stippen</th>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>{_source(self.work.beloften.bron)}", self.large)


def merged_roles(columns, rows, voters, snap, board):
    """Roles with fewer than MIN_GROUP people who placed dots are counted together under
    "anderen" (a lone parent or youngster is recognisable)."""

    roles = snap.by_participant(ROLE)
    known = {r.id for r in board.work.beloften.rollen}
    size = Counter((roles.get(tok) if roles.get(tok) in known else NO_ROLE)
                   for tok, value in snap.by_participant(DOTS).items()
                   if any(p in board.promises for p in value.split(",")))
    keep = [c for c in columns if c != NO_ROLE and size[c] >= MIN_GROUP]
    merged = [c for c in columns if c not in keep]
    if not keep:  # everyone is "anderen": that column would only repeat the total
        return (), tuple((p, total, ()) for p, total, _ in rows), voters
    out_cols = tuple(keep + (["anderen"] if merged else []))
    out_rows = []
    for p, total, counts in rows:
        by = dict(zip(columns, counts))
        values = [by[c] for c in keep] + ([sum(by[c] for c in merged)] if merged else [])
        out_rows.append((p, total, tuple(values)))
    return out_cols, tuple(out_rows), voters



def previous_dares(store, code: str) -> list[str]:
    """The visible 'durven' flags of the network's meeting before this session.

    Empty when the session is no meeting of a network, or is its first meeting. Hidden
    (moderated) flags are left out; nothing links people across meetings.
    """
    from ..store import codes

    network = store.network_of(code)
    if network is None:
        return []
    meetings = store.meetings(network.id)
    here = [m.code for m in meetings]
    code = codes.normalise(code)
    if code not in here or here.index(code) == 0:
        return []
    try:
        snap = store.snapshot(meetings[here.index(code) - 1].code)
    except UnknownSession:  # deleted meanwhile
        return []
    return snap.values(flag_key(DARE))


class FlagsBoard(_View):
    """The group's four flags on washing lines, and what they dared last time."""

    step = FLAGS

    def __init__(self, gated: bool = True, large: bool = False, store=None):
        super().__init__("ztmo-group-wall", "ztmo-flags-board", gated=gated)
        self.large = large
        self.store = store
        self.work = load_groupwork()
        self._previous: tuple[str, float, tuple[str, ...]] | None = None
        self._lock = threading.Lock()

    def previous(self, code: str) -> tuple[str, ...]:
        """`previous_dares` of this session, asked at most once a minute."""
        with self._lock:
            if (self._previous and self._previous[0] == code
                    and time.monotonic() - self._previous[1] < PREVIOUS_TTL):
                return self._previous[2]
            try:
                found = tuple(previous_dares(self.store or shared_store(), code))
            except ZtmoError:
                found = ()
            except Exception:  # noqa: BLE001 - the flags of now still show
                log_exception("vorige vlaggen")
                found = ()
            self._previous = (code, time.monotonic(), found)
            return found

    def refresh(self, snap) -> None:
        rows = tuple((f.id, tuple(snap.values(flag_key(f.id)))) for f in self.work.vlaggen.lijst)
        if self.hidden(snap, sum(len(texts) for _, texts in rows)):
            return
        before = self.previous(snap.code)
        self.show((rows, before), lambda: self._html(rows, before))

    def _html(self, rows, before: tuple[str, ...]) -> str:
        parts = []
        for flag_id, texts in rows:
            flag = self.work.flag(flag_id)
            parts.append(f'<h4>{esc(flag.titel)} <span class="ztmo-badge">{len(texts)}</span>'
                         f'</h4><p class="ztmo-source">{esc(flag.vraag)}</p>'
                         + washing_line(flag, texts, "Nog geen vlaggen."))
        if before:
            dares = self.work.flag(DARE)
            parts.append('<div class="ztmo-previous-dares"><h4>Vorige keer wilden jullie durven:</h4>'
                         + washing_line(dares, before, "") + "</div>")
        return _wrap("".join(parts) + _source(self.work.vlaggen.bron), self.large)



def washing_line(flag, texts, empty: str) -> str:
    """One flag's texts as a line of little flags in its colour (escaped)."""
    if not texts:
        return f'<p class="ztmo-missing">{esc(empty)}</p>'
    stripe, tint = FLAG_COLOURS.get(flag.kleur.lower(), OTHER_FLAG)
    outline = ";box-shadow:inset 0 0 0 1px #9aa5ad" if flag.kleur.lower() == "wit" else ""
    return (f'<ul class="ztmo-washing-line" aria-label="{esc(flag.titel)}">' + "".join(
        f'<li class="ztmo-flag ztmo-flag-{esc(flag.id)}" style="border-top-color:{stripe};'
        f'background:{tint}{outline}">{esc(t)}</li>' for t in texts) + "</ul>")


#: The group's board of each of these activities, by journey step.
BOARDS = {TIMELINE: TimelineBoard, PRACTICE: PracticeBoard, PROMISES: PromisesBoard,
          FLAGS: FlagsBoard}

__all__ = ["BOARDS", "FLAGS", "GROUPWORK_CSS", "PRACTICE", "PROMISES", "TIMELINE", "FlagBox", "FlagsApp",
           "FlagsBoard", "PracticeApp", "PracticeBoard", "PromisesApp", "PromisesBoard",
           "TimelineApp", "TimelineBoard", "guideline_labels", "previous_dares", "washing_line"]
