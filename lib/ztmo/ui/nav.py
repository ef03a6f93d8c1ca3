"""The apps of the environment and the links between them.

Links are relative to the notebook that shows them, so they work the same on
a laptop, on Binder (/user/.../voila/render/...) and behind a proxy, and they
carry the parameters (regio, sessie, deelnemer) along.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ..params import Params, in_edition
from .base import esc


@dataclass(frozen=True)
class App:
    path: str  # relative to notebooks/
    titel: str
    uitleg: str
    beschikbaar: bool = True


START = App("index.ipynb", "Start", "Terug naar de startpagina")
PILLAR_PATHS = {
    1: "pillars/1_het_allerliefst_thuis.ipynb",
    2: "pillars/2_dichtbij_thuis.ipynb",
    3: "pillars/3_weer_thuis.ipynb",
}
LEARNING = (
    App("learning_styles/1_leervoorkeuren_scan.ipynb", "Hoe leer jij het liefst?",
        "Een korte scan met situaties uit je werk: ontdek je leervoorkeur."),
    App("learning_styles/2_duo_gesprek.ipynb", "Duogesprek",
        "Praat met iemand die je nog niet kent over hoe jullie leren."),
    App("learning_styles/3_groepsprofiel.ipynb", "Het leerprofiel van de groep",
        "Welke mix van voorkeuren heeft de groep, en wat betekent dat?"),
)
GROUPWORK = (
    App("werkvormen/1_ideeenmuur.ipynb", "Ideeënmuur",
        "Deel korte ideeën en kies met stippen welke de groep het belangrijkst vindt."),
    App("werkvormen/2_tijdlijn.ipynb", "Tijdlijn van een gezin",
        "Waar keerde het in het verhaal van een verzonnen gezin, en wat had geholpen?"),
    App("werkvormen/3_goede_voorbeelden.ipynb", "Goede voorbeelden",
        "Praktijken uit het land bij elk handvat: welke wil de groep bezoeken?"),
    App("werkvormen/4_tien_beloften.ipynb", "Tien beloften aan het kind",
        "Welke beloften houdt jullie regio het minst? Kijk vanuit je eigen rol."),
    App("werkvormen/5_vier_vlaggen.ipynb", "Vier vlaggen",
        "Sluit af met moeten, kunnen, willen en durven."),
)
REGION = App("regio.ipynb", "Cijfers van je regio",
             "Welke cijfers er zijn voor jouw regio en voor heel Nederland, met bronnen.")
COMING: tuple[App, ...] = ()
TRAINER = App("trainer.ipynb", "Voor de trainer",
              "Start een groepssessie, laat de code zien en volg de antwoorden live.")


JOURNEY = START.path  # in a session, the participant's whole journey runs in this one app
STEP_PATHS = {
    "start": START.path,
    "pijler1": PILLAR_PATHS[1], "pijler2": PILLAR_PATHS[2], "pijler3": PILLAR_PATHS[3],
    "scan": LEARNING[0].path, "duo": LEARNING[1].path, "groep": LEARNING[2].path,
    "regio": REGION.path,
    "muur": GROUPWORK[0].path, "tijdlijn": GROUPWORK[1].path, "praktijk": GROUPWORK[2].path,
    "beloften": GROUPWORK[3].path, "vlaggen": GROUPWORK[4].path,
}


@dataclass(frozen=True)
class Nav:
    """How a page links to another activity.

    On its own (a direct link, Lab, an edition) a link goes to the other notebook. Inside
    the journey it stays in this app: the link carries ``data-ztmo-stap`` so our page
    script swaps the view in the same kernel, and its address (``index.ipynb?...&stap=``)
    still works when opened in a new tab or without the script.
    """

    here: str
    params: Params
    journey: bool = False

    def url(self, step: str) -> str:
        if self.journey and not in_edition():
            base = posixpath.dirname(self.here) or "."
            rel = posixpath.relpath(JOURNEY, base)
            return esc(rel + self.params.link_query("" if step == "start" else step))
        return href(self.here, STEP_PATHS[step], self.params)

    def attrs(self, step: str) -> str:
        stap = f' data-ztmo-stap="{esc(step)}"' if self.journey and not in_edition() else ""
        return f'href="{self.url(step)}"{stap}'

    def link(self, step: str, text: str) -> str:
        return f"<a {self.attrs(step)}>{esc(text)}</a>"

    def links(self, *pairs: tuple[str, str]) -> str:
        return "<p>" + " · ".join(self.link(step, text) for step, text in pairs) + "</p>"

    def card(self, step: str, app: App, kicker: str = "") -> str:
        kick = f'<span class="ztmo-kicker">{esc(kicker)}</span>' if kicker else ""
        return (f'<a class="ztmo-nav-card" {self.attrs(step)}>{kick}'
                f"<strong>{esc(app.titel)}</strong>{esc(app.uitleg)}</a>")


def href(from_path: str, to_path: str, params: Params) -> str:
    """A relative link from one notebook to another, with the parameters attached.

    In a static edition the link goes to the other page's HTML file instead (the region
    is baked into the edition, so no query string).
    """
    if in_edition():
        from ..editions.layout import page_link

        return esc(page_link(from_path, to_path))
    base = posixpath.dirname(from_path) or "."
    rel = posixpath.relpath(to_path, base)
    return esc(rel + params.link_query())


def card(app: App, from_path: str, params: Params, kicker: str = "") -> str:
    """A navigation card as HTML; unavailable modules are shown greyed out, not linked."""
    kick = f'<span class="ztmo-kicker">{esc(kicker)}</span>' if kicker else ""
    if not app.beschikbaar:
        return (
            f'<div class="ztmo-nav-card ztmo-disabled" aria-disabled="true">{kick}'
            f"<strong>{esc(app.titel)}</strong>{esc(app.uitleg)} "
            f'<span class="ztmo-badge">komt binnenkort</span></div>'
        )
    return (
        f'<a class="ztmo-nav-card" href="{href(from_path, app.path, params)}">{kick}'
        f"<strong>{esc(app.titel)}</strong>{esc(app.uitleg)}</a>"
    )
