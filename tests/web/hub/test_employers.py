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


def today() -> date:
    return date.today()


def _hub_of(request: ClientRequest) -> Hub:
    return db.session.get(Hub, request.user.hub_id)  # type: ignore[attr-defined]


def _parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def check_form(**overrides: Any) -> dict[str, Any]:
    """A complete check that would let the hub approve the employer."""
    fields: dict[str, Any] = {
        "insurer": "Mutual Employers Insurance",
        "insurance_cover": "5000000",
        "insurance_expires": _parts(today() + timedelta(days=200)),
        "risk_assessment_on_file": "y",  # the radio "Yes, we have seen it"
        "risk_assessment_summary": "Office work only. A named supervisor is with students all day.",
        "supervisor_name": "Sam Supervisor",
        "last_checked_on": _parts(today()),
        "next_check_due": _parts(today() + timedelta(days=365)),
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
        hub, name="Bright Sparks", insurance_expires=today() + timedelta(days=12), risk_assessment_summary=""
    )
    factories.create_employer(hub, name="Cheap Cover Ltd", status="suspended", insurance_cover=1_000_000)
    factories.create_employer(factories.create_hub(), name="Their Employer")

    listed = rows(hub_admin_request.get("hub.employers"), "employers-table")

    assert listed == [
        ["Acme Logistics", "Employer", "Transport and logistics", "Approved", "Nothing"],
        [
            "Bright Sparks",
            "Employer",
            "Digital",
            "Approved",
            "No risk assessment summary for parents Insurance expires in 12 days",
        ],
        ["Cheap Cover Ltd", "Employer", "Digital", "Suspended", "Insurance cover below £5 million"],
    ]


def test_a_new_employer_is_missing_every_piece_of_evidence_and_the_check(
    hub_admin_request: ClientRequest,
) -> None:
    employer = unchecked(_hub_of(hub_admin_request), name="Zest Kitchens")

    assert vetting.problems(employer, today()) == [
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

    assert vetting.problems(employer, today()) == [
        "Insurance expired on 31 March 2020",
        "Check due since 5 January 2021",
    ]


def test_insurance_expiring_today_or_tomorrow_is_counted_in_days() -> None:
    employer = Employer(insurance_expires=today())
    assert vetting.warnings(employer, today()) == ["Insurance expires today"]
    employer.insurance_expires = today() + timedelta(days=1)
    assert vetting.warnings(employer, today()) == ["Insurance expires in 1 day"]
    employer.insurance_expires = today() + timedelta(days=31)
    assert vetting.warnings(employer, today()) == []


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
    assert page.h1.text.strip() == "Pending employers and providers"
    assert page.select_one("#status-filter [aria-current=page]").text.strip() == "Pending (2)"


def test_a_status_with_no_employers_says_so(hub_admin_request: ClientRequest) -> None:
    factories.create_employer(_hub_of(hub_admin_request))

    page = hub_admin_request.get("hub.employers", status="suspended")

    assert "No organisations are suspended" in page.get_text(" ", strip=True)


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
        today() + timedelta(days=200),
    )
    assert employer.risk_assessment_on_file
    assert (employer.last_checked_on, employer.next_check_due) == (today(), today() + timedelta(days=365))
    assert vetting.problems(employer, today()) == []
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
    assert page.find("input", {"name": "risk_assessment_on_file", "value": "y"}).has_attr("checked")
    assert [int(box["value"]) for box in page.select("input[name=last_checked_on]")] == [
        today().day,
        today().month,
        today().year,
    ]


def test_a_check_with_wrong_answers_names_each_and_saves_nothing(hub_admin_request: ClientRequest) -> None:
    employer = unchecked(_hub_of(hub_admin_request))
    form = check_form(
        insurance_cover="£5m",
        insurance_expires=["31", "2", "2030"],
        last_checked_on=_parts(today() + timedelta(days=1)),
        next_check_due=_parts(today() - timedelta(days=1)),
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


def test_the_overview_links_to_each_school_and_employer_waiting(hub_admin_request: ClientRequest) -> None:
    hub = _hub_of(hub_admin_request)
    school = factories.create_school(hub)
    employer = unchecked(hub)

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


def test_a_check_posted_empty_names_every_answer_and_erases_nothing(hub_admin_request: ClientRequest) -> None:
    employer = factories.create_employer(_hub_of(hub_admin_request), insurer="Old Insurer Ltd")
    before = {name: getattr(employer, name) for name in vetting.CHECK_FIELDS}

    page = hub_admin_request.post("hub.employer_check", {}, employer_id=employer.id, _expected_status=200)

    assert error_messages(page) == [
        "Enter the employers' liability insurer",
        "Enter the employers' liability cover, in pounds",
        "Enter the insurance expiry date",
        "Select whether you have seen the employer's risk assessment",
        "Enter the risk assessment summary for parents and carers",
        "Enter the named supervisor's name",
        "Enter the date of the last check",
        "Enter the date the next check is due",
    ]
    assert page.title.text.startswith("Error: ")
    db.session.refresh(employer)
    assert {name: getattr(employer, name) for name in vetting.CHECK_FIELDS} == before
    assert employer.status == "approved"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_new_employer_is_not_answered_no_to_the_risk_assessment_before_a_check(
    hub_admin_request: ClientRequest,
) -> None:
    employer = unchecked(_hub_of(hub_admin_request))

    page = hub_admin_request.get("hub.employer_check", employer_id=employer.id)

    assert not page.select("input[name=risk_assessment_on_file][checked]")


def test_replacing_recorded_evidence_shows_old_and_new_and_saves_only_once_confirmed(
    hub_admin_request: ClientRequest,
) -> None:
    employer = factories.create_employer(
        _hub_of(hub_admin_request),
        insurer="Old Insurer Ltd",
        insurance_cover=5_000_000,
        insurance_expires=today() + timedelta(days=200),
        risk_assessment_on_file=True,
        risk_assessment_summary="Office work only. A named supervisor is with students all day.",
        supervisor_name="Sam Supervisor",
        last_checked_on=today() - timedelta(days=300),
        next_check_due=today() + timedelta(days=65),
    )
    form = check_form(insurer="New Insurer plc", risk_assessment_on_file="n")

    page = hub_admin_request.post("hub.employer_check", form, employer_id=employer.id, _expected_status=200)

    assert page.h1.text.strip() == "Check the changes to the evidence"
    assert rows(page, "changes") == [
        ["Employers' liability insurer", "Old Insurer Ltd", "New Insurer plc"],
        [
            "Risk assessment on file",
            "Yes",
            "No",
        ],
        ["Last checked", _long(today() - timedelta(days=300)), _long(today())],
        ["Next check due", _long(today() + timedelta(days=65)), _long(today() + timedelta(days=365))],
    ]
    db.session.refresh(employer)
    assert employer.insurer == "Old Insurer Ltd"  # nothing saved yet
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0

    answers = _answers(page)
    assert answers["insurer"] == ["New Insurer plc"]
    confirm = page.find("button", {"name": "confirm"})["value"]
    hub_admin_request.post("hub.employer_check", {**answers, "confirm": confirm}, employer_id=employer.id)

    db.session.refresh(employer)
    assert (employer.insurer, employer.risk_assessment_on_file) == ("New Insurer plc", False)
    event = db.session.scalar(select(AuditEvent))
    assert event.detail["was"]["insurer"] == "Old Insurer Ltd"
    assert event.detail["now"]["insurer"] == "New Insurer plc"
    on_file = "risk_assessment_on_file"
    assert (event.detail["was"][on_file], event.detail["now"][on_file]) == (True, False)
    assert event.detail["was"]["last_checked_on"] == (today() - timedelta(days=300)).isoformat()
    assert sorted(event.detail["fields"]) == event.detail["fields"]


def test_a_confirmation_of_evidence_changed_since_is_shown_again(hub_admin_request: ClientRequest) -> None:
    employer = factories.create_employer(_hub_of(hub_admin_request), insurer="Old Insurer Ltd")
    page = _post_check(hub_admin_request, employer, check_form(insurer="New Insurer plc"))
    confirm = page.find("button", {"name": "confirm"})["value"]
    employer.supervisor_name = "Someone Else"  # the employer corrects their evidence meanwhile
    db.session.commit()

    page = _post_check(hub_admin_request, employer, {**_answers(page), "confirm": confirm})

    assert "changed after you were shown" in page.get_text(" ", strip=True)
    db.session.refresh(employer)
    assert employer.insurer == "Old Insurer Ltd"


def test_changing_the_answers_from_the_confirm_step_shows_the_form_with_them(
    hub_admin_request: ClientRequest,
) -> None:
    employer = factories.create_employer(_hub_of(hub_admin_request), insurer="Old Insurer Ltd")
    page = _post_check(hub_admin_request, employer, check_form(insurer="New Insurer plc"))

    page = _post_check(hub_admin_request, employer, {**_answers(page), "edit": "yes"})

    assert page.find("input", {"name": "insurer"})["value"] == "New Insurer plc"
    assert not error_messages(page)
    db.session.refresh(employer)
    assert employer.insurer == "Old Insurer Ltd"


def test_filling_in_missing_evidence_needs_no_confirm_step(hub_admin_request: ClientRequest) -> None:
    employer = unchecked(_hub_of(hub_admin_request), insurer="Mutual Employers Insurance")

    page = hub_admin_request.post("hub.employer_check", check_form(), employer_id=employer.id)

    assert page.location == hub_admin_request.url("hub.employer", employer_id=employer.id)


def _post_check(request: ClientRequest, employer: Employer, form: dict[str, Any]) -> Any:
    """Post the check form, expecting a page back rather than a redirect."""
    return request.post("hub.employer_check", form, employer_id=employer.id, _expected_status=200)


def _long(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def _answers(page: Any) -> dict[str, list[str]]:
    """The answers the confirm step posts back, as hidden fields."""
    answers: dict[str, list[str]] = {}
    for box in page.select("form input[type=hidden]"):
        if box["name"] != "csrf_token":
            answers.setdefault(box["name"], []).append(box["value"])
    return answers


def _many(hub: Hub, n: int, prefix: str = "Employer", **fields: Any) -> None:
    for i in range(n):
        factories.create_employer(hub, name=f"{prefix} {i:03}", **fields)


def _listed(request: ClientRequest, **args: Any) -> list[str]:
    return [row[0] for row in rows(request.get("hub.employers", **args), "employers-table")]


def test_the_list_shows_50_employers_a_page_with_govuk_pagination(hub_admin_request: ClientRequest) -> None:
    _many(_hub_of(hub_admin_request), 75)

    first = hub_admin_request.get("hub.employers")
    second = hub_admin_request.get("hub.employers", page=2)

    assert [row[0] for row in rows(first, "employers-table")] == [f"Employer {i:03}" for i in range(50)]
    assert [row[0] for row in rows(second, "employers-table")] == [f"Employer {i:03}" for i in range(50, 75)]
    assert "75 organisations, showing 51 to 75" in second.select_one("#employers-table caption").text
    following = first.select_one("nav.govuk-pagination .govuk-pagination__next a")["href"]
    assert following == hub_admin_request.url("hub.employers", page=2) + "#employers-table"
    assert _listed(hub_admin_request, page="x") == _listed(hub_admin_request)
    assert _listed(hub_admin_request, page=50) == _listed(hub_admin_request, page=2)


def test_the_list_finds_employers_by_name_within_a_status(hub_admin_request: ClientRequest) -> None:
    hub = _hub_of(hub_admin_request)
    _many(hub, 55, "Bakery")
    _many(hub, 3, "Bakery Pending", status="pending")
    factories.create_employer(hub, name="Acme 100% Logistics")
    factories.create_employer(factories.create_hub(), name="Bakery Elsewhere")

    assert _listed(hub_admin_request, q="100%") == ["Acme 100% Logistics"]
    waiting = [f"Bakery Pending {i:03}" for i in range(3)]
    assert _listed(hub_admin_request, q="bakery pend") == waiting
    assert _listed(hub_admin_request, q="BAKERY", status="pending") == waiting
    page = hub_admin_request.get("hub.employers", q="bakery", status="approved", page=2)
    assert [row[0] for row in rows(page, "employers-table")] == [f"Bakery {i:03}" for i in range(50, 55)]
    # Counts, status links and page links keep the search.
    assert page.select_one("#status-filter [aria-current=page]").text.strip() == "Approved (55)"
    pending = page.select_one("#status-filter a[href*=pending]")
    assert pending.text.strip() == "Pending (3)"
    assert pending["href"] == hub_admin_request.url("hub.employers", status="pending", q="bakery")
    previous = page.select_one(".govuk-pagination__prev a")["href"]
    assert previous == hub_admin_request.url("hub.employers", page=1, status="approved", q="bakery") + (
        "#employers-table"
    )
    nothing = hub_admin_request.get("hub.employers", q="nowhere").get_text(" ", strip=True)
    assert "No organisations match ‘nowhere’" in nothing
