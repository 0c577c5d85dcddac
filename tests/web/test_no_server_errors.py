"""Guard: whatever a signed-in person sends to any route, the answer is never a server error."""

from __future__ import annotations

import pytest
from flask import Flask

from tests import db as factories
from web.models.base import ROLES

GARBAGE = [
    {},
    {"title": "x" * 5000, "capacity": "-1", "mechanism": "nonsense", "seed": "1e309", "year_groups": "99"},
    {"postcode": "ZZ99 9ZZ", "start_date-day": "31", "start_date-month": "2", "start_date-year": "99999"},
]


def _urls(app: Flask, record_id: int) -> list[tuple[str, str]]:
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<int:{argument}>", str(record_id))
        for method in sorted(rule.methods & {"GET", "POST"}):
            urls.append((method, path))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_garbage_with_a_server_error(app: Flask, role: str, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    hub = factories.create_hub()
    school = factories.create_school(hub)
    employer = factories.create_employer(hub)
    opportunity = factories.create_opportunity(employer)
    student = factories.create_student(school)
    allocation = factories.create_allocation(
        factories.create_round(school), student, opportunity, status="offered"
    )
    # The user owns the records, so ids reach real pages and actions as well as unknown ones.
    owned = {"hub_admin": hub, "careers_leader": school, "employer": employer, "student": student}[role]
    request = sign_in_as(factories.create_user_for(role, owned))
    failures = []
    handled = 0  # posts that got past CSRF and the role check to the view's own validation
    for record_id in sorted({allocation.id, opportunity.id, 2**31, 0}):
        for method, path in _urls(app, record_id):
            if path == "/sign-out":
                continue  # tested in test_auth; signing out here would end the run early
            for data in GARBAGE if method == "POST" else [None]:
                if method == "GET":
                    status = request.client.get(path).status_code
                else:
                    with request.client.session_transaction() as session:
                        session["csrf_token"] = request._raw_csrf
                    status = request.client.post(
                        path, data={"csrf_token": request.csrf_token, **data}
                    ).status_code
                    handled += status not in (400, 403, 404, 405)
                if status >= 500:
                    failures.append(f"{method} {path} {data} -> {status}")
    assert failures == []
    assert handled > 0 or role == "hub_admin", "no post reached a view: the test would prove nothing"
