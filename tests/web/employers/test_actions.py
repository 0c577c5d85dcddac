"""Publishing and closing an opportunity, and the students coming to it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.employers.test_opportunities import link
from web.extensions import db
from web.models import Allocation, AuditEvent, Employer, Hub, Opportunity


def _employer_of(request: ClientRequest) -> Employer:
    return db.session.get(Employer, request.user.employer_id)  # type: ignore[attr-defined]


def _status(opportunity: Opportunity) -> str:
    return db.session.get(Opportunity, opportunity.id).status


def _actions(request: ClientRequest) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# Publishing


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_an_approved_employer_publishes_a_draft_and_it_is_audited(
    employer_request: ClientRequest, status: str
) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request), status=status)
    page = employer_request.post("employers.publish_opportunity", opportunity_id=opportunity.id)
    assert page.location == employer_request.url("employers.opportunity", opportunity_id=opportunity.id)
    assert _status(opportunity) == "published"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "opportunity_published"))
    assert (event.user_id, event.record_type, event.record_id) == (
        employer_request.user.id,  # type: ignore[attr-defined]
        "opportunity",
        opportunity.id,
    )


def test_a_draft_shows_a_publish_button(employer_request: ClientRequest) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request), status="draft")
    page = employer_request.get("employers.opportunity", opportunity_id=opportunity.id)
    form = page.find(
        "form", action=employer_request.url("employers.publish_opportunity", opportunity_id=opportunity.id)
    )
    assert form.select_one("input[name=csrf_token]")
    assert form.find("button").text.strip() == "Publish"


@pytest.mark.parametrize(
    ("employer_status", "reason"),
    [
        ("pending", "has not approved your organisation yet"),
        ("suspended", "has suspended your organisation"),
    ],
)
def test_an_employer_not_approved_sees_why_and_cannot_publish(
    employer_request: ClientRequest, employer_status: str, reason: str
) -> None:
    employer = _employer_of(employer_request)
    employer.status = employer_status
    db.session.commit()
    opportunity = factories.create_opportunity(employer, status="draft")
    page = employer_request.get("employers.opportunity", opportunity_id=opportunity.id)
    assert reason in page.select_one(".govuk-inset-text").text
    assert not page.find("button", string=lambda text: text and text.strip() == "Publish")
    page = employer_request.post(
        "employers.publish_opportunity", opportunity_id=opportunity.id, _follow=True, _expected_status=200
    )
    assert reason in page.select_one(".govuk-notification-banner").text
    assert _status(opportunity) == "draft"
    assert "opportunity_published" not in _actions(employer_request)


@pytest.mark.parametrize("status", ["published", "closed"])
def test_publishing_twice_or_after_closing_changes_nothing(
    employer_request: ClientRequest, status: str
) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request), status=status)
    page = employer_request.post(
        "employers.publish_opportunity", opportunity_id=opportunity.id, _follow=True, _expected_status=200
    )
    assert "cannot be published" in page.select_one(".govuk-notification-banner").text
    assert _status(opportunity) == status
    assert _actions(employer_request) == []


def test_publish_is_post_only(employer_request: ClientRequest) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request), status="draft")
    employer_request.get("employers.publish_opportunity", opportunity_id=opportunity.id, _expected_status=405)
    assert _status(opportunity) == "draft"


# Closing


@pytest.mark.parametrize("status", ["draft", "submitted", "published"])
def test_closing_asks_first_then_closes_and_audits(employer_request: ClientRequest, status: str) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request), status=status)
    page = employer_request.get("employers.close_opportunity", opportunity_id=opportunity.id)
    assert "Are you sure you want to close this opportunity?" in page.h1.text
    assert _status(opportunity) == status
    employer_request.post("employers.close_opportunity", opportunity_id=opportunity.id)
    assert _status(opportunity) == "closed"
    assert _actions(employer_request) == ["opportunity_closed"]


def test_a_closed_opportunity_cannot_be_closed_again_or_changed(employer_request: ClientRequest) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request), status="closed")
    page = employer_request.post(
        "employers.close_opportunity", opportunity_id=opportunity.id, _follow=True, _expected_status=200
    )
    assert "already closed" in page.select_one(".govuk-notification-banner").text
    assert not link(page, "Change")
    assert not link(page, "Close")
    assert _actions(employer_request) == []


def test_closing_keeps_the_places_already_taken(employer_request: ClientRequest) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request), capacity=4, places_taken=2)
    employer_request.post("employers.close_opportunity", opportunity_id=opportunity.id)
    closed = db.session.get(Opportunity, opportunity.id)
    assert (closed.status, closed.capacity, closed.places_taken) == ("closed", 4, 2)


# Students coming


def _allocate(opportunity: Opportunity, status: str, **student: object) -> Allocation:
    school = factories.create_school(name=student.pop("school_name", "Oakwood Academy"))
    person = factories.create_student(school, **student)
    match_round = factories.create_round(school)
    allocation = Allocation(
        round_id=match_round.id, student_id=person.id, opportunity_id=opportunity.id, score=0.5, status=status
    )
    db.session.add(allocation)
    db.session.commit()
    return allocation


def test_students_coming_shows_students_who_said_yes_with_first_name_school_and_year_only(
    employer_request: ClientRequest,
) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request), capacity=10, places_taken=4)
    for n, status in enumerate(["accepted", "consented", "confirmed", "completed", "no_show"]):
        _allocate(opportunity, status, first_name=f"Student{n}", school_name=f"School {n}", year_group=10)
    for n, status in enumerate(
        ["proposed", "approved", "offered", "rejected", "declined", "expired", "consent_refused", "withdrawn"]
    ):
        _allocate(opportunity, status, first_name=f"Hidden{n}")
    page = employer_request.get("employers.students_coming", opportunity_id=opportunity.id)
    rows = [[cell.text.strip() for cell in row.select("td")] for row in page.select("tbody tr")]
    assert [row[:4] for row in rows] == [
        ["Student0", "School 0", "Year 10", "Waiting for parental consent"],
        ["Student1", "School 1", "Year 10", "Ready to confirm"],
        ["Student2", "School 2", "Year 10", "Confirmed"],
        ["Student3", "School 3", "Year 10", "Completed"],
        ["Student4", "School 4", "Year 10", "Did not attend"],
    ]
    assert "Hidden" not in page.text


def test_employer_never_sees_a_students_date_of_birth_postcode_last_name_send_or_disadvantage(
    employer_request: ClientRequest,
) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request))
    born = date(2010, 7, 19)
    _allocate(
        opportunity,
        "accepted",
        first_name="Priya",
        last_name="Zebedee-Quartermain",
        date_of_birth=born,
        postcode="SW1A 1AA",
        send=True,
        disadvantaged=True,
        year_group=11,
    )
    page = employer_request.get("employers.students_coming", opportunity_id=opportunity.id)
    text = page.text
    assert "Priya" in text
    assert "Year 11" in text
    for secret in ["Zebedee", "Quartermain", "SW1A", "1AA", "2010", "19 July", "19/07", "2010-07-19"]:
        assert secret not in str(page), secret
    for word in [
        "SEND",
        "special educational",
        "disadvantaged",
        "pupil premium",
        "free school meals",
        "date of birth",
        "postcode",
    ]:
        assert word.lower() not in text.lower(), word


def test_a_student_who_declined_then_accepted_in_a_later_round_appears_once_as_accepted(
    employer_request: ClientRequest,
) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request))
    first = _allocate(opportunity, "declined", first_name="Sam")
    second_round = factories.create_round(factories.create_school())
    db.session.add(
        Allocation(
            round_id=second_round.id,
            student_id=first.student_id,
            opportunity_id=opportunity.id,
            score=0.9,
            status="accepted",
        )
    )
    db.session.commit()
    page = employer_request.get("employers.students_coming", opportunity_id=opportunity.id)
    rows = [[cell.text.strip() for cell in row.select("td")] for row in page.select("tbody tr")]
    assert [row[0] for row in rows] == ["Sam"]
    assert rows[0][3] == "Waiting for parental consent"


def test_students_coming_shows_only_this_opportunitys_students(employer_request: ClientRequest) -> None:
    employer = _employer_of(employer_request)
    mine = factories.create_opportunity(employer)
    other = factories.create_opportunity(employer)
    _allocate(other, "accepted", first_name="Elsewhere")
    page = employer_request.get("employers.students_coming", opportunity_id=mine.id)
    assert "Elsewhere" not in page.text
    assert "No students have accepted a place yet" in page.text


def test_the_opportunity_page_links_to_students_coming(employer_request: ClientRequest) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request))
    page = employer_request.get("employers.opportunity", opportunity_id=opportunity.id)
    assert link(page, "Students coming")["href"] == employer_request.url(
        "employers.students_coming", opportunity_id=opportunity.id
    )


def test_an_opportunity_whose_start_date_has_passed_cannot_be_published(
    employer_request: ClientRequest,
) -> None:
    start = date.today()
    opportunity = factories.create_opportunity(
        _employer_of(employer_request), status="draft", start_date=start, end_date=start + timedelta(days=2)
    )
    page = employer_request.post(
        "employers.publish_opportunity", opportunity_id=opportunity.id, _follow=True, _expected_status=200
    )
    assert (
        "Change the start date to a date in the future" in page.select_one(".govuk-notification-banner").text
    )
    assert _status(opportunity) == "draft"


def test_employers_see_the_name_a_student_goes_by(employer_request: ClientRequest) -> None:
    employer = db.session.get(Employer, employer_request.user.employer_id)  # type: ignore[attr-defined]
    opportunity = factories.create_opportunity(employer)
    school = factories.create_school(db.session.get(Hub, employer.hub_id))
    student = factories.create_student(school, first_name="Alexandra", preferred_name="Sasha")
    factories.create_allocation(factories.create_round(school), student, opportunity, status="accepted")
    page = employer_request.get("employers.students_coming", opportunity_id=opportunity.id)
    text = page.select_one("main").get_text(" ", strip=True)
    assert "Sasha" in text and "Alexandra" not in text
