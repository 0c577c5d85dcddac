"""Two-step sign-in in Chromium: a hub admin sets it up from the team page (the key read off the page, the
code made by pyotp as an authenticator app would), saves the recovery codes, signs out, and signs in again
with a password and a code; every page on the way has no axe-core violation, no console error and no
sideways scrolling on a 375 px wide phone."""

from __future__ import annotations

import time

import pyotp

from tests import db as factories
from tests.browser.tab import Tab
from tests.integration.conftest import Stack
from tests.web.auth_two_step.helpers import Clock, turn_on
from web.models.base import utcnow


def _click(tab: Tab, role: str, name: str) -> None:
    with tab.page.expect_navigation():
        tab.page.get_by_role(role, name=name).click()  # type: ignore[arg-type]


def test_a_hub_admin_sets_up_two_step_and_signs_in_with_a_code(
    open_tab,  # type: ignore[no-untyped-def]
    stack: Stack,
) -> None:
    hub = factories.create_hub()
    admin = factories.create_user_for("hub_admin", hub, email="admin@example.org", name="Ada Admin")
    leader = factories.create_user_for(
        "careers_leader", factories.create_school(hub, name="Ancoats Academy"), name="Nia Patel"
    )
    turn_on(leader, Clock(utcnow()))
    url = stack.url
    tab = open_tab()
    tab.sign_in(admin.email)
    problems = tab.check(url("accounts.team"))

    _click(tab, "link", "Set up two-step sign-in")
    assert tab.page.url.endswith("/two-step/set-up")
    problems += tab.problems()
    assert tab.page.get_by_role("img", name="QR code for your authenticator app").count() == 1
    secret = tab.page.locator("#setup-key").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    tab.page.get_by_label("Code").fill("12345")
    _click(tab, "button", "Continue")
    assert tab.page.get_by_role("link", name="The code must be 6 digits, like 123456").count() == 1
    problems += tab.problems()  # the error summary
    tab.page.get_by_label("Code").fill(totp.now())
    _click(tab, "button", "Continue")
    assert tab.page.get_by_role("heading", level=1).inner_text() == "Save your recovery codes"
    assert tab.page.locator("#recovery-codes li").count() == 10
    problems += tab.problems()
    _click(tab, "button", "I have saved my recovery codes")
    assert tab.page.url.endswith("/hub/")

    problems += tab.check(url("auth.two_step_leaders"))
    problems += tab.check(url("auth.two_step_reset", user_id=leader.id))
    problems += tab.check(url("auth.two_step_turn_off"))

    _click(tab, "button", "Sign out")
    tab.open(url("auth.sign_in"))
    tab.submit_sign_in(admin.email, factories.PASSWORD)
    assert tab.page.url.endswith("/sign-in/code")
    problems += tab.problems()
    _click(tab, "link", "Use one of your recovery codes")
    problems += tab.problems()
    _click(tab, "link", "Back to the code from your app")
    # The code of the next time step: the one used for setting up cannot sign in, and one step ahead is
    # within the drift allowed.
    tab.page.get_by_label("Code").fill(totp.at(time.time() + 30))
    _click(tab, "button", "Continue")
    assert tab.page.url.endswith("/hub/"), tab.page.url
    assert "Signed in as admin@example.org" in tab.page.locator(".app-account-bar").inner_text()
    assert problems == [], "\n".join(problems)
