"""The careers leader's students: their own school's, with interests, choices and allocations."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.pages import rows
from web.extensions import db
from web.models import Hub

# The factory's students have a home postcode and no email addresses.
MISSING = "Pupil email, Parent or carer email"


@pytest.mark.parametrize("role", ["hub_admin", "employer", "student"])
@pytest.mark.parametrize("endpoint", ["careers.students", "careers.student"])
def test_other_roles_cannot_see_students(
    app: Flask, request: pytest.FixtureRequest, role: str, endpoint: str
) -> None:
    other = request.getfixturevalue(f"{role}_request")
    student = factories.create_student()
    values = {"student_id": student.id} if endpoint == "careers.student" else {}
    other.get(endpoint, _expected_status=403, **values)


def test_nobody_signed_in_is_sent_to_sign_in(client_request: ClientRequest) -> None:
    response = client_request.client.get(client_request.url("careers.students"))
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_an_empty_school_says_there_are_no_students(careers_leader_request: ClientRequest) -> None:
    page = careers_leader_request.get("careers.students")
    assert "No students have been added" in page.get_text(" ", strip=True)


def test_students_list_shows_only_this_schools_students_with_ranked_and_placed(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    opportunity = factories.create_opportunity(factories.create_employer(), capacity=3)
    placed = factories.create_student(school, first_name="Priya", last_name="Akhtar", year_group=11)
    ranked = factories.create_student(
        school, first_name="Ben", last_name="Brown", routes=["health-and-science", "digital"]
    )
    factories.create_student(school, first_name="Cara", last_name="Cole", routes=[])
    factories.create_student(factories.create_school(), first_name="Olly", last_name="Other")
    factories.create_preference(ranked, opportunity)
    factories.create_allocation(factories.create_round(school), placed, opportunity, status="accepted")

    page = careers_leader_request.get("careers.students")

    assert rows(page, "students-table") == [
        ["Priya Akhtar", "Year 11", "Not known", "No account", "Digital", "No", "Yes", MISSING],
        [
            "Ben Brown",
            "Year 10",
            "Not known",
            "No account",
            "Health and science, Digital",
            "Yes",
            "No",
            MISSING,
        ],
        ["Cara Cole", "Year 10", "Not known", "No account", "None chosen", "No", "No", MISSING],
    ]
    link = page.select_one("#students-table a")
    assert link["href"] == careers_leader_request.url("careers.student", student_id=placed.id)


def test_student_page_shows_interests_choices_and_allocations(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    employer = factories.create_employer(name="Northern Health Trust")
    wanted = factories.create_opportunity(employer, title="Hospital pharmacy shadowing")
    second = factories.create_opportunity(employer, title="Lab technician week")
    student = factories.create_student(
        school,
        first_name="Dana",
        last_name="Khan",
        statement="I want to be a pharmacist.",
        routes=["health-and-science"],
    )
    factories.create_preference(student, wanted, rank=1)
    factories.create_preference(student, second, rank=2)
    factories.create_allocation(
        factories.create_round(school, status="succeeded"), student, wanted, status="offered"
    )

    page = careers_leader_request.get("careers.student", student_id=student.id)

    assert page.h1.get_text(strip=True) == "Dana Khan"
    text = page.get_text(" ", strip=True)
    assert "I want to be a pharmacist." in text
    assert "Health and science" in text
    assert [row[:3] for row in rows(page, "preferences-table")] == [
        ["1", "Hospital pharmacy shadowing", "Northern Health Trust"],
        ["2", "Lab technician week", "Northern Health Trust"],
    ]
    allocations = rows(page, "allocations-table")
    assert allocations[0][0] == "Hospital pharmacy shadowing"
    assert allocations[0][-1] == "Offered"


def test_student_page_without_choices_says_so(careers_leader_request: ClientRequest) -> None:
    student = factories.create_student(school_of(careers_leader_request), first_name="Eli")
    text = careers_leader_request.get("careers.student", student_id=student.id).get_text(" ", strip=True)
    assert "Eli has not ranked any opportunities yet" in text
    assert "No placements have been proposed for Eli yet" in text


def test_another_schools_student_is_not_found(careers_leader_request: ClientRequest) -> None:
    neighbour = factories.create_school(db.session.get(Hub, school_of(careers_leader_request).hub_id))
    stranger = factories.create_student(neighbour)
    careers_leader_request.get("careers.student", _expected_status=404, student_id=stranger.id)


def test_an_unknown_student_is_not_found(careers_leader_request: ClientRequest) -> None:
    careers_leader_request.get("careers.student", _expected_status=404, student_id=999999)


def test_leavers_are_listed_apart_from_current_students(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    factories.create_student(school, first_name="Ann", last_name="Ash", year_group=10)
    factories.create_student(
        school, first_name="Lee", last_name="Left", year_group=13, left_on=date(2026, 7, 20)
    )

    page = careers_leader_request.get("careers.students")
    leavers = careers_leader_request.get("careers.students", show="left")

    assert [row[0] for row in rows(page, "students-table")] == ["Ann Ash"]
    assert page.select_one("#leavers a").get_text(strip=True) == "Show the 1 leaver"
    assert rows(leavers, "leavers-table") == [
        ["Lee Left", "Year 13", "Not known", "20 July 2026", "No account", "No"]
    ]
    assert leavers.select_one("#students-table") is None


def test_a_preferred_name_is_used_in_the_list_and_the_legal_name_on_the_student_page(
    careers_leader_request: ClientRequest,
) -> None:
    student = factories.create_student(
        school_of(careers_leader_request),
        upn="B801200005001",
        first_name="Alexandra",
        preferred_name="Sasha",
        last_name="Smith",
        date_of_birth=date(2011, 3, 27),
        year_group=10,
        postcode="M14 5TP",
        disadvantaged=True,
        send=True,
        send_status="K",
        email="sasha@pupils.example.org",
        parent_name="Pat Smith",
        parent_email="pat@example.org",
    )

    listed = careers_leader_request.get("careers.students")
    page = careers_leader_request.get("careers.student", student_id=student.id)

    assert rows(listed, "students-table")[0][0] == "Sasha Smith"
    assert page.h1.get_text(strip=True) == "Sasha Smith"
    details = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
        for row in page.select("#details .govuk-summary-list__row")
    }
    assert details == {
        "UPN": "B801200005001",
        "Legal name": "Alexandra Smith",
        "Preferred forename": "Sasha",
        "Date of birth": "27 March 2011",
        "Year group": "Year 10",
        "Tutor group": "Not known",
        "Home postcode": "M14 5TP",
        "Pupil premium or free school meals": "Yes",
        "SEND": "SEN support",
        "Email": "sasha@pupils.example.org",
        "Parent or carer": "Pat Smith",
        "Parent or carer email": "pat@example.org",
        "Left the school": "No",
    }
    assert page.select_one("#account-status").get_text(strip=True) == "No account"
    assert page.select_one("#invite")
