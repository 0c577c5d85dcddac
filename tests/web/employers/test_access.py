"""Who may use the employer pages: other roles are refused, other employers' records do not exist."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.employers.test_encounter_offers import ENCOUNTER_OFFER_ROUTES
from tests.web.employers.test_encounter_requests import ROUTES as ENCOUNTER_REQUEST_ROUTES
from tests.web.employers.test_hosting import HOSTING_ROUTES
from tests.web.employers.test_opportunities import valid_form
from tests.web.employers.test_provider_requests import ENDPOINTS as PROVIDER_REQUEST_ENDPOINTS
from tests.web.planner.test_asks import EMPLOYER_ENDPOINTS as ASK_ENDPOINTS
from web.extensions import db
from web.models import AuditEvent, Opportunity

# (endpoint, method, takes an opportunity id)
ROUTES = [
    ("employers.opportunities", "get", False),
    ("employers.new_opportunity", "get", False),
    ("employers.new_opportunity", "post", False),
    ("employers.opportunity", "get", True),
    ("employers.edit_opportunity", "get", True),
    ("employers.edit_opportunity", "post", True),
    ("employers.publish_opportunity", "post", True),
    ("employers.close_opportunity", "get", True),
    ("employers.close_opportunity", "post", True),
    ("employers.students_coming", "get", True),
    ("employers.organisation", "get", False),
    ("employers.edit_organisation", "get", False),
    ("employers.edit_organisation", "post", False),
]
OTHER_ROLES = ["hub_admin_request", "careers_leader_request", "student_request"]


def _call(request: ClientRequest, endpoint: str, method: str, status: int, **values: Any) -> Any:
    if method == "get":
        return request.get(endpoint, _expected_status=status, **values)
    return request.post(endpoint, valid_form(), _expected_status=status, **values)


def _raw(request: ClientRequest, method: str, url: str, data: dict[str, Any]) -> Any:
    """A request exactly as given: no CSRF token added, no redirect followed."""
    if method == "get":
        return request.client.get(url)
    return request.client.post(url, data=data)


def _nothing_changed(opportunity: Opportunity, status: str = "draft") -> None:
    saved = db.session.get(Opportunity, opportunity.id)
    assert (saved.status, saved.title) == (status, "Software developer work experience")
    assert db.session.scalar(select(func.count()).select_from(Opportunity)) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_every_employer_route_is_in_this_list(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("employers.")}
    # Registering is public: tests/web/employers/test_registration.py covers it; the placement pages take
    # a placement's id: tests/web/employers/test_hosting.py covers them; the encounter offer, encounter
    # request and provider access pages: tests/web/employers/test_encounter_offers.py,
    # test_encounter_requests.py and test_provider_requests.py; the hub's proposals to confirm:
    # tests/web/hub/test_encounter_matches.py; the hub's asks: tests/web/planner/test_asks.py.
    placement_pages = {endpoint for endpoint, _ in HOSTING_ROUTES}
    offer_pages = {endpoint for endpoint, _, _ in ENCOUNTER_OFFER_ROUTES}
    request_pages = {endpoint for endpoint, _, _ in ENCOUNTER_REQUEST_ROUTES} | PROVIDER_REQUEST_ENDPOINTS
    others = (
        {"employers.register", "employers.decide_encounter_match"}
        | placement_pages
        | offer_pages
        | request_pages
        | ASK_ENDPOINTS
    )
    assert endpoints - others == {endpoint for endpoint, _, _ in ROUTES}


@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize(("endpoint", "method", "with_id"), ROUTES)
def test_other_roles_are_refused(
    app: Flask, request: pytest.FixtureRequest, role: str, endpoint: str, method: str, with_id: bool
) -> None:
    # `app` is named so the tables are emptied afterwards: the role's fixture is only looked up here.
    client: ClientRequest = request.getfixturevalue(role)
    opportunity = factories.create_opportunity(status="draft")
    values = {"opportunity_id": opportunity.id} if with_id else {}
    page = _call(client, endpoint, method, 403, **values)
    assert "You do not have permission" in page.h1.text
    _nothing_changed(opportunity)


@pytest.mark.parametrize(("endpoint", "method", "with_id"), [route for route in ROUTES if route[2]])
def test_another_employers_opportunity_is_not_found(
    employer_request: ClientRequest, endpoint: str, method: str, with_id: bool
) -> None:
    theirs = factories.create_opportunity(status="draft")
    page = _call(employer_request, endpoint, method, 404, opportunity_id=theirs.id)
    assert "Page not found" in page.h1.text
    _nothing_changed(theirs)


@pytest.mark.parametrize(("endpoint", "method", "with_id"), [route for route in ROUTES if route[2]])
def test_an_unknown_opportunity_is_not_found(
    employer_request: ClientRequest, endpoint: str, method: str, with_id: bool
) -> None:
    _call(employer_request, endpoint, method, 404, opportunity_id=999_999)


def test_another_employers_students_are_not_shown(employer_request: ClientRequest) -> None:
    theirs = factories.create_opportunity()
    page = employer_request.get("employers.students_coming", _expected_status=404, opportunity_id=theirs.id)
    assert "Students coming" not in page.text


def test_another_user_of_the_same_employer_sees_its_opportunities(
    employer_request: ClientRequest, sign_in_as: Any
) -> None:
    employer_id = employer_request.user.employer_id  # type: ignore[attr-defined]
    opportunity = factories.create_opportunity(db.session.get(factories.Employer, employer_id))
    colleague = sign_in_as(
        factories.create_user_for("employer", db.session.get(factories.Employer, employer_id))
    )
    colleague.get("employers.opportunity", opportunity_id=opportunity.id)


@pytest.mark.parametrize(("endpoint", "method", "with_id"), ROUTES)
def test_nobody_signed_in_is_sent_to_sign_in(
    client_request: ClientRequest, endpoint: str, method: str, with_id: bool
) -> None:
    opportunity = factories.create_opportunity(status="draft")
    values = {"opportunity_id": opportunity.id} if with_id else {}
    if method == "get":
        location = _raw(client_request, method, client_request.url(endpoint, **values), {}).headers[
            "Location"
        ]
    else:  # with a valid CSRF token, so it is the sign-in check that answers
        location = client_request.post(endpoint, valid_form(), **values).location
    assert "/sign-in" in location
    _nothing_changed(opportunity)


@pytest.mark.parametrize(("endpoint", "method", "with_id"), [route for route in ROUTES if route[1] == "post"])
def test_a_post_without_a_csrf_token_is_refused(
    employer_request: ClientRequest, endpoint: str, method: str, with_id: bool
) -> None:
    employer = db.session.get(factories.Employer, employer_request.user.employer_id)  # type: ignore[attr-defined]
    opportunity = factories.create_opportunity(employer, status="draft")
    values = {"opportunity_id": opportunity.id} if with_id else {}
    data = {key: value for key, value in valid_form(title="No token").items()}
    response = _raw(employer_request, "post", employer_request.url(endpoint, **values), data)
    assert response.status_code == 400
    assert "Your form has expired" in response.get_data(as_text=True)
    _nothing_changed(opportunity)


def test_a_post_with_a_wrong_csrf_token_is_refused(employer_request: ClientRequest) -> None:
    employer = db.session.get(factories.Employer, employer_request.user.employer_id)  # type: ignore[attr-defined]
    opportunity = factories.create_opportunity(employer, status="draft")
    url = employer_request.url("employers.publish_opportunity", opportunity_id=opportunity.id)
    response = _raw(employer_request, "post", url, {"csrf_token": "forged"})
    assert response.status_code == 400
    _nothing_changed(opportunity)


def test_the_employer_navigation_shows_opportunities(employer_request: ClientRequest) -> None:
    page = employer_request.get("employers.opportunities")
    nav = page.select_one(".govuk-service-navigation")
    assert "Opportunities" in nav.text
