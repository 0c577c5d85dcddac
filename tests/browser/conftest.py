"""Real Chromium (Debian's, driven by Playwright) against the real service: gunicorn and a Celery worker
on the tests' database: tests/integration's stack on the SQLite-file broker.

Without /usr/bin/chromium every test here is skipped, saying so; `.ci/run` installs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.tab import Tab
from tests.integration.conftest import Stack

CHROMIUM = Path("/usr/bin/chromium")
# Headless, and nothing that reaches outside this machine (no updates, sync or QUIC probes).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="package")
def chromium() -> Iterator[object]:
    """One Chromium for the browser tests; each test gets its own profile through Tab."""
    if not CHROMIUM.exists():
        pytest.skip(f"Browser tests skipped: {CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def stack(chromium: object, sqlite_stack: Stack) -> Stack:
    """The web server and a worker on the tests' database, with the SQLite-file broker (the integration
    tests' stack, started once for both)."""
    return sqlite_stack


@pytest.fixture
def open_tab(chromium: object, stack: Stack) -> Iterator[object]:
    """open_tab() gives a new Chromium tab with its own cookies, on the stack's web server."""
    tabs: list[Tab] = []

    def new_tab() -> Tab:
        tabs.append(Tab(chromium, stack))
        return tabs[-1]

    yield new_tab
    for tab in tabs:
        tab.close()
