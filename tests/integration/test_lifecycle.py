"""From offer to record on the demo hub, over HTTP with a real worker and a real SMTP server.

A careers leader runs a job-shadowing round (the demo hub has fewer such places than students) and releases
the offers. One student accepts; their parent consents through the emailed link; the employer confirms, and
once the placement is over records attendance and feedback; the student sees it on "My record". Another
student declines; a top-up round gives the freed place to someone else, and the careers leader approves it.
The schedule's tasks go through the broker to the worker, as beat sends them.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

from celery import Celery
from sqlalchemy import select, update

from config.celery import NOTIFICATIONS_QUEUE
from tests import db as factories
from tests.integration import test_hub_start
from tests.integration.browser import Browser
from tests.integration.conftest import Stack
from tests.integration.test_journey import _id_from
from tests.smtp import SmtpServer
from web.dates import london_today
from web.demo import DEMO_PASSWORD, LOGINS
from web.extensions import db
from web.models import Allocation, Consent, Employer, ExperienceRecord, MatchRound, Opportunity, Student, User

# The same web server, worker and SMTP server as a hub's start (one of each per module and broker).
smtp = test_hub_start.smtp
stack = test_hub_start.stack
_link = test_hub_start._link


def _signed_in(stack: Stack, user: User) -> Browser:
    person = stack.browser()
    person.sign_in(user.email, factories.PASSWORD)
    return person


def _run_schedule(stack: Stack, task: str) -> None:
    """Send one of beat's tasks through the broker to the worker, as beat does, and wait for it to run."""
    before = _runs(stack, task)
    Celery(broker=stack.broker).send_task(task, queue=NOTIFICATIONS_QUEUE)
    stack.wait_for(lambda: _runs(stack, task) > before, 30, f"{task} to run")


def _runs(stack: Stack, task: str) -> int:
    """How many times the worker has finished this task."""
    return len(re.findall(rf"Task {re.escape(task)}\[[^\]]+\] succeeded", stack.log("worker", tail=10**7)))


def _leader_runs_round(stack: Stack, leader: Browser, page_url: str, action: str | None = None) -> int:
    if action is None:
        page = leader.submit(page_url, {"kind": "job_shadowing", "mechanism": "optimal", "seed": "11"})
    else:
        page = leader.post_form(leader.get(page_url), action)
    round_id = _id_from(page, "/rounds/")
    status = stack.finish_round(leader, round_id)
    assert status["status"] == "succeeded", f"{status}\n{stack.log('worker')}"
    return round_id


def _offers(round_id: int) -> list[Allocation]:
    """The round's offers waiting for an answer, to students with no account yet (the test gives them one)."""
    db.session.expire_all()
    has_account = select(User.student_id).where(User.student_id.is_not(None))
    return list(
        db.session.scalars(
            select(Allocation)
            .where(
                Allocation.round_id == round_id,
                Allocation.status == "offered",
                Allocation.student_id.not_in(has_account),
            )
            .order_by(Allocation.id)
        )
    )


def test_offer_consent_confirmation_attendance_feedback_record_and_a_re_offer(
    stack: Stack, smtp: SmtpServer
) -> None:
    smtp.inbox.messages.clear()
    stack.seed_demo()
    leader = stack.browser()
    leader.sign_in(LOGINS["careers_leader"], DEMO_PASSWORD)

    # The careers leader matches and releases the offers, with a date to answer by.
    round_id = _leader_runs_round(stack, leader, stack.url("careers.rounds"))
    question = leader.get(stack.url("careers.approve_all", round_id=round_id))
    leader.post_form(question, stack.url("careers.approve_all", round_id=round_id))
    offers = _offers(round_id)
    assert len(offers) >= 10, "the demo school should get most of the hub's job-shadowing places"
    assert all(offer.respond_by and offer.respond_by > london_today() for offer in offers)
    first = offers[0]
    second = next(offer for offer in offers if offer.opportunity_id != first.opportunity_id)
    pupils = {offer.id: db.session.get(Student, offer.student_id) for offer in (first, second)}
    accepting, declining = (
        _signed_in(stack, factories.create_user_for("student", pupils[offer.id])) for offer in (first, second)
    )

    # One student accepts; their parent gets a single-use link and consents through it.
    page = accepting.get(stack.url("students.offer", allocation_id=first.id))
    assert "Respond by" in page.main_text()
    page = accepting.post_form(page, stack.url("students.accept_offer", allocation_id=first.id))
    assert "You have accepted this placement" in page.main_text()
    parent = pupils[first.id].parent_email
    [request] = smtp.inbox.wait_for(parent)
    consent_link = _link(request)
    family = stack.browser()
    page = family.get(consent_link)
    placement = db.session.get(Opportunity, first.opportunity_id)
    assert placement.title in page.main_text() and "Sign in" not in page.text
    page = family.submit(
        page,
        {
            "decision": "give",
            "parent_name": "Jo Parent",
            "emergency_name": "Jo Parent",
            "emergency_phone": "07700 900123",
            "share": ["share"],
            "needs": "Asthma: carries an inhaler.",
        },
    )
    assert "consent" in page.main_text().lower()
    assert family.get(consent_link, expect=404).status == 404  # used once, then gone
    db.session.expire_all()
    assert db.session.get(Allocation, first.id).status == "consented"

    # The employer sees the student (and the needs the parent chose to share) and confirms.
    host = _signed_in(
        stack, factories.create_user_for("employer", db.session.get(Employer, placement.employer_id))
    )
    page = host.get(stack.url("employers.placement", allocation_id=first.id))
    assert "Asthma: carries an inhaler." in page.main_text()
    assert pupils[first.id].last_name not in page.main_text()
    host.post_form(page, stack.url("employers.confirm_placement", allocation_id=first.id))
    db.session.expire_all()
    assert db.session.get(Allocation, first.id).status == "confirmed"
    assert any("confirmed" in message["Subject"].lower() for message in smtp.inbox.wait_for(parent, count=2))

    # The placement happens (its dates move into the past), then the employer records how it went.
    days = (placement.end_date - placement.start_date).days + 1
    db.session.execute(
        update(Opportunity)
        .where(Opportunity.id == placement.id)
        .values(start_date=london_today() - timedelta(days=days), end_date=london_today() - timedelta(days=1))
    )
    db.session.commit()
    hours = str(days * int(placement.hours_per_day))
    host.submit(
        stack.url("employers.placement_outcome", allocation_id=first.id),
        {"outcome": "completed", "attended_days": str(days), "attended_hours": hours},
    )
    host.submit(
        stack.url("employers.placement_feedback", allocation_id=first.id),
        {
            "set_task": "yes",
            "gave_feedback": "yes",
            "met_range_of_staff": "yes",
            "rating": "5",
            "would_host_again": "yes",
            "comment": "Keen and asked good questions.",
        },
    )
    db.session.expire_all()
    record = db.session.scalar(select(ExperienceRecord).where(ExperienceRecord.allocation_id == first.id))
    assert record is not None and record.benchmark == "6" and record.meaningful is True
    page = accepting.get(stack.url("students.record"))
    assert placement.title in page.main_text() and hours in page.main_text()

    # Another student declines; a top-up round offers the freed place to someone else, once approved.
    declined_at = time.perf_counter()
    page = declining.get(stack.url("students.offer", allocation_id=second.id))
    assert "Decline" in page.main_text()
    page = declining.get(stack.url("students.decline_offer", allocation_id=second.id))  # it asks first
    declining.post_form(page, stack.url("students.decline_offer", allocation_id=second.id))
    page = leader.get(stack.url("careers.round_detail", round_id=round_id))
    assert "Run a top-up round" in page.main_text()
    top_up_id = _leader_runs_round(
        stack,
        leader,
        stack.url("careers.round_detail", round_id=round_id),
        stack.url("careers.top_up_round", round_id=round_id),
    )
    db.session.expire_all()
    again = db.session.scalars(
        select(Allocation).where(
            Allocation.round_id == top_up_id, Allocation.opportunity_id == second.opportunity_id
        )
    ).all()
    proposed_in = time.perf_counter() - declined_at
    assert [allocation.student_id for allocation in again] not in ([], [second.student_id])
    assert db.session.get(MatchRound, top_up_id).top_up_of_id == round_id
    question = leader.get(stack.url("careers.approve_all", round_id=top_up_id))
    leader.post_form(question, stack.url("careers.approve_all", round_id=top_up_id))
    db.session.expire_all()
    assert db.session.get(Allocation, again[0].id).status == "offered"
    print(f"\nFrom a decline to a new proposal for the freed place: {proposed_in:.1f} s")

    # Beat's tasks, sent through the broker: an offer past its date expires and frees its seat; a consent
    # link nobody answers is reminded about.
    late = _offers(round_id)[-1]
    db.session.execute(
        update(Allocation)
        .where(Allocation.id == late.id)
        .values(respond_by=london_today() - timedelta(days=1))
    )
    db.session.commit()
    _run_schedule(stack, "schedule.offer_deadlines")
    db.session.expire_all()
    assert db.session.get(Allocation, late.id).status == "expired"
    _run_schedule(stack, "schedule.consent_reminders")
    assert db.session.scalar(select(Consent.decision).where(Consent.allocation_id == first.id)) == "given"
