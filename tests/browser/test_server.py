"""The server around the apps, for real: what it serves, how kernels come and go, the
kernel ceiling, and the notice when the connection is lost.

One small server of its own: 1 preheated kernel for the start page, 1 for the trainer
(and the beamer), none for the other apps, at most MAX kernels, fast culling.
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import signal
import time
import urllib.error
import urllib.request

import psutil
import pytest

from tests.browser.conftest import Page, VoilaServer, free_port
from ztmo import serve

pytestmark = pytest.mark.browser

# Preheated: 1 for the start page, 1 for the trainer's screen, 1 for the beamer if it exists.
POOLED = sum(v["pool_size"] for k, v in serve.kernel_pools(
    serve.ServeSettings(deelnemers=1, pool_size=0)).items() if k != "default")
MAX = POOLED + 3  # room for three pages
APP = ".ztmo-app"
OPEN_MS = 90_000  # the machine is busy: a page may take a while
NOTICE = "De verbinding met de server is weg. Laad de pagina opnieuw."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = VoilaServer(free_port(), tmp_path_factory.mktemp("server") / "voila.log", deelnemers=1,
                    pool_size=0, max_kernels=MAX, cull_idle=12, cull_interval=2)
    try:
        s.wait_ready()
        wait_for(lambda: ready(s) >= POOLED, 120, "the pools to fill", s)
        yield s
    finally:
        s.stop()


@pytest.fixture()
def open_page(browser, server):
    pages: list[Page] = []

    def make(rel: str = "index.ipynb", query: str = ""):
        p = Page(browser, server, 1000, 800)
        pages.append(p)
        p.page.goto(server.url(rel, query))
        p.page.wait_for_selector(APP, state="visible", timeout=OPEN_MS)
        return p.page

    yield make
    for p in pages:
        p.context.close()
        assert p.foreign == []


def wait_for(condition, timeout: float, what: str, server: VoilaServer | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    log = server.log.read_text()[-3000:] if server else ""
    raise AssertionError(f"waited {timeout}s for {what}\n{log}")


def ready(server: VoilaServer) -> int:
    return sum(p["klaar"] for p in server.status()["pools"].values())


def kernel_processes(server: VoilaServer) -> list[psutil.Process]:
    out = []
    for child in psutil.Process(server.proc.pid).children(recursive=True):
        try:
            if "ipykernel_launcher" in " ".join(child.cmdline()):
                out.append(child)
        except psutil.NoSuchProcess:
            pass
    return out


def kernel_id(page) -> str:
    return json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"]


def kernel_model(server: VoilaServer, kid: str) -> dict | None:
    try:
        with urllib.request.urlopen(f"{server.base}/api/kernels/{kid}", timeout=10) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return None
        raise


def get(server: VoilaServer, path: str, opener=None) -> tuple[int, str, object]:
    try:
        with (opener or urllib.request.build_opener()).open(server.base + path, timeout=180) as r:
            return r.status, r.read().decode(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), e.headers


def shutdown(server: VoilaServer, kid: str) -> int:
    """Voila's goodbye as a browser sends it: the _xsrf cookie echoed as form field."""
    token = secrets.token_hex(16)
    req = urllib.request.Request(f"{server.base}/voila/api/shutdown/{kid}",
                                 data=f"_xsrf={token}".encode(), method="POST",
                                 headers={"Cookie": f"_xsrf={token}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status


def open_by_http(server: VoilaServer, rel: str) -> tuple[int, str | None]:
    """Load an app page like a browser that never runs its scripts: the kernel stays."""
    status, body, headers = get(server, f"/voila/render/notebooks/{rel}")
    if status != 200:
        return status, None
    assert any(c.startswith("_xsrf=") for c in headers.get_all("Set-Cookie"))
    start = body.index('id="jupyter-config-data"')
    config = body[body.index(">", start) + 1:body.index("</script>", start)]
    return status, json.loads(config)["kernelId"]


# ---- what is served -----------------------------------------------------------------

# An image outside the apps' folder, as the virtualenv's own icons are on a laptop
# (.venv/share/.../jupyterlab.svg): the files route must never reach it.
SECRET = "var/ztmo-test-files/geheim.svg"
OUTSIDE = [
    "/voila/files/notebooks/../" + SECRET, "/voila/files/notebooks/%2e%2e/" + SECRET,
    "/voila/files/notebooks/%2E%2E/" + SECRET, "/voila/files/notebooks/..%2f" + SECRET,
    "/voila/files/notebooks/..%2F" + SECRET, "/voila/files/notebooks/..%5c" + SECRET,
    "/voila/files/notebooks/%252e%252e/" + SECRET, "/voila/files/notebooks/./../" + SECRET,
    "/voila/files/notebooks//../" + SECRET, "/voila/files/notebooks/pillars/../../" + SECRET,
    "/voila/files/notebooks/%2e/%2e%2e/" + SECRET, "/voila/files/notebooks\\..\\" + SECRET,
    "/voila/files/notebooks/.%2e/" + SECRET, "/voila/files/notebooks/../.venv/x.svg",
]


@pytest.fixture(scope="module")
def secret_image():
    path = serve.REPO_ROOT / SECRET
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>GEHEIM</text></svg>')
    yield path
    path.unlink()
    path.parent.rmdir()


@pytest.mark.parametrize("path", [
    "/voila/tree", "/voila/tree/", "/voila/tree/notebooks", "/voila/tree/.venv",
    "/voila/api/contents", "/voila/api/contents/", "/voila/api/contents/notebooks",
    "/voila/api/contents/tests?content=1",
    "/voila/render/tests/browser/conftest.py", "/voila/render/benchmarks/bare.ipynb",
    "/voila/render/README.md", "/voila/render/notebooks/../tests/x.ipynb",
    "/voila/render/notebooks/%2e%2e/README.md", "/voila/files/README.md",
    "/voila/files/notebooks/index.ipynb", "/voila/api/kernels", "/api/kernels",
    "/api/contents", "/tree", "/voila/api/ztmo/status", *OUTSIDE,
])
def test_only_the_apps_are_served(server, secret_image, path):
    status, body, _ = get(server, path)
    assert status in (403, 404), (path, status)
    for name in ("index.ipynb", "trainer", "pillars", "tests", ".venv", "README", "conftest",
                 "benchmarks", "Traceback", "GEHEIM"):
        assert name not in body, (path, name)


def test_an_image_in_the_apps_folder_is_still_served(server):
    """The files route itself still works for what it is for: the apps' own images."""
    path = serve.REPO_ROOT / "notebooks" / "ztmo-test-beeld.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>beeld</text></svg>')
    try:
        status, body, _ = get(server, "/voila/files/notebooks/ztmo-test-beeld.svg")
        assert (status, "beeld" in body) == (200, True)
    finally:
        path.unlink()


def test_home_links_to_the_start_page_and_starts_no_kernel(server):
    before = server.status()
    status, body, _ = get(server, "/")
    assert status == 200 and "/voila/render/notebooks/index.ipynb" in body
    after = server.status()
    assert after["apps_geopend"] == before["apps_geopend"]
    assert after["kernels"] <= before["kernels"]


def test_status_needs_the_token(server):
    assert get(server, "/voila/api/ztmo/status")[0] == 404
    req = urllib.request.Request(server.base + "/voila/api/ztmo/status",
                                 headers={"X-Ztmo-Status-Token": "fout"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 404
    assert server.status()["max_kernels"] == MAX


def test_kernels_talk_over_unix_sockets(server):
    files = list(server.runtime.glob("voila_*/kernel-*.json"))
    assert len(files) >= POOLED
    for f in files:
        info = json.loads(f.read_text())
        assert info["transport"] == "ipc" and info["ip"].startswith(str(server.runtime))
    assert oct(server.runtime.stat().st_mode & 0o777) == "0o700"
    kernels = kernel_processes(server)
    assert len(kernels) >= POOLED
    checked = 0
    for k in kernels:
        # The five channels are Unix sockets in our folder. A kernel that the pool has
        # only just started has not bound them yet, and one being culled has closed them
        # already (CI once caught one of those): give each a moment, and leave out a
        # kernel that ends meanwhile ...
        if not wait_for_sockets(k, server, 20):
            continue
        try:
            tcp = k.net_connections(kind="inet")
        except psutil.NoSuchProcess:
            continue
        checked += 1
        # ... the only TCP socket it listens on is ipykernel's own pipe for output of
        # forked subprocesses, which the kernel binds itself on a free port (no race) ...
        listening = [c for c in tcp if c.status == "LISTEN"]
        assert len(listening) <= 1 and all(c.laddr.ip == "127.0.0.1" for c in listening)
        # ... and a preheated kernel waiting for its page request is connected to the
        # Voila server itself (ztmo.request), never to anything else.
        others = [c for c in tcp if c.status != "LISTEN"]
        assert len(others) <= 1 and all(c.raddr and c.raddr.ip == "127.0.0.1"
                                        and c.raddr.port == server.port for c in others)
    assert checked >= POOLED


def wait_for_sockets(k: psutil.Process, server: VoilaServer, seconds: float) -> bool:
    """True once the kernel listens on Unix sockets in the server's folder, False if the
    process ends first; fails the test if it does neither in time."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if {c.laddr for c in k.net_connections(kind="unix")
                    if str(c.laddr).startswith(str(server.runtime))}:
                return True
            if k.status() == psutil.STATUS_ZOMBIE:
                return False
        except psutil.NoSuchProcess:  # ZombieProcess is one too
            return False
        assert time.monotonic() < deadline, f"kernel {k.pid} has no sockets in our folder"
        time.sleep(0.2)


def test_preheating_is_only_for_our_apps(server):
    ours = {k for k in serve.kernel_pools(server.settings) if k != "default"}
    assert set(server.status()["pools"]) == ours
    # Apart from the access lines of this module's own requests, the log names no other
    # notebook (it used to warn about the ones inside .venv).
    lines = [ln for ln in server.log.read_text().splitlines()
             if not re.match(r"\d{3} [A-Z]+ /", ln)]
    named = {m for ln in lines for m in re.findall(r"[\w./-]+\.ipynb", ln)}
    assert named <= ours, named
    assert not [ln for ln in lines if "Traceback" in ln]


# ---- kernels come and go ------------------------------------------------------------

def test_app_opens_and_leaving_frees_its_kernel(server, open_page):
    page = open_page()
    kid = kernel_id(page)
    assert kernel_model(server, kid) is not None
    page.goto("about:blank")  # the participant leaves: the page says goodbye
    wait_for(lambda: kernel_model(server, kid) is None, 20, "the kernel to be shut down", server)
    assert "'_xsrf' argument missing" not in server.log.read_text()


def test_full_server_says_busy_and_open_pages_keep_working(server, open_page):
    page = open_page()
    kid = kernel_id(page)
    wait_for(lambda: ready(server) >= POOLED, 90, "the pool to refill", server)
    held = []
    while server.status()["kernels"] < MAX:
        status, k = open_by_http(server, "regio.ipynb")
        assert status == 200
        held.append(k)
    assert len(kernel_processes(server)) <= MAX

    status, body, headers = get(server, "/voila/render/notebooks/pillars/2_dichtbij_thuis.ipynb")
    assert status == 503
    assert "Het is even druk. Probeer het over een halve minuut opnieuw." in body
    assert headers.get("Retry-After") == "30" and 'http-equiv="refresh"' in body
    assert server.status()["kernels"] == MAX

    # The open page still talks to its kernel.
    before = kernel_model(server, kid)["last_activity"]
    box = page.locator(f"{APP} input[type=text]:visible, {APP} textarea:visible").first
    box.click()
    box.press_sequentially("werkt nog")
    wait_for(lambda: kernel_model(server, kid)["last_activity"] != before, 30,
             "the kernel to hear from the open page", server)
    assert page.locator(".ztmo-connection-lost").count() == 0

    for k in held:
        assert shutdown(server, k) == 204
    wait_for(lambda: server.status()["kernels"] < MAX, 30, "room again", server)
    status, k = open_by_http(server, "pillars/2_dichtbij_thuis.ipynb")
    assert status == 200
    assert shutdown(server, k) == 204 and shutdown(server, k) == 204  # twice is fine


def test_a_page_that_vanished_without_goodbye_is_culled_while_the_group_works_on(
        server, browser):
    """A phone's browser drops a page without a goodbye (a tab thrown away, a dead battery).
    Its kernel keeps drawing the group's new answers, which the server counts as activity:
    culling by idleness alone would keep it for the whole workshop. It goes once it has
    had no page for the cull time."""
    from ztmo import presenter
    from ztmo.activities import WHAT_IS_HOME
    from ztmo.store import Store

    store = Store.from_env()
    session = store.create_session("Weggevallen")
    presenter.set_revealed(store, session.code, session.trainer_key, "start", True)
    gone = Page(browser, server, 390, 844)
    # Its goodbye never leaves the phone (the browser threw the page away).
    gone.context.add_init_script(
        "navigator.sendBeacon = () => true; const real = window.fetch;"
        "window.fetch = (u, o) => String(u).includes('/voila/api/shutdown/') ?"
        " Promise.resolve(new Response(null, {status: 204})) : real(u, o);")
    gone.page.goto(server.url("index.ipynb",
                              f"sessie={session.code}&deelnemer={store.join(session.code)}"))
    gone.page.wait_for_selector(".ztmo-joined", timeout=OPEN_MS)
    gone.page.locator(".ztmo-word-cloud").wait_for(timeout=OPEN_MS)
    kid = kernel_id(gone.page)
    gone.context.close()
    others = [store.join(session.code) for _ in range(3)]
    words = iter(f"woord{n}" for n in range(1000))
    began, activity = time.monotonic(), []
    while (model := kernel_model(server, kid)) is not None:
        assert time.monotonic() - began < 60, "the vanished page's kernel was never culled"
        for token in others:  # the group goes on answering: the kernel draws it
            store.save_answer(session.code, token, WHAT_IS_HOME, next(words))
        activity.append(model["last_activity"])
        time.sleep(1)
    # It was busy drawing until the end, and still it went, after about the cull time.
    assert len(set(activity)) > 3
    assert time.monotonic() - began >= 10


# ---- a lost connection --------------------------------------------------------------

def test_notice_when_the_kernel_dies(server, open_page):
    page = open_page()
    kid = kernel_id(page)
    (proc,) = [p for p in kernel_processes(server) if kid in " ".join(p.cmdline())]
    os.kill(proc.pid, signal.SIGKILL)
    notice = page.locator(".ztmo-connection-lost")
    notice.wait_for(state="visible", timeout=30_000)
    assert notice.get_attribute("role") == "alert"
    assert NOTICE in notice.text_content()
    assert page.locator(".ztmo-connection-lost button").text_content() == "Opnieuw laden"


def test_a_phone_whose_kernel_was_culled_reloads_by_itself(server, open_page):
    """A phone slept while the server culled its kernel: when it wakes up, the page finds
    its kernel gone and reloads by itself, to the same address (and so the same person)."""
    page = open_page("index.ipynb", "stap=start")
    kid, address = kernel_id(page), page.url
    assert shutdown(server, kid) == 204  # as culling does, while the phone sleeps
    with page.expect_navigation(timeout=20_000):
        # The page looks again when it becomes visible (a phone waking up), else every 15 s.
        page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_selector(APP, state="visible", timeout=OPEN_MS)
    assert kernel_id(page) != kid and page.url == address
    assert page.locator(".ztmo-connection-lost").count() == 0
    # Culled again within the minute: no reload loop, the notice instead.
    assert shutdown(server, kernel_id(page)) == 204
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.locator(".ztmo-connection-lost").wait_for(state="visible", timeout=10_000)


def test_when_the_wifi_comes_back_the_page_starts_afresh_by_itself(server, open_page):
    """The wifi drops: the page says so. When it is back, the page reloads by itself, to
    the same address, instead of waiting for a tap on a notice nobody reads."""
    page = open_page("index.ipynb", "stap=start")
    address = page.url
    page.context.set_offline(True)
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.locator(".ztmo-connection-lost").wait_for(state="visible", timeout=10_000)
    with page.expect_navigation(timeout=20_000):
        page.context.set_offline(False)
    page.wait_for_selector(APP, state="visible", timeout=OPEN_MS)
    assert page.url == address and page.locator(".ztmo-connection-lost").count() == 0


def test_with_unsaved_typing_the_page_asks_before_it_reloads(server, open_page):
    """Reloading would lose what the participant typed and did not save yet: the notice,
    with the text still on screen, and the reload only when they tap it."""
    page = open_page()
    kid = kernel_id(page)
    box = page.locator(f"{APP} textarea:visible, {APP} input[type=text]:visible").first
    box.click()
    box.press_sequentially("nog niet bewaard")
    assert shutdown(server, kid) == 204
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.locator(".ztmo-connection-lost").wait_for(state="visible", timeout=10_000)
    assert NOTICE in page.locator(".ztmo-connection-lost").text_content()
    assert box.input_value() == "nog niet bewaard"
    page.locator(".ztmo-connection-lost button").click()  # reload: a fresh kernel
    page.wait_for_selector(APP, state="visible", timeout=OPEN_MS)
    assert kernel_id(page) != kid and page.locator(".ztmo-connection-lost").count() == 0


def test_a_save_while_the_server_is_away_never_says_saved_and_no_reload_brings_older_text(
        server, browser):
    """The phone types a newer answer and taps Opslaan while the server cannot be reached:
    no "Opgeslagen" (the app never confirmed it, and the one from before does not speak for
    the new text), and when the server answers again the page does not reload by itself
    and put the older stored text back over the newer one: the notice stays instead."""
    from ztmo.store import Store

    store = Store.from_env()
    session = store.create_session("Weg en terug")
    token = store.join(session.code)
    p = Page(browser, server, 390, 844)
    away = {"now": False}

    def relay(ws):  # the kernel's websocket through us, so we can make the server vanish
        upstream = ws.connect_to_server()
        ws.on_message(lambda m: None if away["now"] else upstream.send(m))
        upstream.on_message(lambda m: None if away["now"] else ws.send(m))

    try:
        p.page.route_web_socket(re.compile(r"/api/kernels/[^/]+/channels"), relay)
        p.page.goto(server.url("index.ipynb", f"sessie={session.code}&deelnemer={token}"))
        box = p.page.locator(".ztmo-session .ztmo-answer-input textarea")
        box.wait_for(timeout=OPEN_MS)
        save = p.page.locator(".ztmo-session button.ztmo-answer-submit")
        saved = p.page.locator(".ztmo-session .ztmo-saved:visible")
        box.fill("oude tekst")
        save.click()
        saved.wait_for(timeout=30_000)
        address = p.page.url

        away["now"] = True  # the server is away: nothing gets through, either way
        p.context.set_offline(True)
        box.fill("nieuwe tekst")
        save.click()
        p.page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
        p.page.locator(".ztmo-connection-lost").wait_for(state="visible", timeout=10_000)
        assert saved.count() == 0  # the earlier "Opgeslagen" does not speak for this text

        p.context.set_offline(False)  # back (the kernel, unreachable meanwhile, is gone)
        away["now"] = False
        p.page.evaluate("window.dispatchEvent(new Event('online'))")
        for _ in range(20):  # the page looks again (and again, every 15 s): no reload
            p.page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
            p.page.wait_for_timeout(1_000)
            assert box.input_value() == "nieuwe tekst" and saved.count() == 0
        assert p.page.url == address
        assert p.page.locator(".ztmo-connection-lost").is_visible()  # they are told
        assert store.answers(session.code, "wat_is_thuis")[0].value == "oude tekst"
        assert p.foreign == []
    finally:
        p.context.close()


# ---- a reload loop ------------------------------------------------------------------

def test_reload_loop_stays_under_the_ceiling(server, open_page):
    page = open_page()
    rng = random.Random(7)
    seen = []
    for _ in range(6):  # each reload waits for a kernel start: 6 over a ceiling of 3 pages
        page.reload(wait_until="commit")
        time.sleep(rng.uniform(0.1, 0.8))
        seen.append(server.status()["kernels"])
        assert len(kernel_processes(server)) <= MAX
    assert max(seen) <= MAX, seen
    page.goto("about:blank")
    # Every kernel the loop started is shut down (goodbye, or left while loading), so
    # only the pools stay; then a new participant gets in.
    wait_for(lambda: server.status()["kernels"] <= POOLED, 60, "the loop's kernels to go", server)
    fresh = open_page()
    assert fresh.locator(".ztmo-connection-lost").count() == 0
    assert server.status()["kernels"] <= POOLED + 1


def test_notice_when_the_server_stops(server, open_page):
    """Last in this module: it stops the module's server."""
    page = open_page()
    server.proc.terminate()
    server.proc.wait(timeout=30)
    page.locator(".ztmo-connection-lost").wait_for(state="visible", timeout=20_000)
    assert NOTICE in page.locator(".ztmo-connection-lost").text_content()


def test_a_kernel_over_its_memory_ceiling_is_replaced_and_the_phone_comes_back(
        browser, tmp_path):
    """One kernel may not grow without bound (ZTMO_KERNEL_MB). Here the ceiling is below
    any kernel, so the first check replaces the phone's kernel: the page reloads by
    itself, as the same participant, with the answer it saved."""
    from ztmo.store import Store

    s = VoilaServer(free_port(), tmp_path / "voila.log", preheat=False, max_kernels=4,
                    extra_env={"ZTMO_KERNEL_MB": "1"})
    try:
        s.wait_ready()
        with Store.from_env() as store:
            session = store.create_session("Geheugen")
            token = store.join(session.code)
            store.save_answer(session.code, token, "wat_is_thuis", "mijn eigen plek")
        p = Page(browser, s, 390, 844)
        page = p.page
        page.goto(s.url("index.ipynb", f"sessie={session.code}&deelnemer={token}"))
        page.wait_for_selector(".ztmo-answer-input textarea", timeout=OPEN_MS)
        kid, address = kernel_id(page), page.url
        with page.expect_navigation(timeout=40_000):
            page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
            wait_for(lambda: kernel_model(s, kid) is None, 30, "the kernel to be replaced", s)
            page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
        page.wait_for_selector(".ztmo-answer-input textarea", timeout=OPEN_MS)
        assert page.url == address and kernel_id(page) != kid
        assert page.input_value(".ztmo-answer-input textarea") == "mijn eigen plek"
        assert "meer dan het plafond van 1 MB" in s.log.read_text(errors="replace")
        p.context.close()
    finally:
        s.stop()
