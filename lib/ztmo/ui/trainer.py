"""The trainer's screen: start or reopen a session, show the code and a QR code,
watch the answers come in, hide an inappropriate one, close, export or delete.

The trainer key protects everything that changes a session; it is never put in
a participant's link.
"""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from urllib.parse import urlencode

import ipywidgets as w

from ..activities import STEPS, free_text_keys
from ..content import Guide, load_guide
from ..errors import ZtmoError
from ..params import Params
from . import account
from .base import app_root, error_box, esc, guarded, html_block, launch, page_channel
from .group import GroupRatings, Wall, WordCloud, group_box
from .pillar import discussion_activity, reflection_activity
from .session import Live, shared_store
from .start import WHAT_IS_HOME

EXPECTED = "verwacht"  # session state: how many participants the trainer expects

TRAINER_PATH = "voila/render/notebooks/trainer.ipynb"
_BRIDGE = re.compile(r"^who:([A-Za-z0-9]{6}):([A-Za-z0-9]{10})(?:#\d+)?$")


def capacity_html(expected: str) -> str:
    """How many may take part at once: what the trainer expects, with the server's margin
    (more than that get "Deze sessie zit vol" and the trainer can raise the number)."""
    from ..hosting import parse_expected
    from .account import expected_html

    n = parse_expected(expected)
    return expected_html(n) if n else ""


def answer_label(answer) -> str:
    """One line per answer for the moderation list (plain text: Select shows no HTML),
    with the activity's readable name instead of its stored key."""
    from .. import activities

    text = " ".join(answer.value.split())
    short = text if len(text) <= 70 else text[:67] + "..."
    hidden = "[verborgen] " if answer.hidden else ""
    return f"{hidden}{activities.label(answer.activity)}: {short}"


class TrainerScreen:
    """The trainer's control panel, for the trainer's own laptop (the room sees the
    projector view, `ui.projector`). The key lives in this page's address and in this
    browser's memory, so a reload keeps the dashboard; it never appears on the projector."""

    def __init__(self, guide: Guide, params: Params):
        self.guide = guide
        self.store = None
        self.live: Live | None = None
        self.identity, self.bridge = page_channel(self._on_bridge)
        self.notices = w.VBox([])
        self.body = w.VBox([])
        self.root = app_root([self.identity, self.bridge, self.notices, self.body],
                             "ztmo-trainer")
        from ..params import in_preheated_kernel

        self.real = not in_preheated_kernel()
        self.owner = None
        self.set_params(params)
        self.real = True

    # --- choosing a session ----------------------------------------------------
    def set_params(self, params: Params) -> None:
        if self.live:
            self.live.stop()
            self.live = None
        self.params = params
        problems: list[ZtmoError] = list(params.errors)
        self.store = shared_store()
        self.owner = account.signed_in() if self.real else None
        if account.accounts_on() and self.owner is None:
            # The server lets nobody in without signing in; this is the kernel's own check.
            self._write_identity("", "")
            self.notices.children = ()
            self.body.children = ((html_block(account.not_signed_in_html()),) if self.real
                                  else ())
            return
        forget = ""
        credential = params.sleutel or self.owner
        if params.sessie and credential:
            try:
                session = self.store.get_session(params.sessie)
                self.store.check_trainer_key(session.code, credential)
            except ZtmoError as exc:
                problems.append(exc)
                forget = params.sessie if params.sleutel else ""
            else:
                self.notices.children = tuple(error_box(e) for e in problems)
                self._write_identity(session.code, params.sleutel)
                self.body.children = self._dashboard(session, credential)
                return
        self._write_identity("", "", forget)
        self.notices.children = tuple(error_box(e) for e in problems)
        self.body.children = self._choose(params)

    def _write_identity(self, code: str, key: str, forget: str = "") -> None:
        self.identity.value = (
            f'<span class="ztmo-identity" data-sessie="{esc(code)}" data-sleutel="{esc(key)}" '
            f'data-vergeet="{esc(forget)}" data-echt="{int(self.real)}"></span>')

    def _on_bridge(self, change) -> None:
        """The browser remembers the key of the session in the address: open it."""
        match = _BRIDGE.match(str(change["new"] or ""))
        if not match or self.params.sleutel:
            return
        code, key = match.groups()
        if self.params.sessie and self.params.sessie != code:
            return
        self.set_params(replace(self.params, sessie=code, sleutel=key, errors=()))

    def _show_error(self, box: w.Widget) -> None:
        self.notices.children = (box,)

    def _choose(self, params: Params) -> tuple[w.Widget, ...]:
        auto = w.Layout(width="auto")
        name = w.Text(placeholder="Bijvoorbeeld: Leernetwerk Twente, 12 mei",
                      layout=w.Layout(width="100%", max_width="28rem"))
        name.add_class("ztmo-session-name")
        expected = w.BoundedIntText(value=30, min=1, max=500, description="Deelnemers",
                                    layout=w.Layout(width="14rem"))
        expected.add_class("ztmo-session-expected")
        new = w.Button(description="Nieuwe sessie starten", layout=auto)
        new.add_class("ztmo-session-new")
        code = w.Text(value=params.sessie, description="Code",
                      layout=w.Layout(width="100%", max_width="20rem"))
        key = w.Password(description="Sleutel", layout=w.Layout(width="100%", max_width="20rem"))
        key.add_class("ztmo-session-key")
        reopen = w.Button(description="Sessie openen", layout=auto)
        reopen.add_class("ztmo-session-open")

        def create(_):
            session = self.store.create_session(name.value.strip() or "Sessie zonder naam",
                                                owner=self.owner)
            self.store.update_state(session.code, EXPECTED, lambda old: str(expected.value))
            if self.owner is None:
                self.set_params(replace(self.params, sessie=session.code,
                                        sleutel=session.trainer_key, errors=()))
                return
            self.set_params(replace(self.params, sessie=session.code, sleutel="", errors=()))
            self.notices.children = (html_block(
                f'<p class="ztmo-notice ztmo-session-key-once">'
                f"{esc(account.t('sleutel_eenmalig', sleutel=session.trainer_key))}</p>"),
                *self.notices.children)

        def open_(_):
            self.set_params(replace(self.params, sessie=code.value.strip().upper(),
                                    sleutel=key.value.strip().upper(), errors=()))

        new.on_click(guarded(create, self._show_error, "sessie maken"))
        reopen.on_click(guarded(open_, self._show_error, "sessie openen"))
        if self.owner is not None:
            me = self.store.get_trainer(self.owner.trainer_id)
            own = self.store.sessions_of(self.owner.trainer_id)
            nets = self.store.networks_of(self.owner.trainer_id)
            return (
                html_block(account.header_html(me.name), "ztmo-account-box"),
                html_block("<h2>Een groepssessie starten</h2><p>Geef de sessie een naam die de "
                           "groep herkent, en zeg hoeveel mensen je verwacht. Je krijgt een code "
                           "voor de deelnemers.</p>"),
                name, expected, new,
                html_block(account.sessions_html(own)),
                html_block(account.networks_html(nets)),
                html_block(f"<h2>{esc(account.t('ander.titel'))}</h2>"
                           f"<p>{esc(account.t('ander.uitleg'))}</p>"),
                code, key, reopen,
            )
        return (
            html_block("<h2>Een groepssessie starten</h2><p>Geef de sessie een naam die de groep "
                       "herkent, en zeg hoeveel mensen je verwacht. Je krijgt een code voor de "
                       "deelnemers en een sleutel voor jou.</p>"),
            name, expected, new,
            html_block("<h2>Een sessie weer openen</h2><p>Vul de code en je sleutel in.</p>"),
            code, key, reopen,
        )

    # --- the dashboard ---------------------------------------------------------
    def _dashboard(self, session, key: str) -> tuple[w.Widget, ...]:
        code = session.code
        store = self.store
        count = html_block("", "ztmo-participant-count")
        status = html_block("", "ztmo-session-status")
        capacity = html_block("", "ztmo-capacity")

        def refresh_count(snap):
            n = snap.count
            count.value = f"<p><strong>{n}</strong> {'deelnemer' if n == 1 else 'deelnemers'}</p>"
            status.value = ('<p class="ztmo-notice">Deze sessie is gesloten: niemand kan nog '
                            "meedoen of antwoorden.</p>" if snap.closed else "")
            capacity.value = capacity_html(snap.state.get(EXPECTED, ""))

        words = WordCloud(WHAT_IS_HOME, gated=False, large=True)  # the trainer sees everything
        tabs = w.Tab()
        tab_children, views = [], [refresh_count, words.refresh]
        for p in self.guide.pijlers:
            ratings = GroupRatings(self.guide, p, gated=False)
            talk = Wall({discussion_activity(p.id, q.id): q.tekst
                         for q in self.guide.groepsopdracht.vragen}, "Nog geen aantekeningen.",
                        gated=False)
            thoughts = Wall({reflection_activity(h.id): f"Handvat {h.nummer}: {h.titel}"
                             for h in p.handvatten}, "Nog niets.", gated=False)
            views += [ratings.refresh, talk.refresh, thoughts.refresh]
            tab_children.append(w.VBox([ratings.widget, html_block("<h4>Groepsgesprek</h4>"),
                                        talk.widget, html_block("<h4>Gedachten per handvat</h4>"),
                                        thoughts.widget]))
        tabs.children = tab_children
        for i, p in enumerate(self.guide.pijlers):
            tabs.set_title(i, f"{p.nummer}. {p.titel}")

        from ..preferences import load_scan
        from .learning import PairingView, PreferenceGroupView, freeze_pairs, unfreeze_pairs

        profile = PreferenceGroupView(load_scan(), gated=False)
        duos = PairingView(store)
        views += [profile.refresh, duos.refresh]
        freeze = w.Button(description="Duo's vastzetten", layout=w.Layout(width="auto"))
        freeze.add_class("ztmo-freeze-pairs")
        loosen = w.Button(description="Duo's weer vrijgeven", layout=w.Layout(width="auto"))
        loosen.add_class("ztmo-unfreeze-pairs")

        def do_freeze(_):
            freeze_pairs(store, store.snapshot(code), key)
            self.live.poll_once()

        def do_loosen(_):
            unfreeze_pairs(store, code, key)
            self.live.poll_once()

        freeze.on_click(guarded(do_freeze, self._show_error, "duo's vastzetten"))
        loosen.on_click(guarded(do_loosen, self._show_error, "duo's vrijgeven"))
        from .ideawall import WallControls
        from .projector import group_activity_boards

        boards = group_activity_boards(gated=False)  # the trainer sees everything
        wall_controls = WallControls(store, code, key)
        views += [b.refresh for bs in boards.values() for b in bs] + [wall_controls.refresh]
        activities = w.Tab()
        activities.children = [w.VBox([*(b.widget for b in bs),
                                       *((wall_controls.root,) if step == "muur" else ())])
                               for step, bs in boards.items()]
        for i, step in enumerate(boards):
            activities.set_title(i, dict(STEPS)[step])
        lead, refresh_lead = self._lead(code, key)
        sheet, refresh_sheet = self._run_sheet(session, key)
        settings, refresh_settings = self._settings(code, key)
        views += [refresh_lead, refresh_sheet, refresh_settings]
        moderation, refresh_moderation = self._moderation(code, key)
        views.append(refresh_moderation)
        self.live = Live(store, code)
        for view in views:
            self.live.add(view)
        self.live.start()
        projector = f"beamer.ipynb?{urlencode({'sessie': code})}"
        where_key = ("" if not isinstance(key, str) else
                     '<p class="ztmo-source">Je sleutel staat in het adres van deze pagina en '
                     "wordt in deze browser onthouden. Deel dit adres niet.</p>")
        mine = ""
        if self.owner is not None:
            me = self.store.get_trainer(self.owner.trainer_id)
            mine = account.header_html(me.name)
            if not isinstance(key, str):
                mine += f'<p class="ztmo-source">{esc(account.t("eigen_sessie"))}</p>'
        return (
            html_block(mine + f"<h2>{esc(session.name)}</h2>"
                       f'<p>Code voor de deelnemers: <strong class="ztmo-session-code-small">'
                       f"{esc(code)}</strong></p>"
                       f'<p><a class="ztmo-open-projector" href="{esc(projector)}" '
                       'target="_blank" rel="noopener">Beamerscherm openen</a> (in een nieuw '
                       "venster; zet dat op de beamer). Dit scherm is voor jou: zet het niet "
                       "op de beamer.</p>" + where_key
                       + account.retention_html(session.created_at),
                       "ztmo-trainer-head"),
            count, status, capacity, self._expected(code, key),
            lead, sheet,
            group_box("Wat is thuis? – de groep", words.widget),
            group_box("De pijlers", tabs),
            group_box("Leervoorkeuren: het profiel van de groep", profile.widget),
            group_box("Duo's voor het gesprek over leervoorkeuren", duos.widget,
                      w.HBox([freeze, loosen])),
            group_box("Werkvormen voor de groep", activities),
            moderation,
            self._session_controls(code, key),
            self._network_section(session, key),
            *(() if account.hosted_address() else (settings,)),
        )

    def _expected(self, code: str, key) -> w.Widget:
        """How many participants the trainer expects: the session's kernel budget follows."""
        from ..hosting import parse_expected, session_budget

        number = w.BoundedIntText(value=parse_expected(self.store.state(code).get(EXPECTED))
                                  or 30, min=1, max=500, description=account.t("verwacht.label"),
                                  layout=w.Layout(width="14rem"))
        number.add_class("ztmo-expected")
        save = w.Button(description=account.t("verwacht.knop"), layout=w.Layout(width="auto"))
        save.add_class("ztmo-expected-save")
        said = html_block("", "ztmo-expected-status")

        def store_it(_):
            n = parse_expected(number.value)
            if n is None or n > 500:
                said.value = f'<p class="ztmo-missing">{esc(account.t("verwacht.fout"))}</p>'
                return
            self.store.check_trainer_key(code, key)
            self.store.update_state(code, EXPECTED, lambda old: str(n))
            said.value = (f'<p class="ztmo-saved">'
                          f"{esc(account.t('verwacht.opgeslagen', budget=session_budget(n)))}</p>")
            if self.live:
                self.live.poll_once()

        save.on_click(guarded(store_it, self._show_error, "aantal deelnemers"))
        return w.HBox([number, save, said], layout=w.Layout(flex_flow="row wrap",
                                                           align_items="center"))

    # --- leading the room ------------------------------------------------------
    def _lead(self, code: str, key: str):
        """Pace and reveal: the trainer's step, "Volgende stap", together or own pace."""
        from .. import presenter

        auto = w.Layout(width="auto")
        mode = w.ToggleButtons(options=[("Samen: iedereen volgt mij", presenter.TOGETHER),
                                        ("Ieder in eigen tempo", presenter.OWN_PACE)],
                               value=presenter.OWN_PACE, style={"button_width": "auto"})
        mode.add_class("ztmo-pace-mode")
        step = w.Dropdown(options=[], description="Onderdeel", layout=w.Layout(width="28rem"))
        step.add_class("ztmo-step-choice")
        nxt = w.Button(description="Volgende stap", layout=auto, button_style="primary")
        nxt.add_class("ztmo-next-step")
        reveal = w.Button(description="Resultaten tonen", layout=auto)
        reveal.add_class("ztmo-reveal")
        now = html_block("", "ztmo-current-step")
        busy = [False]
        # The projector's pages: a long list is split so the beamer never scrolls.
        from ..paging import page_label, page_of
        from ..preferences import load_scan
        from .slides_more import slides

        beamer = slides(self.guide, load_scan())
        back = w.Button(description="Vorige pagina", layout=auto)
        back.add_class("ztmo-page-back")
        forward = w.Button(description="Volgende pagina", layout=auto)
        forward.add_class("ztmo-page-next")
        paged = html_block("", "ztmo-page-state")
        turner = w.HBox([paged, back, forward], layout=w.Layout(align_items="center",
                                                               flex_flow="row wrap"))
        place = [1, 1, "start"]  # page, pages, step

        def refresh(snap):
            p = presenter.pace(snap.state)
            sheet = presenter.run_sheet(snap.state)
            options = [(f"{n}. {i.label}", i.step) for n, i in enumerate(sheet, start=1)]
            if p.step not in [v for _, v in options]:
                options.append((presenter.LABELS[p.step], p.step))
            busy[0] = True
            try:
                if list(step.options) != options:
                    step.options = options
                step.value = p.step
                mode.value = p.mode
            finally:
                busy[0] = False
            shown = snap.revealed(p.step)
            reveal.description = "Resultaten verbergen" if shown else "Resultaten tonen"
            together = "iedereen volgt jou" if p.mode == presenter.TOGETHER else \
                "ieder werkt in eigen tempo"
            now.value = (f"<p>Nu: <strong>{esc(presenter.LABELS[p.step])}</strong> ({together}). "
                         "Resultaten van de groep: "
                         + ("<strong>zichtbaar</strong>" if shown else "<strong>verborgen</strong>"
                            " (deelnemers en beamer zien ze nog niet)") + ".</p>")
            slide = beamer.get(p.step)
            pages = slide.pages(snap) if slide is not None else 1
            page = page_of(snap.state, p.step, pages)
            place[:] = [page, pages, p.step]
            turner.layout.display = "" if pages > 1 else "none"
            paged.value = f"<p>Beamer: {esc(page_label(page, pages))}</p>" if pages > 1 else ""
            back.disabled, forward.disabled = page <= 1, page >= pages

        def on_step(change):
            if not busy[0] and change["new"]:
                presenter.set_pace(self.store, code, key, step=change["new"])
                self.live.poll_once()

        def on_mode(change):
            if not busy[0] and change["new"]:
                presenter.set_pace(self.store, code, key, mode=change["new"])
                self.live.poll_once()

        def go_next(_):
            snap = self.store.snapshot(code)
            current = presenter.pace(snap.state).step
            target = presenter.next_step(presenter.run_sheet(snap.state), current)
            presenter.set_pace(self.store, code, key, step=target)
            self.live.poll_once()

        def toggle_reveal(_):
            snap = self.store.snapshot(code)
            current = presenter.pace(snap.state).step
            presenter.set_revealed(self.store, code, key, current, not snap.revealed(current))
            self.live.poll_once()

        def turn(by: int):
            def go(_):
                page, pages, current = place
                presenter.set_page(self.store, code, key, current,
                                   min(max(1, page + by), pages))
                self.live.poll_once()
            return go

        back.on_click(guarded(turn(-1), self._show_error, "vorige pagina"))
        forward.on_click(guarded(turn(1), self._show_error, "volgende pagina"))
        step.observe(guarded(on_step, self._show_error, "onderdeel kiezen"), "value")
        mode.observe(guarded(on_mode, self._show_error, "tempo"), "value")
        nxt.on_click(guarded(go_next, self._show_error, "volgende stap"))
        reveal.on_click(guarded(toggle_reveal, self._show_error, "resultaten tonen"))
        box = group_box("De groep leiden", now, mode, step, w.HBox([nxt, reveal]), turner,
                        html_block('<p class="ztmo-source">Bij "Samen" gaan alle telefoons mee '
                                   'naar het onderdeel dat je kiest. Meningen blijven verborgen '
                                   "tot je op \"Resultaten tonen\" klikt: zo antwoordt iedereen "
                                   "eerst zelf.</p>"))
        box.add_class("ztmo-lead")
        return box, refresh

    def _run_sheet(self, session, key: str):
        """Which steps this meeting uses, in order, with a suggested time; printable."""
        from .. import presenter
        from ..activities import STEPS

        code = session.code
        boxes = {k: w.Checkbox(description=f"{label} ({presenter.MINUTES[k]} min)", indent=False,
                               layout=w.Layout(width="auto")) for k, label in STEPS}
        for k, b in boxes.items():
            b.add_class(f"ztmo-sheet-{k}")
        total = html_block("", "ztmo-runsheet-total")
        download = html_block("", "ztmo-runsheet")
        busy = [False]

        def refresh(snap):
            sheet = presenter.run_sheet(snap.state)
            chosen = {i.step for i in sheet}
            busy[0] = True
            try:
                for k, b in boxes.items():
                    b.value = k in chosen
            finally:
                busy[0] = False
            total.value = (f"<p>{len(sheet)} onderdelen, samen ongeveer "
                           f"{presenter.total_minutes(sheet)} minuten (plus pauze).</p>")
            page = presenter.run_sheet_html(snap.name, sheet).encode("utf-8")
            href = "data:text/html;charset=utf-8;base64," + base64.b64encode(page).decode()
            download.value = (f'<p><a download="draaiboek-{esc(code)}.html" href="{href}">'
                              "Draaiboek opslaan om te printen</a></p>")

        def changed(_):
            if busy[0]:
                return
            presenter.set_run_sheet(self.store, code, key, [k for k, b in boxes.items() if b.value])
            self.live.poll_once()

        for b in boxes.values():
            b.observe(guarded(changed, self._show_error, "draaiboek"), "value")
        box = group_box("Draaiboek", html_block("<p>Kies de onderdelen van deze bijeenkomst. "
                                                "\"Volgende stap\" volgt deze volgorde.</p>"),
                        *boxes.values(), total, download)
        return box, refresh

    def _settings(self, code: str, key: str):
        """Technical settings, out of sight until needed: the address phones use."""
        from .projector import ADDRESS, default_base_url, join_url

        base = w.Text(value="", description="Adres", layout=w.Layout(width="100%",
                                                                     max_width="32rem"))
        base.add_class("ztmo-base-url")
        shown = html_block("", "ztmo-join-url")
        busy = [False]

        def refresh(snap):
            value = snap.state.get(ADDRESS) or default_base_url()
            busy[0] = True
            try:
                base.value = value
            finally:
                busy[0] = False
            shown.value = (f'<p class="ztmo-source">Deelnemers openen: '
                           f"{esc(join_url(value, code))}</p>")

        def changed(change):
            if busy[0]:
                return
            value = change["new"].strip().rstrip("/")
            if not re.fullmatch(r"https?://[A-Za-z0-9.:\-\[\]]+(/[A-Za-z0-9._~/-]*)?", value):
                shown.value = ('<p class="ztmo-missing">Dit adres klopt niet. Voorbeeld: '
                               "http://192.168.1.20:8866</p>")
                return
            self.store.check_trainer_key(code, key)
            self.store.update_state(code, ADDRESS, lambda old: value)
            self.live.poll_once()

        base.observe(guarded(changed, self._show_error, "adres"), "value")
        inner = w.VBox([
            html_block("<p>Het adres waarmee telefoons deze laptop bereiken. Staat hier "
                       "127.0.0.1? Dan kunnen telefoons niet meedoen: vraag iemand met "
                       "technische kennis om de server voor het netwerk open te zetten (zie de "
                       "handleiding).</p>"), base, shown])
        box = w.Accordion(children=[inner])
        box.set_title(0, "Technische instellingen")
        box.selected_index = None
        box.add_class("ztmo-settings")
        return box, refresh

    def _moderation(self, code: str, key: str):
        auto = w.Layout(width="auto")
        # A name for screen readers (axe: select-name); no visible label: the heading says it.
        choose = w.Select(options=[], rows=6, layout=w.Layout(width="100%"),
                          tooltip="Kies een antwoord om te verbergen of te verwijderen")
        choose.add_class("ztmo-moderation-list")
        hide = w.Button(description="Verbergen", layout=auto)
        hide.add_class("ztmo-hide")
        show = w.Button(description="Weer tonen", layout=auto)
        show.add_class("ztmo-show")
        sure = w.Checkbox(description="Ja, verwijder het gekozen antwoord voorgoed",
                          indent=False, layout=auto)
        sure.add_class("ztmo-delete-answer-sure")
        delete = w.Button(description="Voorgoed verwijderen", button_style="danger",
                          layout=auto)
        delete.add_class("ztmo-delete-answer")
        message = html_block("")
        refreshing = [False]

        def refresh(snap):
            free_text = free_text_keys()
            answers = [a for a in snap.answers if a.activity in free_text]
            options = [(answer_label(a), f"{a.participant}|{a.activity}") for a in answers]
            if options == list(choose.options):
                return
            # A new or changed answer reorders the list, and ipywidgets then jumps to the
            # first item: keep the trainer's choice, so a click acts on what they chose.
            chosen = choose.value
            refreshing[0] = True
            try:
                choose.options = options
                choose.value = chosen if chosen in {v for _, v in options} else None
            finally:
                refreshing[0] = False
            if choose.value != chosen:
                sure.value = False  # the confirmation was for an answer that is gone

        def chosen_changed(_):
            if not refreshing[0]:
                sure.value = False  # each confirmation is for one answer

        def selected() -> tuple[str, str] | None:
            if not choose.value:
                message.value = '<p class="ztmo-missing">Kies eerst een antwoord in de lijst.</p>'
                return None
            participant, activity = choose.value.split("|", 1)
            return participant, activity

        def set_hidden(hidden: bool):
            answer = selected()
            if answer is None:
                return
            self.store.hide_answer(code, key, *answer, hidden)
            message.value = "<p>Verborgen.</p>" if hidden else "<p>Weer zichtbaar.</p>"
            self.live.poll_once()

        def delete_(_):
            answer = selected()
            if answer is None:
                return
            if not sure.value:
                message.value = ('<p class="ztmo-missing">Vink eerst aan: "Ja, verwijder het '
                                 'gekozen antwoord voorgoed".</p>')
                return
            self.store.delete_answer(code, key, *answer)
            sure.value = False
            choose.value = None
            message.value = "<p>Het antwoord is voorgoed verwijderd.</p>"
            self.live.poll_once()

        choose.observe(chosen_changed, "value")
        hide.on_click(guarded(lambda _: set_hidden(True), self._show_error, "verbergen"))
        show.on_click(guarded(lambda _: set_hidden(False), self._show_error, "tonen"))
        delete.on_click(guarded(delete_, self._show_error, "antwoord verwijderen"))
        box = group_box("Antwoorden beheren",
                        html_block("<p>Staat er iets ongepasts of een naam tussen? Kies het "
                                   "antwoord en verberg het. Het verdwijnt dan uit alle "
                                   "groepsbeelden, maar blijft bewaard. Moet het echt weg? "
                                   "Verwijder het dan voorgoed.</p>"),
                        choose, w.HBox([hide, show]), w.VBox([sure, delete]), message)
        return box, refresh

    def _session_controls(self, code: str, key: str) -> w.Widget:
        auto = w.Layout(width="auto")
        export = w.Button(description="Antwoorden klaarzetten om te downloaden", layout=auto)
        export.add_class("ztmo-export")
        with_hidden = w.Checkbox(description="Ook verborgen antwoorden", value=False,
                                 indent=False, layout=auto)
        with_hidden.add_class("ztmo-export-hidden")
        xlsx_link = html_block("", "ztmo-export-xlsx")
        csv_link = html_block("", "ztmo-export-csv")
        close_sure = w.Checkbox(description="Ja, sluit de sessie", indent=False, layout=auto)
        close_sure.add_class("ztmo-close-sure")
        close = w.Button(description="Sessie sluiten", layout=auto)
        close.add_class("ztmo-close-session")
        delete_sure = w.Checkbox(description="Ja, wis de sessie en alle antwoorden",
                                 indent=False, layout=auto)
        delete_sure.add_class("ztmo-delete-sure")
        delete = w.Button(description="Sessie en antwoorden wissen", button_style="danger",
                          layout=auto)
        delete.add_class("ztmo-delete-session")
        message = html_block("")

        def link(data: bytes, mime: str, name: str, text: str) -> str:
            href = f"data:{mime};base64," + base64.b64encode(data).decode()
            return f'<p><a download="{esc(name)}" href="{href}">{esc(text)}</a></p>'

        def make_files(_=None):
            from ..export import to_csv, to_xlsx

            frame = self.store.export(code, include_hidden=with_hidden.value)
            n = len(frame)
            what = (f"{n} {'antwoord' if n == 1 else 'antwoorden'}"
                    + (", ook de verborgen" if with_hidden.value else ""))
            xlsx_link.value = link(to_xlsx(frame), "application/vnd.openxmlformats-"
                                   "officedocument.spreadsheetml.sheet", f"sessie-{code}.xlsx",
                                   f"Excel-bestand opslaan ({what})")
            csv_link.value = link(to_csv(frame), "text/csv;charset=utf-8",
                                  f"sessie-{code}.csv", f"CSV-bestand opslaan ({what})")

        def hidden_changed(_):
            if xlsx_link.value:  # links already there: make them fit the new choice
                make_files()

        def confirmed(box: w.Checkbox) -> bool:
            if not box.value:
                message.value = (f'<p class="ztmo-missing">Vink eerst aan: '
                                 f'"{esc(box.description)}".</p>')
            return box.value

        def close_(_):
            if confirmed(close_sure):
                self.store.close_session(code, key)
                close_sure.value = False
                message.value = "<p>De sessie is gesloten. De antwoorden blijven bewaard.</p>"
                self.live.poll_once()

        def delete_(_):
            if confirmed(delete_sure):
                self.store.delete_session(code, key)
                if self.live:
                    self.live.stop()
                self.body.children = (html_block(
                    "<h2>De sessie is gewist</h2><p>Alle antwoorden van deze sessie zijn "
                    "verwijderd.</p>"),)

        export.on_click(guarded(make_files, self._show_error, "export"))
        with_hidden.observe(guarded(hidden_changed, self._show_error, "export"), "value")
        close.on_click(guarded(close_, self._show_error, "sluiten"))
        delete.on_click(guarded(delete_, self._show_error, "wissen"))
        return group_box("Afronden",
                         html_block("<p>Download de antwoorden voor het verslag: als "
                                    "Excel-bestand of als CSV-bestand. Sluit de sessie aan het "
                                    "eind. Wissen haalt alles weg.</p>"),
                         with_hidden, export, xlsx_link, csv_link,
                         w.VBox([close_sure, close]), w.VBox([delete_sure, delete]), message)


    # --- learning network and report -------------------------------------------------
    def _network_section(self, session, key: str) -> w.Widget:
        """Leernetwerk: link this session to a (new or existing) network with the network's
        key, show the comparison on the projector, and make the meeting's report."""
        import threading

        from .. import report as report_module
        from ..regions import load_regions
        from .network import network_link, set_shown, shown_in_room

        code, auto = session.code, w.Layout(width="auto")
        state = html_block("", "ztmo-network-state")
        net_code = w.Text(description="Code", layout=w.Layout(max_width="20rem"))
        net_code.add_class("ztmo-link-network-code")
        net_key = w.Password(description="Sleutel", layout=w.Layout(max_width="20rem"))
        net_key.add_class("ztmo-link-network-key")
        template = w.Checkbox(description="Draaiboek van de vorige bijeenkomst overnemen",
                              value=False, indent=False, layout=auto)
        template.add_class("ztmo-link-network-template")
        link = w.Button(description="Koppelen aan dit leernetwerk", layout=auto)
        link.add_class("ztmo-link-network")
        name = w.Text(placeholder="Bijvoorbeeld: Leernetwerk Twente",
                      layout=w.Layout(width="100%", max_width="28rem"))
        name.add_class("ztmo-new-network-name")
        region = w.Dropdown(options=[("Geen jeugdregio", "")]
                            + [(r.name, r.code) for r in load_regions()], value="",
                            description="Regio")
        region.add_class("ztmo-new-network-region")
        new = w.Button(description="Nieuw leernetwerk maken en koppelen", layout=auto)
        new.add_class("ztmo-new-network")
        made = html_block("", "ztmo-new-network-made")
        show = w.Button(description="Vergelijking op de beamer tonen", layout=auto)
        show.add_class("ztmo-network-show")
        unlink = w.Button(description="Loskoppelen van het leernetwerk", layout=auto)
        unlink.add_class("ztmo-network-unlink")
        make = w.Button(description="Verslag maken", layout=auto, button_style="primary")
        make.add_class("ztmo-report")
        report_link = html_block("", "ztmo-report-link")
        linking = w.VBox([html_block("<p>Hoort deze bijeenkomst bij een leernetwerk dat vaker "
                                     "bij elkaar komt? Vul de code en de sleutel van het "
                                     "leernetwerk in.</p>"), net_code, net_key, template, link,
                          html_block("<p>Of begin een nieuw leernetwerk:</p>"), name, region,
                          new])
        linked = w.VBox([w.HBox([show, unlink])])

        def refresh(snap) -> None:
            net = self.store.network_of(code)
            linking.layout.display = "none" if net else None
            linked.layout.display = None if net else "none"
            if net is None:
                state.value = "<p>Deze sessie hoort nog niet bij een leernetwerk.</p>"
                return
            number = next((m.number for m in self.store.meetings(net.id) if m.code == code), "")
            shown = shown_in_room(snap.state)
            show.description = ("Vergelijking verbergen" if shown
                                else "Vergelijking op de beamer tonen")
            state.value = (f"<p>Deze sessie is bijeenkomst {number} van <strong>"
                           f"{esc(net.name)}</strong> (code {esc(net.id)}). "
                           f'<a class="ztmo-open-network" href="{esc(network_link(code))}" '
                           'target="_blank" rel="noopener">Vergelijking met de vorige keer '
                           "openen</a> (in een nieuw venster, voor de beamer). Die toont de "
                           "vergelijking pas als je op de knop hieronder drukt: nu "
                           + ("<strong>zichtbaar</strong>." if shown else "<strong>verborgen"
                              "</strong>.") + "</p>")

        def link_(_):
            self.store.link_session(code, key, net_code.value.strip(),
                                    net_key.value.strip() or self.owner or "",
                                    template=template.value)
            net_key.value = ""
            self.live.poll_once()

        def new_(_):
            net = self.store.create_network(name.value, region.value or None, owner=self.owner)
            self.store.link_session(code, key, net.id, net.trainer_key)
            made.value = (f'<p class="ztmo-notice">Het leernetwerk is gemaakt. Code: <strong>'
                          f"{esc(net.id)}</strong>. Sleutel van het leernetwerk: <strong>"
                          f"{esc(net.trainer_key)}</strong>. Schrijf de sleutel op: je ziet hem "
                          "maar één keer. Je hebt hem nodig voor de volgende bijeenkomst, de "
                          "export en het wissen.</p>")
            self.live.poll_once()

        def toggle(_):
            set_shown(self.store, code, key, not shown_in_room(self.store.state(code)))
            self.live.poll_once()

        def unlink_(_):
            self.store.unlink_session(code, key)
            self.live.poll_once()

        def render() -> None:
            try:
                done = report_module.render_apart(code)
                files = [(done.html, "text/html;charset=utf-8", "Verslag opslaan (HTML)")]
                if done.pdf:
                    files.append((done.pdf, "application/pdf", "Verslag opslaan (PDF)"))
                links = "".join(
                    f'<p><a download="{esc(path.name)}" href="data:{mime};base64,'
                    f'{base64.b64encode(path.read_bytes()).decode()}">{esc(text)}</a></p>'
                    for path, mime, text in files)
                notes = "".join(f'<p class="ztmo-source">{esc(n)}</p>' for n in done.notes)
                report_link.value = links + notes
            except ZtmoError as exc:
                report_link.value = error_box(exc).value
            except Exception:  # noqa: BLE001 - a thread: say it on the page, log the rest
                from .base import GENERIC_PROBLEM, log_exception

                log_exception("verslag maken")
                report_link.value = error_box(GENERIC_PROBLEM, "Er ging iets mis").value
            finally:
                make.disabled = False

        def make_(_):
            make.disabled = True
            report_link.value = ("<p>Het verslag wordt gemaakt. Dat duurt een paar seconden; je "
                                 "kunt intussen gewoon doorgaan.</p>")
            threading.Thread(target=render, name="ztmo-verslag", daemon=True).start()

        link.on_click(guarded(link_, self._show_error, "leernetwerk koppelen"))
        new.on_click(guarded(new_, self._show_error, "leernetwerk maken"))
        show.on_click(guarded(toggle, self._show_error, "vergelijking tonen"))
        unlink.on_click(guarded(unlink_, self._show_error, "loskoppelen"))
        make.on_click(guarded(make_, self._show_error, "verslag maken"))
        self.live.add(refresh)
        box = group_box("Leernetwerk en verslag", state, linking, linked, made,
                        html_block("<p>Het verslag zet de resultaten van deze bijeenkomst op een "
                                   "rij, zonder namen en zonder verborgen antwoorden, en "
                                   "vergelijkt ze met de vorige keer.</p>"),
                        make, report_link)
        box.add_class("ztmo-network-section")
        return box


def trainer_page(sessie: str = "", sleutel: str = "") -> w.Widget:
    """The trainer's screen; opens a session directly with ?sessie=CODE&sleutel=KEY."""
    return launch(lambda p: TrainerScreen(load_guide(), p), ("", sessie, "", sleutel), "trainer")
