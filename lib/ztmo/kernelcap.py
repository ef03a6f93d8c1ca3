"""A ceiling on the number of kernels one server runs.

Every open page holds a kernel (about 100-150 MB). A page reloaded in a loop, or many
phones that never say goodbye, could otherwise start kernels until memory runs out.
`CappedKernelManager` counts every kernel that runs or is starting; at the ceiling a
page's own start raises `ServerBusy` (the page handler answers "Het is even druk", 503),
while a refill of Voila's preheated pool waits for a free place instead of failing.
Voila builds its pooling manager on top of this class
(`--VoilaConfiguration.multi_kernel_manager_class`), so pool kernels are counted too.

Culling: Jupyter Server culls a kernel without connections only when it has also been
idle, and every widget update a kernel sends counts as activity. Our participants'
kernels keep drawing the group's answers, so a page that vanished without a goodbye (a
tab the phone's browser threw away) would keep its kernel for the whole workshop. Here a
kernel that has had no page connected for the cull time is culled, busy drawing or not
(Voila's pool kernels, which wait for a page, are exempt: Voila's manager checks first).

Handed out, never connected: a page whose browser never opens the kernel's websocket (a
client that only fetches pages, in a loop) would hold its kernel for the whole cull time.
`reap_if_never_connected` returns such a kernel a few seconds after its page was sent.

Memory: one kernel may not grow without bound. `over_memory` lists kernels whose resident
memory is above the ceiling; the server replaces them (the page reloads by itself, as the
same participant).
"""

from __future__ import annotations

import asyncio
import time

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Float, Integer

PREHEAT_ENV = "VOILA_PREHEAT"  # Voila sets it to "True" in the env of pool kernels


class ServerBusy(RuntimeError):
    """No room for another kernel right now."""


class CappedKernelManager(AsyncMappingKernelManager):
    max_kernels = Integer(0, config=True, help="Most kernels at once (0: no ceiling).")
    slot_wait = Float(1.0, config=True, help="Seconds between looks for a free place.")
    refill_quiet = Float(5.0, config=True, help=(
        "A pool refill waits until no page was asked for during this many seconds, so "
        "a group arriving at once does not share the CPU with the kernels that replace "
        "theirs (0: refill at once)."))
    refill_max_wait = Float(90.0, config=True, help="Longest wait of a refill for quiet.")

    _stopping = False
    _last_demand = float("-inf")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._alone_since: dict[str, float] = {}  # kernel id -> first seen without a page
        self._ever_connected: set[str] = set()

    def notify_connect(self, kernel_id):
        self._ever_connected.add(kernel_id)
        return super().notify_connect(kernel_id)

    def ever_connected(self, kernel_id: str) -> bool:
        return kernel_id in self._ever_connected

    async def reap_if_never_connected(self, kernel_id: str, grace: float) -> bool:
        """Shut the kernel down if no page connected to it within ``grace`` seconds (after
        its page was sent); True when it was shut down."""
        await asyncio.sleep(grace)
        if kernel_id not in self._kernels or self.ever_connected(kernel_id):
            return False
        self.log.warning("Kernel %s: page sent %d s ago, but never opened: shutting it down.",
                         kernel_id, int(grace))
        try:
            await self.shutdown_kernel(kernel_id)
        except Exception as exc:  # noqa: BLE001 - already gone
            self.log.debug("Kernel %s was already gone: %s", kernel_id, exc)
        return True

    def kernel_pid(self, kernel_id: str) -> int | None:
        kernel = self._kernels.get(kernel_id)
        provisioner = getattr(kernel, "provisioner", None)
        process = getattr(provisioner, "process", None)
        return getattr(process, "pid", None)

    def over_memory(self, ceiling_bytes: int) -> list[tuple[str, int]]:
        """Kernels (that a page connected to) whose resident memory is above the ceiling."""
        if ceiling_bytes <= 0:
            return []
        import psutil

        found = []
        for kernel_id in list(self._kernels):
            pid = self.kernel_pid(kernel_id)
            if pid is None or kernel_id not in self._ever_connected:
                continue
            try:
                rss = psutil.Process(pid).memory_info().rss
            except (psutil.Error, OSError):
                continue
            if rss > ceiling_bytes:
                found.append((kernel_id, rss))
        return found

    async def cull_kernel_if_idle(self, kernel_id: str):
        now = time.monotonic()
        for gone in [k for k in self._alone_since if k not in self._kernels]:
            del self._alone_since[gone]
        self._ever_connected &= set(self._kernels) | set(self._pending_kernels)
        kernel = self._kernels.get(kernel_id)
        state = getattr(kernel, "execution_state", None)
        if (self.cull_connected or self._kernel_connections.get(kernel_id, 0)
                or state in ("starting", "busy")):  # busy: still rendering its page
            self._alone_since.pop(kernel_id, None)
        else:
            alone = now - self._alone_since.setdefault(kernel_id, now)
            if self.cull_idle_timeout > 0 and alone > self.cull_idle_timeout:
                self.log.warning("Culling kernel %s: no page connected for %d seconds.",
                                 kernel_id, int(alone))
                self._alone_since.pop(kernel_id, None)
                await self.shutdown_kernel(kernel_id)
                return
        return await super().cull_kernel_if_idle(kernel_id)

    def note_demand(self) -> None:
        """A page was asked for (our page handler calls this)."""
        self._last_demand = time.monotonic()

    async def _wait_for_quiet(self) -> None:
        start = time.monotonic()
        while (not self._stopping and time.monotonic() - start < self.refill_max_wait
               and time.monotonic() - self._last_demand < self.refill_quiet):
            await asyncio.sleep(min(0.5, self.refill_quiet))

    def live_kernel_ids(self) -> set[str]:
        """Kernels that run or are starting (a failed start leaves a done task: not counted)."""
        starting = {k for k, task in self._pending_kernels.items() if not task.done()}
        return set(self._kernels) | starting

    def has_room(self) -> bool:
        return self.max_kernels <= 0 or len(self.live_kernel_ids()) < self.max_kernels

    async def start_kernel(self, *args, **kwargs):
        # The check and the registration in _pending_kernels happen without an await in
        # between, so two pages at the same moment cannot both take the last place.
        preheat = (kwargs.get("env") or {}).get(PREHEAT_ENV) == "True"
        if preheat:
            await self._wait_for_quiet()
        while not self.has_room():
            if not preheat or self._stopping:
                raise ServerBusy("kernel ceiling reached")
            await asyncio.sleep(self.slot_wait)
        return await super().start_kernel(*args, **kwargs)

    async def shutdown_all(self, *args, **kwargs):
        self._stopping = True  # pool refills that wait for a place give up
        return await super().shutdown_all(*args, **kwargs)


def ready_in_pool(km, notebook: str) -> int:
    """How many preheated kernels for `notebook` are ready to hand out (0 without pools)."""
    ready = 0
    for task in getattr(km, "_pools", {}).get(notebook, ()):
        if task.done() and not task.cancelled() and task.exception() is None:
            ready += 1
    return ready


def status(km) -> dict:
    """Counts for the private status endpoint and the tests."""
    pools = {nb: {"klaar": ready_in_pool(km, nb), "totaal": len(tasks)}
             for nb, tasks in sorted(getattr(km, "_pools", {}).items()) if tasks}
    live = km.live_kernel_ids()
    return {"kernels": len(live), "max_kernels": km.max_kernels,
            "verbonden": sum(1 for k in live if km._kernel_connections.get(k, 0) > 0),
            "pools": pools}
