"""The rules of a hosted server (ztmo.hosting): public address, budgets, limits, retention."""

from __future__ import annotations

from datetime import date

import pytest

from ztmo.hosting import (
    AddressError,
    HostSettings,
    Limiter,
    add_months,
    client_key,
    deletion_day,
    parse_public_address,
    retention_cutoff,
    retention_months,
    session_budget,
)
from ztmo.serve import ServeSettings, SettingsError, start_urls, voila_argv


@pytest.mark.parametrize("raw, url, prefix", [
    ("https://leren.example.nl/ztmo", "https://leren.example.nl/ztmo", "/ztmo/"),
    ("https://leren.example.nl/ztmo/", "https://leren.example.nl/ztmo", "/ztmo/"),
    ("https://Leren.Example.nl", "https://leren.example.nl", "/"),
    ("http://192.168.1.20:8866", "http://192.168.1.20:8866", "/"),
    ("https://example.org/a/b-c_d", "https://example.org/a/b-c_d", "/a/b-c_d/"),
    ("https://[::1]:8443/ztmo", "https://[::1]:8443/ztmo", "/ztmo/"),
])
def test_a_public_address_may_carry_a_path(raw, url, prefix):
    address = parse_public_address(raw)
    assert address.url == url and address.prefix == prefix


@pytest.mark.parametrize("raw, words", [
    ("leren.example.nl/ztmo", "moet beginnen met https://"),
    ("ftp://leren.example.nl", "moet beginnen met https://"),
    ("https://user:pw@leren.example.nl", "zonder gebruikersnaam"),
    ("https://leren.example.nl/ztmo?x=1", "mag geen ? of #"),
    ("https://leren.example.nl/ztmo#top", "mag geen ? of #"),
    ("https://leren.example.nl/../etc", "mag alleen letters"),
    ("https://leren.example.nl/zt mo", "mag alleen letters"),
    ("https://leren.example.nl//ztmo", "mag alleen letters"),
    ("https://leren.example.nl/voila", "mag niet met 'voila' beginnen"),
    ("https://leren.example.nl:99999/", "geen geldig adres"),
    ("https://lé<ren>.nl/", "servernaam"),
])
def test_a_wrong_public_address_is_refused_in_dutch(raw, words):
    with pytest.raises(AddressError, match="ZTMO_BASE_URL|servernaam") as info:
        parse_public_address(raw)
    assert words in str(info.value)


def test_accounts_need_https_except_on_this_machine():
    with pytest.raises(AddressError, match="https://"):
        parse_public_address("http://leren.example.nl/ztmo", accounts=True)
    assert parse_public_address("http://127.0.0.1:8870/ztmo", accounts=True).loopback
    with pytest.raises(AddressError, match="hoort ook ZTMO_BASE_URL"):
        HostSettings.from_env({"ZTMO_ACCOUNTS": "1"})


def test_serve_refuses_a_wrong_address_with_a_clear_message():
    with pytest.raises(SettingsError, match="ZTMO_BASE_URL moet beginnen met https://"):
        ServeSettings.from_env({"ZTMO_BASE_URL": "leren.example.nl"})
    with pytest.raises(SettingsError, match="ZTMO_ACCOUNTS moet 1 \\(aan\\) of 0"):
        ServeSettings.from_env({"ZTMO_ACCOUNTS": "misschien"})


def test_serve_puts_everything_under_the_public_path():
    s = ServeSettings.from_env({"ZTMO_BASE_URL": "https://leren.example.nl/ztmo",
                                "ZTMO_ACCOUNTS": "1"})
    assert s.base_url == "/ztmo/" and s.accounts
    assert "--Voila.base_url=/ztmo/" in voila_argv(s)
    assert start_urls(s) == ["https://leren.example.nl/ztmo/"]
    laptop = ServeSettings.from_env({})
    assert "--Voila.base_url=/" in voila_argv(laptop) and not laptop.accounts
    assert start_urls(laptop) == ["http://127.0.0.1:8866/voila/render/notebooks/index.ipynb"]


def test_host_settings_bounds_are_checked():
    s = HostSettings.from_env({"ZTMO_KERNEL_MB": "800", "ZTMO_CONNECT_GRACE": "20"})
    assert s.kernel_memory_mb == 800 and s.connect_grace == 20.0 and s.prefix == "/"
    with pytest.raises(AddressError, match="ZTMO_CONNECT_GRACE moet tussen 3 en 600"):
        HostSettings.from_env({"ZTMO_CONNECT_GRACE": "1"})
    with pytest.raises(AddressError, match="ZTMO_PROXIES bevat 'nginx'"):
        HostSettings.from_env({"ZTMO_PROXIES": "nginx"})


def test_a_session_budget_follows_the_expected_number_with_margin():
    assert session_budget(20) == 30
    assert session_budget(30) == 43
    assert session_budget(None) == session_budget(30)  # said nothing: 30
    assert session_budget(1) == 7
    assert all(session_budget(n) > n for n in range(1, 600))


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_limiter_counts_failures_per_client_within_the_window():
    clock = Clock()
    limit = Limiter(3, 60, clock=clock)
    for _ in range(3):
        assert limit.wait("a") == 0
        limit.failed("a")
    assert limit.wait("a") == pytest.approx(60)
    assert limit.wait("b") == 0  # another client is not touched
    clock.now += 30
    assert limit.wait("a") == pytest.approx(30)
    clock.now += 30.5
    assert limit.wait("a") == 0 and limit.failures("a") == 0


def test_the_limiter_forgets_the_oldest_clients_first():
    limit = Limiter(1, 60, max_clients=3, clock=Clock())
    for c in "abcd":
        limit.failed(c)
    assert limit.failures("a") == 0 and limit.failures("d") == 1
    assert len(limit._failures) == 3


def test_the_client_is_the_proxy_header_only_behind_a_trusted_proxy():
    trusted = frozenset({"127.0.0.1", "::1"})
    assert client_key("127.0.0.1", {"X-Real-IP": "203.0.113.7"}, trusted) == "203.0.113.7"
    # Someone on the internet cannot pretend to be someone else.
    assert client_key("198.51.100.2", {"X-Real-IP": "203.0.113.7"}, trusted) == "198.51.100.2"
    assert client_key("127.0.0.1", {"X-Forwarded-For": "10.0.0.1, 203.0.113.9"},
                      trusted) == "203.0.113.9"
    # One phone's IPv6 addresses count as one network.
    a = client_key("2001:db8:1:2::10", {}, trusted)
    b = client_key("2001:db8:1:2:aaaa::99", {}, trusted)
    assert a == b == "2001:db8:1:2::/64"
    assert client_key("::ffff:198.51.100.2", {}, trusted) == "198.51.100.2"


def test_months_are_added_as_people_count_them():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 7), 12) == date(2027, 12, 7)
    assert add_months(date(2026, 3, 15), -12) == date(2025, 3, 15)
    assert deletion_day(date(2026, 5, 12), 12) == date(2027, 5, 12)
    assert retention_cutoff(date(2026, 12, 7), 12) == date(2025, 12, 7)
    assert retention_months({}) == 12
    assert retention_months({"ZTMO_BEWAARTERMIJN": "6"}) == 6
    with pytest.raises(AddressError, match="tussen 1 en 120"):
        retention_months({"ZTMO_BEWAARTERMIJN": "0"})


def test_parallel_attempts_are_counted_before_their_check():
    """Tries sent at once all pass the first look; counting each before the slow check (and
    taking it back when it was right) keeps the limit for them too."""
    limit = Limiter(2, 60, clock=Clock())
    counts = [limit.failed("a") for _ in range(4)]  # four tries in parallel
    assert counts == [1, 2, 3, 4] and [c > limit.limit for c in counts] == [False] * 2 + [True] * 2
    limit.forgive("a")
    assert limit.failures("a") == 3
    for _ in range(3):
        limit.forgive("a")
    assert limit.failures("a") == 0 and limit.wait("a") == 0
