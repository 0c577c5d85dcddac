"""Who may use the student pages: students only, each only their own record, and only with a CSRF token."""

from __future__ import annotations

import pytest

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.students.helpers import create_offer, hub_opportunity, me
from web.extensions import db
from web.models import Allocation, Opportunity, Preference, School

OTHER_ROLES = ["hub_admin_request", "careers_leader_request", "employer_request"]
GET_PAGES = [
    ("students.home", {}),
    ("students.interests", {}),
    ("students.opportunities", {}),
    ("students.opportunity", {"opportunity_id": 1}),
    ("students.choices", {}),
    ("students.offers", {}),
    ("students.offer", {"allocation_id": 1}),
]
POSTS = [
    ("students.interests", {}),
    ("students.add_choice", {"opportunity_id": 1}),
    ("students.move_choice_up", {"opportunity_id": 1}),
    ("students.move_choice_down", {"opportunity_id": 1}),
    ("students.remove_choice", {"opportunity_id": 1}),
    ("students.accept_offer", {"allocation_id": 1}),
    ("students.decline_offer", {"allocation_id": 1}),
]


@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize(("endpoint", "values"), GET_PAGES)
def test_other_roles_cannot_see_student_pages(
    request: pytest.FixtureRequest, role: str, endpoint: str, values: dict[str, int]
) -> None:
    request.getfixturevalue(role).get(endpoint, _expected_status=403, **values)


@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize(("endpoint", "values"), POSTS)
def test_other_roles_cannot_post_to_student_pages(
    request: pytest.FixtureRequest, role: str, endpoint: str, values: dict[str, int]
) -> None:
    request.getfixturevalue(role).post(endpoint, {}, _expected_status=403, **values)


@pytest.mark.parametrize(("endpoint", "values"), GET_PAGES)
def test_nobody_signed_in_is_sent_to_sign_in(
    client_request: ClientRequest, endpoint: str, values: dict[str, int]
) -> None:
    response = client_request.client.get(client_request.url(endpoint, **values))
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(("endpoint", "values"), POSTS)
def test_a_post_without_a_csrf_token_is_refused(
    student_request: ClientRequest, endpoint: str, values: dict[str, int]
) -> None:
    response = student_request.client.post(student_request.url(endpoint, **values), data={})
    assert response.status_code == 400


def test_a_post_without_a_csrf_token_saves_nothing(student_request: ClientRequest) -> None:
    student = me(student_request)
    opportunity = hub_opportunity(student)
    allocation = create_offer(student, opportunity)
    for endpoint, values in [
        ("students.add_choice", {"opportunity_id": opportunity.id}),
        ("students.accept_offer", {"allocation_id": allocation.id}),
    ]:
        url = student_request.url(endpoint, **values)
        assert student_request.client.post(url, data={}).status_code == 400
    assert db.session.scalars(db.select(Preference)).all() == []
    assert db.session.get(Allocation, allocation.id).status == "offered"
    assert db.session.get(Opportunity, opportunity.id).places_taken == 0


@pytest.mark.parametrize("endpoint", ["students.offer"])
def test_another_students_offer_is_not_found(student_request: ClientRequest, endpoint: str) -> None:
    other = factories.create_student(db.session.get(School, me(student_request).school_id))
    allocation = create_offer(other, hub_opportunity(other))
    student_request.get(endpoint, _expected_status=404, allocation_id=allocation.id)


@pytest.mark.parametrize("endpoint", ["students.accept_offer", "students.decline_offer"])
def test_another_students_offer_cannot_be_answered(student_request: ClientRequest, endpoint: str) -> None:
    other = factories.create_student()
    opportunity = hub_opportunity(other)
    allocation = create_offer(other, opportunity)
    student_request.post(endpoint, {}, _expected_status=404, allocation_id=allocation.id)
    assert db.session.get(Allocation, allocation.id).status == "offered"
    assert db.session.get(Opportunity, opportunity.id).places_taken == 0


def test_another_students_choices_are_not_shown_or_changed(student_request: ClientRequest) -> None:
    student = me(student_request)
    other = factories.create_student(db.session.get(School, student.school_id))
    opportunity = hub_opportunity(other, title="Their secret choice")
    factories.create_preference(other, opportunity, rank=1)
    page = student_request.get("students.choices")
    assert "Their secret choice" not in page.text
    student_request.post("students.remove_choice", {}, opportunity_id=opportunity.id)
    assert db.session.scalars(db.select(Preference)).one().student_id == other.id


@pytest.mark.parametrize("endpoint", ["students.offer"])
def test_an_unknown_offer_is_not_found(student_request: ClientRequest, endpoint: str) -> None:
    student_request.get(endpoint, _expected_status=404, allocation_id=999999)


def test_an_unknown_opportunity_is_not_found(student_request: ClientRequest) -> None:
    student_request.get("students.opportunity", _expected_status=404, opportunity_id=999999)
