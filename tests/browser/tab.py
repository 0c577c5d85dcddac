"""One person's Chromium tab on the service, and what the browser tests check on every page: axe-core, the
console (CSP violations included) and sideways scrolling on a 375 px wide phone."""

from __future__ import annotations

import atexit
import json
import os
import re
from collections import defaultdict
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from tests.db import PASSWORD
from tests.integration.conftest import Stack

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 800}  # the narrowest common phone, as WCAG 1.4.10 (Reflow) has it
TIMEOUT_MS = 15_000  # for one page to load or one element to appear; a deadline, not a measure


@cache
def _axe_source() -> str:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: `make install` (npm install) brings axe-core")
    return AXE.read_text()


def is_upstream_exception(violation: dict[str, Any]) -> bool:
    """The one axe finding we accept: aria-expanded on GOV.UK Frontend's radios that reveal a question.

    ARIA does not list aria-expanded for radios, but GOV.UK Frontend keeps it on purpose: their testing found
    screen readers announce it usefully. Known upstream and left open there:
    https://github.com/alphagov/govuk-frontend/issues/979 (and #4974, #2823 for the decision). Only that
    attribute on those radios is let through; any other aria-allowed-attr finding still fails.
    """
    return violation["id"] == "aria-allowed-attr" and all(
        'class="govuk-radios__input"' in node["html"]
        and 'aria-controls="conditional-' in node["html"]
        and re.findall(r"aria-[a-z]+=", node["failureSummary"]) == ["aria-expanded="]
        for node in violation["nodes"]
    )


class Tab:
    """A Chromium tab with its own cookies that records console errors and checks the pages it opens."""

    def __init__(self, chromium: Any, stack: Stack) -> None:
        self.stack = stack
        self.context = chromium.new_context(base_url=stack.base_url, viewport=DESKTOP)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.pages_checked = 0
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))
        self._expected_status = 200

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        # An error page's own status is logged as an error; that one is what we asked for.
        own_status = f"status of {self._expected_status}" in message.text
        if own_status and message.location.get("url", "").rstrip("/") == self.page.url.rstrip("/"):
            return
        self.console_errors.append(message.text)

    def close(self) -> None:
        self.context.close()

    def open(self, path: str, status: int = 200) -> None:
        """Load a page at desktop width, failing unless it answers with this status."""
        self._expected_status = status
        self.console_errors.clear()
        self.page.set_viewport_size(DESKTOP)
        response = self.page.goto(path, wait_until="load")
        assert response is not None and response.status == status, (
            f"GET {path}: {response and response.status}, expected {status}\n{self.stack.log('web server')}"
        )

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        """Sign in through the real form, as a person would."""
        self.open("/sign-in")
        self.submit_sign_in(email, password)
        assert "/sign-in" not in self.page.url, f"Signing in as {email} failed"

    def submit_sign_in(self, email: str, password: str) -> None:
        """Fill in and send the sign-in form on the open page."""
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password", exact=True).fill(password)
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Sign in").click()

    def axe(self) -> list[dict[str, Any]]:
        """axe-core's violations on the page as it is now, less the documented upstream exception."""
        if not self.page.evaluate("typeof window.axe === 'object'"):
            # Evaluated through the DevTools protocol, which the page's CSP does not govern.
            self.page.evaluate(_axe_source())
        results = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        _record(self.page.url.removeprefix(self.stack.base_url), results)
        return [violation for violation in results["violations"] if not is_upstream_exception(violation)]

    def widths_at(self, viewport: dict[str, int]) -> tuple[int, int]:
        """(the page's scroll width, the window's width) at this viewport."""
        self.page.set_viewport_size(viewport)
        scroll, window = self.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        return int(scroll), int(window)

    def problems(self) -> list[str]:
        """What is wrong with the open page: axe violations at desktop and phone width, console errors, and
        sideways scrolling on a phone."""
        where = self.page.url.removeprefix(self.stack.base_url)
        found = [f"{where} at {DESKTOP['width']} px: {_describe(v)}" for v in self.axe()]
        scroll, window = self.widths_at(PHONE)
        found += [f"{where} at {PHONE['width']} px: {_describe(v)}" for v in self.axe()]
        if scroll > window:
            found.append(f"{where} scrolls sideways at {window} px: the page is {scroll} px wide")
        found += [f"{where} console error: {text}" for text in self.console_errors]
        self.pages_checked += 1
        return found

    def check(self, path: str, status: int = 200) -> list[str]:
        """Open a page and say what is wrong with it."""
        self.open(path, status)
        return self.problems()


# With AXE_FINDINGS_OUT set (to web/privacy/axe_findings.json on a whole browser-suite run), every finding
# axe reports, the accepted one too, is written there when the run ends: the accessibility statement's known
# issues. Pages are grouped by address pattern (ids and link secrets as <id>), counted once each.
_FOUND: dict[tuple[str, str, str, bool], set[str]] = defaultdict(set)
_ABOUT: dict[str, Any] = {"pages": set(), "rules": {}}


def _record(path: str, results: dict[str, Any]) -> None:
    if not os.environ.get("AXE_FINDINGS_OUT"):
        return
    if not _ABOUT["pages"]:
        atexit.register(_write_findings, os.environ["AXE_FINDINGS_OUT"])
    path = path.split("?")[0]
    pattern = re.sub(r"/(?:[0-9]+|[A-Za-z0-9_-]{20,})(?=/|$)", "/<id>", path)
    _ABOUT["pages"].add(pattern)
    _ABOUT["axe_version"] = results.get("testEngine", {}).get("version", "")
    for violation in results["violations"]:
        _ABOUT["rules"][violation["id"]] = violation
        accepted = is_upstream_exception(violation)
        _FOUND[violation["id"], violation["impact"] or "", pattern, accepted].add(path)


def _write_findings(out: str) -> None:
    findings = [
        {
            "rule": rule,
            "impact": impact,
            "help": _ABOUT["rules"][rule]["help"],
            "help_url": _ABOUT["rules"][rule]["helpUrl"].split("?")[0],
            "wcag": [
                f"{t[4]}.{t[5]}.{t[6:]}"
                for t in _ABOUT["rules"][rule]["tags"]
                if re.fullmatch(r"wcag\d{3,}", t)
            ],
            "pages": pattern,
            "count": len(paths),
            "accepted": accepted,
        }
        for (rule, impact, pattern, accepted), paths in sorted(_FOUND.items())
    ]
    produced = {"produced_on": datetime.now(UTC).date().isoformat(), "axe_version": _ABOUT.get("axe_version")}
    about = {**produced, "pages_checked": len(_ABOUT["pages"]), "findings": findings}
    Path(out).write_text(json.dumps(about, indent=2) + "\n")


def _describe(violation: dict[str, Any]) -> str:
    targets = ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
    return f"axe {violation['id']} ({violation['impact']}): {violation['help']} [{targets}]"
