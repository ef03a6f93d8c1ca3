"""Trainers sign in on a hosted server: once per browser, with their personal key.

The sign-in page and sign-out are light pages of the server itself (no kernel). A good key
gives the browser a random token in a cookie (HttpOnly, SameSite=Lax, Secure over https,
only for the server's path); the store keeps only its hash. On every page request for a
trainer's app the server looks the token up (a few seconds' memory, so a revoked trainer
is out within seconds) and hands the trainer's id to the app's kernel in a request header
that only the server sets: whatever a client sends under that name is thrown away.

Wrong keys are slowed down (a second per try) and limited per client; the answer never
tells whether an account exists.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass

import tornado.web
from tornado.log import app_log

from .gate import LazyStore
from .hosting import Limiter, client_key
from .serverpages import SIGN_IN, TRAINER_APP, error_page, sign_in_page, sign_out_page

COOKIE = "ztmo_trainer"
TRAINER_HEADER = "X-Ztmo-Trainer"     # set by the server for the kernel, never by a client
TRAINER_ENV = "HTTP_X_ZTMO_TRAINER"   # how Voila hands that header to the kernel
WRONG_KEY_DELAY = 1.0
KEY_LIMIT, KEY_WINDOW = 10, 15 * 60   # wrong keys per client per quarter of an hour
_NEXT = re.compile(r"voila/render/notebooks/[A-Za-z0-9_/.-]+\.ipynb(\?[A-Za-z0-9=&%_.-]*)?")


@dataclass(frozen=True)
class SignedIn:
    id: str
    name: str


class TrainerBook(LazyStore):
    """Sign-in tokens → trainers, looked up in the store and remembered for ``ttl``
    seconds (called from worker threads)."""

    def __init__(self, store_factory, ttl: float = 5.0):
        super().__init__(store_factory)
        self.ttl = ttl
        self._cache: dict[str, tuple[float, SignedIn | None]] = {}

    def lookup(self, token: str) -> SignedIn | None:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(token)
        if hit is not None and now - hit[0] <= self.ttl:
            return hit[1]
        trainer = self.store.signed_in(token)
        found = SignedIn(trainer.id, trainer.name) if trainer else None
        with self._lock:
            if len(self._cache) > 2000:
                self._cache.clear()
            self._cache[token] = (now, found)
        return found

    def forget(self, token: str) -> None:
        with self._lock:
            self._cache.pop(token, None)


async def current_trainer(handler: tornado.web.RequestHandler) -> SignedIn | None:
    """The signed-in trainer of this request, on a hosted server; else None."""
    host = handler.settings["ztmo_host"]
    token = handler.get_cookie(COOKIE)
    if not host.accounts or not token:
        return None
    book: TrainerBook = handler.settings["ztmo_trainers"]
    try:
        return await asyncio.to_thread(book.lookup, token)
    except Exception:  # noqa: BLE001 - a store outage: not signed in (the page says so)
        app_log.warning("Aanmelding controleren lukt niet: de opslag is niet bereikbaar.")
        return None


def pass_trainer_on(handler: tornado.web.RequestHandler, trainer: SignedIn | None) -> None:
    """Only the server says who the trainer is: drop the header from the client's request,
    then set it for a signed-in trainer (Voila hands it to the kernel)."""
    headers = handler.request.headers
    for name in [n for n in headers if n.lower() == TRAINER_HEADER.lower()]:
        del headers[name]
    if trainer is not None:
        headers[TRAINER_HEADER] = trainer.id


def safe_next(base: str, value: str) -> str:
    """Where to go after signing in: one of our app addresses under this server, else
    the trainer's screen (never another site)."""
    if value.startswith(base):
        rest = value[len(base):]
        if _NEXT.fullmatch(rest):
            return value
    return base + TRAINER_APP


def light_headers(handler: tornado.web.RequestHandler) -> None:
    handler.set_header("Content-Type", "text/html; charset=UTF-8")
    handler.set_header("Cache-Control", "no-store")
    handler.set_header("X-Frame-Options", "DENY")
    handler.set_header("X-Content-Type-Options", "nosniff")
    handler.set_header("Referrer-Policy", "same-origin")
    handler.set_header("Content-Security-Policy",
                       "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def client_of(handler: tornado.web.RequestHandler) -> str:
    """Who asks, for the limits (the proxy's X-Real-IP when nginx is in front)."""
    host = handler.settings["ztmo_host"]
    return client_key(handler.request.remote_ip or "", handler.request.headers, host.proxies)


class LightHandler(tornado.web.RequestHandler):
    """A light page of the server: Dutch, no kernel, no scripts."""

    @property
    def host(self):
        return self.settings["ztmo_host"]

    @property
    def base(self) -> str:
        return self.settings["base_url"]

    @property
    def client(self) -> str:
        return client_of(self)

    def light(self, status: int, html: str) -> None:
        self.clear()
        self.set_status(status)
        light_headers(self)
        self.finish(html)

    def write_error(self, status_code: int, **kwargs) -> None:
        self.light(status_code, error_page(status_code))

    def form_posted(self) -> bool:
        """A form of ours, posted with accounts on and its xsrf token; otherwise answered
        here (404 without accounts, a Dutch 403 page for a stale or missing token)."""
        if not self.host.accounts:
            raise tornado.web.HTTPError(404)
        try:
            self.check_xsrf_cookie()
        except tornado.web.HTTPError:
            self.light(403, error_page(403, "fouten.verlopen"))
            return False
        return True


class SignInHandler(LightHandler):
    key_limit, key_window = KEY_LIMIT, KEY_WINDOW

    def limiter(self) -> Limiter:
        return self.settings["ztmo_key_limiter"]

    def get(self):
        if not self.host.accounts:
            raise tornado.web.HTTPError(404)
        self.light(200, sign_in_page(self.base, self.xsrf_token.decode(),
                                     next_path=self.get_argument("volgende", "")[:300],
                                     signed_out=self.get_argument("af", "") == "1"))

    async def post(self):
        if not self.form_posted():
            return
        next_path = self.get_body_argument("volgende", "")[:300]
        client = self.client
        limiter = self.limiter()
        wait = limiter.wait(client)
        # The attempt counts before the (slow) check: tries sent in parallel cannot all
        # slip through before the first one is counted. A right key takes it back.
        if wait > 0 or limiter.failed(client) > limiter.limit:
            app_log.warning("Aanmelden: te veel verkeerde sleutels van %s", client)
            return self.light(429, sign_in_page(
                self.base, self.xsrf_token.decode(), problem="aanmelden.te_vaak",
                wait_minutes=max(1, round(max(wait, limiter.wait(client)) / 60)),
                next_path=next_path))
        key = self.get_body_argument("sleutel", "")[:80]
        store = self.settings["ztmo_trainers"].store
        from .errors import StoreUnavailable, WrongTrainerKey

        try:
            token, trainer = await asyncio.to_thread(store.sign_in, key)
        except WrongTrainerKey:
            app_log.info("Aanmelden: verkeerde sleutel van %s", client)
            await asyncio.sleep(WRONG_KEY_DELAY)
            return self.light(401, sign_in_page(self.base, self.xsrf_token.decode(),
                                                problem="aanmelden.fout", next_path=next_path))
        except StoreUnavailable:
            limiter.forgive(client)
            return self.light(503, error_page(503, "fouten.opslag"))
        limiter.forgive(client)
        self.set_cookie(COOKIE, token, path=self.base, httponly=True,
                        secure=self.host.address is not None and self.host.address.secure,
                        samesite="Lax", expires_days=90)
        app_log.info("Aanmelden: trainer %s is aangemeld", trainer.id)
        self.redirect(safe_next(self.base, next_path), status=303)


class SignOutHandler(LightHandler):
    """GET shows a button (a link alone must not sign anyone out), POST signs out."""

    def get(self):
        if not self.host.accounts:
            raise tornado.web.HTTPError(404)
        self.light(200, sign_out_page(self.base, self.xsrf_token.decode()))

    async def post(self):
        if not self.form_posted():
            return
        token = self.get_cookie(COOKIE)
        if token:
            book: TrainerBook = self.settings["ztmo_trainers"]
            book.forget(token)
            try:
                await asyncio.to_thread(book.store.sign_out, token)
            except Exception:  # noqa: BLE001 - the cookie goes anyway
                app_log.warning("Afmelden: de opslag is niet bereikbaar.")
        self.clear_cookie(COOKIE, path=self.base)
        self.redirect(self.base + SIGN_IN + "?af=1", status=303)
