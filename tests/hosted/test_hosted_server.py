"""A server a learning network's organisation hosts: https through nginx under /ztmo/,
trainer accounts, PostgreSQL, and a join gate. Driven as a room would: a trainer signs
in, the projector shows the QR code, phones join through the light page, answer, reload.
And as an attacker in the audience would: reload loops, guessed codes and keys, a
session's kernels used up, a message too large."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from tests.conftest import skip_or_fail
from ztmo.store import Owner
from ztmo.store.trainers import format_key

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
WAIT = 120_000
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def trainers(store):
    anna, bram = store.create_trainer("Anna de Vries"), store.create_trainer("Bram Jansen")
    return {"anna": anna, "bram": bram}


class Room:
    """Browser contexts that only speak https to the public address, and remember every
    request they made (to prove no page needs the internal port)."""

    def __init__(self, browser, hosted):
        self.browser = browser
        self.hosted = hosted
        self.requests: list[str] = []
        self.contexts = []

    def context(self, viewport=None):
        ctx = self.browser.new_context(ignore_https_errors=True, locale="nl-NL",
                                       viewport=viewport or {"width": 1280, "height": 900})
        ctx.on("request", lambda r: self.requests.append(r.url))
        self.contexts.append(ctx)
        return ctx

    def close(self):
        for ctx in self.contexts:
            ctx.close()


@pytest.fixture()
def room(browser, hosted):
    r = Room(browser, hosted)
    yield r
    r.close()


def sign_in(page, hosted, key: str) -> None:
    page.goto(hosted.url("trainer.ipynb"))
    assert "/ztmo/aanmelden?volgende=" in page.url  # no kernel before signing in
    page.fill("#sleutel", format_key(key))
    page.click("button[type=submit]")
    page.wait_for_selector(".ztmo-account", timeout=WAIT)


def decode_qr(png: bytes, tmp_path) -> list[str]:
    if shutil.which("zbarimg") is None:
        skip_or_fail("zbarimg ontbreekt (Debian-pakket 'zbar-tools')")
    path = tmp_path / "qr.png"
    path.write_bytes(png)
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True,
                         text=True, check=False)
    return out.stdout.split()


def join(page, nickname: str) -> None:
    page.wait_for_selector(".ztmo-join-submit", timeout=WAIT)
    page.fill(".ztmo-nickname input", nickname)
    page.click(".ztmo-join-submit")
    page.wait_for_selector(".ztmo-answer-input textarea", timeout=WAIT)


def answer(page, text: str) -> None:
    page.fill(".ztmo-answer-input textarea", text)
    page.click(".ztmo-answer-submit")
    page.wait_for_selector(".ztmo-saved", timeout=WAIT)


def test_a_trainer_signs_in_and_the_room_joins_through_https_only(room, hosted, trainers,
                                                                   store, tmp_path):
    trainer = room.context().new_page()
    sign_in(trainer, hosted, trainers["anna"].key)
    assert "Aangemeld als Anna de Vries" in trainer.inner_text(".ztmo-account")
    trainer.fill(".ztmo-session-name input", "Twente, 7 december")
    trainer.click(".ztmo-session-new")
    trainer.wait_for_selector(".ztmo-session-code-small", timeout=WAIT)
    code = trainer.inner_text(".ztmo-session-code-small").strip()
    assert "sleutel=" not in trainer.url and f"sessie={code}" in trainer.url
    assert "wordt op" in trainer.inner_text(".ztmo-trainer-head")  # when it is deleted
    assert store.sessions_of(trainers["anna"].id)[0].code == code

    projector_ctx = room.context({"width": 1920, "height": 1080})
    with trainer.context.expect_page() as opened:
        trainer.click(".ztmo-open-projector")
    projector = opened.value
    projector.close()  # a new window of the trainer's browser; the beamer is its own screen
    projector = projector_ctx.new_page()
    projector.goto(hosted.url("beamer.ipynb", f"sessie={code}"))
    projector.wait_for_selector(".ztmo-qr svg", timeout=WAIT)
    scanned = decode_qr(projector.locator(".ztmo-qr").screenshot(), tmp_path)
    join_url = f"{hosted.public}/voila/render/notebooks/index.ipynb?{urlencode({'sessie': code})}"
    assert scanned == [join_url]
    short = projector.inner_text(".ztmo-join-short").replace("\n", "")
    assert short == hosted.public.removeprefix("https://")

    phones = [room.context(PHONE).new_page() for _ in range(3)]
    phones[0].goto(scanned[0])  # the camera app opens the QR code's address
    for phone in phones[1:]:  # the others type the short address and the code
        phone.goto("https://" + short)
        assert phone.url == hosted.public + "/"
        phone.fill("#sessie", code.lower())
        phone.click("button[type=submit]")
    for n, phone in enumerate(phones, start=1):
        join(phone, f"Telefoon {n}")
        answer(phone, f"veilig warm {n}")
    phones[1].reload()
    phones[1].wait_for_selector(".ztmo-answer-input textarea", timeout=WAIT)
    assert phones[1].input_value(".ztmo-answer-input textarea") == "veilig warm 2"
    assert re.search(r"deelnemer=[A-Za-z0-9]{16}", phones[1].url)

    trainer.wait_for_function(
        "document.querySelector('.ztmo-participant-count')?.innerText.includes('3 deelnemers')",
        timeout=WAIT)
    trainer.wait_for_function("document.body.innerText.includes('warm')", timeout=WAIT)
    projector.wait_for_function(
        "document.querySelector('.ztmo-participant-count')?.innerText.includes('3')",
        timeout=WAIT)

    inside = [u for u in room.requests if not u.startswith(hosted.public)
              and not u.startswith(("data:", "blob:"))]
    assert inside == [], inside
    cached = [f for f in (hosted.proxy.dir / "cache").rglob("*") if f.is_file()]
    assert len(cached) > 20  # the apps' scripts: sent by the server once, then by nginx
    internal = f":{hosted.upstream}"
    for page in (trainer, projector, *phones):
        assert internal not in page.content()
    assert len(store.snapshot(code).answers) == 3


def test_two_trainers_each_see_and_control_only_their_own(room, hosted, trainers, store):
    annas = store.create_session("Van Anna", owner=Owner(trainers["anna"].id))
    page = room.context().new_page()
    sign_in(page, hosted, trainers["bram"].key)
    mine = store.create_session("Van Bram", owner=Owner(trainers["bram"].id))
    page.reload()
    page.wait_for_selector(".ztmo-own-sessions", timeout=WAIT)
    listed = page.inner_text(".ztmo-own-sessions")
    assert mine.code in listed and annas.code not in listed
    page.goto(hosted.url("trainer.ipynb", f"sessie={annas.code}"))
    page.wait_for_selector(".ztmo-error", timeout=WAIT)
    assert "hoort niet bij jouw account" in page.inner_text(".ztmo-error")
    assert page.locator(".ztmo-next-step").count() == 0  # no control over Anna's room
    page.click("a.ztmo-own-session:has-text('Van Bram')")
    page.wait_for_selector(".ztmo-next-step", timeout=WAIT)
    page.wait_for_selector(".ztmo-session-code-small", timeout=WAIT)
    assert mine.code in page.inner_text(".ztmo-session-code-small")


def test_page_loads_without_a_valid_code_start_no_kernel(hosted, store):
    closed, deleted = store.create_session("Gesloten"), store.create_session("Weg")
    store.close_session(closed.code, closed.trainer_key)
    store.delete_session(deleted.code, deleted.trainer_key)
    before = quiet(hosted)
    loads = ([hosted.public + "/", hosted.public, hosted.url("index.ipynb"),
              hosted.url("trainer.ipynb"), hosted.url("beamer.ipynb"),
              hosted.url("netwerk.ipynb"), hosted.url("regio.ipynb", "regio=Twente"),
              hosted.url("pillars/1_het_allerliefst_thuis.ipynb"),
              hosted.url("index.ipynb", "sessie=%3Cscript%3E")] * 4
             + [hosted.url("index.ipynb", f"sessie={closed.code}"),
                hosted.url("beamer.ipynb", f"sessie={deleted.code}")])
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(hosted.open, loads))
    assert {code for code, _, _ in answers} <= {200, 301, 302, 404, 410}
    assert all("kernelId" not in body for _, _, body in answers)
    assert answers[-2][0] == 410 and "Deze sessie is gesloten" in answers[-2][2]
    assert answers[-1][0] == 404 and "Deze code kennen we niet" in answers[-1][2]
    assert "&lt;script&gt;" not in answers[8][2] and "<script>" not in answers[8][2]
    after = hosted.status()  # kernels of earlier tests may have gone meanwhile, none came
    assert after["kernels"] <= before["kernels"]
    assert all(after["sessies"].get(s, 0) <= n for s, n in before["sessies"].items())
    assert set(after["sessies"]) <= set(before["sessies"])


def quiet(hosted, seconds: float = 2.0, timeout: float = 60) -> dict:
    """The server's counts once they stayed the same for ``seconds`` (pool refills done)."""
    last, since = hosted.status(), time.monotonic()
    deadline = time.monotonic() + timeout
    while time.monotonic() - since < seconds and time.monotonic() < deadline:
        time.sleep(0.5)
        now = hosted.status()
        if now != last:
            last, since = now, time.monotonic()
    return last


def _load_app(hosted, session: str, direct: bool = False):
    return hosted.open(hosted.url("index.ipynb", f"sessie={session}"), direct=direct)


def test_a_session_that_used_its_budget_leaves_the_other_alone(hosted, store):
    from ztmo.hosting import session_budget

    a, b = store.create_session("Vol"), store.create_session("Ernaast")
    store.update_state(a.code, "verwacht", lambda old: "1")
    budget = session_budget(1)
    with ThreadPoolExecutor(3) as pool:  # pages that never open their kernel: a script
        loads = list(pool.map(lambda _: _load_app(hosted, a.code), range(budget)))
    assert [code for code, _, _ in loads] == [200] * budget
    assert all("kernelId" in body for _, _, body in loads)
    assert hosted.status()["sessies"].get(a.code) == budget
    code, headers, body = _load_app(hosted, a.code)
    assert code == 503 and "Deze sessie zit vol" in body and "kernelId" not in body
    assert headers["Retry-After"] == "30"
    other, _, body = _load_app(hosted, b.code)
    assert other == 200 and "kernelId" in body  # the other session is not touched
    # Handed out but never opened: back within seconds (ZTMO_CONNECT_GRACE=25), not minutes.
    deadline = time.monotonic() + 90
    while hosted.status()["sessies"].get(a.code) and time.monotonic() < deadline:
        time.sleep(1)
    assert hosted.status()["sessies"].get(a.code) is None
    assert _load_app(hosted, a.code)[0] == 200


def test_a_form_posted_without_its_token_gets_a_dutch_page_and_changes_nothing(hosted):
    """Sign-in and sign-out forms posted from elsewhere (or a page open for days): 403."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for path in ("/aanmelden", "/afmelden"):
        status, _, body = hosted.open(hosted.public + path, "POST",
                                      b"sleutel=ABCDE-FGHJK-LMNPQ-RSTUV", headers=form)
        assert status == 403 and "Deze pagina was te lang open" in body, path
        assert "Traceback" not in body and "xsrf" not in body.lower()


def test_wrong_keys_and_guessed_codes_are_slowed_and_limited_per_client(hosted):
    _, _, page = hosted.open(hosted.public + "/aanmelden", direct=True)
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
    cookie = {"Cookie": f"_xsrf={xsrf}"}

    def wrong_key(n: int, client: str = "203.0.113.7"):
        body = urlencode({"_xsrf": xsrf, "sleutel": f"ABCDE-FGHJK-LMNPQ-RST{n:02d}"}).encode()
        return hosted.open(hosted.public + "/aanmelden", "POST", body, direct=True,
                           headers={**cookie, "X-Real-IP": client,
                                    "Content-Type": "application/x-www-form-urlencoded"})

    started = time.monotonic()
    with ThreadPoolExecutor(12) as pool:
        tries = list(pool.map(wrong_key, range(12)))
    assert time.monotonic() - started >= 1.0  # each wrong key costs a second
    codes = sorted(code for code, _, _ in tries)
    assert codes == [401] * 10 + [429] * 2
    assert sum("Deze sleutel klopt niet" in body for _, _, body in tries) == 10
    assert sum("te vaak een sleutel ingevuld" in body for _, _, body in tries) == 2
    assert wrong_key(99, client="198.51.100.4")[0] == 401  # another client: not blocked

    def guess(n: int, client: str = "203.0.113.8"):
        code = "".join("ABCDEFGHJK"[int(c)] for c in f"{n:06d}")
        return hosted.open(hosted.url("index.ipynb", f"sessie={code}"), direct=True,
                           headers={"X-Real-IP": client})

    with ThreadPoolExecutor(22) as pool:
        guesses = list(pool.map(guess, range(22)))
    codes = sorted(code for code, _, _ in guesses)
    assert codes == [404] * 20 + [429] * 2
    assert sum("Deze code kennen we niet" in body for _, _, body in guesses) == 20
    assert sum("te vaak een code ingevuld" in body for _, _, body in guesses) == 2
    assert guess(1, client="198.51.100.5")[0] == 404


def test_a_revoked_key_signs_out_and_loses_nothing(room, hosted, store):
    carla = store.create_trainer("Carla")
    session = store.create_session("Van Carla", owner=Owner(carla.id))
    token = store.join(session.code)
    store.save_answer(session.code, token, "wat_is_thuis", "mijn eigen bed")
    page = room.context().new_page()
    sign_in(page, hosted, carla.key)
    subprocess.run([str(hosted_bin()), "trainer", "intrekken", carla.id], env=hosted.env,
                   check=True, capture_output=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        page.goto(hosted.url("trainer.ipynb"))
        if "/ztmo/aanmelden" in page.url:
            break
        time.sleep(1)
    assert "/ztmo/aanmelden" in page.url
    page.fill("#sleutel", format_key(carla.key))
    page.click("button[type=submit]")
    page.wait_for_selector(".ztmo-problem", timeout=WAIT)
    assert "Deze sleutel klopt niet" in page.inner_text(".ztmo-problem")
    assert [a.value for a in store.answers(session.code)] == ["mijn eigen bed"]
    code, _, body = hosted.open(hosted.url("index.ipynb",
                                           f"sessie={session.code}&deelnemer={token}"))
    assert code == 200 and "kernelId" in body  # the participant still comes back


def hosted_bin():
    from tests.hosted.conftest import ZTMO

    return ZTMO


def test_one_message_cannot_grow_a_kernel(hosted, store):
    import json
    import ssl

    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    session = store.create_session("Groot bericht")
    _, _, body = _load_app(hosted, session.code)
    kernel = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', body).group(1)
    context = ssl.create_default_context(cafile=str(hosted.proxy.cert))
    ws_url = hosted.public.replace("https://", "wss://") + f"/api/kernels/{kernel}/channels"
    def kernel_info(ws, session: str) -> None:
        ws.send(json.dumps({"header": {"msg_id": "1", "msg_type": "kernel_info_request",
                                       "username": "", "session": session, "version": "5.3",
                                       "date": ""}, "parent_header": {}, "metadata": {},
                            "content": {}, "channel": "shell"}))
        reply = json.loads(ws.recv(timeout=30))
        while reply["msg_type"] != "kernel_info_reply":
            reply = json.loads(ws.recv(timeout=30))

    def connected(session: str):
        return connect(f"{ws_url}?session_id={session}", ssl=context, origin=hosted.proxy.base,
                       open_timeout=30, max_size=None)

    with connected("een") as ws:
        kernel_info(ws, "een")
        closed = None
        try:
            ws.send("x" * (4 * 1024 * 1024))  # 4 MB: far above what any page sends
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                ws.recv(timeout=30)  # the kernel's own messages, until the server closes
        except ConnectionClosed as exc:
            closed = exc
    assert closed is not None, "the server kept a connection that sent 4 MB at once"
    # Refused as too big (1009), or cut while it was still being sent.
    assert closed.rcvd is None or closed.rcvd.code == 1009
    with connected("twee") as ws:  # the kernel itself is fine and answers a page again
        kernel_info(ws, "twee")


def test_a_proxy_that_drops_websockets_is_named_on_the_page_and_in_the_log(room, hosted,
                                                                           store):
    """An administrator forgot the Upgrade and Connection lines: the page cannot start, and
    says so in Dutch with what to tell the administrator; the server's log says why."""
    from tests.hosted.proxy import Nginx

    careless = Nginx(hosted.upstream, without_websocket=True)
    try:
        session = store.create_session("Zonder websockets")
        page = room.context(PHONE).new_page()
        page.goto(careless.base + f"/ztmo/voila/render/notebooks/index.ipynb?sessie={session.code}")
        page.wait_for_selector(".ztmo-connection-lost", timeout=WAIT)
        notice = page.inner_text(".ztmo-connection-lost")
        assert "kan niet worden gemaakt" in notice and "beheerder" in notice
        assert "websockets" in notice
        deadline = time.monotonic() + 10
        while "Websocket zonder Upgrade-kop" not in hosted.log.read_text(errors="replace"):
            assert time.monotonic() < deadline, "the server did not name the proxy's fault"
            time.sleep(0.5)
    finally:
        careless.stop()
