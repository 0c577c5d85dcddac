"""A careers leader decides one proposal in real Chromium: the row's button (its form attribute) posts the
page's one form, which holds the CSRF token, naming the proposal and the decision; so the kept part of the
page holds no token."""

from __future__ import annotations

from tests.browser import world as worlds
from tests.integration.conftest import Stack
from web.extensions import db
from web.models import Allocation


def test_rejecting_one_proposal_from_its_row(open_tab, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    world = worlds.build()
    [proposal] = [
        a
        for a in db.session.query(Allocation).filter_by(round_id=world.finished_round.id)
        if a.status == "proposed"
    ]
    leader = open_tab()
    leader.sign_in(world.users["careers_leader"].email)
    leader.open(stack.url("careers.round_detail", round_id=world.finished_round.id))
    with leader.page.expect_navigation():
        leader.page.get_by_role("button", name="Reject Oliver Brennan-Whitfield").click()
    row = leader.page.locator(f"#allocation-{proposal.id}")
    assert "Rejected" in row.inner_text()
    assert row.locator("button").count() == 0
    db.session.expire_all()
    assert db.session.get(Allocation, proposal.id).status == "rejected"
    assert leader.problems() == []
