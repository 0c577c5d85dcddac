"""The hub admin's employers: the list with what each is missing, the vetting page, and recording a check."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.pages import error_messages, rows
from web.dao import vetting
from web.extensions import db
from web.models import AuditEvent, Employer, Hub

TODAY = date.today()


def _hub_of(request: ClientRequest) -> Hub:
    return db.session.get(Hub, request.user.hub_id)  # type: ignore[attr-defined]


def _parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def check_form(**overrides: Any) -> dict[str, Any]:
    """A complete check that would let the hub approve the employer."""
    fields: dict[str, Any] = {
        "insurer": "Mutual Employers Insurance",
        "insurance_cover": "5000000",
        "insurance_expires": _parts(TODAY + timedelta(days=200)),
        "risk_assessment_on_file": "y",
        "risk_assessment_summary": "Office work only. A named supervisor is with students all day.",
        "supervisor_name": "Sam Supervisor",
        "last_checked_on": _parts(TODAY),
        "next_check_due": _parts(TODAY + timedelta(days=365)),
    }
    return {**fields, **overrides}


def unchecked(hub: Hub, **overrides: Any) -> Employer:
    """An employer just registered: pending, nothing checked."""
    fields: dict[str, Any] = {
        "status": "pending",
        "insurer": "",
        "insurance_cover": None,
        "insurance_expires": None,
        "risk_assessment_on_file": False,
        "risk_assessment_summary": "",
        "supervisor_name": "",
        "last_checked_on": None,
        "next_check_due": None,
    }
    return factories.create_employer(hub, **{**fields, **overrides})


def test_the_list_shows_each_employers_status_and_what_is_missing(hub_admin_request: ClientRequest) -> None:
    hub = _hub_of(hub_admin_request)
    factories.create_employer(hub, name="Acme Logistics", route="transport-and-logistics")
    factories.create_employer(
        hub, name="Bright Sparks", insurance_expires=TODAY + timedelta(days=12), risk_assessment_summary=""
    )
    factories.create_employer(hub, name="Cheap Cover Ltd", status="suspended", insurance_cover=1_000_000)
    factories.create_employer(factories.create_hub(), name="Their Employer")

    listed = rows(hub_admin_request.get("hub.employers"), "employers-table")

    assert listed == [
        ["Acme Logistics", "Transport and logistics", "Approved", "Nothing"],
        [
            "Bright Sparks",
            "Digital",
            "Approved",
            "No risk assessment summary for parents Insurance expires in 12 days",
        ],
        ["Cheap Cover Ltd", "Digital", "Suspended", "Insurance cover below £5 million"],
    ]


def test_a_new_employer_is_missing_every_piece_of_evidence_and_the_check(
    hub_admin_request: ClientRequest,
) -> None:
    employer = unchecked(_hub_of(hub_admin_request), name="Zest Kitchens")

    assert vetting.problems(employer, TODAY) == [
        "No employers' liability insurer",
        "No insurance cover amount",
        "No insurance expiry date",
        "No risk assessment on file",
        "No risk assessment summary for parents",
        "No named supervisor",
        "No date of the last check",
        "No date for the next check",
    ]


def test_expired_insurance_and_a_check_due_are_named_with_their_dates(
    hub_admin_request: ClientRequest,
) -> None:
    employer = factories.create_employer(
        _hub_of(hub_admin_request),
        insurance_expires=date(2020, 3, 31),
        next_check_due=date(2021, 1, 5),
    )

    assert vetting.problems(employer, TODAY) == [
        "Insurance expired on 31 March 2020",
        "Check due since 5 January 2021",
    ]


def test_insurance_expiring_today_or_tomorrow_is_counted_in_days() -> None:
    employer = Employer(insurance_expires=TODAY)
    assert vetting.warnings(employer, TODAY) == ["Insurance expires today"]
    employer.insurance_expires = TODAY + timedelta(days=1)
    assert vetting.warnings(employer, TODAY) == ["Insurance expires in 1 day"]
    employer.insurance_expires = TODAY + timedelta(days=31)
    assert vetting.warnings(employer, TODAY) == []


def test_the_list_filters_by_status(hub_admin_request: ClientRequest) -> None:
    hub = _hub_of(hub_admin_request)
    factories.create_employer(hub, name="Approved One")
    unchecked(hub, name="Pending One")
    unchecked(hub, name="Pending Two")
    factories.create_employer(hub, name="Suspended One", status="suspended")

    def names(**args: str) -> list[str]:
        return [row[0] for row in rows(hub_admin_request.get("hub.employers", **args), "employers-table")]

    assert names(status="pending") == ["Pending One", "Pending Two"]
    assert names(status="suspended") == ["Suspended One"]
    assert (
        names() == names(status="nonsense") == ["Approved One", "Pending One", "Pending Two", "Suspended One"]
    )
    page = hub_admin_request.get("hub.employers", status="pending")
    assert page.h1.text.strip() == "Pending employers"
    assert page.select_one("#status-filter [aria-current=page]").text.strip() == "Pending (2)"


def test_a_status_with_no_employers_says_so(hub_admin_request: ClientRequest) -> None:
    factories.create_employer(_hub_of(hub_admin_request))

    page = hub_admin_request.get("hub.employers", status="suspended")

    assert "No employers are suspended" in page.get_text(" ", strip=True)


def test_the_vetting_page_shows_the_evidence_and_what_stops_approval(
    hub_admin_request: ClientRequest,
) -> None:
    employer = unchecked(
        _hub_of(hub_admin_request),
        name="Zest Kitchens",
        insurer="Mutual Employers Insurance",
        insurance_cover=10_000_000,
        insurance_expires=date(2030, 7, 1),
        contact_name="Kim Contact",
        contact_phone="0161 496 0000",
    )

    page = hub_admin_request.get("hub.employer", employer_id=employer.id)

    evidence = page.select_one("#evidence").get_text(" ", strip=True)
    assert "Mutual Employers Insurance" in evidence
    assert "£10,000,000" in evidence
    assert "1 July 2030" in evidence
    assert "Kim Contact" in page.select_one("#organisation").get_text(" ", strip=True)
    missing = page.select_one("#missing").get_text(" ", strip=True)
    assert "Before you can approve" in missing
    assert "No risk assessment on file" in missing
    assert "No named supervisor" in missing


def test_recording_a_check_saves_the_evidence_and_audits_the_fields(hub_admin_request: ClientRequest) -> None:
    employer = unchecked(_hub_of(hub_admin_request))

    page = hub_admin_request.post("hub.employer_check", check_form(), employer_id=employer.id)

    assert page.location == hub_admin_request.url("hub.employer", employer_id=employer.id)
    db.session.refresh(employer)
    assert (employer.insurer, employer.insurance_cover, employer.insurance_expires) == (
        "Mutual Employers Insurance",
        5_000_000,
        TODAY + timedelta(days=200),
    )
    assert employer.risk_assessment_on_file
    assert (employer.last_checked_on, employer.next_check_due) == (TODAY, TODAY + timedelta(days=365))
    assert vetting.problems(employer, TODAY) == []
    assert employer.status == "pending"  # recording is not deciding
    event = db.session.scalar(select(AuditEvent))
    assert (event.action, event.record_id, event.user_id) == (
        "employer_evidence_recorded",
        employer.id,
        hub_admin_request.user.id,  # type: ignore[attr-defined]
    )
    assert event.detail["fields"] == sorted(vetting.CHECK_FIELDS)


def test_the_check_form_shows_the_saved_evidence_and_todays_date_for_the_check(
    hub_admin_request: ClientRequest,
) -> None:
    employer = factories.create_employer(_hub_of(hub_admin_request), insurer="Old Insurer Ltd")

    page = hub_admin_request.get("hub.employer_check", employer_id=employer.id)

    assert page.find("input", {"name": "insurer"})["value"] == "Old Insurer Ltd"
    assert page.find("input", {"name": "insurance_cover"})["value"] == "5000000"
    assert page.find("input", {"name": "risk_assessment_on_file"}).has_attr("checked")
    assert [int(box["value"]) for box in page.select("input[name=last_checked_on]")] == [
        TODAY.day,
        TODAY.month,
        TODAY.year,
    ]


def test_a_check_with_wrong_answers_names_each_and_saves_nothing(hub_admin_request: ClientRequest) -> None:
    employer = unchecked(_hub_of(hub_admin_request))
    form = check_form(
        insurance_cover="£5m",
        insurance_expires=["31", "2", "2030"],
        last_checked_on=_parts(TODAY + timedelta(days=1)),
        next_check_due=_parts(TODAY - timedelta(days=1)),
    )

    page = hub_admin_request.post("hub.employer_check", form, employer_id=employer.id, _expected_status=200)

    assert error_messages(page) == [
        "Insurance cover must be a whole number of pounds, like 5000000",
        "Insurance expiry date must be a real date",
        "Date of the last check must be today or in the past",
        "Next check due must be after the date of the last check",
    ]
    db.session.refresh(employer)
    assert employer.insurer == ""
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_saving_the_same_check_again_changes_and_audits_nothing(hub_admin_request: ClientRequest) -> None:
    employer = unchecked(_hub_of(hub_admin_request))
    hub_admin_request.post("hub.employer_check", check_form(), employer_id=employer.id)

    page = hub_admin_request.post(
        "hub.employer_check", check_form(), employer_id=employer.id, _follow=True, _expected_status=200
    )

    assert "Nothing has changed" in page.get_text(" ", strip=True)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_the_overview_links_to_each_school_and_employer(hub_admin_request: ClientRequest) -> None:
    hub = _hub_of(hub_admin_request)
    school = factories.create_school(hub)
    employer = factories.create_employer(hub)

    page = hub_admin_request.get("hub.overview")

    assert page.find("a", href=hub_admin_request.url("hub.school", school_id=school.id))
    assert page.find("a", href=hub_admin_request.url("hub.employer", employer_id=employer.id))


def test_cover_may_be_written_with_thousands_separators(hub_admin_request: ClientRequest) -> None:
    employer = unchecked(_hub_of(hub_admin_request))
    hub_admin_request.post(
        "hub.employer_check", check_form(insurance_cover="10,000,000"), employer_id=employer.id
    )
    db.session.refresh(employer)
    assert employer.insurance_cover == 10_000_000
