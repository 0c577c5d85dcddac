"""The planner's pages in Chromium, as each role meets them: the hub's entitlements (a milestone that falls
refused), a term planned by the real worker from the hub's form, kept and compared; the careers leader's
ledger and term plan, approved; the pupil's My record. No axe-core violation (beyond the documented
upstream exception) at 1280 and 375 px, no console error, no sideways scrolling."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

from tests import db as factories
from tests.integration.conftest import Stack
from tests.web.employers.test_encounter_offers import create_offer
from web.planner.terms import coming_terms, term_dates, term_label


def _wait_for_plan(tab, stack: Stack, plan_path: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 60
    while "places in" not in (tab.page.text_content("#plan-stage") or ""):
        assert time.monotonic() < deadline, "the worker did not finish the plan"
        time.sleep(1)
        tab.open(plan_path)


def test_the_planner_pages_are_accessible(open_tab, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    from web.extensions import db
    from web.models import Hub

    admin = factories.create_user_for("hub_admin")
    hub = db.session.get(Hub, admin.hub_id)
    school = factories.create_school(hub)
    leader = factories.create_user_for("careers_leader", school)
    pupils = [
        factories.create_student(
            school, first_name=f"P{n}", last_name=f"Walk{n}", year_group=8, tutor_group="8W"
        )
        for n in range(3)
    ]
    pupil_user = factories.create_user_for("student", pupils[0])
    year, term = coming_terms(date.today())[1]
    start, end = term_dates(year, term)
    employer = factories.create_employer(hub, postcode="M1 1AD")
    create_offer(
        employer, format="workplace_visit", year_groups=[8], group_min=2, group_max=30, hours=Decimal("3"),
        location="workplace", travel_km=15, available_from=start, available_until=end, per_term=1,
        whole_group=True, staff_places=2,
    )  # fmt: skip

    tab = open_tab()
    tab.sign_in(admin.email)
    problems = [
        problem
        for path in (
            stack.url("planner.targets"),
            stack.url("planner.new_target"),
            stack.url("planner.plans"),
            stack.url("planner.change_target", key="ks3_workplace"),  # last: its form is sent next
        )
        for problem in tab.check(path)
    ]
    tab.page.fill("#year_8", "1")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Save entitlement").click()
    assert tab.page.title().startswith("Error: ")
    problems += tab.problems()

    for seed in ("0", "1"):
        tab.open(stack.url("planner.plans"))
        tab.page.get_by_label(term_label(year, term)).check()
        tab.page.fill("#seed", seed)
        with tab.page.expect_navigation():
            tab.page.get_by_role("button", name="Plan the term").click()
        plan_path = tab.page.url.removeprefix(stack.base_url)
        _wait_for_plan(tab, stack, plan_path)
    problems += tab.problems()
    tab.page.get_by_role("link", name="With plan").first.click()
    tab.page.wait_for_load_state()
    problems += tab.problems()
    tab.open(plan_path)
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Keep this plan for the term").click()
    problems += tab.problems()

    school_tab = open_tab()
    school_tab.sign_in(leader.email)
    problems += school_tab.check(stack.url("planner.school_plan"))
    with school_tab.page.expect_navigation():
        school_tab.page.get_by_role("button", name="Approve all").click()
    problems += school_tab.problems()
    problems += school_tab.check(stack.url("planner.year_ledger", year="8"))
    assert "booked" in (school_tab.page.text_content("#ledger") or "")

    # The hub gives an approved session a day: the sessions list, the form, and its errors named.
    problems += tab.check(plan_path + "/sessions")
    tab.page.get_by_role("link", name="Give it a day").first.click()
    tab.page.wait_for_load_state()
    problems += tab.check(tab.page.url.removeprefix(stack.base_url))
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Give it this day and invite the pupils").click()
    assert tab.page.title().startswith("Error: ")
    problems += tab.problems()

    pupil_tab = open_tab()
    pupil_tab.sign_in(pupil_user.email)
    problems += pupil_tab.check(stack.url("students.record"))
    assert problems == [], "\n".join(problems)
