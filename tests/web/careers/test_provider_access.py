"""The school's provider access policy: the careers leader publishes and changes it; anyone reads it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.pages import banner, error_messages
from web.dao import provider_access
from web.dao.base import transaction
from web.dates import london_today
from web.demo import seed
from web.extensions import db
from web.models import AuditEvent, ProviderAccessPolicy, School


def _parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _answers(**overrides: Any) -> dict[str, Any]:
    """Every question answered, with two blackouts given out of order in rows 1 and 3."""
    today = london_today()
    answers: dict[str, Any] = {
        "contact_name": "Sam Patel, careers leader",
        "contact_email": "careers@ardwick.example",
        "how_to_ask": "Email the careers leader.\nSay which year groups and dates.",
        "notice_days": "15",
        "blackout_1_label": "Summer exams",
        "blackout_1_start": _parts(today + timedelta(days=60)),
        "blackout_1_end": _parts(today + timedelta(days=80)),
        "blackout_3_label": "Mock exams",
        "blackout_3_start": _parts(today + timedelta(days=10)),
        "blackout_3_end": _parts(today + timedelta(days=10)),
        "max_visitors": "3",
        "premises": "The main hall for assemblies of up to 200.",
        "refusal_grounds": "It clashes with exams\n\n  Not enough notice  \nIt clashes with exams\n",
    }
    return {**answers, **overrides}


def _policies() -> list[ProviderAccessPolicy]:
    db.session.expire_all()
    return list(db.session.scalars(select(ProviderAccessPolicy).order_by(ProviderAccessPolicy.id)))


def _events() -> list[tuple[str, dict[str, Any]]]:
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.record_type == "provider_access_policy"))
    return [(event.action, event.detail) for event in rows]


def test_a_careers_leader_publishes_the_policy_with_every_field(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    page = careers_leader_request.get("careers.provider_access")
    assert page.select_one("#not-published") is not None
    assert page.select_one("button[name=submit]").text.strip() == "Publish policy"

    page = careers_leader_request.post(
        "careers.provider_access", _answers(), _follow=True, _expected_status=200
    )

    assert "Your provider access policy is published" in banner(page)
    [policy] = _policies()
    today = london_today()
    assert (policy.school_id, policy.contact_name, policy.contact_email) == (
        school.id,
        "Sam Patel, careers leader",
        "careers@ardwick.example",
    )
    assert policy.how_to_ask == "Email the careers leader.\nSay which year groups and dates."
    assert (policy.notice_days, policy.max_visitors) == (15, 3)
    assert policy.premises == "The main hall for assemblies of up to 200."
    assert policy.refusal_grounds == ["It clashes with exams", "Not enough notice"]
    assert policy.blackout_dates == [
        {
            "label": "Mock exams",
            "start": f"{today + timedelta(days=10)}",
            "end": f"{today + timedelta(days=10)}",
        },
        {
            "label": "Summer exams",
            "start": f"{today + timedelta(days=60)}",
            "end": f"{today + timedelta(days=80)}",
        },
    ]
    assert policy.published_at is not None and policy.updated_at is not None
    # The page now shows the published policy to change, its blackouts in the first rows, by date.
    assert page.select_one("#published a")["href"].endswith(f"/schools/{school.urn}/provider-access")
    assert page.select_one("button[name=submit]").text.strip() == "Publish changes"
    assert page.select_one("#blackout_1_label")["value"] == "Mock exams"
    assert page.select_one("#blackout_2_label")["value"] == "Summer exams"
    assert page.select_one("#blackout_3_label").get("value", "") == ""
    assert page.select_one("#refusal_grounds").text.strip() == "It clashes with exams\nNot enough notice"


def test_the_careers_leaders_navigation_links_to_the_policy(careers_leader_request: ClientRequest) -> None:
    page = careers_leader_request.get("careers.students")
    links = [a["href"] for a in page.select(".govuk-service-navigation a")]
    assert careers_leader_request.url("careers.provider_access") in links


def test_publishing_writes_an_audit_event_and_changes_write_another_naming_the_fields(
    careers_leader_request: ClientRequest,
) -> None:
    careers_leader_request.post("careers.provider_access", _answers())
    [policy] = _policies()
    published_at = policy.published_at

    page = careers_leader_request.post(
        "careers.provider_access",
        _answers(notice_days="20", premises="Classrooms"),
        _follow=True,
        _expected_status=200,
    )

    assert "Your changes are published" in banner(page)
    [policy] = _policies()
    assert (policy.notice_days, policy.premises, policy.published_at) == (20, "Classrooms", published_at)
    assert policy.updated_at >= published_at
    assert _events() == [
        ("provider_access_published", {"school_id": policy.school_id}),
        ("provider_access_changed", {"fields": ["notice_days", "premises"]}),
    ]
    user_ids = db.session.scalars(select(AuditEvent.user_id).where(AuditEvent.record_id == policy.id))
    assert set(user_ids) == {careers_leader_request.user.id}  # type: ignore[attr-defined]

    page = careers_leader_request.post(
        "careers.provider_access",
        _answers(notice_days="20", premises="Classrooms"),
        _follow=True,
        _expected_status=200,
    )
    assert "Nothing has changed" in banner(page)
    assert len(_events()) == 2


def test_emptying_every_blackout_row_removes_the_blackouts(careers_leader_request: ClientRequest) -> None:
    careers_leader_request.post("careers.provider_access", _answers())
    empty = {f"blackout_{row}_{part}": "" for row in (1, 3) for part in ("label", "start", "end")}
    careers_leader_request.post("careers.provider_access", _answers(**empty))
    assert _policies()[0].blackout_dates == []


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"contact_name": " "}, "Enter the name or role of the person providers should contact"),
        ({"contact_email": "careers at school"}, "Enter an email address in the correct format"),
        ({"how_to_ask": ""}, "Enter how providers ask for access"),
        ({"notice_days": "ten"}, "Notice must be a whole number of days, like 10"),
        ({"notice_days": "0"}, "Notice must be between 1 and 365 days"),
        ({"max_visitors": "0"}, "Visiting staff must be between 1 and 50"),
        ({"premises": "x" * 3001}, "Premises and facilities must be 3000 characters or fewer"),
        ({"refusal_grounds": "\n \n"}, "Enter at least one reason you may refuse a request"),
        ({"refusal_grounds": "Exams\n" + "x" * 201}, "Reason 2 must be 200 characters or fewer"),
        ({"refusal_grounds": "\n".join(f"Reason {n}" for n in range(11))}, "Enter 10 reasons or fewer"),
        ({"blackout_2_label": "Trips"}, "Enter the start date of blackout 2"),
        ({"blackout_2_label": "Trips"}, "Enter the end date of blackout 2"),
        ({"blackout_1_label": ""}, "Enter a name for blackout 1, like Mock exams"),
        ({"blackout_1_start": ["31", "2", "2027"]}, "Blackout 1 start date must be a real date"),
        ({"blackout_3_end": ["1", "", "2027"]}, "Blackout 3 end date must include a month"),
        ({"blackout_3_label": "x" * 101}, "Blackout 3 name must be 100 characters or fewer"),
        (
            {"blackout_1_start": ["2", "3", "2027"], "blackout_1_end": ["1", "3", "2027"]},
            "The end date of blackout 1 must be the same as or after its start date",
        ),
        (
            {"blackout_1_start": ["1", "1", "2027"], "blackout_1_end": ["1", "3", "2028"]},
            "Blackout 1 must be a year or shorter",
        ),
    ],
)
def test_bad_answers_name_the_field_or_row_and_save_nothing(
    careers_leader_request: ClientRequest, answers: dict[str, Any], message: str
) -> None:
    page = careers_leader_request.post("careers.provider_access", _answers(**answers), _expected_status=200)
    assert any(error.startswith(message) for error in error_messages(page)), error_messages(page)
    assert page.title.text.startswith("Error: ")
    assert _policies() == []


def test_a_bad_change_leaves_the_published_policy_as_it_was(careers_leader_request: ClientRequest) -> None:
    careers_leader_request.post("careers.provider_access", _answers())
    before = _policies()[0].blackout_dates
    page = careers_leader_request.post(
        "careers.provider_access",
        _answers(notice_days="30", blackout_1_label="Trips", blackout_2_label="Sports day"),
        _expected_status=200,
    )
    assert "Enter the start date of blackout 2" in error_messages(page)
    [policy] = _policies()
    assert (policy.notice_days, policy.blackout_dates) == (15, before)
    assert len(_events()) == 1


def test_a_careers_leader_changes_only_their_own_schools_policy(
    careers_leader_request: ClientRequest,
) -> None:
    other = factories.create_provider_access_policy(factories.create_school(), notice_days=5)
    page = careers_leader_request.get("careers.provider_access")
    assert page.select_one("#not-published") is not None  # the other school's policy is not shown
    assert page.select_one("#notice_days").get("value", "") == ""

    careers_leader_request.post("careers.provider_access", _answers())

    mine, theirs = sorted(
        _policies(), key=lambda policy: policy.school_id != school_of(careers_leader_request).id
    )
    assert (mine.notice_days, theirs.id, theirs.notice_days) == (15, other.id, 5)
    assert (
        theirs.contact_name == "Sam Patel, careers leader"
        and theirs.premises == "The main hall and two classrooms."
    )


@pytest.mark.parametrize("role", ["hub_admin", "employer", "student"])
def test_other_roles_are_refused_the_careers_leaders_page(role: str, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    request = sign_in_as(factories.create_user_for(role))
    request.get("careers.provider_access", _expected_status=403)
    request.post("careers.provider_access", _answers(), _expected_status=403)
    assert _policies() == []


def test_someone_signed_out_is_sent_to_sign_in(client_request: ClientRequest) -> None:
    page = client_request.post("careers.provider_access", _answers())
    assert "/sign-in" in page.location  # type: ignore[attr-defined]
    assert _policies() == []


def test_the_form_carries_a_csrf_token_and_a_post_without_one_is_refused(
    careers_leader_request: ClientRequest,
) -> None:
    page = careers_leader_request.get("careers.provider_access")
    assert page.select_one("form[method=post] input[name=csrf_token]") is not None
    url = careers_leader_request.url("careers.provider_access")
    response = careers_leader_request.client.post(url, data=_answers())
    assert response.status_code == 400
    assert _policies() == []


def test_the_public_page_shows_the_policy_without_signing_in(client_request: ClientRequest) -> None:
    today = london_today()
    school = factories.create_school(name="Ardwick Green Academy")
    blackouts = [
        ("Summer exams", today + timedelta(days=40), today + timedelta(days=50)),
        ("Mock exams", today - timedelta(days=30), today - timedelta(days=20)),  # over: not shown
        ("Sports day", today, today),
    ]
    factories.create_provider_access_policy(
        school,
        how_to_ask="Email us.\nSay which year groups.",
        blackout_dates=[
            {"label": label, "start": f"{start}", "end": f"{end}"} for label, start, end in blackouts
        ],
        max_visitors=1,
    )

    page = client_request.get("schools.published_policy", urn=school.urn)

    assert page.title.text.startswith("Provider access policy: Ardwick Green Academy")
    assert page.select_one(".govuk-caption-l").text == "Ardwick Green Academy"
    assert page.select_one("#how-to-ask").decode_contents() == "Email us.<br/>Say which year groups."
    assert " ".join(page.select_one("#contact").text.split()) == (
        "Contact Sam Patel, careers leader at careers@school.example."
    )
    assert page.select_one("#contact a")["href"] == "mailto:careers@school.example"
    assert page.select_one("#notice").text == "Ask at least 10 days before you would like to visit."
    assert [item.text for item in page.select("#blackouts li")] == [
        f"Sports day: {today.day} {today:%B %Y}",
        f"Summer exams: {(today + timedelta(days=40)).day} {today + timedelta(days=40):%B %Y} to "
        f"{(today + timedelta(days=50)).day} {today + timedelta(days=50):%B %Y}",
    ]
    assert page.select_one("#visitors").text == "Up to 1 visiting member of staff can come at once."
    assert page.select_one("#premises").text == "The main hall and two classrooms."
    assert [item.text for item in page.select("#refusal-grounds li")] == [
        "It clashes with exams",
        "Not enough notice",
    ]
    assert "28 February of Year 9" in page.select_one("#entitlement").text
    assert page.select_one("#updated").text.startswith(f"Published on {today.day} {today:%B %Y}")


def test_the_public_page_says_when_no_dates_are_closed(client_request: ClientRequest) -> None:
    school = factories.create_school()
    factories.create_provider_access_policy(school, blackout_dates=[])
    page = client_request.get("schools.published_policy", urn=school.urn)
    assert page.select_one("#blackouts").text == "No dates are closed to visits at the moment."


def test_the_public_page_is_not_found_for_a_school_without_a_policy(client_request: ClientRequest) -> None:
    school = factories.create_school()
    factories.create_provider_access_policy(factories.create_school())  # another school's
    client_request.get("schools.published_policy", urn=school.urn, _expected_status=404)
    client_request.get("schools.published_policy", urn="999999", _expected_status=404)


def test_what_the_careers_leader_publishes_is_what_the_public_page_shows(
    careers_leader_request: ClientRequest, client_request: ClientRequest
) -> None:
    school = school_of(careers_leader_request)
    client_request.get("schools.published_policy", urn=school.urn, _expected_status=404)
    careers_leader_request.post("careers.provider_access", _answers())
    page = client_request.get("schools.published_policy", urn=school.urn)
    assert [item.text.split(":")[0] for item in page.select("#blackouts li")] == [
        "Mock exams",
        "Summer exams",
    ]
    assert page.select_one("#notice").text == "Ask at least 15 days before you would like to visit."


def test_every_demo_school_has_a_published_policy_with_blackouts_ahead(
    app: Flask, client_request: ClientRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(if_empty=True)
    capsys.readouterr()  # the demo logins it prints
    schools = list(db.session.scalars(select(School).order_by(School.id)))
    assert [policy.school_id for policy in _policies()] == [school.id for school in schools]
    for school in schools:
        page = client_request.get("schools.published_policy", urn=school.urn)
        assert school.name in page.select_one(".govuk-caption-l").text
        assert len(page.select("#blackouts li")) == 2
        assert len(page.select("#refusal-grounds li")) >= 1


def test_publishing_in_two_tabs_at_once_turns_the_second_into_a_change(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    school = factories.create_school()
    user = factories.create_user_for("careers_leader", school)
    factories.create_provider_access_policy(school, notice_days=5)
    # The second tab looked before the first tab's policy was saved.
    looks = iter([None])
    real = provider_access.policy_of
    monkeypatch.setattr(provider_access, "policy_of", lambda school_id: next(looks, real(school_id)))
    values = {**_policy_values(_policies()[0]), "notice_days": 20}

    with transaction():
        changed = provider_access.publish(school.id, user.id, **values)

    assert changed == ["notice_days"]
    [policy] = _policies()
    assert policy.notice_days == 20
    assert [action for action, _ in _events()] == ["provider_access_changed"]


def _policy_values(policy: ProviderAccessPolicy) -> dict[str, Any]:
    return {name: getattr(policy, name) for name in provider_access.FIELDS}
