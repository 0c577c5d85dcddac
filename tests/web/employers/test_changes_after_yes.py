"""Changing or closing an opportunity after students said yes: warned first, and everyone told."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, sent_to
from tests.web.employers.test_opportunities import start, valid_form
from web.dao import consent as consent_dao
from web.dao import hosting
from web.dao.base import transaction
from web.extensions import db
from web.models import Allocation, Employer, Hub, Opportunity, Student


def _published(request: ClientRequest) -> Opportunity:
    request.post("employers.new_opportunity", valid_form())
    opportunity = db.session.scalar(select(Opportunity))
    opportunity.status = "published"
    db.session.commit()
    return opportunity


def _holder(opportunity: Opportunity, status: str = "accepted", n: int = 1) -> Allocation:
    employer = db.session.get(Employer, opportunity.employer_id)
    school = factories.create_school(db.session.get(Hub, employer.hub_id))
    factories.create_user_for("careers_leader", school, email=f"leader{n}@example.org")
    student = factories.create_student(
        school,
        first_name=f"Student{n}",
        email=f"student{n}@example.org",
        parent_email=f"parent{n}@example.org",
    )
    factories.create_user_for("student", student, email=f"student{n}@example.org")
    allocation = factories.create_allocation(
        factories.create_round(school), student, opportunity, status=status
    )
    opportunity.places_taken += 1
    db.session.commit()
    return allocation


def _day(day: Any) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def test_changing_the_dates_warns_first_and_saves_nothing(employer_request: ClientRequest) -> None:
    opportunity = _published(employer_request)
    _holder(opportunity, n=1)
    _holder(opportunity, "confirmed", n=2)
    page = employer_request.post(
        "employers.edit_opportunity",
        valid_form(end_date=_day(start() + timedelta(days=3))),
        _expected_status=200,
        opportunity_id=opportunity.id,
    )
    assert "2 students have accepted a place" in page.h1.text
    assert "will be told and may withdraw" in page.text
    assert page.select_one("input[name=confirm_change]")["value"] == "yes"
    db.session.expire_all()
    assert db.session.get(Opportunity, opportunity.id).end_date == start() + timedelta(days=4)
    assert deliver_queued() == 0


def test_confirming_the_change_saves_it_and_tells_each_student_and_parent(
    employer_request: ClientRequest,
) -> None:
    opportunity = _published(employer_request)
    consent_dao.request(_holder(opportunity, n=1).id, None)  # asked when they said yes
    _holder(opportunity, "declined", n=2)  # said no: not told
    employer_request.post(
        "employers.edit_opportunity",
        {**valid_form(hours_per_day="6"), "confirm_change": "yes"},
        opportunity_id=opportunity.id,
    )
    db.session.expire_all()
    assert str(db.session.get(Opportunity, opportunity.id).hours_per_day) == "6.0"
    deliver_queued()
    (to_student,) = sent_to("student1@example.org")
    (to_parent, _asked) = sent_to("parent1@example.org")  # newest first
    assert "changed your placement" in to_student.subject
    assert "Hours a day: 6" in str(to_student.body)
    assert "Student1" in to_parent.subject
    assert sent_to("student2@example.org") == [] and sent_to("leader1@example.org") == []


def test_a_change_that_students_need_not_hear_of_saves_without_a_warning(
    employer_request: ClientRequest,
) -> None:
    opportunity = _published(employer_request)
    _holder(opportunity)
    employer_request.post(
        "employers.edit_opportunity", valid_form(title="Bridge design week"), opportunity_id=opportunity.id
    )
    db.session.expire_all()
    assert db.session.get(Opportunity, opportunity.id).title == "Bridge design week"
    assert deliver_queued() == 0


def test_closing_with_students_asks_for_a_message(employer_request: ClientRequest) -> None:
    opportunity = _published(employer_request)
    allocation = _holder(opportunity)
    page = employer_request.get("employers.close_opportunity", opportunity_id=opportunity.id)
    assert "1 student has accepted a place" in page.text
    page = employer_request.post(
        "employers.close_opportunity", {"message": ""}, _expected_status=200, opportunity_id=opportunity.id
    )
    assert "Enter a message" in page.select_one(".govuk-error-summary").text
    db.session.expire_all()
    assert db.session.get(Opportunity, opportunity.id).status == "published"
    assert db.session.get(Allocation, allocation.id).status == "accepted"


def test_closing_cancels_the_placements_and_tells_students_parents_and_schools(
    employer_request: ClientRequest,
) -> None:
    opportunity = _published(employer_request)
    first = _holder(opportunity, n=1)
    second = _holder(opportunity, "confirmed", n=2)
    message = "Our site is closed for repairs that week"
    employer_request.post("employers.close_opportunity", {"message": message}, opportunity_id=opportunity.id)
    employer_request.post("employers.close_opportunity", {"message": message}, opportunity_id=opportunity.id)
    db.session.expire_all()
    closed = db.session.get(Opportunity, opportunity.id)
    assert (closed.status, closed.places_taken) == ("closed", 0)
    for allocation in (first, second):
        saved = db.session.get(Allocation, allocation.id)
        assert (saved.status, saved.ended_reason) == ("cancelled", message)
    deliver_queued()
    for n in (1, 2):
        for who in ("student", "parent", "leader"):
            (mail,) = sent_to(f"{who}{n}@example.org")
            assert message in str(mail.body), who
    student = db.session.get(Student, first.student_id)
    assert student.last_name not in str(sent_to("parent1@example.org")[0].body)


def test_the_parent_of_a_student_of_18_is_not_told_of_a_change_or_a_closure(app: Flask) -> None:
    opportunity = factories.create_opportunity(factories.create_employer())
    allocation = _holder(opportunity)
    db.session.get(Student, allocation.student_id).date_of_birth = date(2000, 1, 1)
    db.session.commit()

    with transaction():
        hosting.tell_of_change(opportunity.id, "stamp")
    deliver_queued()
    with transaction():
        hosting.cancel_all(opportunity.id, None, "The office is closing")
    deliver_queued()

    assert len(sent_to("student1@example.org")) == 2
    assert sent_to("parent1@example.org") == []


def test_an_earlier_start_that_leaves_a_student_under_18_asks_their_parent(app: Flask) -> None:
    opportunity = factories.create_opportunity(factories.create_employer())
    allocation = _holder(opportunity)
    # 18 on the old first day, 17 on the new one.
    db.session.get(Student, allocation.student_id).date_of_birth = opportunity.start_date.replace(
        year=opportunity.start_date.year - 18
    ) - timedelta(days=1)
    db.session.commit()
    assert consent_dao.for_allocation(allocation.id) is None
    opportunity.start_date -= timedelta(days=7)
    db.session.commit()

    with transaction():
        hosting.tell_of_change(opportunity.id, "stamp")
    deliver_queued()

    assert consent_dao.for_allocation(allocation.id) is not None
    assert any("consent" in message.subject.lower() for message in sent_to("parent1@example.org"))
