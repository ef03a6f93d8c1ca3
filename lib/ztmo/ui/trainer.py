"""The trainer's screen: start or reopen a session, show the code and a QR code,
watch the answers come in, hide an inappropriate one, close, export or delete.

The trainer key protects everything that changes a session; it is never put in
a participant's link.
"""

from __future__ import annotations

import base64
import os
from dataclasses import replace
from urllib.parse import urlencode

import ipywidgets as w

from ..activities import free_text_keys
from ..content import Guide, load_guide
from ..errors import ZtmoError
from ..params import Params
from .base import app_root, error_box, esc, guarded, html_block, launch
from .group import GroupRatings, Wall, WordList, group_box
from .pillar import discussion_activity, reflection_activity
from .session import Live, shared_store
from .start import WHAT_IS_HOME

JOIN_PATH = "voila/render/notebooks/index.ipynb"
TRAINER_PATH = "voila/render/notebooks/trainer.ipynb"


def default_base_url(env: dict[str, str] | None = None) -> str:
    """Where participants reach this server: $ZTMO_BASE_URL, else the address the
    trainer's own browser used (Voila tells the kernel), else this machine."""
    env = os.environ if env is None else env
    if env.get("ZTMO_BASE_URL"):
        return env["ZTMO_BASE_URL"].rstrip("/")
    host, port = env.get("SERVER_NAME", ""), env.get("SERVER_PORT", "")
    if host:
        return f"http://{host}:{port}" if port else f"http://{host}"
    return "http://127.0.0.1:8866"


def join_url(base: str, code: str) -> str:
    return f"{base.rstrip('/')}/{JOIN_PATH}?{urlencode({'sessie': code})}"


def qr_svg(text: str) -> str:
    """A QR code as inline SVG (pure Python, no image service)."""
    import segno

    return segno.make(text, error="m").svg_inline(scale=6, dark="#1f2a33", light="#ffffff")


def answer_label(answer) -> str:
    """One line per answer for the moderation list (plain text: Select shows no HTML),
    with the activity's readable name instead of its stored key."""
    from .. import activities

    text = " ".join(answer.value.split())
    short = text if len(text) <= 70 else text[:67] + "..."
    hidden = "[verborgen] " if answer.hidden else ""
    return f"{hidden}{activities.label(answer.activity)}: {short}"


class TrainerScreen:
    def __init__(self, guide: Guide, params: Params):
        self.guide = guide
        self.store = None
        self.live: Live | None = None
        self.notices = w.VBox([])
        self.body = w.VBox([])
        self.root = app_root([self.notices, self.body], "ztmo-trainer")
        self.set_params(params)

    # --- choosing a session ----------------------------------------------------
    def set_params(self, params: Params) -> None:
        if self.live:
            self.live.stop()
            self.live = None
        self.params = params
        problems: list[ZtmoError] = list(params.errors)
        self.store = shared_store()
        if params.sessie and params.sleutel:
            try:
                session = self.store.get_session(params.sessie)
                self.store.check_trainer_key(session.code, params.sleutel)
            except ZtmoError as exc:
                problems.append(exc)
            else:
                self.notices.children = tuple(error_box(e) for e in problems)
                self.body.children = self._dashboard(session, params.sleutel)
                return
        self.notices.children = tuple(error_box(e) for e in problems)
        self.body.children = self._choose(params)

    def _show_error(self, box: w.Widget) -> None:
        self.notices.children = (box,)

    def _choose(self, params: Params) -> tuple[w.Widget, ...]:
        name = w.Text(placeholder="Bijvoorbeeld: Leernetwerk Twente, 12 mei",
                      layout=w.Layout(width="100%", max_width="28rem"))
        name.add_class("ztmo-session-name")
        new = w.Button(description="Nieuwe sessie starten")
        new.add_class("ztmo-session-new")
        code = w.Text(value=params.sessie, description="Code",
                      layout=w.Layout(width="100%", max_width="20rem"))
        key = w.Password(description="Sleutel", layout=w.Layout(width="100%", max_width="20rem"))
        key.add_class("ztmo-session-key")
        reopen = w.Button(description="Sessie openen")

        def create(_):
            session = self.store.create_session(name.value.strip() or "Sessie zonder naam")
            self.set_params(replace(self.params, sessie=session.code, sleutel=session.trainer_key,
                                    errors=()))

        def open_(_):
            self.set_params(replace(self.params, sessie=code.value.strip().upper(),
                                    sleutel=key.value.strip().upper(), errors=()))

        new.on_click(guarded(create, self._show_error, "sessie maken"))
        reopen.on_click(guarded(open_, self._show_error, "sessie openen"))
        return (
            html_block("<h2>Een groepssessie starten</h2><p>Geef de sessie een naam die de groep "
                       "herkent. Je krijgt een code voor de deelnemers en een sleutel voor jou.</p>"),
            name, new,
            html_block("<h2>Een sessie weer openen</h2><p>Vul de code en je sleutel in.</p>"),
            code, key, reopen,
        )

    # --- the dashboard ---------------------------------------------------------
    def _dashboard(self, session, key: str) -> tuple[w.Widget, ...]:
        code = session.code
        store = self.store
        base = w.Text(value=default_base_url(), description="Adres",
                      layout=w.Layout(width="100%", max_width="32rem"))
        base.add_class("ztmo-base-url")
        invite = html_block("", "ztmo-invite")

        def draw_invite(_=None):
            url = join_url(base.value, code)
            invite.value = (
                f'<div class="ztmo-card ztmo-join-card"><p>Ga naar</p>'
                f'<p class="ztmo-join-url">{esc(url)}</p><p>of scan de code. Sessiecode:</p>'
                f'<p class="ztmo-session-code">{esc(code)}</p>'
                f'<div class="ztmo-qr" role="img" aria-label="QR-code naar {esc(url)}">'
                f"{qr_svg(url)}</div></div>"
            )

        base.observe(guarded(draw_invite, self._show_error, "qr"), "value")
        draw_invite()
        trainer_link = f"{TRAINER_PATH}?{urlencode({'sessie': code, 'sleutel': key})}"
        count = html_block("", "ztmo-participant-count")
        status = html_block("", "ztmo-session-status")

        def refresh_count(snap):
            n = snap.count
            count.value = f"<p><strong>{n}</strong> {'deelnemer' if n == 1 else 'deelnemers'}</p>"
            status.value = ('<p class="ztmo-notice">Deze sessie is gesloten: niemand kan nog '
                            "meedoen of antwoorden.</p>" if snap.closed else "")

        words = WordList(WHAT_IS_HOME, gated=False)  # the trainer sees everything
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
        moderation, refresh_moderation = self._moderation(code, key)
        views.append(refresh_moderation)
        self.live = Live(store, code)
        for view in views:
            self.live.add(view)
        self.live.start()
        return (
            html_block(f"<h2>{esc(session.name)}</h2>"
                       f'<p class="ztmo-source">Bewaar deze link om de sessie later weer te openen '
                       f'(deel hem niet, de sleutel staat erin): <code>{esc(trainer_link)}</code>'
                       f"</p>", "ztmo-trainer-head"),
            count, status, invite,
            html_block('<p class="ztmo-source">Deelnemers met hun telefoon op hetzelfde '
                       "wifi-netwerk? Zet hierboven het adres van deze laptop in het netwerk "
                       "(start de server met ZTMO_HOST=0.0.0.0).</p>"), base,
            group_box("Wat is thuis? – de groep", words.widget),
            group_box("De pijlers", tabs),
            group_box("Leervoorkeuren: het profiel van de groep", profile.widget),
            group_box("Duo's voor het gesprek over leervoorkeuren", duos.widget,
                      w.HBox([freeze, loosen])),
            moderation,
            self._session_controls(code, key),
        )

    def _moderation(self, code: str, key: str):
        auto = w.Layout(width="auto")
        choose = w.Select(options=[], rows=6, layout=w.Layout(width="100%"))
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


def trainer_page(sessie: str = "", sleutel: str = "") -> w.Widget:
    """The trainer's screen; opens a session directly with ?sessie=CODE&sleutel=KEY."""
    return launch(lambda p: TrainerScreen(load_guide(), p), ("", sessie, "", sleutel), "trainer")
