"""Ruijters' five learning preferences: the scan, the duo talk and the group profile.

The scan's scoring and the pairing are pure (`ztmo.scan`); this module only shows
them and saves answers through the same sinks as the pillar apps.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import timedelta

import ipywidgets as w

from .. import scan as scan_core
from ..activities import (
    DUO_INSIGHT,
    DUO_JOINED,
    FIRST_PREFERENCE,
    SECOND_PREFERENCE,
    scan_key,
)
from ..errors import IncompleteScan, PairingError, ZtmoError
from ..params import Params
from ..preferences import Scan, load_scan
from .answers import AnswerSink, LocalAnswers
from .base import app_root, error_box, esc, guarded, html_block, launch, log_exception
from .group import _View, group_box
from .nav import STEP_PATHS, Nav
from .pillar import step_anchor
from .session import AnswerBox, Live, SessionLink, answer_sink, open_session, shared_store

SCAN_PATH, DUO_PATH, GROUP_PATH = STEP_PATHS["scan"], STEP_PATHS["duo"], STEP_PATHS["groep"]
FIRST, SECOND, INSIGHT = FIRST_PREFERENCE, SECOND_PREFERENCE, DUO_INSIGHT
item_activity = scan_key
PAIRS_STATE = "duo_paren"  # session state: {"frozen": true, "groups": [[token, ...], ...]}
PRESENT = timedelta(minutes=3)  # an app that said nothing for this long has left the room


def _session(params: Params) -> tuple[Params, SessionLink | None, list[ZtmoError]]:
    """The joined session of a page, or None (answers then stay on the page)."""
    link, problems = open_session(params)
    if link is None or not link.joined:
        if link is not None:
            problems.append(ZtmoError("Je bent nog niet aangemeld bij deze sessie. Ga naar de "
                                      "startpagina en vul daar de code in."))
        return replace(params, sessie="", deelnemer=""), None, problems
    return params, link, problems


def _chart(name: str, **kwargs) -> str:
    from .. import charts

    try:
        return charts.render(name, **kwargs)
    except Exception:  # noqa: BLE001 - the text beside every chart carries the figures
        log_exception(f"grafiek {name}")
        return '<p class="ztmo-missing">De grafiek kon niet worden getekend.</p>'


def _list(items) -> str:
    return "<ul>" + "".join(f"<li>{esc(x)}</li>" for x in items) + "</ul>"


class ScanApp:
    """One situation at a time; pick what you would do first and second; then a profile."""

    def __init__(self, scan: Scan, params: Params, journey: bool = False):
        self.scan = scan
        self.journey = journey
        self.items = {i.id: i for i in scan.items}
        self.answers: AnswerSink = LocalAnswers()
        self.link: SessionLink | None = None
        self.ranking: dict[str, list[str]] = {}
        self.order: list[tuple[str, list[str]]] = []
        self.step = 0
        self.progress_text = html_block("", "ztmo-progress-text")
        self.progress = w.IntProgress(min=0, max=len(scan.items), layout=w.Layout(width="100%"))
        self.progress.add_class("ztmo-progress")
        self.situation = html_block("", "ztmo-situation")
        self.first = w.RadioButtons(options=[], value=None, layout=w.Layout(width="100%"))
        self.first.add_class("ztmo-scan-first")
        self.second = w.RadioButtons(options=[], value=None, layout=w.Layout(width="100%"))
        self.second.add_class("ztmo-scan-second")
        self.prev = w.Button(description="Vorige")
        self.prev.add_class("ztmo-prev")
        self.next = w.Button(description="Volgende")
        self.next.add_class("ztmo-next")
        buttons = w.HBox([self.prev, self.next])
        buttons.add_class("ztmo-buttons")
        self.messages = w.VBox([])
        self.walk = w.VBox([self.progress_text, self.progress, self.situation,
                            html_block("<h4>Wat doe je als eerste?</h4>"), self.first,
                            html_block("<h4>En wat doe je daarna?</h4>"), self.second,
                            self.messages, buttons])
        self.walk.add_class("ztmo-walk")
        self.result = w.VBox([])
        self.result.add_class("ztmo-profile")
        self.notices = w.VBox([])
        self.privacy = html_block("", "ztmo-privacy-line")
        self.prev.on_click(guarded(lambda _: self.go(self.step - 1), self.show_error, "vorige"))
        self.next.on_click(guarded(lambda _: self.go(self.step + 1), self.show_error, "volgende"))
        self.first.observe(guarded(lambda c: self.choose(0, c["new"]), self.show_error, "keuze"),
                           "value")
        self.second.observe(guarded(lambda c: self.choose(1, c["new"]), self.show_error, "keuze"),
                            "value")
        self.root = app_root([self.notices, html_block(
            f"<p>{esc(scan.instructie)}</p>", "ztmo-scan-intro"), self.privacy, self.walk,
            self.result], "ztmo-scan")
        self.set_params(params)

    def pause(self) -> None:
        """Nothing live here; the journey calls this on every view it hides."""

    def set_params(self, params: Params) -> None:
        self.params, self.link, problems = _session(params)
        self.nav = Nav(SCAN_PATH, self.params, self.journey)
        self.notices.children = tuple(error_box(e) for e in (*self.params.errors, *problems))
        self.answers = answer_sink(self.link)
        from .session import SessionAnswers, _privacy, audience

        line = audience(self.answers, choice=True)
        if isinstance(self.answers, SessionAnswers):
            line += " " + _privacy("scan_duo")
        self.privacy.value = f'<p class="ztmo-privacy">{esc(line)}</p>'
        token = self.link.token if self.link else "op-deze-pagina"
        self.order = scan_core.order_for(token, self.scan.items)
        self.ranking = {}
        for item_id in self.items:
            saved = self.answers.get(item_activity(item_id))
            if saved:
                self.ranking[item_id] = [x for x in str(saved).split(",") if x][:2]
        # Back after a reload: continue at the first situation still open (or the profile).
        open_steps = [n for n, (item_id, _) in enumerate(self.order)
                      if not self.ranking.get(item_id)]
        self.go(open_steps[0] if open_steps and self.ranking else
                0 if not self.ranking else len(self.order))

    def show_error(self, box: w.Widget) -> None:
        self.messages.children = (box,)

    def choose(self, rank: int, option_id: str | None) -> None:
        if self._rendering or option_id is None or self.step >= len(self.order):
            return
        item_id = self.order[self.step][0]
        chosen = list(self.ranking.get(item_id, []))
        while len(chosen) <= rank:
            chosen.append("")
        chosen[rank] = option_id
        if rank == 0 and len(chosen) > 1 and chosen[1] == option_id:
            chosen[1] = ""
        if rank == 1 and chosen[0] == option_id:
            self.messages.children = (html_block('<p class="ztmo-missing">Kies voor "daarna" '
                                                 "iets anders dan voor \"eerst\".</p>"),)
            self._render_item()
            return
        self.messages.children = ()
        self.ranking[item_id] = [c for c in chosen if c]
        self.answers.save(item_activity(item_id), ",".join(self.ranking[item_id]))

    _rendering = False

    def go(self, step: int) -> None:
        self.step = max(0, min(len(self.order), step))
        self.messages.children = ()
        if self.step >= len(self.order):
            self.finish()
            return
        self.walk.layout.display = ""
        self.result.layout.display = "none"
        self._render_item()

    def _render_item(self) -> None:
        item_id, option_ids = self.order[self.step]
        item = self.items[item_id]
        texts = {o.id: o.tekst for o in item.options}
        self.progress.value = self.step + 1
        self.progress_text.value = (step_anchor(f"scan:{self.step}")
                                    + f"<p>Situatie {self.step + 1} van {len(self.order)}</p>")
        self.situation.value = f'<div class="ztmo-card"><p>{esc(item.situatie)}</p></div>'
        chosen = self.ranking.get(item_id, [])
        self._rendering = True
        try:
            for widget, rank in ((self.first, 0), (self.second, 1)):
                widget.options = [(texts[o], o) for o in option_ids]
                widget.value = chosen[rank] if len(chosen) > rank else None
        finally:
            self._rendering = False
        self.prev.disabled = self.step == 0
        last = self.step == len(self.order) - 1
        self.next.description = "Bekijk mijn profiel" if last else "Volgende"

    def finish(self) -> None:
        # Name missing situations by the number this participant saw (their order is shuffled).
        missing = [n for n, (item_id, _) in enumerate(self.order, start=1)
                   if not self.ranking.get(item_id)]
        try:
            if missing:
                raise IncompleteScan(missing)
            profile = scan_core.score(self.ranking, self.scan.items)
        except ZtmoError as exc:
            self.step = (missing[0] if missing else len(self.order)) - 1
            self._render_item()
            self.show_error(error_box(exc))
            return
        self.answers.save(FIRST, profile.first)
        self.answers.save(SECOND, profile.second)
        self.walk.layout.display = "none"
        self.result.layout.display = ""
        self.result.children = self._profile_children(profile)

    def _profile_children(self, profile) -> list[w.Widget]:
        first = self.scan.preference(profile.first)
        second = self.scan.preference(profile.second)
        order = list(scan_core.PREFERENCES)
        chart = _chart("preference_profile", scores=dict(profile.scores), order=order,
                       maximum=4 * len(self.scan.items))
        table = "".join(f"<tr><td>{esc(n)}</td><td>{profile.scores.get(n, 0):.0f} punten</td></tr>"
                        for n in order)
        tie = ""
        if profile.tie:
            tie = (f'<p class="ztmo-notice">Je punten voor {esc(" en ".join(profile.tied))} zijn '
                   "gelijk. Ze passen allebei bij je; lees ze allebei.</p>")
        back = w.Button(description="Terug naar de situaties")
        back.add_class("ztmo-prev")
        back.on_click(guarded(lambda _: self.go(len(self.order) - 1), self.show_error, "terug"))
        links = self.nav.links(("duo", "Verder: het duogesprek"),
                               ("groep", "Het profiel van de groep"))
        return [
            html_block(
                step_anchor("scan:profiel") + f"<h3>Jouw leervoorkeuren</h3>{tie}"
                f'<div class="ztmo-chart" role="img" aria-label="Staafdiagram van je punten per '
                f'leervoorkeur">{chart}</div><table class="ztmo-summary-table">{table}</table>'
                f'<div class="ztmo-card"><span class="ztmo-kicker">Je eerste voorkeur</span>'
                f"<h3>{esc(first.naam)}</h3><p>{esc(first.beschrijving)}</p>"
                f"<p><strong>Wat je helpt</strong></p>{_list(first.helpt)}"
                f"<p><strong>Let op</strong></p>{_list(first.valkuilen)}"
                f"<p><strong>Tip:</strong> {esc(first.tip)}</p></div>"
                f'<div class="ztmo-card"><span class="ztmo-kicker">Je tweede voorkeur</span>'
                f"<h3>{esc(second.naam)}</h3><p>{esc(second.kort)}</p>"
                f"<p><strong>Tip:</strong> {esc(second.tip)}</p></div>"
                f'<p class="ztmo-source">{esc(self.scan.bron)}</p>', "ztmo-profile-view"),
            back, html_block(links, "ztmo-links"),
        ]


def duo_people(snap) -> dict[str, str | None]:
    """Who should be in a duo now: present, and finished the scan or opened the duo talk.

    A ghost (a join that never did anything) and someone whose app went quiet are left out.
    """
    present = snap.present(PRESENT)
    firsts = snap.by_participant(FIRST)
    joined = snap.by_participant(DUO_JOINED)
    return {t: (firsts[t] if firsts.get(t) in scan_core.PREFERENCES else None)
            for t in (p.token for p in snap.people)
            if t in present and (t in firsts or t in joined)}


def _seed(code: str) -> int:
    return int(hashlib.sha256(code.encode()).hexdigest()[:8], 16)


def _frozen(snap) -> list[list[str]] | None:
    state = snap.state_json(PAIRS_STATE, {})
    if not isinstance(state, dict) or not state.get("frozen"):
        return None
    return [list(g) for g in state.get("groups", []) if isinstance(g, list)]


def duo_groups(snap, store=None) -> tuple[list[tuple[str, ...]], bool]:
    """The duos (and a trio when odd) and whether the trainer froze them.

    Not frozen: the best mix of everyone present, which may still change. Frozen: the
    stored groups stay; late finishers are added (`scan.extend_pairs`), and when that
    changes anything the new groups are stored (given a ``store``), so every screen
    shows the same duos.
    """
    people = duo_people(snap)
    frozen = _frozen(snap)
    if frozen is None:
        return (scan_core.pair(people, seed=_seed(snap.code)) if len(people) >= 2 else []), False
    groups = scan_core.extend_pairs(frozen, people, seed=_seed(snap.code))
    if store is not None and [list(g) for g in groups] != frozen:
        store.update_state(snap.code, PAIRS_STATE, lambda old: json.dumps(
            {"frozen": True, "groups": [list(g) for g in groups]}))
    return groups, True


def freeze_pairs(store, snap, trainer_key: str) -> None:
    """The trainer fixes the current duos: from now on only late finishers are added."""
    store.check_trainer_key(snap.code, trainer_key)
    groups, _ = duo_groups(snap)
    store.update_state(snap.code, PAIRS_STATE, lambda old: json.dumps(
        {"frozen": True, "groups": [list(g) for g in groups]}))


def unfreeze_pairs(store, code: str, trainer_key: str) -> None:
    store.check_trainer_key(code, trainer_key)
    store.update_state(code, PAIRS_STATE, lambda old: json.dumps({"frozen": False}))


class _SessionPage:
    """A page of notices over a body whose content depends on the joined session."""

    css_class = ""

    def __init__(self, scan: Scan, params: Params, journey: bool = False):
        self.scan = scan
        self.journey = journey
        self.live: Live | None = None
        self.notices = w.VBox([])
        self.body = w.VBox([])
        self.root = app_root([self.notices, self.body], self.css_class)
        self.set_params(params)

    def pause(self) -> None:
        if self.live:
            self.live.stop()
            self.live = None

    def _begin(self, params: Params) -> SessionLink | None:
        """Stop the old live view, resolve the session, show its problems."""
        self.pause()
        self.params, link, problems = _session(params)
        self.nav = Nav(self.here, self.params, self.journey)
        self.notices.children = tuple(error_box(e) for e in (*self.params.errors, *problems))
        return link

    def set_params(self, params: Params) -> None:
        raise NotImplementedError


class DuoApp(_SessionPage):
    """Who your partner is, what to talk about, and a place to note one insight."""

    css_class = "ztmo-duo"
    here = DUO_PATH

    def set_params(self, params: Params) -> None:
        link = self._begin(params)
        self._sink: AnswerSink | None = None  # joined: where "duo: meedoen" goes when shown
        from .static import DUO_QUESTIONS

        prompts = html_block(
            '<div class="ztmo-card"><h3>Zo gaat het gesprek</h3><ol class="ztmo-question-list">'
            + "".join(f"<li>{esc(q)}</li>" for q in DUO_QUESTIONS) + "</ol></div>",
            "ztmo-duo-prompts")
        if link is None:
            self.body.children = (html_block(
                "<p>In een groepssessie zie je hier met wie je een duo vormt. Zonder sessie: "
                "zoek iemand die je nog niet kent en gebruik de vragen hieronder.</p>"), prompts,
                AnswerBox(INSIGHT, "<h3>Eén inzicht uit jullie gesprek</h3>", LocalAnswers()).root)
            return
        store = shared_store()
        partner = html_block("", "ztmo-partner")
        me = link.token
        sink = self._sink = answer_sink(link)
        if not self.journey:  # a page of its own is shown at once
            self.shown()

        def refresh(snap) -> None:
            labels = snap.labels()
            firsts = snap.by_participant(FIRST)
            try:
                pairs, frozen = duo_groups(snap, store)
            except PairingError:
                pairs, frozen = [], False
            mine = next((group for group in pairs if me in group), ())
            others = [t for t in mine if t != me]
            waiting = "" if firsts.get(me) else (
                f'<p class="ztmo-missing">Je hebt de {self.nav.link("scan", "scan")} nog niet '
                "af. Dat mag: je praat dan over hoe jij denkt dat je leert.</p>")
            if not others:
                partner.value = (
                    f'<div class="ztmo-card"><p>Jij bent <strong>{esc(labels.get(me, "?"))}'
                    "</strong>.</p><p>Nog geen gesprekspartner: er is nog niemand anders klaar. "
                    "Je partner verschijnt hier vanzelf.</p></div>" + waiting)
                return
            names = " en ".join(f"<strong>{esc(labels.get(t, '?'))}</strong>" for t in others)
            note = ("De trainer heeft de duo's vastgezet." if frozen else
                    "De duo's kunnen nog veranderen zolang mensen de scan invullen.")
            partner.value = (
                f'<div class="ztmo-card"><p>Jij bent <strong>{esc(labels.get(me, "?"))}'
                f"</strong>.</p><p>Jouw gesprekspartner: {names}.</p><p class=\"ztmo-source\">Zoek "
                f"elkaar op: noem je nummer of bijnaam hardop. {note}</p></div>" + waiting)

        self.live = Live(store, link.code, token=link.token)
        self.live.add(refresh)
        self.live.start()
        self.body.children = (partner, prompts, AnswerBox(
            INSIGHT, "<h3>Eén inzicht uit jullie gesprek</h3>", sink).root)

    def shown(self) -> None:
        """The participant opened the duo talk, so wants a partner. Only now, not when the
        journey builds the view ahead: nobody gets a partner they do not know about."""
        sink = self._sink
        if sink is None or sink.get(DUO_JOINED) == "ja":
            return
        try:
            sink.save(DUO_JOINED, "ja")
        except ZtmoError as exc:
            self.notices.children = (*self.notices.children, error_box(exc))


class PreferenceGroupView(_View):
    """The group's mix of first and second preferences, and what it means for meetings."""

    step = "groep"

    def __init__(self, scan: Scan, gated: bool = True):
        super().__init__("ztmo-group-profile", gated=gated)
        self.scan = scan

    def refresh(self, snap) -> None:
        first = scan_core.distribution(snap.values(FIRST))
        second = scan_core.distribution(snap.values(SECOND))
        if self.hidden(snap, sum(first.values())):
            return
        key = (tuple(first.items()), tuple(second.items()))
        self.show(key, lambda: self._html(first, second))

    def _html(self, first: dict[str, int], second: dict[str, int]) -> str:
        n = sum(first.values())
        if not n:
            return '<p class="ztmo-missing">Nog niemand heeft de scan afgerond.</p>'
        from ..aggregate import MIN_GROUP
        from ..texts import text

        if n < MIN_GROUP:  # a profile of a few people says who chose what
            return (f'<p class="ztmo-missing">'
                    f'{esc(text("privacy", "klein.profiel", n=n, min=MIN_GROUP))}</p>')
        order = list(scan_core.PREFERENCES)
        chart = _chart("preference_distribution", first=first, second=second, order=order)
        rows = "".join(f"<tr><td>{esc(p)}</td><td>{first.get(p, 0)} als eerste, "
                       f"{second.get(p, 0)} als tweede</td></tr>" for p in order)
        advice = []
        for pref, reason in scan_core.underserved(first, self.scan):
            why = ("Niemand in de groep heeft dit als eerste voorkeur." if reason == "afwezig"
                   else "Een gewone bijeenkomst met presentaties en gesprek past hier slecht bij.")
            advice.append(f"<h4>{esc(pref.naam)}</h4><p>{esc(why)} {esc(pref.nodig)}</p>"
                          f"{_list(pref.suggesties)}")
        advice_html = "".join(advice) or "<p>Alle voorkeuren komen aan bod.</p>"
        done = "1 deelnemer heeft" if n == 1 else f"{n} deelnemers hebben"
        return (f"<p>{done} de scan afgerond.</p>"
                f'<div class="ztmo-chart">{chart}</div>'
                f'<table class="ztmo-summary-table">{rows}</table>'
                f"<h3>Wat betekent deze mix voor jullie bijeenkomsten?</h3>{advice_html}")


class PairingView(_View):
    """The trainer's list of duos (and one trio when the group is odd)."""

    def __init__(self, store=None):
        super().__init__("ztmo-pairing-list")
        self.store = store

    def refresh(self, snap) -> None:
        labels = snap.labels()
        firsts = snap.by_participant(FIRST)
        pairs, frozen = duo_groups(snap, self.store)
        if not pairs:
            message = "Nog geen duo's: er zijn nog geen twee mensen klaar voor het gesprek."
            self.show(message, lambda: f'<p class="ztmo-missing">{esc(message)}</p>')
            return
        rows = tuple(tuple((labels.get(t, "?"), firsts.get(t) or "scan niet af") for t in g)
                     for g in pairs)
        state = ("Vastgezet: laatkomers worden toegevoegd, de rest blijft staan." if frozen
                 else "Voorlopig: de duo's kunnen nog veranderen. Zet ze vast als het gesprek "
                      "begint.")
        self.show((rows, frozen), lambda: f'<p class="ztmo-source">{esc(state)}</p><ol>' + "".join(
            "<li>" + " + ".join(f"{esc(name)} <span class=\"ztmo-badge\">{esc(pref)}</span>"
                                for name, pref in group) + "</li>" for group in rows) + "</ol>")


class GroupProfileApp(_SessionPage):
    """The group's learning profile, live, and the five preferences explained."""

    css_class = "ztmo-group-profile-app"
    here = GROUP_PATH

    def set_params(self, params: Params) -> None:
        link = self._begin(params)
        overview = html_block("".join(
            f'<div class="ztmo-card"><h4>{esc(p.naam)}</h4><p>{esc(p.kort)}</p>'
            f"<p><strong>Brengt:</strong> {esc(p.brengt)}</p>"
            f"<p><strong>Heeft nodig:</strong> {esc(p.nodig)}</p></div>"
            for p in self.scan.preferences), "ztmo-preference-overview")
        if link is None:
            self.body.children = (html_block(
                "<p>Het profiel van de groep verschijnt hier als je meedoet met een groepssessie. "
                "Hieronder staan de vijf leervoorkeuren en wat ze een leernetwerk brengen.</p>"),
                overview)
            return
        view = PreferenceGroupView(self.scan)
        self.live = Live(shared_store(), link.code, token=link.token)
        self.live.add(view.refresh)
        self.live.start()
        self.body.children = (group_box("Het leerprofiel van de groep", view.widget),
                              html_block("<h3>De vijf leervoorkeuren</h3>"), overview)


def scan_app(regio: str = "", sessie: str = "", deelnemer: str = "") -> w.Widget:
    from . import static

    return launch(lambda p: ScanApp(load_scan(), p), (regio, sessie, deelnemer), "scan",
                  static=lambda p: static.scan_html(load_scan(), p))


def duo_app(regio: str = "", sessie: str = "", deelnemer: str = "") -> w.Widget:
    from . import static

    return launch(lambda p: DuoApp(load_scan(), p), (regio, sessie, deelnemer), "duo",
                  static=static.duo_html)


def group_profile_app(regio: str = "", sessie: str = "", deelnemer: str = "") -> w.Widget:
    from . import static

    return launch(lambda p: GroupProfileApp(load_scan(), p), (regio, sessie, deelnemer),
                  "groepsprofiel", static=lambda p: static.group_profile_html(load_scan(), p))
