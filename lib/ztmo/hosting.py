"""Hosting one server for a whole learning network: the rules, without the server.

Pure functions and small classes that the server extension (`ztmo.serverext`), `ztmo
serve` and the store use, kept here so they are easy to read and to test:

- the public address (``ZTMO_BASE_URL``), which may carry a path (`/ztmo`): the server then
  serves everything under that path, so a plain nginx ``location /ztmo/`` needs no rewrite;
- the kernel budget of one session, from the number of participants the trainer expects;
- a limiter for wrong trainer keys and guessed session codes, per client;
- which address a request comes from when a trusted proxy stands in front;
- the retention period (AVG): when a session is deleted.

Nothing here imports Tornado, Jupyter or SQLAlchemy.
"""

from __future__ import annotations

import calendar
import ipaddress
import math
import re
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

DEFAULT_RETENTION_MONTHS = 12
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")
_HOST = re.compile(r"[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]")


class AddressError(ValueError):
    """A public address that cannot work; the message is Dutch, for an administrator."""


def env_int(env: Mapping[str, str], key: str, default, low: int, high: int | None = None,
            error: type[ValueError] = ValueError):
    """A whole number from the environment, within bounds; ``default`` when empty. A wrong
    value raises ``error`` with a Dutch message that names the setting."""
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise error(f"{key} moet een geheel getal zijn, niet '{raw}'.") from None
    if value < low or (high is not None and value > high):
        bounds = f"tussen {low} en {high}" if high is not None else f"minstens {low}"
        raise error(f"{key} moet {bounds} zijn, niet {value}.")
    return value


@dataclass(frozen=True)
class PublicAddress:
    """Where phones reach the server: scheme, host (with port) and a path prefix."""

    scheme: str
    netloc: str
    prefix: str  # "/" or "/ztmo/" (always with slashes at both ends)

    @property
    def url(self) -> str:
        """The address without a trailing slash, as links are built from it."""
        return f"{self.scheme}://{self.netloc}{self.prefix.rstrip('/')}"

    @property
    def hostname(self) -> str:
        host = self.netloc.rsplit(":", 1)[0] if not self.netloc.endswith("]") else self.netloc
        return host.strip("[]").lower()

    @property
    def secure(self) -> bool:
        return self.scheme == "https"

    @property
    def loopback(self) -> bool:
        return self.hostname in LOOPBACK_HOSTS


EXAMPLE = "https://leren.example.nl/ztmo"


def parse_public_address(raw: str, accounts: bool = False) -> PublicAddress | None:
    """Check ``ZTMO_BASE_URL``; None when it is empty (a laptop: the address the browser
    used is the right one). With trainer accounts, keys travel over it: it must be https
    (on this machine itself, http is allowed for trying it out)."""
    text = (raw or "").strip()
    if not text:
        return None
    name = "ZTMO_BASE_URL"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise AddressError(f"{name} is geen geldig adres: '{text}'. Voorbeeld: {EXAMPLE}") from None
    if parts.scheme not in ("http", "https"):
        raise AddressError(f"{name} moet beginnen met https:// (of http://), niet '{text}'. "
                           f"Voorbeeld: {EXAMPLE}")
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise AddressError(f"{name} moet een servernaam hebben, zonder gebruikersnaam of "
                           f"wachtwoord, niet '{text}'. Voorbeeld: {EXAMPLE}")
    host_part = parts.netloc.rsplit(":", 1)[0] if port is not None else parts.netloc
    if not _HOST.fullmatch(host_part):
        raise AddressError(f"De servernaam in {name} klopt niet: '{parts.netloc}'.")
    if parts.query or parts.fragment or "?" in text or "#" in text:
        raise AddressError(f"{name} mag geen ? of # bevatten: alleen server en map, "
                           f"bijvoorbeeld {EXAMPLE}")
    segments = [s for s in parts.path.split("/") if s]
    if "//" in parts.path or any(s in (".", "..") or not _SEGMENT.fullmatch(s)
                                 for s in segments):
        raise AddressError(f"De map in {name} mag alleen letters, cijfers en - . _ ~ "
                           f"bevatten, gescheiden door één /, niet '{parts.path}'.")
    if segments and segments[0] in ("voila", "api", "static"):
        raise AddressError(f"De map in {name} mag niet met '{segments[0]}' beginnen: die naam "
                           "gebruikt de server zelf. Kies bijvoorbeeld /ztmo.")
    address = PublicAddress(parts.scheme, parts.netloc.lower(),
                            "/" + "".join(s + "/" for s in segments))
    if accounts and not address.secure and not address.loopback:
        raise AddressError(f"Met trainersaccounts (ZTMO_ACCOUNTS=1) moet {name} met https:// "
                           "beginnen: de sleutels van trainers gaan over deze verbinding. "
                           "Zet nginx met een certificaat voor de server (zie de README).")
    return address


def flag(env: Mapping[str, str], key: str, default: bool = False) -> bool:
    """An on/off setting: 1/true/ja/yes is on, 0/false/nee/no is off."""
    raw = env.get(key, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "ja", "yes", "aan", "on"):
        return True
    if raw in ("0", "false", "nee", "no", "uit", "off"):
        return False
    raise AddressError(f"{key} moet 1 (aan) of 0 (uit) zijn, niet '{raw}'.")


@dataclass(frozen=True)
class HostSettings:
    """What the server extension needs to know about where and how it is hosted."""

    accounts: bool = False                 # ZTMO_ACCOUNTS: trainer accounts and the strict gate
    address: PublicAddress | None = None   # ZTMO_BASE_URL
    proxies: frozenset[str] = frozenset({"127.0.0.1", "::1"})
    connect_grace: float = 30.0            # ZTMO_CONNECT_GRACE: s for a page to open its kernel
    kernel_memory_mb: int = 600            # ZTMO_KERNEL_MB: one kernel's memory ceiling (0: none)
    max_message_kb: int = 128              # ZTMO_MAX_MESSAGE_KB: one websocket message, at most
    retention_months: int = DEFAULT_RETENTION_MONTHS

    @property
    def prefix(self) -> str:
        return self.address.prefix if self.address else "/"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> HostSettings:
        accounts = flag(env, "ZTMO_ACCOUNTS")

        def number(key: str, default: int, low: int, high: int) -> int:
            return env_int(env, key, default, low, high, AddressError)

        address = parse_public_address(env.get("ZTMO_BASE_URL", ""), accounts)
        if accounts and address is None:
            raise AddressError("Met trainersaccounts (ZTMO_ACCOUNTS=1) hoort ook ZTMO_BASE_URL "
                               "erbij: het openbare adres waarop deelnemers de server bereiken, "
                               f"bijvoorbeeld {EXAMPLE}")
        return cls(
            accounts=accounts,
            address=address,
            proxies=trusted_proxies(env),
            connect_grace=float(number("ZTMO_CONNECT_GRACE", 30, 3, 600)),
            kernel_memory_mb=number("ZTMO_KERNEL_MB", 600, 0, 100_000),
            max_message_kb=number("ZTMO_MAX_MESSAGE_KB", 128, 16, 100_000),
            retention_months=retention_months(env),
        )


# --- the kernel budget of one session ---------------------------------------------------

DEFAULT_EXPECTED = 30  # a session made without saying how many come (the CLI, older ones)
BUDGET_FACTOR = 1.25   # reloads overlap with the kernel they replace; some come late
BUDGET_EXTRA = 5       # the projector, a co-trainer's screen, a phone with two tabs
PER_PARTICIPANT = 3    # kernels one participant may hold at once (reloads, two tabs)


def session_budget(expected: int | None) -> int:
    """How many kernels one session may hold at once on this server: enough for everyone
    the trainer expects, with margin, so it never takes the kernels of another session."""
    n = expected if expected and expected > 0 else DEFAULT_EXPECTED
    return math.ceil(n * BUDGET_FACTOR) + BUDGET_EXTRA


def parse_expected(value: str | None) -> int | None:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return n if 0 < n <= 10_000 else None


# --- limits for guessing ------------------------------------------------------------------

class Limiter:
    """At most ``limit`` failures per client within ``window`` seconds; after that the
    client waits until its oldest failure leaves the window. Successes cost nothing, so a
    room that shares one public address is never blocked by its own right answers.

    Remembers at most ``max_clients`` clients (the oldest forgotten first), so someone who
    changes address all the time cannot fill the server's memory.
    """

    def __init__(self, limit: int, window: float, max_clients: int = 10_000,
                 clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self.max_clients = max_clients
        self.clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, client: str) -> deque[float]:
        now = self.clock()
        seen = self._failures.get(client)
        if seen is None:
            return deque()
        while seen and now - seen[0] >= self.window:
            seen.popleft()
        if not seen:
            del self._failures[client]
        return seen

    def wait(self, client: str) -> float:
        """Seconds until this client may try again (0: now)."""
        seen = self._recent(client)
        if len(seen) < self.limit:
            return 0.0
        return max(0.0, self.window - (self.clock() - seen[0]))

    def failed(self, client: str) -> int:
        """Count a failure; the client's failures within the window, this one included.
        More than ``limit`` means: this one came in parallel with others and is over."""
        seen = self._recent(client)
        seen.append(self.clock())
        self._failures[client] = seen
        self._failures.move_to_end(client)
        while len(self._failures) > self.max_clients:
            self._failures.popitem(last=False)
        return len(seen)

    def forgive(self, client: str) -> None:
        """Take back the last failure (an attempt counted beforehand turned out right)."""
        seen = self._failures.get(client)
        if seen:
            seen.pop()
            if not seen:
                del self._failures[client]

    def failures(self, client: str) -> int:
        return len(self._recent(client))


def client_key(peer: str, headers: Mapping[str, str], trusted: frozenset[str]) -> str:
    """Who asks, for the limits: the proxy's ``X-Real-IP`` when the request comes from a
    trusted proxy (nginx on this machine), else the address that connected. IPv6 addresses
    count per /64 network: one phone may use many addresses within its own network."""
    address = peer
    if peer in trusted:
        given = (headers.get("X-Real-IP") or "").strip()
        if not given:
            forwarded = (headers.get("X-Forwarded-For") or "").split(",")
            given = forwarded[-1].strip()
        if given:
            address = given
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def trusted_proxies(env: Mapping[str, str]) -> frozenset[str]:
    """Loopback always (nginx on the same machine); more with ``ZTMO_PROXIES``."""
    extra = {p.strip() for p in env.get("ZTMO_PROXIES", "").split(",") if p.strip()}
    for p in extra:
        try:
            ipaddress.ip_address(p)
        except ValueError:
            raise AddressError(f"ZTMO_PROXIES bevat '{p}': dat is geen IP-adres.") from None
    return frozenset({"127.0.0.1", "::1"} | extra)


# --- retention (AVG) ----------------------------------------------------------------------

def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the last day of the month when it has fewer days)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def deletion_day(held_on: date, months: int) -> date:
    """The day a session held on ``held_on`` is deleted by the clean-up."""
    return add_months(held_on, months)


def retention_cutoff(today: date, months: int) -> date:
    """Everything held before this day is past the retention period."""
    return add_months(today, -months)


def retention_months(env: Mapping[str, str]) -> int:
    raw = env.get("ZTMO_BEWAARTERMIJN", "").strip()
    if not raw:
        return DEFAULT_RETENTION_MONTHS
    try:
        months = int(raw)
    except ValueError:
        raise AddressError("ZTMO_BEWAARTERMIJN is het aantal maanden dat sessies bewaard "
                           f"blijven (een geheel getal), niet '{raw}'.") from None
    if not 1 <= months <= 120:
        raise AddressError(f"ZTMO_BEWAARTERMIJN moet tussen 1 en 120 maanden zijn, niet {months}.")
    return months


def local_day(moment: datetime) -> date:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/Amsterdam")).date()
