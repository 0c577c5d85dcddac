"""A provider asks a school for access under the school's policy, sees the answer, and withdraws a request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, outbox, sent_to
from tests.web.employers.test_encounter_offers import create_offer
from tests.web.pages import banner, error_messages, rows
from web.dao.provider_requests import date_range
from web.dates import london_today
from web.extensions import db
from web.models import AuditEvent, Employer, Hub, ProviderAccessRequest, School
from web.models.base import utcnow

OTHER_ROLES = ["hub_admin_request", "careers_leader_request", "student_request"]
# The pages _routes() lists, each refused to other roles here (tests/web/employers/test_access.py reads it).
ENDPOINTS = {
    "employers.provider_requests",
    "employers.provider_access_schools",
    "employers.ask_for_access",
    "employers.withdraw_provider_request",
}


def _routes(school: School, access_request: ProviderAccessRequest) -> list[tuple[str, str, dict[str, int]]]:
    """(endpoint, method, URL values) of every provider access page."""
    ids = {"access_request_id": access_request.id}
    return [
        ("employers.provider_requests", "get", {}),
        ("employers.provider_access_schools", "get", {}),
        ("employers.ask_for_access", "get", {"school_id": school.id}),
        ("employers.ask_for_access", "post", {"school_id": school.id}),
        ("employers.withdraw_provider_request", "get", ids),
        ("employers.withdraw_provider_request", "post", ids),
    ]


def _hub(organisation: Employer) -> Hub:
    hub = db.session.get(Hub, organisation.hub_id)
    assert hub is not None
    return hub


def _day(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _answers(**overrides: Any) -> dict[str, Any]:
    """A complete request that the test policy allows: 45 days ahead, 2 visiting staff."""
    answers: dict[str, Any] = {
        "visit_date": _day(london_today() + timedelta(days=45)),
        "visit_time": "09:30",
        "year_groups": ["9", "10"],
        "audience_size": "180",
        "visitors": "2",
        "offer_id": "",
        "message": "A T Level assembly.\nWe bring our own laptop.",
    }
    return {**answers, **overrides}


@pytest.fixture
def provider(app: Any) -> Employer:
    """An approved FE college with current evidence."""
    return factories.create_employer(kind="fe_college", name="Ancoats College")


@pytest.fixture
def provider_request(provider: Employer, sign_in_as: Callable[[Any], ClientRequest]) -> ClientRequest:
    """A user of the college, signed in; the user is at .user."""
    user = factories.create_user_for("employer", provider)
    request = sign_in_as(user)
    request.user = user  # type: ignore[attr-defined]
    return request


@pytest.fixture
def school(provider: Employer) -> School:
    """A school of the college's hub with a published policy (10 days' notice, 4 visiting staff)."""
    school = factories.create_school(_hub(provider), name="Ardwick Green")
    factories.create_provider_access_policy(school)
    return school


def _requests() -> list[ProviderAccessRequest]:
    db.session.expire_all()
    return list(db.session.scalars(select(ProviderAccessRequest).order_by(ProviderAccessRequest.id)))


def _events() -> list[tuple[str, int | None]]:
    found = db.session.scalars(
        select(AuditEvent).where(AuditEvent.record_type == "provider_access_request").order_by(AuditEvent.id)
    )
    return [(event.action, event.user_id) for event in found]


def test_a_provider_asks_a_school_and_its_careers_leaders_are_emailed(
    provider_request: ClientRequest, provider: Employer, school: School
) -> None:
    leader = factories.create_user_for("careers_leader", school, email="leader@ardwick.example")
    invited = factories.create_user_for("careers_leader", school, email="new@ardwick.example", password="")
    factories.create_user_for("careers_leader", factories.create_school(), email="other@school.example")
    offer = create_offer(provider, format="technical_talk")

    page = provider_request.post(
        "employers.ask_for_access",
        _answers(offer_id=str(offer.id)),
        _follow=True,
        _expected_status=200,
        school_id=school.id,
    )

    assert "Request sent to Ardwick Green" in banner(page)
    [sent] = _requests()
    assert (sent.provider_id, sent.school_id, sent.offer_id, sent.status) == (
        provider.id,
        school.id,
        offer.id,
        "requested",
    )
    assert (sent.visit_date, f"{sent.visit_time:%H:%M}") == (london_today() + timedelta(days=45), "09:30")
    assert (sent.year_groups, sent.audience_size, sent.visitors) == ([9, 10], 180, 2)
    assert sent.message == "A T Level assembly.\nWe bring our own laptop."
    assert _events() == [("provider_access_requested", provider_request.user.id)]  # type: ignore[attr-defined]
    assert rows(page, "provider-requests")[0][:6] == [
        "Ardwick Green",
        sent.when_label,
        "Years 9 and 10",
        "180",
        "2",
        "Waiting for the school",
    ]

    assert deliver_queued() == 1
    [message] = sent_to(leader.email)
    assert message.subject == "Ancoats College asks to visit Ardwick Green"
    assert "Further education (FE) college" in message.body
    assert f"/school/provider-requests/{sent.id}" in message.body
    assert sent_to(invited.email) == [] and len(outbox()) == 1
    assert deliver_queued() == 0  # once


def test_the_schools_list_shows_each_schools_notice_and_links_to_its_policy(
    provider_request: ClientRequest, provider: Employer, school: School
) -> None:
    hub = _hub(provider)
    factories.create_school(hub, name="No Policy High")
    factories.create_provider_access_policy(factories.create_school(name="Another Hub School"))
    other = factories.create_school(hub, name="Burnage Academy")
    factories.create_provider_access_policy(other, notice_days=1, max_visitors=1)

    page = provider_request.get("employers.provider_access_schools")

    assert [row[:3] for row in rows(page, "schools")] == [
        ["Ardwick Green", "10 days", "4"],
        ["Burnage Academy", "1 day", "1"],
    ]
    links = [a["href"] for a in page.select("#schools a")]
    assert links == [
        f"/schools/{school.urn}/provider-access",
        provider_request.url("employers.ask_for_access", school_id=school.id),
        f"/schools/{other.urn}/provider-access",
        provider_request.url("employers.ask_for_access", school_id=other.id),
    ]


def _blackout(start: date, end: date) -> dict[str, Any]:
    return {"blackout_dates": [{"label": "Mock exams", "start": f"{start}", "end": f"{end}"}]}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            {"visit_date": 9},
            "Date of the visit must be {earliest} or later, as the school asks for 10 days' notice",
        ),
        ({"visit_date": 20}, "That date is in the school's blackout 'Mock exams' ({blackout})"),
        ({"visit_date": 30}, "That date is in the school's blackout 'Mock exams' ({blackout})"),
        ({"visit_date": 800}, "Date of the visit must be within 2 years of today"),
        ({"visitors": "5"}, "Visiting staff must be 4 or fewer, as the school takes up to 4 at once"),
        ({"visitors": "0"}, "Visiting staff must be between 1 and 50"),
        ({"year_groups": ["6"]}, "Select year groups from the list"),
        ({"year_groups": ["14"]}, "Select year groups from the list"),
        ({"year_groups": []}, "Select at least one year group"),
        ({"audience_size": ""}, "Enter how many pupils you would like to meet"),
        ({"visit_date": ["", "", ""]}, "Enter the date of the visit"),
        ({"visit_time": "25:00"}, "Start time must be a real time on the 24-hour clock, like 09:00 or 16:30"),
        ({"message": ""}, "Enter a message to the school"),
        ({"offer_id": "999"}, "Select one of your encounter offers, or none of them"),
    ],
)
def test_a_request_the_policy_does_not_allow_is_refused_naming_the_field(
    provider_request: ClientRequest, school: School, answers: dict[str, Any], expected: str
) -> None:
    today = london_today()
    blackout = date_range(today + timedelta(days=20), today + timedelta(days=30))
    if isinstance(answers.get("visit_date"), int):
        answers = {**answers, "visit_date": _day(today + timedelta(days=answers["visit_date"]))}
    factories.create_user_for("careers_leader", school)

    page = provider_request.post(
        "employers.ask_for_access", _answers(**answers), _expected_status=200, school_id=school.id
    )

    earliest = today + timedelta(days=10)
    assert error_messages(page) == [
        expected.format(earliest=f"{earliest.day} {earliest:%B %Y}", blackout=blackout)
    ]
    assert page.title.text.startswith("Error: ")
    assert _requests() == [] and _events() == []
    assert deliver_queued() == 0


def test_the_day_the_notice_allows_and_the_day_after_a_blackout_are_accepted(
    provider_request: ClientRequest, school: School
) -> None:
    today = london_today()
    for days in (10, 31):
        provider_request.post(
            "employers.ask_for_access",
            _answers(visit_date=_day(today + timedelta(days=days)), visitors="4"),
            school_id=school.id,
        )
    assert [request.visit_date for request in _requests()] == [
        today + timedelta(days=10),
        today + timedelta(days=31),
    ]


def test_a_blackout_across_months_is_named_with_both_months(app: Any) -> None:
    assert date_range(date(2027, 2, 22), date(2027, 3, 5)) == "22 February to 5 March 2027"
    assert date_range(date(2027, 3, 2), date(2027, 3, 13)) == "2 to 13 March 2027"
    assert date_range(date(2026, 12, 21), date(2027, 1, 4)) == "21 December 2026 to 4 January 2027"
    assert date_range(date(2027, 3, 2), date(2027, 3, 2)) == "2 March 2027"


def test_another_providers_offer_cannot_be_named(
    provider_request: ClientRequest, provider: Employer, school: School
) -> None:
    theirs = create_offer(factories.create_employer(_hub(provider), kind="utc"))
    withdrawn = create_offer(provider, status="withdrawn")

    for offer in (theirs, withdrawn):
        page = provider_request.post(
            "employers.ask_for_access",
            _answers(offer_id=str(offer.id)),
            _expected_status=200,
            school_id=school.id,
        )
        assert error_messages(page) == ["Select one of your encounter offers, or none of them"]
    assert _requests() == []


def test_an_organisation_of_kind_employer_is_refused_every_provider_access_page(
    employer_request: ClientRequest,
) -> None:
    employer = db.session.get(Employer, employer_request.user.employer_id)  # type: ignore[attr-defined]
    school = factories.create_school(_hub(employer))
    factories.create_provider_access_policy(school)
    own = factories.create_provider_request(employer, school)
    assert {endpoint for endpoint, _, _ in _routes(school, own)} == ENDPOINTS

    for endpoint, method, values in _routes(school, own):
        if method == "get":
            employer_request.get(endpoint, _expected_status=403, **values)
        else:
            employer_request.post(endpoint, _answers(), _expected_status=403, **values)

    assert [request.status for request in _requests()] == ["requested"]


@pytest.mark.parametrize(
    "unvetted",
    [
        {"status": "pending"},
        {"status": "suspended"},
        {"insurance_expires": timedelta(days=-1)},
        {"next_check_due": timedelta(days=0)},
        {"risk_assessment_on_file": False},
    ],
)
def test_a_provider_that_is_not_approved_with_current_evidence_cannot_send_a_request(
    provider_request: ClientRequest, provider: Employer, school: School, unvetted: dict[str, Any]
) -> None:
    found = db.session.get(Employer, provider.id)
    for name, value in factories.from_today(unvetted).items():
        setattr(found, name, value)
    db.session.commit()

    listed = provider_request.get("employers.provider_requests")
    page = provider_request.post(
        "employers.ask_for_access", _answers(), _follow=True, _expected_status=200, school_id=school.id
    )

    assert "ask schools for access" in listed.select_one("#cannot-ask").text
    assert listed.select_one("#ask") is None
    assert "ask schools for access" in banner(page)
    assert page.select("#schools a[href*='/provider-access/schools/']") == []
    assert _requests() == []


def test_a_school_of_another_hub_or_without_a_policy_is_not_found(
    provider_request: ClientRequest, provider: Employer
) -> None:
    elsewhere = factories.create_school()
    factories.create_provider_access_policy(elsewhere)
    unpublished = factories.create_school(_hub(provider))

    for school in (elsewhere, unpublished):
        provider_request.get("employers.ask_for_access", _expected_status=404, school_id=school.id)
        provider_request.post(
            "employers.ask_for_access", _answers(), _expected_status=404, school_id=school.id
        )
    assert _requests() == []


def test_the_provider_withdraws_a_waiting_request(
    provider_request: ClientRequest, provider: Employer, school: School
) -> None:
    waiting = factories.create_provider_request(provider, school)
    page = provider_request.get("employers.provider_requests")
    withdraw = provider_request.url("employers.withdraw_provider_request", access_request_id=waiting.id)
    assert page.select_one(f"#provider-requests a[href='{withdraw}']") is not None

    confirm = provider_request.get("employers.withdraw_provider_request", access_request_id=waiting.id)
    assert confirm.select_one("button[name=submit]").text.strip() == "Withdraw request"
    page = provider_request.post(
        "employers.withdraw_provider_request",
        _follow=True,
        _expected_status=200,
        access_request_id=waiting.id,
    )

    assert "Request withdrawn" in banner(page)
    assert [request.status for request in _requests()] == ["withdrawn"]
    assert _events() == [("provider_access_withdrawn", provider_request.user.id)]  # type: ignore[attr-defined]
    assert rows(page, "provider-requests")[0][5] == "Withdrawn"
    assert page.select_one(f"#provider-requests a[href='{withdraw}']") is None


def test_the_schools_careers_leaders_are_told_of_a_withdrawal_once(
    provider_request: ClientRequest, provider: Employer, school: School
) -> None:
    leader = factories.create_user_for("careers_leader", school)
    waiting = factories.create_provider_request(provider, school)

    provider_request.post("employers.withdraw_provider_request", access_request_id=waiting.id)
    provider_request.post("employers.withdraw_provider_request", access_request_id=waiting.id)

    assert deliver_queued() == 1
    [message] = sent_to(leader.email)
    assert message.subject == f"{provider.name} has withdrawn its request to visit {school.name}"
    assert "nothing for you to decide" in message.body


@pytest.mark.parametrize("status", ["granted", "refused", "withdrawn"])
def test_a_request_that_is_not_waiting_cannot_be_withdrawn(
    provider_request: ClientRequest, provider: Employer, school: School, status: str
) -> None:
    leader = factories.create_user_for("careers_leader", school)
    decided = {"decided_by_id": leader.id, "decided_at": utcnow()} if status != "withdrawn" else {}
    reason = {"refusal_reason": "It clashes with exams"} if status == "refused" else {}
    answered = factories.create_provider_request(provider, school, status=status, **decided, **reason)

    page = provider_request.post(
        "employers.withdraw_provider_request",
        _follow=True,
        _expected_status=200,
        access_request_id=answered.id,
    )

    assert f"This request is {status}, so it cannot be withdrawn" in banner(page)
    assert [request.status for request in _requests()] == [status]
    assert _events() == []


def test_the_list_shows_the_schools_answer_and_its_reason(
    provider_request: ClientRequest, provider: Employer, school: School
) -> None:
    leader = factories.create_user_for("careers_leader", school)
    factories.create_provider_request(
        provider,
        school,
        status="refused",
        refusal_reason="It clashes with exams",
        decision_note="Try June",
        decided_by_id=leader.id,
        decided_at=utcnow(),
    )
    factories.create_provider_request(provider, school)

    page = provider_request.get("employers.provider_requests")

    answers = [row[5] for row in rows(page, "provider-requests")]
    assert answers == ["Waiting for the school", "Refused It clashes with exams The school said: Try June"]


def test_another_provider_cannot_see_or_withdraw_a_request(
    provider_request: ClientRequest, provider: Employer, school: School
) -> None:
    rival = factories.create_employer(_hub(provider), kind="utc")
    theirs = factories.create_provider_request(rival, school)

    page = provider_request.get("employers.provider_requests")
    provider_request.get(
        "employers.withdraw_provider_request", _expected_status=404, access_request_id=theirs.id
    )
    provider_request.post(
        "employers.withdraw_provider_request", _expected_status=404, access_request_id=theirs.id
    )

    assert page.select_one("#no-requests") is not None
    assert [request.status for request in _requests()] == ["requested"]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_refused(
    request: pytest.FixtureRequest, role: str, provider: Employer, school: School
) -> None:
    other: ClientRequest = request.getfixturevalue(role)
    waiting = factories.create_provider_request(provider, school)

    for endpoint, method, values in _routes(school, waiting):
        if method == "get":
            other.get(endpoint, _expected_status=403, **values)
        else:
            other.post(endpoint, _answers(), _expected_status=403, **values)

    assert [request.status for request in _requests()] == ["requested"]


def test_nobody_signed_in_is_sent_to_sign_in(
    client_request: ClientRequest, provider: Employer, school: School
) -> None:
    waiting = factories.create_provider_request(provider, school)
    for endpoint, method, values in _routes(school, waiting):
        if method == "get":
            location = client_request.client.get(client_request.url(endpoint, **values)).headers["Location"]
        else:
            location = client_request.post(endpoint, _answers(), **values).location
        assert "/sign-in" in location
    assert [request.status for request in _requests()] == ["requested"]


def test_posts_without_a_csrf_token_are_refused(
    provider_request: ClientRequest, provider: Employer, school: School
) -> None:
    waiting = factories.create_provider_request(provider, school)

    for endpoint, method, values in _routes(school, waiting):
        if method == "post":
            response = provider_request.client.post(provider_request.url(endpoint, **values), data=_answers())
            assert response.status_code == 400

    assert [request.status for request in _requests()] == ["requested"]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_the_encounter_offers_page_links_providers_and_not_employers_to_provider_access(
    provider_request: ClientRequest, employer_request: ClientRequest
) -> None:
    link = provider_request.url("employers.provider_requests")
    page = provider_request.get("employers.encounter_offers")
    assert page.select_one(f"#provider-access-link a[href='{link}']") is not None
    assert employer_request.get("employers.encounter_offers").select_one("#provider-access-link") is None
