"""A warm kernel kept across notebooks, and the Papermill engine that runs on it.

Every notebook still goes through `papermill.execute_notebook` (its parameters
injected by Papermill); this engine only hands nbclient a kernel that is already
running instead of letting it start one. Registered in-process (no entry point) by
importing this module.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from papermill.engines import NBClientEngine, papermill_engines

ENGINE = "ztmo-warm-kernel"
KERNEL_NAME = "python3"
CELL_TIMEOUT = 300  # s: one cell of our notebooks takes well under a second
STARTUP_TIMEOUT = 120


class KernelTrouble(Exception):
    """The warm kernel could not be started, reset or reached."""


class WarmKernel:
    """One running kernel with its client, kept warm across notebooks."""

    def __init__(self, kernel_name: str = KERNEL_NAME, log: Path | None = None):
        self.kernel_name = kernel_name
        self.log_path = log
        self.km = None
        self.kc = None
        self.starts = 0

    def start(self) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.km = AsyncKernelManager(kernel_name=self.kernel_name)
        # The kernel's own output (warnings, server-side tracebacks) goes to a log file,
        # not over the progress bar.
        log = open(self.log_path or os.devnull, "ab")  # noqa: SIM115 - closed below
        try:
            # Like nbclient: history in memory, so nothing is written to the user's history file.
            run_sync(self.km.start_kernel)(stdout=log, stderr=log,
                                           extra_arguments=["--HistoryManager.hist_file=:memory:"])
        finally:
            log.close()
        try:
            self.kc = self.km.client()
            self.kc.start_channels()
            run_sync(self.kc.wait_for_ready)(timeout=STARTUP_TIMEOUT)
            self.kc.allow_stdin = False
            self.starts += 1
            self.run("import ztmo.editions.kernel as _k; _k.warm()", timeout=STARTUP_TIMEOUT)
        except BaseException:
            self.shutdown()
            raise

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size if self.log_path else 0
        except OSError:
            return 0

    def log_since(self, offset: int, limit: int = 4000) -> str:
        """What the kernel wrote to its log since ``offset`` (the end, at most ``limit``)."""
        if not self.log_path:
            return ""
        try:
            with open(self.log_path, "rb") as fh:
                fh.seek(offset)
                text = fh.read().decode("utf-8", errors="replace")
        except OSError:
            return ""
        lines = [x for x in text.splitlines() if "without encryption" not in x]
        return "\n".join(lines)[-limit:].strip()

    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def run(self, code: str, timeout: float = 60) -> None:
        """Run setup code silently; KernelTrouble when it fails or takes too long."""
        from jupyter_core.utils import run_sync

        async def execute() -> dict:
            msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
            deadline = time.monotonic() + timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise KernelTrouble("de kernel reageert niet")
                try:
                    msg = await self.kc.get_shell_msg(timeout=min(left, 1.0))
                except Exception:  # noqa: BLE001 - queue.Empty: check the kernel, then wait on
                    if not await self.km.is_alive():
                        raise KernelTrouble("de kernel is gestopt") from None
                    continue
                if msg["parent_header"].get("msg_id") == msg_id:
                    return msg["content"]

        content = run_sync(execute)()
        if content.get("status") != "ok":
            raise KernelTrouble(f"{content.get('ename', 'Fout')}: {content.get('evalue', '')}")

    def reset(self, cwd: Path) -> None:
        """A clean namespace in the notebook's folder; a new kernel if this one is gone."""
        if self.km is None or not self.alive():
            self.restart()
        try:
            self.run(f"import ztmo.editions.kernel as _k; _k.reset({str(cwd)!r})")
        except KernelTrouble:
            self.restart()
            self.run(f"import ztmo.editions.kernel as _k; _k.reset({str(cwd)!r})")

    def restart(self) -> None:
        self.shutdown()
        self.start()

    def shutdown(self) -> None:
        from jupyter_core.utils import run_sync

        if self.kc is not None:
            try:
                self.kc.stop_channels()
            except Exception:  # noqa: BLE001, S110 - already gone
                pass
        if self.km is not None:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001, S110 - already gone
                pass
        self.km = self.kc = None


class WarmKernelEngine(NBClientEngine):
    """Papermill's nbclient engine, but on an already running kernel (``warm=...``)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=60, execution_timeout=None,
                                 warm: WarmKernel | None = None, **kwargs):
        if warm is None:
            return super().execute_managed_notebook(
                nb_man, kernel_name, log_output=log_output, stdout_file=stdout_file,
                stderr_file=stderr_file, start_timeout=start_timeout,
                execution_timeout=execution_timeout, **kwargs)
        from papermill.clientwrap import PapermillNotebookClient
        from papermill.log import logger
        from papermill.utils import merge_kwargs, remove_args

        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(kwargs, timeout=execution_timeout,
                                    startup_timeout=start_timeout, kernel_name=kernel_name,
                                    log=logger, log_output=log_output, stdout_file=stdout_file,
                                    stderr_file=stderr_file)
        client = PapermillNotebookClient(nb_man, km=warm.km, **final_kwargs)
        client.kc = warm.kc  # reuse the warm client: nbclient then neither starts nor stops one
        return client.execute()


papermill_engines.register(ENGINE, WarmKernelEngine)
