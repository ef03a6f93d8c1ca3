"""Shared fixtures. In CI (CI=true) nothing may be skipped for a missing tool."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def skip_or_fail(reason: str) -> None:
    """Skip locally with a visible reason; fail in CI, where the install step must provide it."""
    if IN_CI:
        pytest.fail(f"In CI mag dit niet ontbreken: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _own_data_dir(tmp_path_factory):
    """Tests never write into the repo's var/: every process they start uses a tmp store."""
    old = {k: os.environ.get(k) for k in ("ZTMO_DATA_DIR", "ZTMO_DATABASE_URL")}
    os.environ["ZTMO_DATA_DIR"] = str(tmp_path_factory.mktemp("ztmo-data"))
    os.environ.pop("ZTMO_DATABASE_URL", None)
    yield
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


# One Playwright instance for the whole run: a second sync_playwright() in the same
# thread fails while the first is open (browser/ and editions/ both use this).
@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"{CHROMIUM} ontbreekt (Debian-pakket 'chromium')")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is niet geïnstalleerd")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def pg_url():
    """A PostgreSQL server for the whole run (store and hosted tests share it):
    $ZTMO_TEST_DATABASE_URL or a throwaway cluster (tests.store.conftest.PostgresCluster)."""
    from tests.store.conftest import TEST_URL_VAR, PostgresCluster

    given = os.environ.get(TEST_URL_VAR, "").strip()
    if given:
        yield given
        return
    cluster = PostgresCluster(fast=True)
    try:
        url = cluster.start()
    except (RuntimeError, OSError) as exc:
        skip_or_fail(f"geen PostgreSQL voor de tests: {exc}")
    try:
        yield url
    finally:
        cluster.stop()


# The longest modules first: with two processes (pytest -n 2 --dist loadfile, see the
# README) no long module then begins when the other process has nothing left to do.
LONGEST_FIRST = (
    "tests/browser/test_workshop.py",
    "tests/browser/test_server.py",
    "tests/hosted/test_hosted_server.py",
    "tests/browser/test_sessions.py",
    "tests/browser/test_presenter.py",
    "tests/browser/test_screens.py",
    "tests/browser/test_apps.py",
    "tests/browser/test_groupwork.py",
)


def pytest_collection_modifyitems(config, items):
    def rank(item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: within a module, and for the rest, the order stays
