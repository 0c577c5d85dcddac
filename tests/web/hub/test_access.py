"""Who may use the hub admin's pages: other roles are refused; another hub's schools and employers do not
exist."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.employers.test_encounter_offers import create_offer
from web.extensions import db
from web.models import AuditEvent, Employer, MatchRound, Notification, School, User

# (endpoint, method, the record its URL names, a valid post)
VALID = {
    "school": {"urn": "105432", "name": "Taken Over", "postcode": "M1 1AD", "phase": "special"},
    "invite": {"name": "Pat Leader", "email": "pat@example.org"},
    "decision": {"decision": "suspend", "reason": "Taken over"},
    "check": {"insurer": "Taken Over Insurance", "insurance_cover": "9000000"},
    "round": {"kind": "all", "mechanism": "optimal", "decide_by": ["1", "1", "2099"]},
    "what_if": {"kind": "all", "a-mechanism": "optimal", "b-mechanism": "stable"},
    "release": {"respond_by": ["1", "1", "2099"]},
    "dbs": {"mentor": "Sam Mentor", "issued_on": ["1", "9", "2026"], "seen": "y"},
}
ROUTES: list[tuple[str, str, str | None, dict[str, str]]] = [
    ("hub.overview", "get", None, {}),
    ("hub.schools", "get", None, {}),
    ("hub.new_school", "get", None, {}),
    ("hub.new_school", "post", None, VALID["school"]),
    ("hub.school", "get", "school_id", {}),
    ("hub.school", "post", "school_id", VALID["invite"]),
    ("hub.edit_school", "get", "school_id", {}),
    ("hub.edit_school", "post", "school_id", VALID["school"]),
    ("hub.employers", "get", None, {}),
    ("hub.employer", "get", "employer_id", {}),
    ("hub.employer", "post", "employer_id", VALID["decision"]),
    ("hub.employer_check", "get", "employer_id", {}),
    ("hub.employer_check", "post", "employer_id", VALID["check"]),
    ("hub.encounter_offers", "get", None, {}),
    ("hub.record_dbs_check", "get", "offer_id", {}),
    ("hub.record_dbs_check", "post", "offer_id", VALID["dbs"]),
    ("hub.encounter_requests", "get", None, {}),
    ("hub.propose_encounter_matches", "post", None, {}),
    ("hub.rounds", "get", None, {}),
    ("hub.rounds", "post", None, VALID["round"]),
    ("hub.round_detail", "get", "round_id", {}),
    ("hub.round_status", "get", "round_id", {}),
    ("hub.cancel_round", "post", "round_id", {}),
    ("hub.top_up_round", "post", "round_id", {}),
    ("hub.release_round", "get", "round_id", {}),
    ("hub.release_round", "post", "round_id", VALID["release"]),
    ("hub.what_if_start", "get", None, {}),
    ("hub.what_if_start", "post", None, VALID["what_if"]),
    ("hub.compare", "get", "round_id", {}),
    ("hub.keep_round", "post", "round_id", {}),
]
OTHER_ROLES = ["careers_leader_request", "employer_request", "student_request"]


def _records() -> dict[str, Any]:
    hub = factories.create_hub(name="Another Careers Hub")
    school = factories.create_school(hub, name="Their School", urn="190001")
    return {
        "school_id": school,
        "employer_id": factories.create_employer(hub, name="Their Employer", status="pending", insurer=""),
        "offer_id": create_offer(factories.create_employer(hub), format="mentoring_programme", sessions=6),
        # A finished hub-wide draft: keeping, comparing or releasing it would each change something.
        "round_id": factories.create_round(school, school_id=None, status="succeeded", draft=True),
    }


def _call(
    request: ClientRequest, endpoint: str, method: str, data: dict[str, str], status: int, **values: Any
) -> Any:
    if method == "get":
        return request.get(endpoint, _expected_status=status, **values)
    return request.post(endpoint, data, _expected_status=status, **values)


def _nothing_changed() -> None:
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
    assert db.session.scalar(select(School.urn).where(School.name == "Their School")) == "190001"
    assert db.session.scalar(select(func.count()).select_from(School).where(School.urn == "105432")) == 0
    employer = db.session.scalar(select(Employer).where(Employer.name == "Their Employer"))
    assert (employer.status, employer.insurer) == ("pending", "")
    assert (
        db.session.scalar(select(func.count()).select_from(User).where(User.email == "pat@example.org")) == 0
    )
    [match_round] = db.session.scalars(select(MatchRound))
    assert (match_round.status, match_round.draft, match_round.released_at) == ("succeeded", True, None)


def test_every_hub_route_is_in_this_list(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("hub.")}
    # A careers leader's deactivation names a school and a user: tests/web/hub/test_schools.py covers it.
    leaders = {"hub.deactivate_leader", "hub.reactivate_leader"}
    # A brokering decision names a proposal and the decision: tests/web/hub/test_encounter_matches.py.
    leaders.add("hub.decide_encounter_match")
    assert endpoints - leaders == {endpoint for endpoint, *_ in ROUTES}


@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize(("endpoint", "method", "record", "data"), ROUTES)
def test_other_roles_are_refused(
    app: Flask,
    request: pytest.FixtureRequest,
    role: str,
    endpoint: str,
    method: str,
    record: str | None,
    data: Any,
) -> None:
    client: ClientRequest = request.getfixturevalue(role)
    records = _records()
    values = {record: records[record].id} if record else {}

    page = _call(client, endpoint, method, data, 403, **values)

    assert "You do not have permission" in page.h1.text
    _nothing_changed()


@pytest.mark.parametrize(("endpoint", "method", "record", "data"), [route for route in ROUTES if route[2]])
def test_another_hubs_school_or_employer_is_not_found(
    hub_admin_request: ClientRequest, endpoint: str, method: str, record: str, data: Any
) -> None:
    records = _records()

    page = _call(hub_admin_request, endpoint, method, data, 404, **{record: records[record].id})

    assert "Page not found" in page.h1.text
    _nothing_changed()


@pytest.mark.parametrize(("endpoint", "method", "record", "data"), ROUTES)
def test_nobody_signed_in_is_sent_to_sign_in(
    client_request: ClientRequest, endpoint: str, method: str, record: str | None, data: Any
) -> None:
    records = _records()
    values = {record: records[record].id} if record else {}

    if method == "get":
        location = client_request.client.get(client_request.url(endpoint, **values)).headers["Location"]
    else:
        location = client_request.post(endpoint, data, **values).location

    assert "/sign-in" in location
    _nothing_changed()


@pytest.mark.parametrize(("endpoint", "record", "data"), [(e, r, d) for e, m, r, d in ROUTES if m == "post"])
def test_a_post_without_its_csrf_token_changes_nothing(
    hub_admin_request: ClientRequest, endpoint: str, record: str | None, data: dict[str, str]
) -> None:
    records = _records()
    hub_id = hub_admin_request.user.hub_id  # type: ignore[attr-defined]
    # The admin's own records, so only the missing token stands in the way.
    for name, model in (("school_id", School), ("employer_id", Employer), ("round_id", MatchRound)):
        db.session.get(model, records[name].id).hub_id = hub_id
    db.session.commit()
    values = {record: records[record].id} if record else {}

    response = hub_admin_request.client.post(hub_admin_request.url(endpoint, **values), data=data)

    assert response.status_code == 400
    _nothing_changed()
