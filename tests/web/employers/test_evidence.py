"""Your organisation: the employer sees its status and the hub's reason, keeps its contact details and
safeguarding evidence current (the hub re-checks changes), and cannot publish once its evidence lapses."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, link_in, outbox, sent_to
from tests.web.pages import banner, error_messages
from web.dao import opportunities as opportunities_dao
from web.dao import vetting
from web.extensions import db
from web.models import AuditEvent, Employer, Hub, Notification, Opportunity


def today() -> date:
    return date.today()


def _employer_of(request: ClientRequest) -> Employer:
    return db.session.get(Employer, request.user.employer_id)  # type: ignore[attr-defined]


def _hub(employer: Employer) -> Hub:
    return db.session.get(Hub, employer.hub_id)


def _parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def details(employer: Employer, **overrides: Any) -> dict[str, Any]:
    """The organisation form as saved, with any answers changed."""
    fields: dict[str, Any] = {
        "contact_name": employer.contact_name or "Kim Contact",
        "contact_email": employer.contact_email or "kim@employer.example",
        "contact_phone": employer.contact_phone or "0161 496 0000",
        "insurer": employer.insurer,
        "insurance_cover": str(employer.insurance_cover or ""),
        "insurance_expires": _parts(employer.insurance_expires)
        if employer.insurance_expires
        else ["", "", ""],
        "risk_assessment_summary": employer.risk_assessment_summary,
        "supervisor_name": employer.supervisor_name,
    }
    return {**fields, **overrides}


def _contact(employer: Employer) -> None:
    employer.contact_name, employer.contact_email, employer.contact_phone = (
        "Kim Contact",
        "kim@employer.example",
        "0161 496 0000",
    )
    db.session.commit()


# The organisation page


@pytest.mark.parametrize(
    ("status", "says"),
    [
        ("pending", "has not approved your organisation yet"),
        ("approved", "has approved your organisation"),
        ("suspended", "has suspended your organisation"),
    ],
)
def test_the_page_shows_the_status_and_the_hubs_reason(
    employer_request: ClientRequest, status: str, says: str
) -> None:
    employer = _employer_of(employer_request)
    employer.status, employer.status_reason = status, "Send us your new certificate.\nThank you."
    db.session.commit()

    page = employer_request.get("employers.organisation")

    assert page.h1.get_text(" ", strip=True) == f"{employer.name} {status.capitalize()}"
    assert says in page.select_one("#status").text
    assert [p.text for p in page.select("#status-reason p")] == [
        "Send us your new certificate.",
        "Thank you.",
    ]


def test_the_page_shows_the_evidence_and_contact_details(employer_request: ClientRequest) -> None:
    employer = _employer_of(employer_request)
    _contact(employer)

    page = employer_request.get("employers.organisation")

    evidence = page.select_one("#evidence").get_text(" ", strip=True)
    assert "Mutual Employers Insurance" in evidence
    assert "£5,000,000" in evidence
    assert "Sam Supervisor" in evidence
    assert "Kim Contact" in page.select_one("#contact").get_text(" ", strip=True)


def test_insurance_running_out_soon_is_pointed_out(employer_request: ClientRequest) -> None:
    employer = _employer_of(employer_request)
    employer.insurance_expires = today() + timedelta(days=12)
    db.session.commit()

    page = employer_request.get("employers.organisation")

    assert "Insurance expires in 12 days" in page.select_one("#warnings").text


# Changing the details and evidence


def test_changing_contact_details_saves_and_audits_them_without_telling_the_hub(
    employer_request: ClientRequest,
) -> None:
    employer = _employer_of(employer_request)
    _contact(employer)
    factories.create_user_for("hub_admin", _hub(employer))

    page = employer_request.post(
        "employers.edit_organisation", details(employer, contact_phone="07700 900 982")
    )

    assert page.location == employer_request.url("employers.organisation")
    db.session.refresh(employer)
    assert employer.contact_phone == "07700 900 982"
    event = db.session.scalar(select(AuditEvent))
    assert (event.action, event.record_id, event.detail) == (
        "employer_details_updated",
        employer.id,
        {"fields": ["contact_phone"]},
    )
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_the_form_shows_the_saved_answers(employer_request: ClientRequest) -> None:
    employer = _employer_of(employer_request)
    _contact(employer)

    page = employer_request.get("employers.edit_organisation")

    assert page.find("input", {"name": "insurer"})["value"] == "Mutual Employers Insurance"
    assert page.find("input", {"name": "contact_email"})["value"] == "kim@employer.example"
    assert (
        page.find("textarea", {"name": "risk_assessment_summary"}).text.strip()
        == employer.risk_assessment_summary
    )


def test_an_approved_employer_renewing_insurance_stays_approved_and_waits_for_the_hub_to_recheck(
    employer_request: ClientRequest,
) -> None:
    employer = _employer_of(employer_request)
    _contact(employer)
    admin = factories.create_user_for("hub_admin", _hub(employer), email="admin@hub.example")
    factories.create_user_for("hub_admin", factories.create_hub(), email="other@hub.example")
    renewed = today() + timedelta(days=730)

    page = employer_request.post(
        "employers.edit_organisation",
        details(employer, insurer="New Insurer plc", insurance_expires=_parts(renewed)),
        _follow=True,
        _expected_status=200,
    )

    assert "We have told your careers hub, which will check your evidence again" in banner(page)
    db.session.refresh(employer)
    assert (employer.status, employer.insurer, employer.insurance_expires) == (
        "approved",
        "New Insurer plc",
        renewed,
    )
    assert employer.next_check_due == today()  # the re-check falls due now, and the hub's list says so
    assert "Check due today" in vetting.problems(employer, today())
    assert not vetting.is_current(employer, today())  # changed evidence counts once the hub has checked it
    deliver_queued()
    assert [message.to for message in outbox()] == [admin.email]
    (message,) = sent_to(admin.email)
    assert message.subject == f"{employer.name} has changed its safeguarding evidence"
    assert "has changed its safeguarding evidence: the insurer, insurance expiry date." in str(message.body)
    assert "They stay approved, but they cannot publish new opportunities" in str(message.body)
    assert link_in(message) == f"/hub/employers/{employer.id}"


def test_a_pending_employer_asked_for_changes_tells_the_hub_when_it_makes_them(
    employer_request: ClientRequest,
) -> None:
    employer = _employer_of(employer_request)
    employer.status, employer.status_reason = "pending", "Your cover must be at least £5 million."
    employer.insurance_cover = 2_000_000
    _contact(employer)
    admin = factories.create_user_for("hub_admin", _hub(employer))

    employer_request.post("employers.edit_organisation", details(employer, insurance_cover="10000000"))

    db.session.refresh(employer)
    assert (employer.status, employer.insurance_cover) == ("pending", 10_000_000)
    assert deliver_queued() == 1
    assert len(sent_to(admin.email)) == 1


def test_a_new_employer_filling_in_evidence_for_the_first_time_does_not_email_the_hub_each_time(
    employer_request: ClientRequest,
) -> None:
    employer = _employer_of(employer_request)
    employer.status, employer.status_reason, employer.insurer = "pending", "", ""
    employer.last_checked_on = employer.next_check_due = None  # never checked by the hub
    _contact(employer)
    factories.create_user_for("hub_admin", _hub(employer))

    employer_request.post("employers.edit_organisation", details(employer, insurer="First Insurer"))

    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_each_change_of_evidence_is_told_to_the_hub_once(employer_request: ClientRequest) -> None:
    employer = _employer_of(employer_request)
    _contact(employer)
    admin = factories.create_user_for("hub_admin", _hub(employer))

    employer_request.post("employers.edit_organisation", details(employer, supervisor_name="Alex New"))
    employer_request.post("employers.edit_organisation", details(employer, supervisor_name="Alex New"))
    employer_request.post("employers.edit_organisation", details(employer, supervisor_name="Jo Newer"))
    deliver_queued()

    assert len(sent_to(admin.email)) == 2


def test_saving_nothing_new_changes_nothing(employer_request: ClientRequest) -> None:
    employer = _employer_of(employer_request)
    _contact(employer)

    page = employer_request.post(
        "employers.edit_organisation", details(employer), _follow=True, _expected_status=200
    )

    assert "Nothing has changed" in banner(page)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_wrong_answers_are_named_and_nothing_is_saved(employer_request: ClientRequest) -> None:
    employer = _employer_of(employer_request)
    _contact(employer)

    page = employer_request.post(
        "employers.edit_organisation",
        details(
            employer,
            contact_email="not an address",
            contact_phone="123",
            insurance_cover="five million",
            insurance_expires=_parts(today() - timedelta(days=1)),
        ),
        _expected_status=200,
    )

    assert error_messages(page) == [
        "Enter an email address in the correct format, like name@example.com",
        "Enter a telephone number, like 01632 960 001 or 07700 900 982",
        "Insurance cover must be a whole number of pounds, like 5000000",
        "Insurance expiry date must be today or in the future",
    ]
    db.session.refresh(employer)
    assert employer.contact_email == "kim@employer.example"


def test_an_expiry_date_already_past_can_stay_while_other_details_change(
    employer_request: ClientRequest,
) -> None:
    employer = _employer_of(employer_request)
    employer.insurance_expires = today() - timedelta(days=3)
    _contact(employer)

    employer_request.post("employers.edit_organisation", details(employer, contact_name="Jo Contact"))

    db.session.refresh(employer)
    assert employer.contact_name == "Jo Contact"


def test_the_employer_cannot_record_its_own_risk_assessment_as_on_file_or_its_own_check(
    employer_request: ClientRequest,
) -> None:
    employer = _employer_of(employer_request)
    employer.risk_assessment_on_file, employer.last_checked_on = False, None
    _contact(employer)

    employer_request.post(
        "employers.edit_organisation",
        details(employer, risk_assessment_on_file="y", last_checked_on=_parts(today()), status="approved"),
    )

    db.session.refresh(employer)
    assert (employer.risk_assessment_on_file, employer.last_checked_on) == (False, None)


@pytest.mark.parametrize("endpoint", ["employers.organisation", "employers.edit_organisation"])
@pytest.mark.parametrize("role", ["hub_admin_request", "careers_leader_request", "student_request"])
def test_other_roles_cannot_see_or_change_an_organisation(
    request: pytest.FixtureRequest, role: str, endpoint: str
) -> None:
    other: ClientRequest = request.getfixturevalue(role)
    employer = factories.create_employer(insurer="Untouched Insurer")

    other.get(endpoint, _expected_status=403)
    other.post("employers.edit_organisation", details(employer, insurer="Taken Over"), _expected_status=403)

    db.session.refresh(employer)
    assert employer.insurer == "Untouched Insurer"


def test_an_employer_only_ever_sees_and_changes_its_own_organisation(employer_request: ClientRequest) -> None:
    theirs = factories.create_employer(name="Their Employer", insurer="Their Insurer")
    mine = _employer_of(employer_request)
    _contact(mine)

    page = employer_request.get("employers.organisation")
    employer_request.post("employers.edit_organisation", details(mine, insurer="Our New Insurer"))

    assert "Their Employer" not in page.get_text(" ", strip=True)
    db.session.refresh(theirs)
    assert theirs.insurer == "Their Insurer"


# Publishing needs current evidence


def _draft(request: ClientRequest) -> Opportunity:
    return factories.create_opportunity(_employer_of(request), status="draft")


def _publish(request: ClientRequest, opportunity: Opportunity) -> Any:
    return request.post(
        "employers.publish_opportunity", opportunity_id=opportunity.id, _follow=True, _expected_status=200
    )


def test_an_employer_whose_insurance_has_expired_cannot_publish_and_is_told_to_renew(
    employer_request: ClientRequest,
) -> None:
    employer = _employer_of(employer_request)
    employer.insurance_expires = (
        date(2026, 1, 31) if date(2026, 1, 31) < today() else today() - timedelta(days=1)
    )
    db.session.commit()
    opportunity = _draft(employer_request)

    page = _publish(employer_request, opportunity)

    expires = employer.insurance_expires
    assert (
        f"Your employers' liability insurance ran out on {expires.day} {expires:%B %Y}, so you cannot "
        "publish opportunities. Renew it, then update your evidence on the Your organisation page"
    ) in banner(page)
    db.session.refresh(opportunity)
    assert opportunity.status == "draft"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    assert "ran out on" in employer_request.get("employers.opportunities").get_text(" ", strip=True)


@pytest.mark.parametrize(
    "lapse", [{"insurance_cover": 4_000_000}, {"risk_assessment_on_file": False}, {"insurance_cover": None}]
)
def test_an_approved_employer_without_enough_cover_or_a_risk_assessment_on_file_cannot_publish(
    employer_request: ClientRequest, lapse: dict[str, Any]
) -> None:
    employer = _employer_of(employer_request)
    for name, value in lapse.items():
        setattr(employer, name, value)
    db.session.commit()
    opportunity = _draft(employer_request)

    page = _publish(employer_request, opportunity)

    assert "Your safeguarding evidence is not up to date, so you cannot publish opportunities" in banner(page)
    db.session.refresh(opportunity)
    assert opportunity.status == "draft"


def test_insurance_that_runs_out_today_still_lets_the_employer_publish(
    employer_request: ClientRequest,
) -> None:
    employer = _employer_of(employer_request)
    employer.insurance_expires = today()
    db.session.commit()
    opportunity = _draft(employer_request)

    _publish(employer_request, opportunity)

    db.session.refresh(opportunity)
    assert opportunity.status == "published"


def test_the_database_refuses_to_publish_for_an_employer_whose_evidence_lapsed_meanwhile(
    employer_request: ClientRequest,
) -> None:
    employer = _employer_of(employer_request)
    opportunity = _draft(employer_request)
    employer.insurance_expires = today() - timedelta(days=1)
    db.session.commit()

    assert opportunities_dao.publish_opportunity(opportunity.id, today()) is False
    assert opportunities_dao.publish_opportunity(opportunity.id, today() - timedelta(days=1)) is True


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"status": "pending"},
        {"status": "suspended"},
        {"insurance_expires": None},
        {"insurance_expires": timedelta(days=-1)},
        {"insurance_expires": timedelta(0)},
        {"insurance_cover": None},
        {"insurance_cover": 4_999_999},
        {"insurance_cover": 5_000_000},
        {"risk_assessment_on_file": False},
    ],
)
def test_evidence_current_in_the_database_agrees_with_the_check_in_python(
    overrides: dict[str, Any], app: Any
) -> None:
    # Dates are given as days from today, read here rather than when the module is imported.
    employer = factories.create_employer(**factories.from_today(overrides))

    in_database = (
        db.session.scalar(select(Employer.id).where(vetting.evidence_current(today()))) == employer.id
    )

    assert in_database == vetting.is_current(employer, today())
    assert in_database == (
        overrides in ({}, {"insurance_expires": timedelta(0)}, {"insurance_cover": 5_000_000})
    )


def test_changed_evidence_cannot_be_published_until_the_hub_records_a_new_check(
    employer_request: ClientRequest,
) -> None:
    employer = _employer_of(employer_request)
    _contact(employer)
    employer.insurance_expires = today() - timedelta(days=1)
    db.session.commit()
    opportunity = _draft(employer_request)
    employer_request.post(
        "employers.edit_organisation",
        details(employer, insurance_expires=_parts(today() + timedelta(days=365))),
    )

    page = _publish(employer_request, opportunity)

    assert "Your careers hub needs to check your safeguarding evidence" in banner(page)
    db.session.refresh(opportunity)
    assert opportunity.status == "draft"
    db.session.refresh(employer)
    employer.last_checked_on, employer.next_check_due = today(), today() + timedelta(days=365)
    db.session.commit()
    _publish(employer_request, opportunity)
    db.session.refresh(opportunity)
    assert opportunity.status == "published"


def test_a_pending_employer_changing_evidence_after_the_hubs_check_needs_checking_again(
    employer_request: ClientRequest,
) -> None:
    employer = _employer_of(employer_request)
    _contact(employer)
    employer.status, employer.status_reason = "pending", ""
    db.session.commit()
    admin = factories.create_user_for("hub_admin", _hub(employer), email="admin@hub.example")
    assert "Check due today" not in vetting.problems(employer, today())

    employer_request.post("employers.edit_organisation", details(employer, insurer="Someone Else plc"))

    db.session.refresh(employer)
    assert employer.next_check_due == today()
    assert "Check due today" in vetting.problems(employer, today())  # approval waits for a new check
    deliver_queued()
    assert [message.to for message in outbox()] == [admin.email]
