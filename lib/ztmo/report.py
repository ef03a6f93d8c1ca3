"""The session report (`ztmo verslag`): one meeting's anonymous results as a static page.

Two halves:
- what the report notebook (notebooks/verslag.ipynb) shows: `open_report(sessie)` gives a
  `Report` whose methods return escaped HTML for each part (the meeting, what was done,
  the group's results per activity, the comparison with the previous meeting, the region's
  figures, the sources). No names, no nicknames, no hidden answers (deleted ones are gone).
- `render`: Papermill executes that notebook for a session on a kernel started at once
  (while this process loads Papermill and our nbconvert exporter), the editions' exporter
  turns it into one page without code or scripts, the editions' check refuses anything
  that loads from another host, and the file is written atomically under a name fixed per
  session. Renders of one session are serialised by a lock: two trainers at once get the
  same file, and a report whose inputs did not change is not made again.

Results per activity are drawn by step (`STEP_SECTIONS`) and, for any activity no step
section covers, by kind (`KIND_SECTIONS`): a new activity kind adds one function there.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from . import activities as acts
from .errors import ZtmoError
from .markup import esc
from .network import MIN_GROUP, dutch_date, format_mean, rating_figure

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO_ROOT / "notebooks" / "verslag.ipynb"
WARM_CODE = "import ztmo.report as _r; _r.warm()"
PRIVACY = ("In dit verslag staan geen namen en geen bijnamen, en geen antwoorden die de trainer "
           "heeft verborgen of verwijderd. Wie wat zei, is niet te zien.")


class ReportError(ZtmoError):
    """The report cannot be made (output folder, a failing notebook); says what to do."""

    title = "Het verslag kan niet worden gemaakt"


class Html(str):
    """Markup that a notebook shows as HTML (Papermill records it as text/html)."""

    def _repr_html_(self) -> str:
        return str(self)


def warm() -> None:
    """Import and load what any report needs, whatever the session (run in the report's
    kernel while the renderer loads Papermill and nbconvert)."""
    from .content import load_guide
    from .preferences import load_scan
    from .store import Store  # noqa: F401 - the import is the point

    load_guide()
    load_scan()
    acts.registry()
    region_figures()


@lru_cache(maxsize=1)
def region_figures():
    """The CBS figures (read once per process: they do not change during a render)."""
    from . import figures as fig

    return fig.load()


# --- the parts of the report ------------------------------------------------------------------
@dataclass
class Context:
    snap: object  # store.Snapshot
    guide: object  # content.Guide
    day: date
    network: object | None = None  # store.Network
    meetings: list = field(default_factory=list)  # [(store.Meeting, Snapshot)], this one last
    sources: list[str] = field(default_factory=list)

    def answered(self, key: str) -> list[str]:
        return self.snap.values(key)  # never the hidden ones

    def people_in(self, step: str) -> int:
        keys = {a.key for a in acts.in_step(step)}
        return len({a.participant for a in self.snap.answers
                    if a.activity in keys and not a.hidden})

    def source(self, line: str) -> None:
        if line not in self.sources:
            self.sources.append(line)


def _texts(texts: list[str], empty: str = "Geen antwoorden.") -> str:
    if not texts:
        return f'<p class="ztmo-missing">{esc(empty)}</p>'
    return '<ul class="ztmo-wall-list">' + "".join(
        f'<li class="ztmo-wall-item">{esc(t)}</li>' for t in texts) + "</ul>"


def _people(n: int) -> str:
    return "1 deelnemer" if n == 1 else f"{n} deelnemers"


def words_section(ctx: Context, step: str) -> tuple[str, set[str]]:
    """'Wat is thuis?': the group's words, sized by how often they occur (no answers in full)."""
    from .aggregate import word_frequencies

    texts = ctx.answered(acts.WHAT_IS_HOME)
    if not texts:
        return "", set()
    freq = word_frequencies(texts)
    top = freq[0][1] if freq else 1
    words = " ".join(f'<span class="ztmo-word" style="font-size:{1 + 1.4 * c / top:.2f}em">'
                     f"{esc(w)}</span>" for w, c in freq)
    return ((f"<h3>Wat is thuis?</h3><p>De woorden die de groep het vaakst noemde: hoe groter, "
            f"hoe vaker ({_people(len(texts))} gaven een antwoord).</p>"
            f'<p class="ztmo-words">{words}</p>'), {acts.WHAT_IS_HOME})


def pillar_section(ctx: Context, step: str) -> tuple[str, set[str]]:
    """A pillar: the ratings per handvat (chart and table), thoughts and group talk."""
    from .network import distribution_svg

    pillar = next(p for p in ctx.guide.pijlers if f"pijler{p.nummer}" == step)
    covered = {a.key for a in acts.in_step(step)}
    if not any(ctx.answered(k) for k in covered):
        return "", covered
    labels = dict(ctx.guide.beoordeling.labels)
    figures = [(h, rating_figure(ctx.answered(acts.rating_key(h.id)))) for h in pillar.handvatten]
    parts = [f"<h3>Pijler {pillar.nummer}: {esc(pillar.titel)}</h3>",
             f'<p class="ztmo-question">{esc(ctx.guide.beoordeling.vraag)}</p>']
    if any(f.shown for _, f in figures):
        chart = distribution_svg([(f"Handvat {pillar.nummer}.{h.nummer}", f)
                                  for h, f in figures if f.shown],
                                 labels, f"Beoordelingen pijler {pillar.nummer}")
        parts.append(f'<div class="ztmo-chart">{chart}</div>')
    rows = "".join(
        f"<tr><td>{pillar.nummer}.{h.nummer} {esc(h.titel)}</td><td>"
        + (f"gemiddeld {format_mean(f.mean)} (n = {f.n})"
           + (f" · {f.unknown}× weet ik niet" if f.unknown else "") if f.shown
           else '<span class="ztmo-missing">minder dan 5 beoordelingen</span>')
        + "</td></tr>" for h, f in figures)
    parts.append(f'<table class="ztmo-summary-table ztmo-report-ratings">{rows}</table>')
    thoughts = [(h, ctx.answered(acts.reflection_key(h.id))) for h in pillar.handvatten]
    if any(t for _, t in thoughts):
        parts.append("<h4>Gedachten bij de handvatten</h4>")
        for h, texts in thoughts:
            if texts:
                parts.append(f"<p><strong>{pillar.nummer}.{h.nummer} {esc(h.titel)}</strong></p>"
                             + _texts(texts))
    talk = [(q, ctx.answered(acts.discussion_key(pillar.id, q.id)))
            for q in ctx.guide.groepsopdracht.vragen]
    if any(t for _, t in talk):
        parts.append("<h4>Groepsgesprek</h4>")
        for q, texts in talk:
            parts.append(f"<p><strong>{esc(q.tekst)}</strong></p>" + _texts(texts, "Geen "
                                                                             "aantekeningen."))
    return "".join(parts), covered


def scan_section(ctx: Context, step: str) -> tuple[str, set[str]]:
    """The learning preferences of the group (first and second), from 5 people on."""
    from .preferences import load_scan
    from .scan import PREFERENCES, distribution

    covered = {a.key for a in acts.in_step(step)}
    first = distribution(ctx.answered(acts.FIRST_PREFERENCE))
    second = distribution(ctx.answered(acts.SECOND_PREFERENCE))
    n = sum(first.values())
    if not n and not ctx.people_in(step):
        return "", covered
    ctx.source(f"Leervoorkeuren: {load_scan().bron}")
    head = "<h3>Leervoorkeuren van de groep</h3>"
    if n < MIN_GROUP:
        return (head + f'<p class="ztmo-missing">Minder dan {MIN_GROUP} deelnemers maakten de '
                "scan af. Daarom laten we de verdeling niet zien.</p>", covered)
    rows = "".join(f"<tr><td>{esc(p)}</td><td>{first[p]} als eerste</td>"
                   f"<td>{second[p]} als tweede</td></tr>" for p in PREFERENCES)
    return (head + f"<p>{_people(n)} maakten de scan af.</p>"
            f'<table class="ztmo-summary-table">{rows}</table>', covered)


def duo_section(ctx: Context, step: str) -> tuple[str, set[str]]:
    covered = {a.key for a in acts.in_step(step)}
    joined = len(ctx.answered(acts.DUO_JOINED))
    insights = ctx.answered(acts.DUO_INSIGHT)
    if not joined and not insights:
        return "", covered
    return (f"<h3>Duogesprek over leervoorkeuren</h3><p>{_people(joined)} deden mee aan het "
            "duogesprek. Dit namen ze mee:</p>" + _texts(insights, "Geen inzichten genoteerd."),
            covered)


#: Results drawn per journey step; each returns (html, the activity keys it covered).
def wall_section(ctx: Context, step: str) -> tuple[str, set[str]]:
    """Every idea wall the group used: the ideas sorted by dots (after the trainer's merges),
    with the question. The pinned idea is on top, as it was in the room."""
    from . import wall as rules
    from .presenter import wall_of

    covered = {a.key for a in acts.in_step(step)}
    parts = []
    for wall_id in acts.walls():
        choice = wall_of(ctx.snap.state, wall_id)
        results = rules.tally(ctx.snap, wall_id, choice.merges, choice.pinned, choice.dots)
        if not results:
            continue
        items = "".join(
            f'<li class="ztmo-wall-item"><strong>{"1 stip" if r.votes == 1 else f"{r.votes} stippen"}'
            f"</strong>: {esc(r.text)}{' (vastgezet)' if r.pinned else ''}</li>" for r in results)
        parts.append(f"<h4>{esc(choice.question)}</h4><ol>{items}</ol>")
    if not parts:
        return "", covered
    return ("<h3>Ideeënmuur</h3><p>De ideeën van de groep, gesorteerd op het aantal stippen "
            "(dubbele ideeën samengevoegd).</p>" + "".join(parts)), covered


def _board_section(step: str, title: str):
    """A group activity drawn as its board on the trainer's screen (not gated)."""

    def section(ctx: Context, _step: str) -> tuple[str, set[str]]:
        from .ui import groupwork

        covered = {a.key for a in acts.in_step(step)}
        if not any(ctx.answered(k) for k in covered):
            return "", covered
        board = groupwork.BOARDS[step](gated=False)
        board.refresh(ctx.snap)
        return f"<h3>{esc(title)}</h3>{board.widget.value}", covered

    return section


def flags_section(ctx: Context, step: str) -> tuple[str, set[str]]:
    """The four flags with what the group wrote (the durven flags come back next time)."""
    from .groupwork import load_groupwork
    from .ui.groupwork import washing_line

    covered = {a.key for a in acts.in_step(step)}
    if not any(ctx.answered(k) for k in covered):
        return "", covered
    lines = []
    for flag in load_groupwork().vlaggen.lijst:
        texts = ctx.answered(acts.flag_key(flag.id))
        lines.append(f"<h4>{esc(flag.titel)} ({len(texts)})</h4>"
                     + washing_line(flag, texts, "Geen vlaggen."))
    return ("<h3>Vier vlaggen</h3><p>Moeten, kunnen, willen, durven: wat de groep meenam. "
            "De durven-vlaggen ziet het leernetwerk bij de volgende bijeenkomst terug.</p>"
            + "".join(lines)), covered


STEP_SECTIONS: dict[str, Callable[[Context, str], tuple[str, set[str]]]] = {
    "start": words_section, "pijler1": pillar_section, "pijler2": pillar_section,
    "pijler3": pillar_section, "scan": scan_section, "duo": duo_section,
    "muur": wall_section, "tijdlijn": _board_section("tijdlijn", "Tijdlijn: waar keerde het?"),
    "praktijk": _board_section("praktijk", "Goede voorbeelden"),
    "beloften": _board_section("beloften", "De tien beloften aan het kind"),
    "vlaggen": flags_section,
}


def _rating_kind(ctx: Context, act) -> str:
    f = rating_figure(ctx.answered(act.key))
    return (f"gemiddeld {format_mean(f.mean)} (n = {f.n})" if f.shown
            else '<span class="ztmo-missing">minder dan 5 beoordelingen</span>')


def _choice_kind(ctx: Context, act) -> str:
    values = ctx.answered(act.key)
    if len(values) < MIN_GROUP:
        return f'<span class="ztmo-missing">minder dan {MIN_GROUP} antwoorden</span>'
    return ", ".join(f"{esc(c)}: {values.count(c)}" for c in act.choices if values.count(c))


#: Any activity that no step section covers is drawn by its kind (a new kind: add it here).
KIND_SECTIONS: dict[str, Callable[[Context, object], str]] = {
    acts.RATING: _rating_kind,
    acts.TEXT: lambda ctx, act: _texts(ctx.answered(act.key)),
    acts.CHOICE: _choice_kind,
    acts.RANKING: lambda ctx, act: f"{_people(len(ctx.answered(act.key)))} gaven een volgorde.",
    acts.VOTES: lambda ctx, act: f"{_people(len(ctx.answered(act.key)))} zetten stippen.",
}


@dataclass
class Report:
    """The report of one session; every method gives one part as HTML."""

    code: str
    problem: str = ""  # why there is no report (then every part but the first is empty)
    ctx: Context | None = None

    # -- the meeting ---------------------------------------------------------------------
    def header(self) -> Html:
        if self.ctx is None:
            return Html(f'<div class="ztmo-error" role="alert"><strong>Geen verslag</strong> '
                        f"{esc(self.problem)}</div>")
        ctx, snap = self.ctx, self.ctx.snap
        where = ""
        if ctx.network is not None:
            number = next((m.number for m, _ in ctx.meetings if m.code == snap.code), None)
            nth = f"bijeenkomst {number} van " if number else "een bijeenkomst van "
            where = f"<p>Dit was {nth}<strong>{esc(ctx.network.name)}</strong>.</p>"
        notes = []
        if not snap.closed:
            notes.append("Deze bijeenkomst is nog open: er kunnen nog antwoorden bijkomen of "
                         "veranderen. Maak het verslag opnieuw als de trainer de sessie heeft "
                         "gesloten.")
        if not any(not a.hidden for a in snap.answers):
            notes.append("In deze bijeenkomst zijn (nog) geen antwoorden gegeven. Daarom staan "
                         "er hieronder geen resultaten, alleen wat er ontbreekt.")
        notices = "".join(f'<p class="ztmo-notice ztmo-report-note">{esc(n)}</p>' for n in notes)
        return Html(f'<h1 class="ztmo-report-title">Verslag: {esc(snap.name)}</h1>'
                    f'<p class="ztmo-report-date">{esc(dutch_date(ctx.day))} · '
                    f"{_people(snap.count)} deden mee.</p>{where}{notices}"
                    f'<p class="ztmo-source">{esc(PRIVACY)}</p>')

    def activities(self) -> Html:
        """What the meeting did: the run sheet's steps and how many people answered."""
        if self.ctx is None:
            return Html("")
        from .presenter import run_sheet

        ctx = self.ctx
        sheet = [i.step for i in run_sheet(ctx.snap.state)]
        extra = [s for s in acts.STEP_KEYS if s not in sheet and ctx.people_in(s)]
        rows = []
        for step in sheet + extra:
            n = ctx.people_in(step)
            own = bool(acts.in_step(step))
            answered = (_people(n) + " gaven antwoord" if n else "geen antwoorden") if own \
                else "geen eigen antwoorden"
            rows.append(f"<tr><td>{esc(dict(acts.STEPS)[step])}</td><td>{esc(answered)}</td></tr>")
        return Html(f'<table class="ztmo-summary-table ztmo-report-steps">{"".join(rows)}</table>')

    def results(self) -> Html:
        """The group's anonymous results per activity, in the order of the meeting."""
        if self.ctx is None:
            return Html("")
        from .presenter import run_sheet

        ctx = self.ctx
        order = [i.step for i in run_sheet(ctx.snap.state)]
        order += [s for s in acts.STEP_KEYS if s not in order]
        parts, covered = [], set()
        for step in order:
            build = STEP_SECTIONS.get(step)
            if build is not None:
                markup, keys = build(ctx, step)
                parts.append(markup)
                covered |= keys
        other = [a for a in acts.registry().values()
                 if a.key not in covered and ctx.answered(a.key)]
        if other:
            rows = "".join(f"<tr><td>{esc(a.label)}</td><td>"
                           f"{KIND_SECTIONS.get(a.kind, lambda c, x: '')(ctx, a)}</td></tr>"
                           for a in other)
            parts.append(f'<h3>Overige opdrachten</h3><table class="ztmo-summary-table">{rows}'
                         "</table>")
        if not any(parts):
            parts.append('<p class="ztmo-missing">Er zijn geen resultaten: niemand gaf een '
                         "antwoord dat in het verslag kan.</p>")
        return Html("".join(parts))

    def comparison(self) -> Html:
        """The change per handvat since the previous meeting of the network, and the talk."""
        if self.ctx is None:
            return Html("")
        from .network import progress, progress_html

        ctx = self.ctx
        if ctx.network is None:
            return Html('<p class="ztmo-missing">Deze bijeenkomst hoort niet bij een '
                        "leernetwerk, dus er is geen vorige bijeenkomst om mee te vergelijken. "
                        "De trainer kan de sessie op het trainersscherm koppelen aan een "
                        "leernetwerk.</p>")
        prog = progress(ctx.guide, [(m.info, s) for m, s in ctx.meetings], upto=ctx.snap.code)
        intro = ("<p>Dit is de eerste bijeenkomst van het netwerk. Na de volgende bijeenkomst "
                 "staat hier wat er veranderd is.</p>" if prog.previous is None else
                 f"<p>Vergeleken met de vorige bijeenkomst op "
                 f"{esc(dutch_date(prog.previous.day))}.</p>")
        return Html(intro + progress_html(prog, ctx.guide))

    def region(self) -> Html:
        """The region's figures over time with their sources, when the network has a region."""
        if self.ctx is None or self.ctx.network is None:
            return Html("")
        if not self.ctx.network.region_code:
            return Html('<p class="ztmo-missing">Het leernetwerk hoort niet bij één jeugdregio, '
                        "dus hier staan geen regiocijfers.</p>")
        from .network import region_html
        from .regions import get_region

        region = get_region(self.ctx.network.region_code)
        figures = region_figures()
        markup, sources = region_html(region, figures.frame, figures.notices)
        for line in sources:
            self.ctx.source(line)
        self.ctx.source("Indeling in jeugdregio's en gemeenten: CBS / PDOK, Gebiedsindelingen "
                        "2025 (licentie CC BY 4.0).")
        return Html(markup)

    def sources(self) -> Html:
        if self.ctx is None:
            return Html("")
        lines = [("Teksten over de pijlers en handvatten: de handreiking Mijn Thuis van het "
                 "Nederlands Jeugdinstituut (NJi), in onze eigen woorden."),
                 *self.ctx.sources,
                 "De antwoorden: de deelnemers van de bijeenkomst, anoniem."]
        return Html('<ul class="ztmo-sources-list">'
                    + "".join(f"<li>{esc(x)}</li>" for x in lines) + "</ul>")


def open_report(sessie: str, store=None) -> Report:
    """The report of a session (the code as Papermill gives it; never from a web address:
    opened as a live app, the notebook shows only that there is no session)."""
    from .content import load_guide

    code = str(sessie or "").strip().upper()
    if not code:
        return Report("", "Er is geen sessie gekozen. Een verslag maak je voor een sessie: "
                      "op het trainersscherm met de knop 'Verslag maken'.")
    if store is None:
        from .store import Store

        store = Store.from_env()
    try:
        snap = store.snapshot(code)
        network = store.network_of(snap.code)
        meetings = store.network_snapshots(network.id) if network else []
    except ZtmoError as exc:
        return Report(code, str(exc))
    meeting = next((m for m, _ in meetings if m.code == snap.code), None)
    day = meeting.meeting_date if meeting else local_date(store.get_session(snap.code).created_at)
    return Report(snap.code, ctx=Context(snap, load_guide(), day, network, meetings))


def local_date(moment=None) -> date:
    """The date in the room (Dutch local time)."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    return (moment or datetime.now(UTC)).astimezone(ZoneInfo("Europe/Amsterdam")).date()


# --- rendering -------------------------------------------------------------------------------
@dataclass
class Rendered:
    html: Path
    pdf: Path | None
    notes: list[str]  # Dutch lines for whoever asked (open meeting, PDF skipped, ...)
    reused: bool  # nothing changed since the last report: that file is it
    seconds: float


def default_output() -> Path:
    from .store.engine import data_dir

    return data_dir(os.environ) / "verslagen"


def report_file(out: Path, code: str) -> Path:
    return Path(out) / f"verslag-{code}.html"


def _fingerprint(store, code: str, notebook: Path) -> tuple[str, list[str]]:
    """What the report is made of (the session, its network's meetings, our code and
    data), and the notes about the meeting for whoever asked."""
    from . import __version__
    from .editions import inputs
    from .paths import data_dir

    snap = store.snapshot(code)
    network = store.network_of(code)
    meetings = store.meetings(network.id) if network else []
    digest = hashlib.sha256(inputs.run_hash(notebook.parent, [notebook.name], data_dir(),
                                            __version__).encode())
    digest.update(json.dumps([snap.revision, network.id if network else "",
                              [(m.code, m.revision) for m in meetings]]).encode())
    notes = []
    if not snap.closed:
        notes.append("Let op: deze bijeenkomst is nog open. Het verslag zegt dat er nog "
                     "antwoorden kunnen bijkomen.")
    if not any(not a.hidden for a in snap.answers):
        notes.append("Let op: in deze bijeenkomst zijn nog geen antwoorden gegeven. Het verslag "
                     "zegt wat er ontbreekt.")
    return digest.hexdigest(), notes


class _Lock:
    """One render per session at a time, across processes (an exclusive file lock)."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        import fcntl

        self.fh = open(self.path, "a+")
        fcntl.flock(self.fh, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        import fcntl

        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


def _write_atomic(target: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename: never half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render(code: str, out: Path | None = None, *, store=None, pdf: bool = True,
           force: bool = False, notebook: Path | None = None) -> Rendered:
    """Make (or reuse) the report of session ``code`` in ``out``; UnknownSession for an
    unknown code, ReportError when the page cannot be made.

    The kernel is started first and the tools load in a thread, so both are under way
    while the session is checked; if the report turns out to be up to date, the kernel
    goes unused (it costs the other core a second, the trainer nothing).
    """
    started = time.monotonic()
    env = dict(os.environ)
    if store is not None:
        env["ZTMO_DATABASE_URL"] = store.url  # the kernel reads the same database
    kernel = _ReportKernel(env)
    try:
        try:
            kernel.spawn()
        except Exception as exc:  # no kernel spec, no memory: say it before anything else
            raise ReportError("Het verslag kon niet worden gemaakt: het rekenprogramma startte "
                              "niet. Vraag de beheerder van de leeromgeving om hulp.") from exc
        tools = _Tools()  # after the spawn: both import jupyter_client
        if store is None:
            from .store import Store

            store = Store.from_env()
        session = store.get_session(code)  # UnknownSession: a Dutch message
        code = session.code
        notebook = Path(notebook or NOTEBOOK)
        out = Path(out or default_output()).expanduser().resolve()
        try:
            out.mkdir(parents=True, exist_ok=True)
            lock = _Lock(out / f".verslag-{code}.lock")
            lock.path.touch()
        except OSError as exc:
            raise ReportError(f"In de map {out} kunnen we niet schrijven "
                              f"({exc.strerror or exc}). Kies met --uit een map waarin je mag "
                              "schrijven.") from exc
        target = report_file(out, code)
        manifest = out / f".verslag-{code}.json"
        with lock:
            fingerprint, notes = _fingerprint(store, code, notebook)
            try:
                made = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                made = {}
            reused = (not force and made.get("invoer") == fingerprint and target.is_file())
            pdf_path = out / f"verslag-{code}.pdf"
            if not reused:
                markup = _execute(kernel, tools, notebook, code, session.name)
                _write_atomic(target, markup.encode("utf-8"))
                pdf_path.unlink(missing_ok=True)  # it belonged to the report before this one
                made = {"invoer": fingerprint, "sessie": code, "pdf": ""}
            kernel.shutdown()
            if pdf and (made.get("pdf") != fingerprint or not pdf_path.is_file()):
                problem = print_pdf(target, pdf_path)
                if problem:
                    notes.append(f"Geen PDF gemaakt: {problem}")
                else:
                    made["pdf"] = fingerprint
            if not reused or pdf:
                _write_atomic(manifest, json.dumps(made).encode("utf-8"))
    finally:
        kernel.shutdown()
    shown_pdf = pdf_path if pdf and made.get("pdf") == fingerprint else None
    return Rendered(target, shown_pdf, notes, reused, time.monotonic() - started)


class _Tools:
    """Papermill, our engine and our nbconvert exporter, loaded in a thread of their own."""

    def __init__(self) -> None:
        import threading

        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._load, name="ztmo-verslag-tools",
                                       daemon=True)
        self.thread.start()

    def _load(self) -> None:
        import sys

        # nbformat imports jsonschema, which builds the rfc3987-syntax grammar on import (0.8 s
        # here) for the "iri" format, which notebook validation never uses. This process only
        # renders a report, so leave that checker out (DESIGN.md, "known costs").
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
        try:
            import papermill  # noqa: F401 - the import is the point

            from .editions import html
            from .editions import warm as _engine  # noqa: F401 - registers our engine

            html.exporter()
        except BaseException as exc:  # noqa: BLE001 - reported by ready()
            self.error = exc

    def ready(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise ReportError("Het verslag kon niet worden gemaakt: een onderdeel van de "
                              "leeromgeving ontbreekt. Vraag de beheerder van de leeromgeving "
                              "om hulp.") from self.error


def _execute(kernel, tools: _Tools, notebook: Path, code: str, name: str) -> str:
    """Papermill runs the notebook on the kernel started for it; the result becomes a
    checked static page."""
    try:
        kernel.ready()
    except Exception as exc:  # no kernel: not installed, no memory, or it hangs
        raise ReportError("Het verslag kon niet worden gemaakt: het rekenprogramma startte "
                          "niet. Vraag de beheerder van de leeromgeving om hulp.") from exc
    tools.ready()
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from .editions import html
    from .editions.warm import CELL_TIMEOUT, ENGINE, KERNEL_NAME, STARTUP_TIMEOUT

    try:
        nb = pm.execute_notebook(str(notebook), None, parameters={"sessie": code},
                                 engine_name=ENGINE, kernel_name=KERNEL_NAME, progress_bar=False,
                                 request_save_on_cell_execute=False, warm=kernel.warm,
                                 execution_timeout=CELL_TIMEOUT, start_timeout=STARTUP_TIMEOUT)
    except PapermillExecutionError as exc:
        raise ReportError(f"De notebook van het verslag gaf een fout: {exc.ename}: "
                          f"{exc.evalue}") from exc
    kernel.shutdown()
    bar = (f"<span>Zo thuis mogelijk opgroeien · verslag</span>"
           f"<span>Gemaakt op {esc(dutch_date(local_date()))}</span>")
    markup = html.to_html(nb, f"Verslag: {name}", bar,
                          f"Verslag van sessie {esc(code)}, gemaakt met de leeromgeving Zo thuis "
                          "mogelijk opgroeien. Zonder namen, bijnamen en verborgen antwoorden.")
    trouble = html.problems(nb, markup)
    if trouble:
        raise ReportError("Het verslag is niet gemaakt: " + "; ".join(trouble) + ".")
    return markup


class _ReportKernel:
    """A kernel for one report, with our database in its environment. `spawn` starts the
    process at once and needs only jupyter_client; the kernel loads what any report needs
    (`warm`, far less than the editions' warm-up) while it boots, beside the renderer
    loading Papermill. `ready` waits for it, and the editions' warm kernel takes over."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.km = None
        self.warm = None  # editions.warm.WarmKernel, once ready

    def spawn(self) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.km = AsyncKernelManager(kernel_name="python3")
        with open(os.devnull, "ab") as sink:
            run_sync(self.km.start_kernel)(
                env=self.env, stdout=sink, stderr=sink,
                extra_arguments=["--HistoryManager.hist_file=:memory:",
                                 f"--IPKernelApp.exec_lines={[WARM_CODE]!r}"])

    def ready(self) -> None:
        from jupyter_core.utils import run_sync

        from .editions.warm import STARTUP_TIMEOUT, WarmKernel

        self.warm = WarmKernel()
        self.warm.km = self.km
        try:
            self.warm.kc = self.km.client()
            self.warm.kc.start_channels()
            run_sync(self.warm.kc.wait_for_ready)(timeout=STARTUP_TIMEOUT)
            self.warm.kc.allow_stdin = False
        except BaseException:
            self.shutdown()
            raise

    def shutdown(self) -> None:
        if self.warm is not None:
            self.warm.shutdown()
        elif self.km is not None:
            from jupyter_core.utils import run_sync

            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001, S110 - already gone
                pass
        self.km = self.warm = None


# --- PDF --------------------------------------------------------------------------------------
def find_chromium() -> str | None:
    import shutil

    for name in (os.environ.get("ZTMO_CHROMIUM", ""), "chromium", "chromium-browser",
                 "google-chrome"):
        if name and (found := shutil.which(name)):
            return found
    return None


def print_pdf(page: Path, target: Path) -> str:
    """Print the page to PDF with headless Chromium; "" when it worked, else why not."""
    import shutil
    import subprocess

    chromium = find_chromium()
    if chromium is None:
        return "op deze computer staat geen Chromium om mee af te drukken. Het HTML-verslag " \
               "kun je zelf in de browser afdrukken."
    profile = tempfile.mkdtemp(prefix="ztmo-pdf-")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".pdf", dir=target.parent)
    os.close(fd)
    try:
        done = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={tmp}",
             page.resolve().as_uri()],
            capture_output=True, timeout=120, check=False)
        if done.returncode != 0 or Path(tmp).stat().st_size < 100:
            return "Chromium kon het verslag niet afdrukken."
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
        return ""
    except (OSError, subprocess.TimeoutExpired):
        return "Chromium kon het verslag niet afdrukken."
    finally:
        Path(tmp).unlink(missing_ok=True)
        shutil.rmtree(profile, ignore_errors=True)


# --- from a live app -------------------------------------------------------------------------
def render_apart(code: str, out: Path | None = None, timeout: float = 600) -> Rendered:
    """`render` in a process of its own (the trainer's button): the trainer's kernel stays
    small and keeps refreshing while Papermill runs. Raises ReportError with the Dutch
    reason the command gave."""
    import subprocess
    import sys

    started = time.monotonic()
    out = Path(out or default_output())
    try:
        done = subprocess.run([sys.executable, "-m", "ztmo.cli", "verslag", code, "--uit",
                               str(out)], capture_output=True, text=True, timeout=timeout,
                              check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ReportError("Het verslag maken duurde te lang of kon niet starten. Probeer het "
                          "zo nog eens.") from exc
    lines = [x for x in done.stdout.splitlines() if x.strip()]
    if done.returncode != 0 or not lines:
        reason = " ".join(done.stderr.split())[-600:] or "onbekende fout"
        raise ReportError(f"Het verslag is niet gemaakt: {reason}")
    notes = [x for x in done.stderr.splitlines() if x.strip()]
    pdf = Path(lines[1]) if len(lines) > 1 else None
    return Rendered(Path(lines[0]), pdf, notes, any("niets veranderd" in x for x in notes),
                    time.monotonic() - started)
