"""More projector slides (see `ui.slides`): the group activities, the learning
preferences, the duos and the region's figures."""

from __future__ import annotations

import threading
import time

from ..markup import esc
from ..paging import lines, paginate
from .slides import (
    FULL,
    HALF,
    HEAD,
    ITEM,
    MIN_GROUP,
    QUARTER,
    STAGE,
    Slide,
    _list_pages,
    small_group,
    t,
)


class FlagsSlide(Slide):
    """The four flags side by side, each its own column of flags, in pages; what the
    network wanted to dare last time along the bottom."""

    step = "vlaggen"
    REFRESH_PREVIOUS = 60.0

    def __init__(self):
        super().__init__()
        from .groupwork import FlagsBoard

        self.board = FlagsBoard(gated=False)
        self._lock = threading.Lock()

    def count(self, snap) -> int:
        from ..activities import flag_key

        return sum(len(snap.values(flag_key(f.id))) for f in self.board.work.vlaggen.lijst)

    def plan(self, snap):
        from ..activities import flag_key
        from .groupwork import FLAG_COLOURS, OTHER_FLAG

        work = self.board.work
        before = self.board.previous(snap.code)
        budget = STAGE - HEAD - 0.5 - (3.5 if before else 0)
        cols = []
        for f in work.vlaggen.lijst:
            texts = list(snap.values(flag_key(f.id)))
            plan = paginate([0.9 * lines(x, QUARTER) + 1.4 for x in texts], budget)
            cols.append((f, texts, plan))
        pages = max(len(plan) for _, _, plan in cols)
        key = (tuple((f.id, tuple(texts)) for f, texts, _ in cols), before)

        def column(f, texts, plan, page: int) -> str:
            stripe, tint = FLAG_COLOURS.get(f.kleur.lower(), OTHER_FLAG)
            shown = plan[page - 1] if page <= len(plan) else []
            flags = "".join(f'<li class="ztmo-flag" style="border-top-color:{stripe};'
                            f'background:{tint}">{esc(texts[i])}</li>' for i in shown)
            body = (f'<ul class="ztmo-slide-flags">{flags}</ul>' if texts
                    else f'<p class="ztmo-missing">{esc(t("vlaggen.geen"))}</p>')
            return (f'<div class="ztmo-slide-flag-col"><h3>{esc(f.titel)} '
                    f'<span class="ztmo-badge">{len(texts)}</span></h3>{body}</div>')

        def draw(page: int) -> str:
            out = ('<div class="ztmo-slide-cols ztmo-cols-4">'
                   + "".join(column(f, texts, plan, page) for f, texts, plan in cols) + "</div>")
            if before:
                shown = before[:4]
                more = f" (+{len(before) - len(shown)})" if len(before) > len(shown) else ""
                out += (f'<p class="ztmo-slide-previous"><strong>{esc(t("vlaggen.vorige_keer"))}'
                        "</strong> " + " · ".join(f"“{esc(x)}”" for x in shown) + more + "</p>")
            return out

        return key, pages, draw


class TimelineSlide(Slide):
    """Lisa's story: per moment how many see a turning point (a strip), and the handvatten
    chosen most there, in pages."""

    step = "tijdlijn"

    def __init__(self):
        super().__init__()
        from .groupwork import TimelineBoard

        self.board = TimelineBoard(gated=False, large=True)

    def count(self, snap) -> int:
        from ..activities import moment_key

        keys = {moment_key(m.id) for m in self.board.work.tijdlijn.momenten}
        return len({a.participant for a in snap.answers if a.activity in keys and not a.hidden})

    def plan(self, snap):
        from .groupwork import _people, heat_cell, heat_strip

        tl = self.board.work.tijdlijn
        rows = self.board.counts(snap)
        most = max((n for n, _, _ in rows), default=0)
        cells, items, weights = [], [], []
        for k, (m, (n, unknown, top)) in enumerate(zip(tl.momenten, rows), start=1):
            cells.append(heat_cell(k, n, most, f"Moment {k}, {m.wanneer}: {n} keer een "
                                   "keerpunt"))
            if n:
                named = ", ".join(f"{esc(self.board.labels[g])} ({c})" for g, c in top)
                line = (f"<strong>{k}. {esc(m.wanneer)}</strong> – {_people(n)}"
                        + (f"; vaakst gekozen: {named}" if named else "")
                        + (f"; {unknown}× zonder handvat" if unknown else ""))
                items.append(f"<li>{line}</li>")
                weights.append(lines(f"{k}. {m.wanneer} – {n} mensen; vaakst gekozen: "
                                     + ", ".join(f"{self.board.labels[g]} ({c})"
                                                 for g, c in top), HALF - 3) + ITEM)
        pages, draw_list = _list_pages(items, weights, STAGE - HEAD - 3.4, 2,
                                       "ztmo-slide-moments")
        strip = heat_strip(cells)

        def draw(page: int) -> str:
            return (f"<h3>Keerpunten: {esc(tl.titel)}</h3>{strip}"
                    + (draw_list(page) if items else
                       '<p class="ztmo-missing">Nog niemand heeft een keerpunt gekozen.</p>'))

        return rows, pages, draw


class PracticeSlide(Slide):
    """The good practices the group chose: the first ones told, the others named."""

    step = "praktijk"

    def __init__(self):
        super().__init__()
        from .groupwork import PracticeBoard

        self.board = PracticeBoard(gated=False, large=True)

    def count(self, snap) -> int:
        from ..activities import PRACTICE_CHOICE

        return len(snap.values(PRACTICE_CHOICE))

    def plan(self, snap):
        from .groupwork import _votes

        rows = self.board.ranking(snap)
        cards = self.board.cards
        total = sum(n for _, _, n in rows)
        items, weights = [], []
        for place, pid, n in rows:
            card = cards[pid]
            region = card.regio if card.regio_bekend else "regio niet genoemd"
            told = f'<p>{esc(card.wat)}</p>' if place == 1 else ""
            items.append(f'<li class="ztmo-slide-practice"><strong>{place}. {esc(card.naam)}'
                         f"</strong> ({esc(region)}) – {_votes(n)}{told}</li>")
            weights.append(lines(f"{place}. {card.naam} ({region}) – {n} stemmen", FULL)
                           + (lines(card.wat, FULL) if place == 1 else 0) + 0.6)
        plan = paginate(weights, STAGE - 1.5)

        def draw(page: int) -> str:
            if not rows:
                return '<p class="ztmo-missing">Nog niemand heeft een voorbeeld gekozen.</p>'
            return (f"<p>{total} keuzes. De groep wil het liefst leren van:</p>"
                    f'<ol class="ztmo-slide-practices">'
                    + "".join(items[i] for i in plan[page - 1]) + "</ol>")

        return rows, len(plan), draw


class PromisesSlide(Slide):
    """The ten promises, the ones the region keeps least on top: the dots in all and per
    role; a role with fewer than 5 people is counted under "anderen"."""

    step = "beloften"

    def __init__(self):
        super().__init__()
        from .groupwork import PromisesBoard

        self.board = PromisesBoard(gated=False, large=True)

    def count(self, snap) -> int:
        from ..activities import DOTS

        return len(snap.by_participant(DOTS))

    def plan(self, snap):
        from .groupwork import merged_roles

        columns, rows, voters = merged_roles(*self.board.table(snap), snap, self.board)
        names = {r.id: r.label for r in self.board.work.beloften.rollen}
        names["anderen"] = t("beloften.anderen")
        promises = self.board.promises
        width = FULL - 12 * (1 + len(columns))  # the number columns
        weights = [lines(f"{promises[p].nummer}. {promises[p].kind}", width) + 0.35
                   for p, _, _ in rows]
        plan = paginate(weights, STAGE - 1.6)

        def draw(page: int) -> str:
            if not voters:
                return f'<p class="ztmo-missing">{esc(t("geen_antwoorden"))}</p>'
            head = "".join(f'<th class="ztmo-num" scope="col">{esc(names.get(c, c))}</th>'
                           for c in columns)
            body = "".join(
                f'<tr><th scope="row">{promises[p].nummer}. “{esc(promises[p].kind)}”</th>'
                f'<td class="ztmo-num"><strong>{total}</strong></td>'
                + "".join(f'<td class="ztmo-num">{n or ""}</td>' for n in counts) + "</tr>"
                for p, total, counts in (rows[i] for i in plan[page - 1]))
            return (f'<table class="ztmo-slide-table"><thead><tr><th scope="col">'
                    f'{esc(t("beloften.belofte"))}</th><th class="ztmo-num" scope="col">'
                    f'{esc(t("beloften.stippen"))}</th>{head}</tr></thead>'
                    f"<tbody>{body}</tbody></table>")

        return (columns, rows, voters), len(plan), draw


class ProfileSlide(Slide):
    """The group's learning preferences (from 5 people on), and what that means for its
    meetings, in pages."""

    def __init__(self, step: str, scan):
        self.step = step
        super().__init__()
        self.scan = scan

    def count(self, snap) -> int:
        from .learning import FIRST

        return len(snap.values(FIRST))

    def plan(self, snap):
        from .. import scan as scan_core
        from .learning import FIRST, SECOND, _chart

        first = scan_core.distribution(snap.values(FIRST))
        second = scan_core.distribution(snap.values(SECOND))
        n = sum(first.values())
        advice, weights = [], []
        for pref, reason in scan_core.underserved(first, self.scan):
            why = ("Niemand in de groep heeft dit als eerste voorkeur." if reason == "afwezig"
                   else "Een gewone bijeenkomst met presentaties en gesprek past hier slecht bij.")
            body = f"{why} {pref.nodig}"
            advice.append(f"<li><strong>{esc(pref.naam)}</strong>: {esc(body)}</li>")
            weights.append(lines(f"{pref.naam}: {body}", HALF - 8) + ITEM)
        plan = paginate(weights, STAGE - 2 * HEAD)
        order = list(scan_core.PREFERENCES)

        def draw(page: int) -> str:
            if n < MIN_GROUP:
                return small_group(n)
            chart = _chart("preference_distribution", first=first, second=second, order=order)
            tips = ("".join(advice[i] for i in plan[page - 1]) if advice
                    else "<li>Alle voorkeuren komen aan bod.</li>")
            return (f'<div class="ztmo-slide-split"><div><p>{n} deelnemers hebben de scan '
                    f'afgerond.</p><div class="ztmo-chart">{chart}</div></div><div>'
                    "<h3>Wat betekent deze mix voor jullie bijeenkomsten?</h3>"
                    f'<ul class="ztmo-slide-notes">{tips}</ul></div></div>')

        return (tuple(first.items()), tuple(second.items())), len(plan), draw


class DuoSlide(Slide):
    """How many duos there are (always), and after the reveal what the duos found."""

    step = "duo"

    def count(self, snap) -> int:
        from ..activities import DUO_INSIGHT

        return len(snap.values(DUO_INSIGHT))

    def refresh(self, snap) -> None:
        if self.gated and not snap.revealed(self.step):
            n = self._duos(snap)
            self.show(("verborgen", n, self.count(snap)), lambda: (
                f"<p>{esc(t('duo.gevormd', n=n)) if n else esc(t('duo.geen'))}</p>"
                f'<p class="ztmo-hidden-results">'
                f"{esc(t('verborgen', n=self.count(snap)))}</p>"))
            return
        super().refresh(snap)

    @staticmethod
    def _duos(snap) -> int:
        from .learning import duo_groups

        try:
            groups, _ = duo_groups(snap)
        except Exception:  # noqa: BLE001 - the count is a nicety
            return 0
        return len(groups)

    def plan(self, snap):
        from ..activities import DUO_INSIGHT

        texts = list(reversed(snap.values(DUO_INSIGHT)))
        n = self._duos(snap)
        items = [f'<li class="ztmo-slide-note">{esc(x)}</li>' for x in texts]
        pages, draw_list = _list_pages(items, [lines(x, HALF - 3) + ITEM for x in texts],
                                       STAGE - 2 - HEAD, 2, "ztmo-slide-notes")

        def draw(page: int) -> str:
            head = f"<p>{esc(t('duo.gevormd', n=n)) if n else esc(t('duo.geen'))}</p>"
            body = draw_list(page) if texts else (
                f'<p class="ztmo-missing">{esc(t("duo.geen_inzichten"))}</p>')
            return f"{head}<h3>{esc(t('duo.inzichten'))}</h3>{body}"

        return (n, tuple(texts)), pages, draw


class RegionSlide(Slide):
    """Figures to talk about: the trend for the network's region (or the Netherlands),
    drawn by the server's shared renderer, with the questions that link it to the pillars.
    Not an opinion: shown at once."""

    step = "regio"

    def __init__(self):
        super().__init__()
        self.gated = False
        self._region: tuple[str, float, str] | None = None
        self._lock = threading.Lock()

    def region_code(self, code: str) -> str:
        with self._lock:
            if self._region and self._region[0] == code and time.monotonic() - self._region[1] < 60:
                return self._region[2]
        from .session import shared_store

        try:
            network = shared_store().network_of(code)
            found = (network.region_code or "") if network else ""
        except Exception:  # noqa: BLE001 - the national figures then
            found = ""
        with self._lock:
            self._region = (code, time.monotonic(), found)
        return found

    def plan(self, snap):
        code = self.region_code(snap.code)

        def draw(_page: int) -> str:
            from .. import chartd

            html = chartd.request("region_slide", {"code": code})
            if html is None:
                from ..regions import get_region
                from . import region as page

                html = page.slide_html(page.load_sources(), get_region(code) if code else None)
            return html

        return code, 1, draw


def slides(guide, scan) -> dict[str, Slide]:
    """Every step's slide, by step."""
    from .slides import PillarSlide, StartSlide, WallSlide

    out: dict[str, Slide] = {"start": StartSlide()}
    for p in guide.pijlers:
        out[f"pijler{p.nummer}"] = PillarSlide(guide, p)
    profile = ProfileSlide("groep", scan)
    out.update({"muur": WallSlide(), "tijdlijn": TimelineSlide(), "praktijk": PracticeSlide(),
                "scan": ProfileSlide("scan", scan), "duo": DuoSlide(), "groep": profile,
                "beloften": PromisesSlide(), "regio": RegionSlide(), "vlaggen": FlagsSlide()})
    return out
