"""The hub's shared pool on the demo hub, over HTTP with a real worker and a real SMTP server: the hub admin
runs a what-if of two settings as drafts, keeps one, each school's careers leader approves its share, the hub
admin releases the offers and the students with accounts get their emails."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from tests import db as factories
from tests.integration import test_hub_start
from tests.integration.browser import Browser
from tests.integration.conftest import ROUND_TIMEOUT, Stack
from tests.smtp import SmtpServer
from web.dates import london_today
from web.demo import DEMO_PASSWORD, LOGINS
from web.extensions import db
from web.models import Allocation, MatchRound, School, Student, User

smtp = test_hub_start.smtp
stack = test_hub_start.stack


def _finish(stack: Stack, admin: Browser, round_id: int) -> dict[str, Any]:
    url = stack.url("hub.round_status", round_id=round_id)

    def finished() -> dict[str, Any] | None:
        status: dict[str, Any] = admin.get(url).json()
        return status if status["finished"] else None

    result: dict[str, Any] = stack.wait_for(finished, ROUND_TIMEOUT, f"draft {round_id} to finish", every=0.5)
    assert result["status"] == "succeeded", f"{result}\n{stack.log('worker')}"
    return result


def _statuses(round_id: int) -> dict[str, int]:
    db.session.expire_all()
    rows = db.session.execute(
        select(Allocation.status, func.count())
        .where(Allocation.round_id == round_id)
        .group_by(Allocation.status)
    )
    return dict(rows.all())  # type: ignore[arg-type]


def test_what_if_keep_each_school_approves_its_share_and_the_hub_releases(
    stack: Stack, smtp: SmtpServer
) -> None:
    smtp.inbox.messages.clear()
    stack.seed_demo()
    admin = stack.browser()
    admin.sign_in(LOGINS["hub_admin"], DEMO_PASSWORD)

    # Two drafts of one job-shadowing round: optimal with fair shares, and stable with double priority.
    page = admin.submit(
        stack.url("hub.what_if_start"),
        {
            "kind": "job_shadowing",
            "seed": "5",
            "a-mechanism": "optimal",
            "a-school_share": "yes",
            "b-mechanism": "stable",
            "b-school_share": "no",
            "b-priority": "double",
        },
    )
    drafts = list(
        db.session.scalars(select(MatchRound.id).where(MatchRound.draft.is_(True)).order_by(MatchRound.id))
    )
    assert len(drafts) == 2 and f"/rounds/{drafts[0]}/compare" in page.url
    for draft in drafts:
        _finish(stack, admin, draft)
    assert all(set(_statuses(draft)) == {"draft"} for draft in drafts)
    page = admin.get(stack.url("hub.compare", round_id=drafts[0]))
    assert "What each draft would do" in page.main_text() and "Median travel distance" in page.main_text()

    # Keep draft A: draft B and its proposals go; A's wait for each school.
    page = admin.post_form(page, stack.url("hub.keep_round", round_id=drafts[0]))
    assert "Draft kept" in page.main_text()
    kept = drafts[0]
    db.session.expire_all()
    assert db.session.get(MatchRound, drafts[1]) is None
    proposed = _statuses(kept)["proposed"]
    shares = db.session.get(MatchRound, kept).metrics["fairness"]["by_school"]
    assert all("share" in stats for stats in shares.values())
    assert "not decided yet" in admin.get(stack.url("hub.round_detail", round_id=kept)).main_text()

    # Two of the proposed students get accounts, so their offers are emailed.
    with_accounts = list(
        db.session.scalars(
            select(Allocation.student_id).where(Allocation.round_id == kept).order_by(Allocation.id).limit(2)
        )
    )
    addresses = [
        factories.create_user_for("student", db.session.get(Student, student_id)).email
        for student_id in with_accounts
    ]
    # Each school's careers leader approves its share; students hear nothing yet.
    for school in db.session.scalars(select(School).order_by(School.id)):
        leader = stack.browser()
        leader.sign_in(factories.create_user_for("careers_leader", school).email, factories.PASSWORD)
        url = stack.url("careers.approve_all", round_id=kept)
        page = leader.get(stack.url("careers.round_detail", round_id=kept))
        if "Approve all proposed" in page.main_text():
            leader.post_form(leader.get(url), url)
    assert _statuses(kept) == {"approved": proposed}
    assert smtp.inbox.to(addresses[0]) == []

    # The hub admin releases: every approved proposal is offered, and the emails arrive.
    respond_by = london_today() + timedelta(days=5)
    page = admin.submit(
        stack.url("hub.release_round", round_id=kept),
        {"respond_by": [str(respond_by.day), str(respond_by.month), str(respond_by.year)]},
    )
    assert f"{proposed} offers sent to students" in page.main_text()
    assert _statuses(kept) == {"offered": proposed}
    for address in addresses:
        [offer] = smtp.inbox.wait_for(address)
        assert "offer" in offer["Subject"].lower()
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email.in_(addresses))) == 2
