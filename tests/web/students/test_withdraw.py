"""Withdrawing: a student can give up a placement they said yes to before it starts, after a question;
the seat comes back once, and the employer (first name only) and the careers leaders are told."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, link_in, sent_to
from tests.web.pages import banner
from tests.web.students.helpers import create_offer, hub_opportunity, me
from web.dates import london_today
from web.extensions import db
from web.models import Allocation, AuditEvent, Employer, Opportunity, School, Student


def today() -> date:
    return london_today()


def _accepted(student: Student, status: str = "accepted", **opportunity: object) -> Allocation:
    place = hub_opportunity(student, title="Lab week", places_taken=1, **opportunity)
    return create_offer(student, place, status=status)


def _saved(allocation: Allocation) -> tuple[str, int]:
    db.session.expire_all()
    saved = db.session.get(Allocation, allocation.id)
    return saved.status, db.session.get(Opportunity, saved.opportunity_id).places_taken


@pytest.mark.parametrize("status", ["accepted", "consented", "confirmed"])
def test_the_offer_page_links_to_a_question_before_withdrawing(
    student_request: ClientRequest, status: str
) -> None:
    allocation = _accepted(me(student_request), status)
    page = student_request.get("students.offer", allocation_id=allocation.id)
    assert page.select_one("#withdraw")["href"] == f"/me/offers/{allocation.id}/withdraw"
    question = student_request.get("students.withdraw", allocation_id=allocation.id)
    assert question.h1.get_text(strip=True) == "Are you sure you want to withdraw from this placement?"
    assert question.select_one("#confirm-withdraw") is not None
    assert _saved(allocation) == (status, 1)


def test_withdrawing_frees_the_seat_records_why_and_tells_the_employer_and_school(
    student_request: ClientRequest,
) -> None:
    student = me(student_request)
    student.preferred_name = "Sunny"  # the employer knows them by the name they go by
    db.session.commit()
    allocation = _accepted(student)
    employer_id = db.session.get(Opportunity, allocation.opportunity_id).employer_id
    employer_user = factories.create_user_for(
        "employer", db.session.get(Employer, employer_id), email="host@acme.example"
    )
    factories.create_user_for(
        "employer", db.session.get(Employer, employer_id), email="new@acme.example", password=""
    )
    leader = factories.create_user_for(
        "careers_leader", db.session.get(School, student.school_id), email="leader@school.example"
    )

    page = student_request.post(
        "students.withdraw", allocation_id=allocation.id, _follow=True, _expected_status=200
    )

    assert "You have withdrawn from this placement" in banner(page)
    assert page.select_one("#withdraw") is None
    assert _saved(allocation) == ("withdrawn", 0)
    saved = db.session.get(Allocation, allocation.id)
    assert saved.ended_at is not None and saved.ended_reason == "The student withdrew"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "placement_withdrawn")).one()
    assert (event.record_id, event.user_id) == (allocation.id, student_request.user.id)  # type: ignore[attr-defined]
    assert deliver_queued() == 2
    [to_employer] = sent_to(employer_user.email)
    assert to_employer.subject == "Sunny has withdrawn from Lab week"
    assert student.last_name not in to_employer.body and student.first_name not in to_employer.body
    assert link_in(to_employer) == f"/employer/opportunities/{saved.opportunity_id}"
    [to_school] = sent_to(leader.email)
    assert f"{student.first_name} {student.last_name}" in to_school.subject
    assert link_in(to_school) == f"/school/students/{student.id}"
    assert sent_to("new@acme.example") == []


def test_withdrawing_twice_gives_the_seat_back_once(student_request: ClientRequest) -> None:
    allocation = _accepted(me(student_request))
    student_request.post("students.withdraw", allocation_id=allocation.id)
    page = student_request.post(
        "students.withdraw", allocation_id=allocation.id, _follow=True, _expected_status=200
    )
    assert "You cannot withdraw from this placement" in banner(page)
    assert _saved(allocation) == ("withdrawn", 0)


def test_a_placement_that_has_started_cannot_be_withdrawn_from(student_request: ClientRequest) -> None:
    allocation = _accepted(me(student_request), start_date=today(), end_date=today() + timedelta(days=4))
    assert student_request.get("students.offer", allocation_id=allocation.id).select_one("#withdraw") is None
    page = student_request.get("students.withdraw", allocation_id=allocation.id, _expected_status=302)
    assert page is not None
    page = student_request.post(
        "students.withdraw", allocation_id=allocation.id, _follow=True, _expected_status=200
    )
    assert "This placement has already started" in banner(page)
    assert _saved(allocation) == ("accepted", 1)


@pytest.mark.parametrize("status", ["offered", "declined", "expired", "completed", "withdrawn"])
def test_only_a_placement_said_yes_to_can_be_withdrawn_from(
    student_request: ClientRequest, status: str
) -> None:
    allocation = _accepted(me(student_request), status)
    student_request.get("students.withdraw", allocation_id=allocation.id, _expected_status=302)
    student_request.post("students.withdraw", allocation_id=allocation.id)
    assert _saved(allocation) == (status, 1)


def test_another_students_placement_is_not_found(app: Flask, student_request: ClientRequest) -> None:
    other = factories.create_student()
    allocation = _accepted(other)
    student_request.get("students.withdraw", allocation_id=allocation.id, _expected_status=404)
    student_request.post("students.withdraw", allocation_id=allocation.id, _expected_status=404)
    assert _saved(allocation) == ("accepted", 1)


def test_a_proposal_not_yet_offered_is_not_found(student_request: ClientRequest) -> None:
    allocation = _accepted(me(student_request), "approved")
    student_request.post("students.withdraw", allocation_id=allocation.id, _expected_status=404)


@pytest.mark.parametrize("role", ["hub_admin", "careers_leader", "employer"])
def test_other_roles_cannot_withdraw_a_student(app: Flask, request: pytest.FixtureRequest, role: str) -> None:
    allocation = _accepted(factories.create_student())
    other = request.getfixturevalue(f"{role}_request")
    other.get("students.withdraw", allocation_id=allocation.id, _expected_status=403)
    other.post("students.withdraw", allocation_id=allocation.id, _expected_status=403)
    assert _saved(allocation) == ("accepted", 1)
