"""Providers' requests to the school: the careers leader grants or refuses each with one of the policy's
reasons, once, and the provider is emailed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, sent_to
from tests.web.careers.helpers import school_of
from tests.web.pages import banner, error_messages, rows
from web.dao import provider_access
from web.dao import provider_requests as dao
from web.dao.base import transaction
from web.demo import LOGINS, seed
from web.extensions import db
from web.models import AuditEvent, Employer, Hub, ProviderAccessRequest, School, User
from web.models.base import utcnow

OTHER_ROLES = ["hub_admin_request", "employer_request", "student_request"]


def _routes(access_request: ProviderAccessRequest) -> list[tuple[str, str, dict[str, int]]]:
    ids = {"access_request_id": access_request.id}
    return [
        ("careers.provider_requests", "get", {}),
        ("careers.provider_request", "get", ids),
        ("careers.grant_provider_request", "get", ids),
        ("careers.grant_provider_request", "post", ids),
        ("careers.refuse_provider_request", "get", ids),
        ("careers.refuse_provider_request", "post", ids),
    ]


def _provider(school: School, **overrides: Any) -> Employer:
    """An approved college of the school's hub with one user, who hears of decisions."""
    hub = db.session.get(Hub, school.hub_id)
    college = factories.create_employer(hub, **{"kind": "fe_college", "name": "Ancoats College", **overrides})
    factories.create_user_for("employer", college, email=f"outreach{college.id}@college.example")
    return college


@pytest.fixture
def school(careers_leader_request: ClientRequest) -> School:
    """The careers leader's school, with a published policy."""
    school = school_of(careers_leader_request)
    factories.create_provider_access_policy(school)
    return school


@pytest.fixture
def waiting(school: School) -> ProviderAccessRequest:
    """A request from a college, waiting for the careers leader's answer."""
    return factories.create_provider_request(_provider(school), school)


def _reload(access_request: ProviderAccessRequest) -> ProviderAccessRequest:
    db.session.expire_all()
    found = db.session.get(ProviderAccessRequest, access_request.id)
    assert found is not None
    return found


def _events() -> list[tuple[str, int | None, dict[str, Any]]]:
    found = db.session.scalars(
        select(AuditEvent).where(AuditEvent.record_type == "provider_access_request").order_by(AuditEvent.id)
    )
    return [(event.action, event.user_id, event.detail) for event in found]


def test_requests_to_the_school_are_listed_waiting_first_soonest_first(
    careers_leader_request: ClientRequest, school: School
) -> None:
    college = _provider(school)
    utc = _provider(school, kind="utc", name="Manchester UTC")
    today = date.today()
    factories.create_provider_request(
        college,
        school,
        status="refused",
        refusal_reason="Not enough notice",
        decided_by_id=careers_leader_request.user.id,  # type: ignore[attr-defined]
        decided_at=utcnow(),
    )
    factories.create_provider_request(utc, school, visit_date=today + timedelta(days=60))
    factories.create_provider_request(college, school, visit_date=today + timedelta(days=50))
    factories.create_provider_request(college, factories.create_school())  # another school's

    page = careers_leader_request.get("careers.provider_requests")

    listed = [[row[0], row[5]] for row in rows(page, "provider-requests")]
    assert listed == [
        ["Ancoats College Further education (FE) college", "Waiting for you"],
        ["Manchester UTC University technical college (UTC)", "Waiting for you"],
        ["Ancoats College Further education (FE) college", "Refused"],
    ]


def test_the_home_page_and_the_policy_page_link_to_the_requests(
    careers_leader_request: ClientRequest, waiting: ProviderAccessRequest
) -> None:
    link = careers_leader_request.url("careers.provider_requests")

    home = careers_leader_request.get("careers.students")
    policy = careers_leader_request.get("careers.provider_access")

    assert home.select_one(f"#to-do a[href='{link}']").text == "1 request from providers to grant or refuse"
    assert policy.select_one(f"#requests-link a[href='{link}']") is not None


def test_the_careers_leader_grants_a_request_and_the_provider_is_emailed_once(
    careers_leader_request: ClientRequest, waiting: ProviderAccessRequest
) -> None:
    page = careers_leader_request.get("careers.provider_request", access_request_id=waiting.id)
    assert "Waiting for you" in page.select_one("#status").text
    assert "An assembly on T Levels in construction." in page.select_one("#details").text
    confirm = careers_leader_request.get("careers.grant_provider_request", access_request_id=waiting.id)
    assert confirm.select_one("button[name=submit]").text.strip() == "Grant request"

    page = careers_leader_request.post(
        "careers.grant_provider_request",
        {"note": "Sign in at main reception."},
        _follow=True,
        _expected_status=200,
        access_request_id=waiting.id,
    )

    assert "Request granted" in banner(page)
    granted = _reload(waiting)
    assert (granted.status, granted.decision_note, granted.refusal_reason) == (
        "granted",
        "Sign in at main reception.",
        "",
    )
    assert granted.decided_by_id == careers_leader_request.user.id  # type: ignore[attr-defined]
    assert granted.decided_at is not None
    assert _events() == [("provider_access_granted", careers_leader_request.user.id, {})]  # type: ignore[attr-defined]
    assert page.select_one("#grant") is None and page.select_one("#refuse") is None

    assert deliver_queued() == 1
    [message] = sent_to(f"outreach{waiting.provider_id}@college.example")
    school = db.session.get(School, waiting.school_id)
    assert message.subject == f"{school.name} has granted your request to visit on {granted.when_label}"
    assert "Sign in at main reception." in message.body
    assert "/employer/provider-access" in message.body


def test_the_careers_leader_refuses_with_one_of_the_policys_reasons_and_the_provider_is_told_it(
    careers_leader_request: ClientRequest, waiting: ProviderAccessRequest
) -> None:
    page = careers_leader_request.get("careers.refuse_provider_request", access_request_id=waiting.id)
    reasons = [radio["value"] for radio in page.select("input[name=reason]")]
    assert reasons == ["It clashes with exams", "Not enough notice"]

    page = careers_leader_request.post(
        "careers.refuse_provider_request",
        {"reason": "It clashes with exams", "note": "Try after 20 June."},
        _follow=True,
        _expected_status=200,
        access_request_id=waiting.id,
    )

    assert "Request refused" in banner(page)
    refused = _reload(waiting)
    assert (refused.status, refused.refusal_reason, refused.decision_note) == (
        "refused",
        "It clashes with exams",
        "Try after 20 June.",
    )
    assert _events() == [
        ("provider_access_refused", careers_leader_request.user.id, {"reason": "It clashes with exams"})  # type: ignore[attr-defined]
    ]
    assert "It clashes with exams" in page.select_one("#decision").text

    deliver_queued()
    [message] = sent_to(f"outreach{waiting.provider_id}@college.example")
    assert "has refused your request" in message.subject
    assert "It clashes with exams" in message.body and "Try after 20 June." in message.body


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({}, "Select the reason you are refusing the request"),
        ({"reason": "We do not like colleges"}, "Select the reason you are refusing the request"),
        ({"reason": "Not enough notice", "note": "x" * 2001}, "Note must be 2000 characters or fewer"),
    ],
)
def test_a_refusal_without_one_of_the_policys_reasons_is_refused(
    careers_leader_request: ClientRequest,
    waiting: ProviderAccessRequest,
    answers: dict[str, str],
    expected: str,
) -> None:
    page = careers_leader_request.post(
        "careers.refuse_provider_request", answers, _expected_status=200, access_request_id=waiting.id
    )

    assert error_messages(page) == [expected]
    assert _reload(waiting).status == "requested"
    assert _events() == [] and deliver_queued() == 0


def test_a_school_with_no_published_policy_must_publish_one_before_refusing(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    waiting = factories.create_provider_request(_provider(school), school)

    page = careers_leader_request.get("careers.refuse_provider_request", access_request_id=waiting.id)
    assert "publish your provider access policy" in page.select_one("#publish-first").text
    assert page.select("input[name=reason]") == []
    page = careers_leader_request.post(
        "careers.refuse_provider_request",
        {"reason": "Not enough notice"},
        _follow=True,
        _expected_status=200,
        access_request_id=waiting.id,
    )

    assert "Publish your provider access policy before you refuse a request" in banner(page)
    assert _reload(waiting).status == "requested"
    assert _events() == [] and deliver_queued() == 0


@pytest.mark.parametrize(
    ("first", "second"),
    [("grant", "refuse"), ("refuse", "grant"), ("grant", "grant"), ("refuse", "refuse")],
)
def test_two_tabs_deciding_the_same_request_decide_it_once(
    careers_leader_request: ClientRequest, waiting: ProviderAccessRequest, first: str, second: str
) -> None:
    answers = {"grant": {}, "refuse": {"reason": "Not enough notice"}}
    # Both tabs showed the form while the request was waiting.
    for decision in (first, second):
        careers_leader_request.get(f"careers.{decision}_provider_request", access_request_id=waiting.id)

    careers_leader_request.post(
        f"careers.{first}_provider_request", answers[first], access_request_id=waiting.id
    )
    page = careers_leader_request.post(
        f"careers.{second}_provider_request",
        answers[second],
        _follow=True,
        _expected_status=200,
        access_request_id=waiting.id,
    )

    done = {"grant": "granted", "refuse": "refused"}[first]
    assert f"This request is {done}, so it cannot be answered" in banner(page)
    assert _reload(waiting).status == done
    assert [action for action, _, _ in _events()] == [f"provider_access_{done}"]
    assert deliver_queued() == 1


def test_decisions_made_at_the_same_moment_decide_once(
    careers_leader_request: ClientRequest, waiting: ProviderAccessRequest
) -> None:
    # The second UPDATE finds the request decided, however close behind the first it comes.
    user_id = careers_leader_request.user.id  # type: ignore[attr-defined]
    with transaction():
        assert dao.grant(waiting.id, waiting.school_id, user_id, "", date.today()) is True
    with transaction():
        assert dao.refuse(waiting.id, waiting.school_id, user_id, "Not enough notice", "") is False
        assert dao.grant(waiting.id, waiting.school_id, user_id, "", date.today()) is False
    assert _reload(waiting).status == "granted"
    assert deliver_queued() == 1


def test_a_withdrawn_request_cannot_be_granted(
    careers_leader_request: ClientRequest, waiting: ProviderAccessRequest
) -> None:
    with transaction():
        dao.withdraw(waiting.id, waiting.provider_id, None)  # type: ignore[arg-type]

    page = careers_leader_request.post(
        "careers.grant_provider_request", _follow=True, _expected_status=200, access_request_id=waiting.id
    )

    assert "This request is withdrawn, so it cannot be answered" in banner(page)
    assert _reload(waiting).status == "withdrawn"
    assert deliver_queued() == 1  # the careers leader told of the withdrawal; the provider told nothing
    assert sent_to(f"outreach{waiting.provider_id}@college.example") == []


def test_a_request_whose_visit_date_has_passed_cannot_be_granted(
    careers_leader_request: ClientRequest, waiting: ProviderAccessRequest
) -> None:
    waiting.visit_date = date.today() - timedelta(days=1)
    db.session.commit()

    url = careers_leader_request.url("careers.grant_provider_request", access_request_id=waiting.id)
    assert (
        careers_leader_request.client.get(url)
        .headers["Location"]
        .endswith(f"/provider-requests/{waiting.id}")
    )
    page = careers_leader_request.post("careers.grant_provider_request", access_request_id=waiting.id)
    assert page.location.endswith(f"/provider-requests/{waiting.id}")  # type: ignore[attr-defined]
    page = careers_leader_request.get("careers.provider_request", access_request_id=waiting.id)
    assert "The visit date has passed, so this request cannot be granted" in banner(page)
    assert _reload(waiting).status == dao.WAITING
    assert dao.grant(waiting.id, waiting.school_id, None, "", date.today()) is False  # type: ignore[arg-type]


def test_another_schools_careers_leader_cannot_see_or_decide_a_request(
    careers_leader_request: ClientRequest,
) -> None:
    elsewhere = factories.create_school()
    factories.create_provider_access_policy(elsewhere)
    theirs = factories.create_provider_request(_provider(elsewhere), elsewhere)

    listed = careers_leader_request.get("careers.provider_requests")
    for endpoint, method, values in _routes(theirs)[1:]:
        if method == "get":
            careers_leader_request.get(endpoint, _expected_status=404, **values)
        else:
            careers_leader_request.post(
                endpoint, {"reason": "Not enough notice"}, _expected_status=404, **values
            )

    assert listed.select_one("#no-requests") is not None
    assert _reload(theirs).status == "requested"
    assert _events() == []


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_refused(
    request: pytest.FixtureRequest, role: str, waiting: ProviderAccessRequest
) -> None:
    other: ClientRequest = request.getfixturevalue(role)
    for endpoint, method, values in _routes(waiting):
        if method == "get":
            other.get(endpoint, _expected_status=403, **values)
        else:
            other.post(endpoint, {"reason": "Not enough notice"}, _expected_status=403, **values)
    assert _reload(waiting).status == "requested"


def test_posts_without_a_csrf_token_are_refused(
    careers_leader_request: ClientRequest, waiting: ProviderAccessRequest
) -> None:
    for endpoint, method, values in _routes(waiting):
        if method == "post":
            url = careers_leader_request.url(endpoint, **values)
            response = careers_leader_request.client.post(url, data={"reason": "Not enough notice"})
            assert response.status_code == 400
    assert _reload(waiting).status == "requested"
    assert _events() == []


def test_the_database_keeps_a_reason_with_every_refusal_and_none_otherwise(
    careers_leader_request: ClientRequest, school: School
) -> None:
    college = _provider(school)
    decided = {"decided_by_id": careers_leader_request.user.id, "decided_at": utcnow()}  # type: ignore[attr-defined]
    for bad in (
        {"status": "refused", **decided},
        {"status": "granted", "refusal_reason": "Not enough notice", **decided},
        {"status": "granted"},
        {"status": "lost"},
        {"visitors": 0},
        {"audience_size": 0},
    ):
        with pytest.raises(IntegrityError):
            factories.create_provider_request(college, school, **bad)
        db.session.rollback()
    assert db.session.scalars(select(ProviderAccessRequest)).all() == []


def test_the_demo_careers_leader_has_a_request_from_a_college_waiting(
    sign_in_as: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert seed(if_empty=True).created
    leader = db.session.scalar(select(User).where(User.email == LOGINS["careers_leader"]))

    page = sign_in_as(leader).get("careers.provider_requests")

    [row] = rows(page, "provider-requests")
    assert (row[0], row[5]) == (
        "Ancoats College of Further Education Further education (FE) college",
        "Waiting for you",
    )
    [demo] = db.session.scalars(select(ProviderAccessRequest)).all()
    policy = provider_access.policy_of(demo.school_id)
    assert policy is not None and dao.date_problem(policy, demo.visit_date, date.today()) is None
    assert demo.offer_id is not None
