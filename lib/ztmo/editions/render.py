"""Render regional editions: decide what needs doing, run the workers, report.

`render` is the core the CLI calls (and the tests and the benchmark): it checks the
output folder before any work, skips editions whose inputs did not change, renders the
rest in parallel worker processes (each with one warm kernel, see `worker`), keeps
going when a region fails, and writes the overall index of all editions present.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TextIO

from ..errors import ZtmoError
from ..regions import Region
from . import inputs, layout, pages
from .worker import Failure, Job, Result

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_NOTEBOOKS = REPO_ROOT / "notebooks"


class EditionError(ZtmoError):
    """An edition run that cannot start (output folder, notebooks folder)."""

    title = "De edities kunnen niet worden gemaakt"


def default_output() -> Path:
    """<$ZTMO_DATA_DIR or repo/var>/edities, beside the session database."""
    override = os.environ.get("ZTMO_DATA_DIR", "").strip()
    return (Path(override).expanduser() if override else REPO_ROOT / "var") / "edities"


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def check_output(out: Path) -> None:
    """Make sure we can write in the output folder, before any work starts."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".schrijftest-{os.getpid()}"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise EditionError(f"In de map {out} kunnen we niet schrijven ({reason}). Kies met "
                           "--uit een map waarin je mag schrijven.") from exc


def find_notebooks(notebooks_dir: Path) -> list[str]:
    found = layout.edition_notebooks(notebooks_dir) if notebooks_dir.is_dir() else []
    if not found:
        raise EditionError(f"In de map {notebooks_dir} staan geen notebooks voor een editie "
                           "(index.ipynb, pillars/, learning_styles/, werkvormen/).")
    return found


def read_manifest(folder: Path) -> dict | None:
    try:
        data = json.loads((folder / layout.MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def up_to_date(folder: Path, input_hash: str, notebooks: Sequence[str]) -> bool:
    """True when the edition in ``folder`` was made from exactly these inputs, completely."""
    manifest = read_manifest(folder)
    if not manifest or manifest.get("invoer") != input_hash:
        return False
    wanted = [layout.page_path(rel) for rel in notebooks]
    return manifest.get("paginas") == wanted and all((folder / p).is_file() for p in wanted)


@dataclass
class Summary:
    out: Path
    rendered: list[Result] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # region codes
    failed: list[Result] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


class Progress:
    """'Regions done / to go' on stderr: a bar on a terminal, a line per region elsewhere."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 30):
        self.total, self.done, self.failed = total, 0, 0
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()

    def update(self, label: str = "", failed: bool = False) -> None:
        self.done += 1
        self.failed += int(failed)
        filled = int(self.width * self.done / max(1, self.total))
        bar = "#" * filled + "." * (self.width - filled)
        extra = f", {self.failed} mislukt" if self.failed else ""
        text = (f"[{bar}] {self.done}/{self.total} regio's klaar, nog {self.total - self.done}"
                f"{extra}")
        if self.tty:
            end = "\n" if self.done >= self.total else ""
            self.stream.write(f"\r{text}{end}")
        else:
            self.stream.write(f"{text}{': ' + label if label else ''}\n")
        self.stream.flush()


def plan(regions: Sequence[Region], out: Path, notebooks_dir: Path, notebooks: Sequence[str],
         force: bool) -> tuple[list[Job], list[str]]:
    """The jobs to run, and the regions skipped because nothing changed."""
    from .. import __version__
    from ..paths import data_dir
    from ..preferences import load_scan

    run = inputs.run_hash(notebooks_dir, notebooks, data_dir(), __version__)
    scan_source = load_scan().bron
    jobs, skipped = [], []
    seen: set[str] = set()
    for region in regions:
        if region.code in seen:
            continue
        seen.add(region.code)
        folder = layout.edition_dirname(region.code, region.name)
        input_hash = inputs.edition_hash(run, region.code, region.name)
        if not force and up_to_date(out / folder, input_hash, notebooks):
            skipped.append(region.code)
            continue
        jobs.append(Job(code=region.code, name=region.name, derived=region.derived,
                        folder=folder, notebooks_dir=str(notebooks_dir),
                        notebooks=tuple(notebooks), out_dir=str(out), input_hash=input_hash,
                        version=__version__, scan_source=scan_source))
    return jobs, skipped


def render(regions: Sequence[Region], out: Path, *, notebooks_dir: Path | None = None,
           workers: int | None = None, force: bool = False, stream: TextIO | None = None
           ) -> Summary:
    """Render the editions of ``regions`` into ``out``; see the module docstring."""
    started = time.monotonic()
    out = Path(out).expanduser().resolve()
    notebooks_dir = Path(notebooks_dir or DEFAULT_NOTEBOOKS).expanduser().resolve()
    notebooks = find_notebooks(notebooks_dir)
    check_output(out)
    shutil.rmtree(out / layout.STAGING_DIR, ignore_errors=True)  # left over from an interrupted run
    jobs, skipped = plan(regions, out, notebooks_dir, notebooks, force)
    summary = Summary(out, skipped=skipped)
    progress = Progress(len(jobs) + len(skipped), stream)
    names = {r.code: r.name for r in regions}
    for code in skipped:
        progress.update(f"{names[code]} ongewijzigd, overgeslagen")
    if jobs:
        for result in run_jobs(jobs, workers or default_workers()):
            (summary.rendered if result.ok else summary.failed).append(result)
            progress.update(f"{result.name} {'klaar' if result.ok else 'MISLUKT'}",
                            failed=not result.ok)
    shutil.rmtree(out / layout.STAGING_DIR, ignore_errors=True)
    write_overall_index(out)
    summary.seconds = time.monotonic() - started
    return summary


def run_jobs(jobs: Sequence[Job], workers: int) -> Iterator[Result]:
    """Yield a Result per job, as they finish, from ``workers`` warm-kernel processes."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    from . import worker

    log_dir = tempfile.mkdtemp(prefix="ztmo-editie-")
    context = multiprocessing.get_context("spawn")  # a clean interpreter, no inherited threads
    pool = ProcessPoolExecutor(max_workers=max(1, min(workers, len(jobs))), mp_context=context,
                               initializer=worker.init, initargs=(log_dir,))
    try:
        futures = {pool.submit(worker.render_edition, job): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                yield future.result()
            except BrokenProcessPool:
                yield Result(job.code, job.name, job.folder, False, 0.0, [Failure(
                    "", "het werkproces stopte onverwacht (te weinig geheugen?)")])
            except Exception as exc:  # noqa: BLE001 - report, keep going with the others
                yield Result(job.code, job.name, job.folder, False, 0.0,
                             [Failure("", f"{type(exc).__name__}: {exc}")])
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        shutil.rmtree(log_dir, ignore_errors=True)


def write_overall_index(out: Path) -> Path:
    """out/index.html: every complete edition in the folder (from their manifests)."""
    entries = []
    for folder in sorted(p for p in out.iterdir() if p.is_dir()):
        manifest = read_manifest(folder)
        if manifest and manifest.get("regio") and manifest.get("gemaakt"):
            entries.append(pages.EditionEntry(str(manifest["regio"]),
                                              str(manifest.get("naam", manifest["regio"])),
                                              folder.name, str(manifest["gemaakt"])))
    target = out / layout.INDEX_PAGE
    target.write_text(pages.overall_index(entries, datetime.now()), encoding="utf-8")
    return target


def describe(summary: Summary) -> list[str]:
    """The closing report, in Dutch, one line per item."""
    minutes, seconds = divmod(round(summary.seconds), 60)
    took = f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
    lines = [(f"Klaar in {took}: {len(summary.rendered)} edities gemaakt, "
              f"{len(summary.skipped)} overgeslagen (niets veranderd), "
              f"{len(summary.failed)} mislukt.")]
    if summary.failed:
        lines.append("Mislukt (niet gepubliceerd):")
        for result in sorted(summary.failed, key=lambda r: r.code):
            for f in result.failures:
                where = f", {f.notebook}" if f.notebook else ""
                lines.append(f"- {result.name} ({result.code}){where}: {f.cause}")
            if result.kept:
                lines.append(f"  Wat er wel was, staat in {result.kept}")
    lines.append(f"De edities staan in {summary.out}; het overzicht is "
                 f"{summary.out / layout.INDEX_PAGE}")
    return lines
