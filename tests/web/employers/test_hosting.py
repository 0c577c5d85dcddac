"""Hosting a placement: incoming students, confirm or decline, attendance and outcome, feedback."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, sent_to
from web.extensions import db
from web.models import Allocation, Consent, Employer, ExperienceRecord, Feedback, Hub, Opportunity, Student
from web.models.base import utcnow

# (endpoint, method) of the pages about one placement (they take its allocation id)
HOSTING_ROUTES = [
    ("employers.placement", "get"),
    ("employers.confirm_placement", "post"),
    ("employers.decline_placement", "get"),
    ("employers.decline_placement", "post"),
    ("employers.placement_calendar", "get"),
    ("employers.placement_outcome", "get"),
    ("employers.placement_outcome", "post"),
    ("employers.placement_feedback", "get"),
    ("employers.placement_feedback", "post"),
]
OTHER_ROLES = ["hub_admin_request", "careers_leader_request", "student_request"]
GOOD_FEEDBACK = {
    "set_task": "yes",
    "gave_feedback": "yes",
    "met_range_of_staff": "yes",
    "rating": "4",
    "would_host_again": "yes",
    "comment": "Keen and curious.",
}


def placement(
    employer: Employer | None = None,
    status: str = "consented",
    started: bool = False,
    age: int = 15,
    consent: str | None = None,
    **opportunity: Any,
) -> Allocation:
    """A placement on one of `employer`'s opportunities, with a student, their parent and careers leader."""
    employer = employer or factories.create_employer()
    if started:
        opportunity = {"start_date": date.today() - timedelta(days=2), **opportunity}
        opportunity.setdefault("end_date", opportunity["start_date"] + timedelta(days=4))
    place = factories.create_opportunity(employer, places_taken=1, hours_per_day=Decimal("7"), **opportunity)
    school = factories.create_school(db.session.get(Hub, employer.hub_id), name="Oakwood Academy")
    factories.create_user_for("careers_leader", school, email=f"leader{school.id}@example.org")
    student = factories.create_student(
        school,
        first_name="Priya",
        last_name="Zebedee",
        year_group=11,
        date_of_birth=date.today() - timedelta(days=365 * age + 30),
        postcode="SW1A 1AA",
        send=True,
        disadvantaged=True,
        email=f"student{school.id}@example.org",
        parent_email=f"parent{school.id}@example.org",
    )
    factories.create_user_for("student", student, email=f"student{school.id}@example.org")
    allocation = factories.create_allocation(factories.create_round(school), student, place, status=status)
    if consent:
        db.session.add(
            Consent(
                allocation_id=allocation.id,
                salt=f"salt{allocation.id}",
                token_hash=f"hash{allocation.id}",
                decision=consent,
                emergency_name="Dana Parent",
                emergency_phone="07700 900123",
                shared_needs="Asthma: carries an inhaler",
                expires_at=utcnow() + timedelta(days=14),
            )
        )
        db.session.commit()
    return allocation


def own(request: ClientRequest) -> Employer:
    return db.session.get(Employer, request.user.employer_id)  # type: ignore[attr-defined]


def fresh(allocation: Allocation) -> Allocation:
    db.session.expire_all()
    return db.session.get(Allocation, allocation.id)


def _call(request: ClientRequest, endpoint: str, method: str, status: int, **values: Any) -> Any:
    if method == "get":
        return request.get(endpoint, _expected_status=status, **values)
    return request.post(endpoint, {"reason": "Closed", **GOOD_FEEDBACK}, _expected_status=status, **values)


# Who may use these pages


@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize(("endpoint", "method"), HOSTING_ROUTES)
def test_other_roles_are_refused(
    app: Flask, request: pytest.FixtureRequest, role: str, endpoint: str, method: str
) -> None:
    client: ClientRequest = request.getfixturevalue(role)
    allocation = placement(status="confirmed", started=True)
    _call(client, endpoint, method, 403, allocation_id=allocation.id)
    assert fresh(allocation).status == "confirmed"


@pytest.mark.parametrize(("endpoint", "method"), HOSTING_ROUTES)
def test_another_employers_placement_is_not_found(
    employer_request: ClientRequest, endpoint: str, method: str
) -> None:
    theirs = placement(status="confirmed", started=True)
    _call(employer_request, endpoint, method, 404, allocation_id=theirs.id)
    assert fresh(theirs).status == "confirmed"
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == 0


@pytest.mark.parametrize("status", ["proposed", "offered", "declined", "withdrawn"])
def test_a_placement_before_the_students_yes_is_not_shown(
    employer_request: ClientRequest, status: str
) -> None:
    allocation = placement(own(employer_request), status=status)
    employer_request.get("employers.placement", _expected_status=404, allocation_id=allocation.id)


# Incoming students


def test_incoming_students_show_only_what_a_parent_chose_to_share(employer_request: ClientRequest) -> None:
    allocation = placement(own(employer_request), status="consented", consent="given")
    for page in (
        employer_request.get("employers.students_coming", opportunity_id=allocation.opportunity_id),
        employer_request.get("employers.placement", allocation_id=allocation.id),
    ):
        text = page.select_one("main").get_text(" ", strip=True)
        for shown in [
            "Priya",
            "Oakwood Academy",
            "Year 11",
            "Ready to confirm",
            "Asthma",
            "Dana Parent",
            "07700",
        ]:
            assert shown in text, shown
        for secret in [
            "Zebedee",
            "SW1A",
            "special educational",
            "disadvantaged",
            "date of birth",
            "postcode",
        ]:
            assert secret.lower() not in text.lower(), secret


def test_needs_are_not_shown_until_consent_is_given(employer_request: ClientRequest) -> None:
    allocation = placement(own(employer_request), status="accepted", consent="pending")
    page = employer_request.get("employers.placement", allocation_id=allocation.id)
    text = page.select_one("main").text
    assert "Waiting for parental consent" in text
    assert "Asthma" not in text and "Dana Parent" not in text
    assert not page.find("button", string=lambda value: value and "Confirm placement" in value)


# Confirming


def test_confirming_a_consented_placement_tells_the_student_and_parent_once(
    employer_request: ClientRequest,
) -> None:
    allocation = placement(own(employer_request), status="consented", consent="given")
    employer_request.post("employers.confirm_placement", allocation_id=allocation.id)
    employer_request.post("employers.confirm_placement", allocation_id=allocation.id)
    saved = fresh(allocation)
    assert saved.status == "confirmed" and saved.confirmed_at is not None
    deliver_queued()
    student_mail = sent_to(f"student{_school(saved)}@example.org")
    parent_mail = sent_to(f"parent{_school(saved)}@example.org")
    assert len(student_mail) == 1 and len(parent_mail) == 1
    assert "has confirmed your placement" in student_mail[0].subject
    assert "Priya's placement" in parent_mail[0].subject
    assert "Zebedee" not in str(parent_mail[0].body)


def _school(allocation: Allocation) -> int:
    return db.session.get(Student, allocation.student_id).school_id


def test_a_placement_waiting_for_consent_cannot_be_confirmed(employer_request: ClientRequest) -> None:
    allocation = placement(own(employer_request), status="accepted", consent="pending")
    page = employer_request.post(
        "employers.confirm_placement", allocation_id=allocation.id, _follow=True, _expected_status=200
    )
    assert "once a parent or carer has given consent" in page.text
    assert fresh(allocation).status == "accepted"
    assert deliver_queued() == 0


def test_a_student_of_18_needs_no_consent_and_no_parent_is_told(employer_request: ClientRequest) -> None:
    allocation = placement(own(employer_request), status="accepted", age=19)
    page = employer_request.get("employers.students_coming", opportunity_id=allocation.opportunity_id)
    assert "Ready to confirm" in page.text
    employer_request.post("employers.confirm_placement", allocation_id=allocation.id)
    assert fresh(allocation).status == "confirmed"
    deliver_queued()
    assert len(sent_to(f"student{_school(allocation)}@example.org")) == 1
    assert sent_to(f"parent{_school(allocation)}@example.org") == []


# Declining


def test_declining_needs_a_reason(employer_request: ClientRequest) -> None:
    allocation = placement(own(employer_request), status="consented")
    page = employer_request.post(
        "employers.decline_placement", {"reason": "  "}, _expected_status=200, allocation_id=allocation.id
    )
    assert page.title.text.startswith("Error: ")
    assert "Enter why you cannot host this student" in page.select_one(".govuk-error-summary").text
    assert fresh(allocation).status == "consented"


def test_declining_frees_the_seat_and_tells_the_student_parent_and_school(
    employer_request: ClientRequest,
) -> None:
    allocation = placement(own(employer_request), status="confirmed")
    employer_request.post(
        "employers.decline_placement",
        {"reason": "Our office is closing that week"},
        allocation_id=allocation.id,
    )
    # Declined, it is no longer one of the employer's placements: a second post finds nothing to decline.
    employer_request.post(
        "employers.decline_placement", {"reason": "Again"}, _expected_status=404, allocation_id=allocation.id
    )
    saved = fresh(allocation)
    assert (saved.status, saved.ended_reason) == ("employer_declined", "Our office is closing that week")
    assert db.session.get(Opportunity, saved.opportunity_id).places_taken == 0
    deliver_queued()
    school = _school(saved)
    (to_leader,) = sent_to(f"leader{school}@example.org")
    assert "Our office is closing that week" in str(to_leader.body)
    (to_student,) = sent_to(f"student{school}@example.org")
    assert "cannot host your placement" in to_student.subject
    (to_parent,) = sent_to(f"parent{school}@example.org")
    assert "cannot host Priya's placement" in to_parent.subject
    assert "Our office is closing" not in str(to_parent.body) + str(to_student.body)  # the school's to see


def test_a_placement_under_way_cannot_be_declined_nor_cancelled_by_closing(
    employer_request: ClientRequest,
) -> None:
    allocation = placement(own(employer_request), status="confirmed", started=True)
    page = employer_request.get("employers.placement", allocation_id=allocation.id)
    assert "Decline this placement" not in page.get_text()
    employer_request.post(
        "employers.decline_placement", {"reason": "Changed our minds"}, allocation_id=allocation.id
    )
    employer_request.post(
        "employers.close_opportunity", {"message": "Closing"}, opportunity_id=allocation.opportunity_id
    )
    saved = fresh(allocation)
    assert saved.status == "confirmed"  # the employer records it as completed or did not attend instead
    assert db.session.get(Opportunity, saved.opportunity_id).status == "closed"


# Calendar


def test_the_employer_downloads_a_calendar_entry_for_a_confirmed_placement(
    employer_request: ClientRequest,
) -> None:
    allocation = placement(own(employer_request), status="confirmed", title="Lab week; science, too")
    response = employer_request.client.get(
        employer_request.url("employers.placement_calendar", allocation_id=allocation.id)
    )
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    start = db.session.get(Opportunity, allocation.opportunity_id).start_date
    assert f"DTSTART;VALUE=DATE:{start:%Y%m%d}\r\n" in text
    assert f"DTEND;VALUE=DATE:{start + timedelta(days=5):%Y%m%d}\r\n" in text
    assert "SUMMARY:Lab week\\; science\\, too: Priya\r\n" in text
    assert "Zebedee" not in text


def test_no_calendar_entry_before_the_placement_is_confirmed(employer_request: ClientRequest) -> None:
    allocation = placement(own(employer_request), status="consented")
    employer_request.get("employers.placement_calendar", _expected_status=404, allocation_id=allocation.id)


# Attendance and outcome


def test_attendance_cannot_be_recorded_before_the_start(employer_request: ClientRequest) -> None:
    allocation = placement(own(employer_request), status="confirmed")
    page = employer_request.post(
        "employers.placement_outcome",
        {"outcome": "completed", "attended_days": "5", "attended_hours": "35"},
        allocation_id=allocation.id,
        _follow=True,
        _expected_status=200,
    )
    assert "once it has started" in page.text
    assert fresh(allocation).status == "confirmed"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "outcome", "Select whether the student came"),
        ({"outcome": "completed", "attended_hours": "7"}, "attended_days", "Enter the days attended"),
        ({"outcome": "completed", "attended_days": "6", "attended_hours": "7"}, "attended_days", "5 days"),
        ({"outcome": "completed", "attended_days": "0", "attended_hours": "7"}, "attended_days", "1 or more"),
        ({"outcome": "completed", "attended_days": "2", "attended_hours": "15"}, "attended_hours", "14"),
        ({"outcome": "completed", "attended_days": "2", "attended_hours": "NaN"}, "attended_hours", "number"),
    ],
)
def test_attendance_is_checked_against_the_placement(
    employer_request: ClientRequest, data: dict[str, str], field: str, message: str
) -> None:
    allocation = placement(own(employer_request), status="confirmed", started=True)
    page = employer_request.post(
        "employers.placement_outcome", data, _expected_status=200, allocation_id=allocation.id
    )
    links = {a["href"]: a.text for a in page.select(".govuk-error-summary a")}
    assert message in links[f"#{field}"], links
    assert fresh(allocation).status == "confirmed"


def test_completing_writes_the_experience_record_once(employer_request: ClientRequest) -> None:
    allocation = placement(own(employer_request), status="confirmed", started=True, kind="job_shadowing")
    data = {"outcome": "completed", "attended_days": "4", "attended_hours": "26.5"}
    employer_request.post("employers.placement_outcome", data, allocation_id=allocation.id)
    employer_request.post("employers.placement_outcome", data, allocation_id=allocation.id)
    saved = fresh(allocation)
    assert (saved.status, saved.attended_days, saved.attended_hours) == ("completed", 4, Decimal("26.5"))
    (record,) = db.session.scalars(select(ExperienceRecord))
    opportunity = db.session.get(Opportunity, saved.opportunity_id)
    assert (record.benchmark, record.kind, record.hours, record.on_date) == (
        "6",
        "job_shadowing",
        Decimal("26.5"),
        opportunity.end_date,
    )
    assert record.student_id == saved.student_id and record.meaningful is None


def test_a_no_show_writes_no_record(employer_request: ClientRequest) -> None:
    allocation = placement(own(employer_request), status="confirmed", started=True)
    employer_request.post("employers.placement_outcome", {"outcome": "no_show"}, allocation_id=allocation.id)
    saved = fresh(allocation)
    assert (saved.status, saved.attended_days) == ("no_show", 0)
    assert db.session.scalar(select(func.count()).select_from(ExperienceRecord)) == 0


# Feedback


def test_feedback_is_saved_once_and_changed_keeping_the_record_in_step(
    employer_request: ClientRequest,
) -> None:
    allocation = placement(own(employer_request), status="confirmed", started=True)
    employer_request.post("employers.placement_feedback", GOOD_FEEDBACK, allocation_id=allocation.id)
    employer_request.post(
        "employers.placement_outcome",
        {"outcome": "completed", "attended_days": "5", "attended_hours": "35"},
        allocation_id=allocation.id,
    )
    assert db.session.scalar(select(ExperienceRecord.meaningful)) is True
    page = employer_request.get("employers.placement_feedback", allocation_id=allocation.id)
    assert page.select_one("input[name=rating][value='4']").has_attr("checked")
    employer_request.post(
        "employers.placement_feedback",
        {**GOOD_FEEDBACK, "met_range_of_staff": "no"},
        allocation_id=allocation.id,
    )
    db.session.expire_all()
    (feedback,) = db.session.scalars(select(Feedback))
    assert (feedback.author_role, feedback.met_range_of_staff, feedback.rating) == ("employer", False, 4)
    assert db.session.scalar(select(ExperienceRecord.meaningful)) is False


def test_feedback_needs_each_answer(employer_request: ClientRequest) -> None:
    allocation = placement(own(employer_request), status="confirmed", started=True)
    page = employer_request.post(
        "employers.placement_feedback",
        {**GOOD_FEEDBACK, "rating": "9", "set_task": ""},
        _expected_status=200,
        allocation_id=allocation.id,
    )
    summary = page.select_one(".govuk-error-summary").text
    assert "Select how well the placement went" in summary and "Select yes if you set" in summary
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == 0


def test_feedback_waits_for_the_start(employer_request: ClientRequest) -> None:
    allocation = placement(own(employer_request), status="confirmed")
    employer_request.post("employers.placement_feedback", GOOD_FEEDBACK, allocation_id=allocation.id)
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == 0
