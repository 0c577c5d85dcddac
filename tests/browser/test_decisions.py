"""A careers leader decides one proposal in real Chromium: the row's Approve or Reject opens a page that asks
first (the date to answer by, or why), then the round page comes back to where the row was, with the result
beside it; and on a 375 px wide phone every proposal can still be decided."""

from __future__ import annotations

from tests.browser import world as worlds
from tests.browser.tab import PHONE
from tests.integration.conftest import Stack
from web.extensions import db
from web.models import Allocation, AuditEvent


def _proposal(round_id: int) -> Allocation:
    [proposal] = [
        a for a in db.session.query(Allocation).filter_by(round_id=round_id) if a.status == "proposed"
    ]
    return proposal


def test_rejecting_one_proposal_asks_why_and_comes_back_to_its_row(open_tab, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    world = worlds.build()
    proposal = _proposal(world.finished_round.id)
    leader = open_tab()
    leader.sign_in(world.users["careers_leader"].email)
    leader.open(stack.url("careers.round_detail", round_id=world.finished_round.id))
    with leader.page.expect_navigation():
        leader.page.get_by_role("button", name="Reject Oliver Brennan-Whitfield").click()
    problems = leader.problems()  # the question, at desktop and phone widths
    leader.page.set_viewport_size({"width": 1280, "height": 800})
    leader.page.get_by_label("It is too far or too hard to get to").check()
    with leader.page.expect_navigation():
        leader.page.get_by_role("button", name="Reject the proposal").click()

    assert leader.page.url.endswith("#decided")
    row = leader.page.locator(f"#allocation-{proposal.id}")
    assert "Rejected" in row.inner_text()
    assert row.get_by_role("button").count() == 0
    note = leader.page.locator("#decided")
    assert "Proposal rejected" in note.inner_text()
    assert note.is_visible() and _in_view(leader, note)
    db.session.expire_all()
    assert db.session.get(Allocation, proposal.id).status == "rejected"
    reason = db.session.query(AuditEvent).filter_by(action="allocation_rejected").one().detail
    assert reason == {"reason": "travel", "note": ""}
    assert problems + leader.problems() == []


def test_on_a_phone_each_proposal_can_be_approved_from_its_row(open_tab, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    world = worlds.build()
    leader = open_tab()
    leader.sign_in(world.users["careers_leader"].email)
    for match_round in (world.finished_round, world.hub_round):  # the school's round, and its hub share
        leader.open(stack.url("careers.round_detail", round_id=match_round.id))
        leader.page.set_viewport_size(PHONE)
        table = leader.page.locator("#proposals-table")
        approve = table.get_by_role("button", name="Approve").first
        # Down the page only: scrolling it into view would scroll the table's own box sideways too.
        approve.evaluate("el => window.scrollTo(0, window.scrollY + el.getBoundingClientRect().top - 100)")
        box = approve.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
            f"round {match_round.id}: Approve is at {box} on a {PHONE['width']} px wide phone"
        )
        assert table.get_by_role("button", name="Reject").first.is_visible()

    leader.open(stack.url("careers.round_detail", round_id=world.finished_round.id))
    leader.page.set_viewport_size(PHONE)
    with leader.page.expect_navigation():
        leader.page.get_by_role("button", name="Approve Oliver Brennan-Whitfield").click()
    assert "told at once" in leader.page.inner_text("main")
    problems = leader.problems()  # the question, at desktop and phone widths
    with leader.page.expect_navigation():
        leader.page.get_by_role("button", name="Yes, send the offer").click()
    note = leader.page.locator("#decided")
    assert "offer sent" in note.inner_text().lower()
    assert _in_view(leader, note)
    proposal_id = note.locator("xpath=preceding-sibling::tr[1]").get_attribute("id")
    assert proposal_id and proposal_id.startswith("allocation-")
    assert problems + leader.problems() == []


def _in_view(tab, locator) -> bool:  # type: ignore[no-untyped-def]
    """Whether the element's top is inside the window as it is now scrolled."""
    box = locator.bounding_box()
    height = tab.page.evaluate("window.innerHeight")
    return box is not None and 0 <= box["y"] < height
