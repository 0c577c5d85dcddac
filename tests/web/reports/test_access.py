"""Who may see which report: hub admins their own hub and its schools, careers leaders only their school;
every other role, hub and school is refused."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.reports import world as worlds
from tests.web.reports.helpers import csv_rows, table_rows
from web.extensions import db
from web.models import HubApiToken

HUB_ROUTES: list[tuple[str, str, dict[str, Any]]] = [
    ("reports.hub", "get", {}),
    ("reports.hub_csv", "get", {"report": "benchmark-5"}),
    ("reports.hub_csv", "get", {"report": "schools"}),
    ("reports.hub_school", "get", {"school_id": "own"}),
    ("reports.hub_school_csv", "get", {"school_id": "own", "report": "routes"}),
    ("reports.api_keys", "get", {}),
    ("reports.api_keys", "post", {}),
    ("reports.revoke_api_key", "post", {"key_id": "own"}),
]
SCHOOL_ROUTES: list[tuple[str, str, dict[str, Any]]] = [
    ("reports.school", "get", {}),
    ("reports.school_csv", "get", {"report": "providers"}),
]


def _call(request: ClientRequest, endpoint: str, method: str, status: int, **values: Any) -> Any:
    if method == "get":
        return request.get(endpoint, _expected_status=status, **values)
    return request.post(endpoint, {"name": "Stolen"}, _expected_status=status, **values)


def _values(values: dict[str, Any], school_id: int, key_id: int) -> dict[str, Any]:
    own = {"school_id": school_id, "key_id": key_id}
    return {name: own[name] if value == "own" else value for name, value in values.items()}


def test_every_reports_route_is_in_these_lists(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("reports.")}
    assert endpoints == {endpoint for endpoint, _, _ in HUB_ROUTES + SCHOOL_ROUTES}


@pytest.mark.parametrize("role", ["careers_leader_request", "employer_request", "student_request"])
@pytest.mark.parametrize(("endpoint", "method", "values"), HUB_ROUTES)
def test_other_roles_are_refused_the_hubs_reports(
    app: Flask, request: pytest.FixtureRequest, role: str, endpoint: str, method: str, values: dict[str, Any]
) -> None:
    hub = factories.create_hub()
    school = factories.create_school(hub)
    key, _ = factories.create_api_key(hub)
    _call(request.getfixturevalue(role), endpoint, method, 403, **_values(values, school.id, key.id))
    assert db.session.scalars(select(HubApiToken.name)).all() == ["Dashboard"]
    assert key.revoked_at is None


@pytest.mark.parametrize("role", ["hub_admin_request", "employer_request", "student_request"])
@pytest.mark.parametrize(("endpoint", "method", "values"), SCHOOL_ROUTES)
def test_other_roles_are_refused_the_schools_reports(
    app: Flask, request: pytest.FixtureRequest, role: str, endpoint: str, method: str, values: dict[str, Any]
) -> None:
    _call(request.getfixturevalue(role), endpoint, method, 403, **values)


@pytest.mark.parametrize(("endpoint", "method", "values"), HUB_ROUTES + SCHOOL_ROUTES)
def test_nobody_signed_in_is_sent_to_sign_in(
    client_request: ClientRequest, endpoint: str, method: str, values: dict[str, Any]
) -> None:
    hub = factories.create_hub()
    key, _ = factories.create_api_key(hub)
    page = _call(
        client_request, endpoint, method, 302, **_values(values, factories.create_school(hub).id, key.id)
    )
    if method == "post":
        assert "/sign-in" in page.location


@pytest.mark.parametrize(
    ("endpoint", "values"),
    [
        ("reports.hub_school", {}),
        ("reports.hub_school_csv", {"report": "benchmark-6"}),
    ],
)
def test_another_hubs_school_is_not_found(
    hub_admin_request: ClientRequest, endpoint: str, values: dict[str, Any]
) -> None:
    theirs = factories.create_school(factories.create_hub(name="Another hub"))
    hub_admin_request.get(endpoint, _expected_status=404, school_id=theirs.id, **values)


def test_another_hubs_key_cannot_be_revoked(hub_admin_request: ClientRequest) -> None:
    theirs, _ = factories.create_api_key(factories.create_hub(name="Another hub"))
    hub_admin_request.post("reports.revoke_api_key", _expected_status=404, key_id=theirs.id)
    assert db.session.get(HubApiToken, theirs.id).revoked_at is None


def test_an_unknown_report_is_not_found(hub_admin_request: ClientRequest) -> None:
    response = hub_admin_request.client.get("/hub/reports/students.csv")
    assert response.status_code == 404


def test_the_hub_admin_sees_their_hubs_totals_and_every_school(app: Flask, sign_in_as: Any) -> None:
    world = worlds.build()
    admin = sign_in_as(factories.create_user_for("hub_admin", world.hub))
    page = admin.get("reports.hub")
    rows = table_rows(page, "benchmark-5-table")
    assert rows["Students"][:4] == ["6", "2", "2", "3"]  # not the other hub's student
    schools = table_rows(page, "schools-table")
    assert list(schools) == ["Ardwick Academy", "Beswick High"]
    link = page.select_one("#schools-table a")
    assert link["href"].startswith(admin.url("reports.hub_school", school_id=world.school_1.id))
    school_page = admin.get("reports.hub_school", school_id=world.school_2.id)
    assert table_rows(school_page, "benchmark-5-table")["Students"][0] == "1"


def test_a_careers_leader_sees_only_their_own_school(app: Flask, sign_in_as: Any) -> None:
    world = worlds.build()
    leader = sign_in_as(factories.create_user_for("careers_leader", world.school_2))
    page = leader.get("reports.school")
    assert "Beswick High" in page.select_one("h1").parent.get_text()
    assert table_rows(page, "benchmark-5-table")["Students"][:4] == ["1", "0", "0", "1"]
    assert table_rows(page, "outcomes-table")["Places offered"] == ["1"]
    download = leader.client.get(leader.url("reports.school_csv", report="benchmark-5"))
    assert csv_rows(download.data)[1][:2] == ["Students", "1"]
    assert page.select_one("#schools-table") is None
