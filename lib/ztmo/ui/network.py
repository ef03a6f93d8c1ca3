"""The network page (notebooks/netwerk.ipynb): a learning network's meetings side by side.

Three ways in:
- ``?sessie=CODE`` (the projector, or a trainer with ``&sleutel=KEY``): the meeting's
  network, this meeting compared with the earlier ones. Without the trainer's key it shows
  only once the trainer has put it on the projector (session state ``SHOWN``), like the
  other results; it refreshes by itself.
- ``?netwerk=CODE`` and the network's key typed in: every meeting, the comparison, the
  region's figures, and the network trainer's tools: a new meeting (from the last run sheet),
  the export of everything (xlsx), deleting a meeting or the whole network.
- nothing: open a network, or make a new one.

The views are the pure ones in `ztmo.network`; this module only wires widgets.
"""

from __future__ import annotations

import base64
from datetime import date
from urllib.parse import parse_qs, urlencode

import ipywidgets as w

from .. import network as netview
from ..content import Guide, load_guide
from ..errors import ZtmoError
from ..params import MAX_LEN, Params, in_preheated_kernel, query_string
from .account import signed_in
from .base import app_root, error_box, esc, guarded, html_block, launch
from .session import Live, shared_store

SHOWN = "netwerk"  # session state: "zichtbaar" when the trainer shows the comparison
VISIBLE = "zichtbaar"
ROOM_CSS = (".ztmo-network-room{font-size:clamp(18px,1.3vw,30px);max-width:none;}"
            ".ztmo-network-room .ztmo-distribution{width:100%;max-width:70rem;}")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def shown_in_room(state: dict[str, str]) -> bool:
    return state.get(SHOWN) == VISIBLE


def set_shown(store, code: str, trainer_key: str, shown: bool) -> None:
    """The trainer shows (or hides) the comparison on the projector and the network page."""
    store.check_trainer_key(code, trainer_key)
    store.update_state(code, SHOWN, lambda old: VISIBLE if shown else "verborgen")


def network_link(code: str) -> str:
    """The projector's address for a meeting's comparison (never with a key)."""
    return f"netwerk.ipynb?{urlencode({'sessie': code})}"


def _network_param(given: str) -> str:
    """``netwerk`` from Papermill, else from the page's address (params knows no such key)."""
    if given:
        return given.strip().upper()[:MAX_LEN]
    values = parse_qs(query_string().lstrip("?")).get("netwerk") or [""]
    return values[0].strip().upper()[:MAX_LEN]


class NetworkPage:
    def __init__(self, guide: Guide, params: Params, netwerk: str = ""):
        self.guide = guide
        self.netwerk = netwerk
        self.live: Live | None = None
        self.store = None
        self._region_cache: dict[str, str] = {}
        self.notices = w.VBox([])
        self.body = w.VBox([], layout=w.Layout(width="100%"))
        self.root = app_root([html_block(f"<style>{ROOM_CSS}</style>"), self.notices,
                              self.body], "ztmo-network")
        # In a preheated kernel the first build comes before the request: the address is
        # read only when the real parameters arrive (reading it now would wait for them).
        self.real = not in_preheated_kernel()
        self.set_params(params)
        self.real = True

    # --- which page ------------------------------------------------------------------------
    def set_params(self, params: Params) -> None:
        if self.live:
            self.live.stop()
            self.live = None
        self.params = params
        self.store = shared_store()
        self.notices.children = tuple(error_box(e) for e in params.errors)
        self.root.remove_class("ztmo-network-room")
        try:
            if params.sessie:
                self.body.children = self._meeting(params.sessie, params.sleutel)
                return
            network = _network_param(self.netwerk) if self.real else self.netwerk
            owner = signed_in() if self.real else None
            if network and (params.sleutel or owner):
                self.body.children = self._overview(network, params.sleutel or owner)
                return
            self.body.children = self._choose(network)
        except ZtmoError as exc:
            self.notices.children = (*self.notices.children, error_box(exc))
            self.body.children = self._choose("") if not params.sessie else ()

    def _show_error(self, box: w.Widget) -> None:
        self.notices.children = (box,)

    def _region(self, code: str) -> str:
        """The region's figures (read once per page: they do not change during a meeting)."""
        if code not in self._region_cache:
            from .. import figures as fig
            from ..regions import get_region

            figures = fig.load()
            markup, _ = netview.region_html(get_region(code), figures.frame, figures.notices)
            self._region_cache[code] = markup
        return self._region_cache[code]

    def _comparison(self, network, upto: str = "") -> str:
        snaps = self.store.network_snapshots(network.id)
        prog = netview.progress(self.guide, [(m.info, s) for m, s in snaps], upto=upto)
        current = upto or (prog.current.code if prog.current else "")
        parts = [f"<h2>{esc(network.name)}</h2>",
                 "<h3>De bijeenkomsten</h3>",
                 netview.meetings_html(prog.meetings, current),
                 "<h3>Hoe beoordeelde de groep de handvatten?</h3>",
                 netview.progress_html(prog, self.guide)]
        if network.region_code:
            parts.append(self._region(network.region_code))
        return "".join(parts)

    # --- a meeting's comparison (projector or trainer) --------------------------------------
    def _meeting(self, code: str, key: str) -> tuple[w.Widget, ...]:
        session = self.store.get_session(code)
        trainer = False
        if key:
            self.store.check_trainer_key(session.code, key)  # WrongTrainerKey: say so
            trainer = True
        network = self.store.network_of(session.code)
        if network is None:
            raise netview.NetworkError(
                "Deze sessie hoort niet bij een leernetwerk, dus er is niets om te vergelijken. "
                "De trainer kan de sessie op het trainersscherm koppelen aan een leernetwerk.")
        if not trainer:
            self.root.add_class("ztmo-network-room")
        page = html_block("", "ztmo-network-progress")
        last: list[object] = [None]

        def refresh(snap) -> None:
            if not trainer and not shown_in_room(snap.state):
                markup = (f"<h2>{esc(network.name)}</h2><p class=\"ztmo-hidden-results\">De "
                          "trainer laat de vergelijking met de vorige bijeenkomsten zo zien.</p>")
            else:
                markup = self._comparison(network, upto=session.code)
            if markup != last[0]:
                last[0] = markup
                page.value = markup

        self.live = Live(self.store, session.code, interval=2.0)
        self.live.add(refresh)
        self.live.start()
        return (page,)

    # --- the network trainer's overview -----------------------------------------------------
    def _overview(self, network_id: str, key: str) -> tuple[w.Widget, ...]:
        self.store.check_network_key(network_id, key)
        network = self.store.get_network(network_id)
        page = html_block(self._comparison(network), "ztmo-network-progress")
        message = html_block("", "ztmo-network-message")
        auto = w.Layout(width="auto")

        def redraw() -> None:
            page.value = self._comparison(network)
            meetings = self.store.meetings(network.id)
            which.options = [(f"{m.number}. {m.name} ({m.code})", m.code) for m in meetings]

        # a new meeting from the last run sheet
        name = w.Text(placeholder="Bijvoorbeeld: Twente, 6 oktober",
                      layout=w.Layout(width="100%", max_width="28rem"))
        name.add_class("ztmo-meeting-name")
        day = w.DatePicker(value=date.today(), description="Datum")
        day.add_class("ztmo-meeting-date")
        template = w.Checkbox(value=True, indent=False, layout=auto,
                              description="Draaiboek van de vorige bijeenkomst overnemen")
        start = w.Button(description="Bijeenkomst starten", layout=auto, button_style="primary")
        start.add_class("ztmo-meeting-start")

        def start_(_):
            s = self.store.start_meeting(network.id, key, name.value.strip() or network.name,
                                         day.value or None, template=template.value)
            query = ({"sessie": s.code} if not isinstance(key, str)
                     else {"sessie": s.code, "sleutel": s.trainer_key})
            link = f"trainer.ipynb?{urlencode(query)}"
            message.value = (f'<p class="ztmo-saved">Bijeenkomst gestart. Code voor de '
                             f"deelnemers: <strong>{esc(s.code)}</strong>. Sleutel voor de "
                             f"trainer: <strong>{esc(s.trainer_key)}</strong> (bewaar die goed). "
                             f'<a href="{esc(link)}" target="_blank" rel="noopener">'
                             "Trainersscherm openen</a></p>")
            redraw()

        # keep and delete
        export = w.Button(description="Alles downloaden (Excel)", layout=auto)
        export.add_class("ztmo-network-export")
        download = html_block("", "ztmo-network-xlsx")
        which = w.Dropdown(options=[], description="Bijeenkomst",
                           layout=w.Layout(width="100%", max_width="32rem"))
        which.add_class("ztmo-meeting-choice")
        sure_one = w.Checkbox(description="Ja, wis deze bijeenkomst met alle antwoorden",
                              indent=False, layout=auto)
        sure_one.add_class("ztmo-meeting-delete-sure")
        delete_one = w.Button(description="Bijeenkomst wissen", button_style="danger",
                              layout=auto)
        delete_one.add_class("ztmo-meeting-delete")
        sure_all = w.Checkbox(description="Ja, wis het hele leernetwerk met alle bijeenkomsten",
                              indent=False, layout=auto)
        sure_all.add_class("ztmo-network-delete-sure")
        delete_all = w.Button(description="Leernetwerk wissen", button_style="danger",
                              layout=auto)
        delete_all.add_class("ztmo-network-delete")

        def export_(_):
            from ..export import to_xlsx

            frame = self.store.export_network(network.id, key)
            data = base64.b64encode(to_xlsx(frame)).decode()
            n = len(frame)
            download.value = (f'<p><a download="leernetwerk-{esc(network.id)}.xlsx" '
                              f'href="data:{XLSX};base64,{data}">Excel-bestand opslaan ({n} '
                              f"{'antwoord' if n == 1 else 'antwoorden'})</a></p>")

        def delete_one_(_):
            if not sure_one.value or not which.value:
                message.value = ('<p class="ztmo-missing">Kies een bijeenkomst en vink eerst '
                                 f'aan: "{esc(sure_one.description)}".</p>')
                return
            self.store.delete_meeting(network.id, key, which.value)
            sure_one.value = False
            message.value = "<p>De bijeenkomst is gewist, met alle antwoorden.</p>"
            redraw()

        def delete_all_(_):
            if not sure_all.value:
                message.value = (f'<p class="ztmo-missing">Vink eerst aan: '
                                 f'"{esc(sure_all.description)}".</p>')
                return
            n = self.store.delete_network(network.id, key)
            self.body.children = (html_block(
                f"<h2>Het leernetwerk is gewist</h2><p>{esc(network.name)} is verwijderd, met "
                f"{n} {'bijeenkomst' if n == 1 else 'bijeenkomsten'} en alle antwoorden.</p>"),)

        start.on_click(guarded(start_, self._show_error, "bijeenkomst starten"))
        export.on_click(guarded(export_, self._show_error, "netwerk exporteren"))
        delete_one.on_click(guarded(delete_one_, self._show_error, "bijeenkomst wissen"))
        delete_all.on_click(guarded(delete_all_, self._show_error, "netwerk wissen"))
        redraw()
        region = f" (jeugdregio {esc(network.region_code)})" if network.region_code else ""
        tools = w.VBox([
            html_block(f"<h3>Een nieuwe bijeenkomst</h3><p>Code van dit leernetwerk: "
                       f"<strong>{esc(network.id)}</strong>{region}. Een nieuwe bijeenkomst "
                       "krijgt een eigen code en een eigen sleutel voor de trainer.</p>"),
            name, day, template, start,
            html_block("<h3>Bewaren en verwijderen</h3><p>Download alles van dit netwerk voor "
                       "je eigen archief. Bewaar het niet langer dan nodig (zie de handleiding). "
                       "Wissen kan niet ongedaan worden gemaakt.</p>"),
            export, download, which, w.VBox([sure_one, delete_one]),
            w.VBox([sure_all, delete_all]), message])
        tools.add_class("ztmo-group")
        return (page, tools)

    # --- open or make a network -------------------------------------------------------------
    def _choose(self, network_id: str) -> tuple[w.Widget, ...]:
        from ..regions import load_regions

        auto = w.Layout(width="auto")
        code = w.Text(value=network_id, description="Code", layout=w.Layout(max_width="20rem"))
        code.add_class("ztmo-network-code")
        key = w.Password(description="Sleutel", layout=w.Layout(max_width="20rem"))
        key.add_class("ztmo-network-key")
        open_ = w.Button(description="Leernetwerk openen", layout=auto)
        open_.add_class("ztmo-network-open")
        name = w.Text(placeholder="Bijvoorbeeld: Leernetwerk Twente",
                      layout=w.Layout(width="100%", max_width="28rem"))
        name.add_class("ztmo-network-name")
        region = w.Dropdown(options=[("Geen jeugdregio", "")]
                            + [(r.name, r.code) for r in load_regions()],
                            description="Regio", value="")
        region.add_class("ztmo-network-region")
        new = w.Button(description="Nieuw leernetwerk maken", layout=auto)
        new.add_class("ztmo-network-new")
        made = html_block("", "ztmo-network-made")

        def open_network(_):
            self.notices.children = ()
            self.body.children = self._overview(code.value.strip().upper(), key.value.strip())

        def make(_):
            net = self.store.create_network(name.value, region.value or None,
                                            owner=signed_in())
            self.notices.children = ()
            overview = self._overview(net.id, net.trainer_key)
            made.value = (f'<p class="ztmo-notice">Het leernetwerk is gemaakt. Code: '
                          f"<strong>{esc(net.id)}</strong>. Sleutel: <strong>"
                          f"{esc(net.trainer_key)}</strong>. Schrijf de sleutel op: je ziet hem "
                          "maar één keer, en zonder sleutel kun je het netwerk niet openen.</p>")
            self.body.children = (made, *overview)

        open_.on_click(guarded(open_network, self._show_error, "netwerk openen"))
        new.on_click(guarded(make, self._show_error, "netwerk maken"))
        return (
            html_block("<h2>Een leernetwerk openen</h2><p>Vul de code en de sleutel van het "
                       "leernetwerk in.</p>"), code, key, open_,
            html_block("<h2>Een nieuw leernetwerk</h2><p>Een leernetwerk komt een paar keer "
                       "per jaar bij elkaar. Geef het een naam en, als het bij één jeugdregio "
                       "hoort, de regio: dan staan de cijfers van die regio ernaast.</p>"),
            name, region, new,
        )


def network_page(netwerk: str = "", sessie: str = "", sleutel: str = "") -> w.Widget:
    """The network page; see the module docstring for its three ways in."""
    return launch(lambda p: NetworkPage(load_guide(), p, netwerk), ("", sessie, "", sleutel),
                  "leernetwerk")
