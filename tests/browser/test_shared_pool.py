"""The hub's shared pool in real Chromium with a real worker: the hub admin runs a what-if of two settings
(the comparison page polls while the drafts run), keeps one, the careers leader approves the school's share,
and the hub admin releases the offers."""

from __future__ import annotations

from sqlalchemy import func, select

from tests import db as factories
from tests.browser import world as worlds
from tests.integration.conftest import ROUND_TIMEOUT, Stack
from web.extensions import db
from web.models import Allocation, MatchRound

POSTCODES = ("M13 9PL", "M14 5TP", "M15 6BH")


def test_what_if_keep_approve_and_release(open_tab, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    world = worlds.build()
    for postcode in POSTCODES:
        factories.create_student(world.school, postcode=postcode)
    factories.create_opportunity(world.employer, title="Robotics week", capacity=3, postcode="M1 1AD")
    admin = open_tab()
    admin.sign_in(world.users["hub_admin"].email)
    problems: list[str] = []
    offered_before = _places_offered(admin, stack)

    admin.open(stack.url("hub.what_if_start"))
    problems += admin.problems()
    admin.page.set_viewport_size({"width": 1280, "height": 900})
    admin.page.locator("#b-priority-2").check()  # draft B: double priority
    with admin.page.expect_navigation():
        admin.page.get_by_role("button", name="Run both drafts").click()
    # The page polls each draft in turn and reloads; once both have finished it offers to keep one.
    admin.page.locator("#keep-a").wait_for(timeout=ROUND_TIMEOUT * 1000)
    problems += admin.problems()
    assert "What each draft would do" in admin.page.inner_text("main")

    with admin.page.expect_navigation():
        admin.page.locator("#keep-a").click()
    assert "Draft kept" in admin.page.inner_text("main")
    kept = db.session.scalar(
        select(MatchRound.id).where(MatchRound.school_id.is_(None)).order_by(MatchRound.id.desc())
    )
    assert db.session.get(MatchRound, kept).draft is False
    problems += admin.problems()

    leader = open_tab()
    leader.sign_in(world.users["careers_leader"].email)
    leader.open(stack.url("careers.round_detail", round_id=kept))
    problems += leader.problems()
    with leader.page.expect_navigation():
        leader.page.locator("#approve-all").click()
    with leader.page.expect_navigation():
        leader.page.locator("#confirm-approve-all").click()
    assert "approved" in leader.page.inner_text("main")

    admin.open(stack.url("hub.round_detail", round_id=kept))
    with admin.page.expect_navigation():
        admin.page.locator("#release").click()
    problems += admin.problems()
    with admin.page.expect_navigation():
        admin.page.locator("#confirm-release").click()
    assert "sent to students" in admin.page.inner_text("main")
    db.session.expire_all()
    statuses = dict(
        db.session.execute(
            select(Allocation.status, func.count())
            .where(Allocation.round_id == kept)
            .group_by(Allocation.status)
        ).all()
    )
    assert set(statuses) == {"offered"} and statuses["offered"] >= len(POSTCODES)

    # The hub's report counts the new offers.
    assert _places_offered(admin, stack) == offered_before + statuses["offered"]
    problems += admin.problems()
    assert problems == [], "\n".join(problems)


def _places_offered(tab, stack: Stack) -> int:  # type: ignore[no-untyped-def]
    """The hub report's total of places offered this year (the last row of its pathways table)."""
    tab.open(stack.url("reports.hub"))
    total = tab.page.locator("#pathways-table tbody tr").last
    return int(total.locator("th, td").nth(1).inner_text().replace(",", ""))
