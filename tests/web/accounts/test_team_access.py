"""Who may use the team pages: students and strangers are refused; other organisations' people are 404s."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued
from web.extensions import db
from web.models import AuditEvent, Employer, Hub, School, User

# (endpoint, method, takes a user id)
TEAM_ROUTES = [
    ("accounts.team", "get", False),
    ("accounts.invite", "get", False),
    ("accounts.invite", "post", False),
    ("accounts.resend", "post", True),
    ("accounts.deactivate", "get", True),
    ("accounts.deactivate", "post", True),
    ("accounts.reactivate", "post", True),
]
PUBLIC = {"accounts.link", "accounts.set_password", "accounts.reset"}
WITH_ID = [(endpoint, method) for endpoint, method, with_id in TEAM_ROUTES if with_id]
TEAM_FIXTURES = {
    "hub_admin": "hub_admin_request",
    "careers_leader": "careers_leader_request",
    "employer": "employer_request",
}
INVITE = {"name": "Nia Patel", "email": "nia@example.org"}


def _call(request: ClientRequest, endpoint: str, method: str, **values: Any) -> Any:
    """The raw response, CSRF token included, no redirect followed."""
    url = request.url(endpoint, **values)
    if method == "get":
        return request.client.get(url)
    with request.client.session_transaction() as session:
        session["csrf_token"] = request._raw_csrf
    return request.client.post(url, data={"csrf_token": request.csrf_token, **INVITE})


def _active() -> list[bool]:
    db.session.expire_all()
    return list(db.session.scalars(select(User.active).order_by(User.id)))


def _nothing_changed(active: list[bool]) -> None:
    """The same people, each as active as before, nothing audited and no email."""
    assert _active() == active
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    assert deliver_queued() == 0


def test_every_accounts_route_is_in_these_lists(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("accounts.")}
    assert endpoints == {endpoint for endpoint, _, _ in TEAM_ROUTES} | PUBLIC


@pytest.mark.parametrize(("endpoint", "method", "with_id"), TEAM_ROUTES)
def test_students_are_refused_every_team_route(
    student_request: ClientRequest, endpoint: str, method: str, with_id: bool
) -> None:
    classmate = factories.create_user_for("student", password=None)
    before = _active()

    values = {"user_id": classmate.id} if with_id else {}
    assert _call(student_request, endpoint, method, **values).status_code == 403
    _nothing_changed(before)


@pytest.mark.parametrize(("endpoint", "method", "with_id"), TEAM_ROUTES)
def test_someone_signed_out_is_sent_to_sign_in(
    client_request: ClientRequest, endpoint: str, method: str, with_id: bool
) -> None:
    someone = factories.create_user_for("careers_leader", password=None)
    before = _active()

    response = _call(client_request, endpoint, method, **({"user_id": someone.id} if with_id else {}))

    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    _nothing_changed(before)


def _outsiders(me: User, active: bool) -> list[User]:
    """People not in my team, not yet accepted: my role at another organisation, and people of other roles
    close to mine (deactivated, for a route that would reactivate them)."""
    options: dict[str, Any] = {"password": None, "active": active}
    elsewhere = factories.create_user_for(me.role, **options)
    if me.role == "careers_leader":
        pupil = factories.create_student(db.session.get(School, me.school_id))
        return [elsewhere, factories.create_user_for("student", pupil, **options)]
    if me.role == "employer":
        hub = db.session.get(Hub, db.session.get(Employer, me.employer_id).hub_id)
        return [elsewhere, factories.create_user_for("employer", factories.create_employer(hub), **options)]
    hub = db.session.get(Hub, me.hub_id)
    return [
        elsewhere,
        factories.create_user_for("careers_leader", factories.create_school(hub), **options),
        factories.create_user_for("employer", factories.create_employer(hub), **options),
    ]


@pytest.mark.parametrize("role", TEAM_FIXTURES)
@pytest.mark.parametrize(("endpoint", "method"), WITH_ID)
def test_another_organisations_people_are_a_404(
    role: str, endpoint: str, method: str, request: pytest.FixtureRequest
) -> None:
    me: ClientRequest = request.getfixturevalue(TEAM_FIXTURES[role])
    outsiders = _outsiders(me.user, active=endpoint != "accounts.reactivate")  # type: ignore[attr-defined]
    before = _active()

    for outsider in outsiders:
        assert _call(me, endpoint, method, user_id=outsider.id).status_code == 404
    assert _call(me, endpoint, method, user_id=2**31 - 1).status_code == 404
    _nothing_changed(before)


@pytest.mark.parametrize(
    ("endpoint", "method", "with_id"), [route for route in TEAM_ROUTES if route[1] == "post"]
)
def test_every_team_form_needs_its_csrf_token(
    careers_leader_request: ClientRequest, endpoint: str, method: str, with_id: bool
) -> None:
    school = db.session.get(School, careers_leader_request.user.school_id)  # type: ignore[attr-defined]
    colleague = factories.create_user_for("careers_leader", school, password=None)
    before = _active()
    url = careers_leader_request.url(endpoint, **({"user_id": colleague.id} if with_id else {}))

    response = careers_leader_request.client.post(url, data=INVITE)

    assert response.status_code == 400
    _nothing_changed(before)
