"""A render worker: one process, one warm kernel, many notebooks.

Starting a kernel and importing pandas, altair and ipywidgets costs seconds; running
one of our notebooks costs a fraction of that. So each worker process starts ONE
kernel, imports everything once (`kernel.warm`), and then executes notebook after
notebook in it. Every notebook still goes through `papermill.execute_notebook` (its
parameters injected by Papermill), via a small engine that hands nbclient the
already running kernel. Before each notebook the kernel is reset (`kernel.reset`:
clean namespace, widgets closed, counter at 1, working directory = the notebook's
folder). A kernel that died or hangs is replaced by a fresh one.

An edition is built in a staging folder and published (renamed into place) only when
every page succeeded; the manifest with the input hash is written last. A failed
edition's staging folder moves to ``_mislukt/`` with a ``fout.txt``.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from . import html, layout, pages

if TYPE_CHECKING:
    from .warm import WarmKernel


# --- jobs and results --------------------------------------------------------------------------
@dataclass(frozen=True)
class Job:
    """Everything a worker needs to render one region's edition (picklable)."""

    code: str
    name: str
    derived: bool
    folder: str  # the edition's folder name inside the output folder
    notebooks_dir: str
    notebooks: tuple[str, ...]
    out_dir: str
    input_hash: str
    version: str
    scan_source: str


@dataclass
class Failure:
    notebook: str
    cause: str
    detail: str = ""  # what the kernel wrote to its log meanwhile (for fout.txt)


@dataclass
class Result:
    code: str
    name: str
    folder: str
    ok: bool
    seconds: float
    failures: list[Failure] = field(default_factory=list)
    kept: str = ""  # where the partial output went, for a failed edition


_STATE: dict[str, object] = {}


def init(log_dir: str | None = None) -> None:
    """Process initializer: edition mode, one warm kernel, papermill quiet."""
    import logging

    os.environ["ZTMO_EDITIE"] = "1"
    # Failures are reported in the summary; their log lines would only break the progress bar.
    logging.getLogger("papermill").setLevel(logging.CRITICAL)
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    from .warm import WarmKernel

    log = Path(log_dir) / f"kernel-{os.getpid()}.log" if log_dir else None
    kernel = WarmKernel(log=log)
    _STATE["kernel"] = kernel
    # Build the HTML exporter (nbconvert import, templates) while the kernel warms up.
    exporter = threading.Thread(target=html.exporter, name="ztmo-exporter", daemon=True)
    exporter.start()
    try:
        kernel.start()
    except Exception:  # noqa: BLE001, S110 - the first job tries again and reports why
        pass
    exporter.join()
    import multiprocessing.util

    multiprocessing.util.Finalize(None, kernel.shutdown, exitpriority=10)


def _kernel() -> WarmKernel:
    kernel = _STATE.get("kernel")
    if kernel is None:
        init()
        kernel = _STATE["kernel"]
    return kernel  # type: ignore[return-value]


def render_edition(job: Job) -> Result:
    """Render one edition; never raises (a failure is part of the result)."""
    started = time.monotonic()
    out = Path(job.out_dir)
    staging = out / layout.STAGING_DIR / job.folder
    try:
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        failures, titles, sources = _render_pages(job, staging)
        if not failures:
            _finish(job, staging, titles, sources)
            _publish(out, staging, job.folder)
            shutil.rmtree(out / layout.FAILED_DIR / job.folder, ignore_errors=True)
            return Result(job.code, job.name, job.folder, True, time.monotonic() - started)
        kept = _keep_failed(out, staging, job, failures)
        return Result(job.code, job.name, job.folder, False, time.monotonic() - started,
                      failures, kept)
    except Exception as exc:  # noqa: BLE001 - one region's trouble must not stop the run
        failure = Failure("", f"{type(exc).__name__}: {exc}")
        kept = ""
        if staging.exists():
            kept = _keep_failed(out, staging, job, [failure])
        return Result(job.code, job.name, job.folder, False, time.monotonic() - started,
                      [failure], kept)


def _render_pages(job: Job, staging: Path) -> tuple[list[Failure], dict[str, str], list[str]]:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from .warm import CELL_TIMEOUT, ENGINE, KERNEL_NAME, STARTUP_TIMEOUT

    kernel = _kernel()
    failures: list[Failure] = []
    titles: dict[str, str] = {}
    sources: list[str] = []
    made = datetime.now()
    for rel in job.notebooks:
        src = Path(job.notebooks_dir) / rel
        dest = staging / layout.NOTEBOOKS_SUBDIR / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        offset = kernel.log_size()
        try:
            kernel.reset(src.parent)
            nb = pm.execute_notebook(
                str(src), str(dest), parameters={"regio": job.code}, engine_name=ENGINE,
                kernel_name=KERNEL_NAME, progress_bar=False, warm=kernel,
                execution_timeout=CELL_TIMEOUT, start_timeout=STARTUP_TIMEOUT,
            )
        except PapermillExecutionError as exc:
            failures.append(Failure(rel, f"{exc.ename}: {exc.evalue}".strip(),
                                    kernel.log_since(offset)))
            continue
        except Exception as exc:  # noqa: BLE001 - dead or hanging kernel, unreadable notebook
            failures.append(Failure(rel, _cause(exc), kernel.log_since(offset)))
            kernel.shutdown()  # the next notebook starts a fresh kernel
            continue
        title = str(nb.metadata.get("title") or Path(rel).stem.replace("_", " "))
        markup = html.to_html(nb, f"{title} – {job.name}", _bar(job, rel),
                              f"Editie voor {pages.esc(job.name)}, gemaakt op "
                              f"{pages.dutch_date(made)}.")
        trouble = html.problems(nb, markup)
        if trouble:
            failures.append(Failure(rel, "; ".join(trouble), kernel.log_since(offset)))
            continue
        page = staging / layout.page_path(rel)
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(markup, encoding="utf-8")
        titles[rel] = title
        sources += [s for s in pages.source_lines(markup) if s not in sources]
    return failures, titles, sources


def _cause(exc: BaseException) -> str:
    name = type(exc).__name__
    if name == "DeadKernelError":
        return "de kernel stopte onverwacht (te weinig geheugen, of de notebook sloot hem af)"
    if name == "CellTimeoutError":
        from .warm import CELL_TIMEOUT

        return f"een cel duurde langer dan {CELL_TIMEOUT} seconden"
    return f"{name}: {exc}".strip()


def _bar(job: Job, rel: str) -> str:
    up = "../" * layout.page_path(rel).count("/")
    return (f'<a href="{up}{layout.INDEX_PAGE}">Editie {pages.esc(job.name)}</a>'
            f'<a href="{up}{layout.START_PAGE}">Startpagina</a>')


def _finish(job: Job, staging: Path, titles: dict[str, str], sources: list[str]) -> None:
    made = datetime.now().replace(microsecond=0)
    page_list = [pages.Page(rel, titles[rel]) for rel in job.notebooks]
    all_sources = pages.region_sources(job.derived, job.scan_source)
    all_sources += [s for s in sources if s not in all_sources]
    (staging / layout.INDEX_PAGE).write_text(
        pages.edition_index(job.name, job.code, page_list, all_sources, made, job.version),
        encoding="utf-8")
    manifest = {"regio": job.code, "naam": job.name, "invoer": job.input_hash,
                "versie": job.version, "gemaakt": made.isoformat(),
                "paginas": [layout.page_path(rel) for rel in job.notebooks]}
    (staging / layout.MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                           encoding="utf-8")


def _publish(out: Path, staging: Path, folder: str) -> None:
    """Swap the new edition into place (renames within one file system)."""
    final = out / folder
    old = out / layout.STAGING_DIR / f"{folder}.oud"
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    if old.exists():
        shutil.rmtree(old)


def _keep_failed(out: Path, staging: Path, job: Job, failures: list[Failure]) -> str:
    """Move the partial output to _mislukt/<edition>/ with the reasons, for inspection."""
    target = out / layout.FAILED_DIR / job.folder
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging.rename(target)
    lines = [f"Editie {job.name} ({job.code}) is niet gepubliceerd.", ""]
    for f in failures:
        lines.append(f"- {f.notebook or 'editie'}: {f.cause}")
        if f.detail:
            lines += ["  Uitvoer van de kernel:", *("    " + x for x in f.detail.splitlines())]
    lines += ["", "De notebooks zoals ze waren uitgevoerd, staan in de map notebooks/ hiernaast."]
    (target / "fout.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(target)

