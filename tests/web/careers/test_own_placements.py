"""Careers leaders decide on placements their students found: approve, or ask for changes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, sent_to
from tests.web.careers.helpers import school_of
from tests.web.pages import banner, error_messages, rows
from web.dao import own_placements as own_dao
from web.dao import placements, vetting
from web.dao.base import transaction
from web.dates import london_today
from web.extensions import db
from web.models import (
    Allocation,
    Employer,
    Hub,
    Notification,
    Opportunity,
    OwnPlacement,
    School,
    Student,
    User,
)


def start() -> date:
    return london_today() + timedelta(days=30)


def _student(school: School, **overrides: Any) -> tuple[Student, User]:
    student = factories.create_student(school, first_name="Priya", last_name="Shah", **overrides)
    return student, factories.create_user_for("student", student)


def _proposal(student: Student, **overrides: Any) -> OwnPlacement:
    fields = {
        "student_id": student.id,
        "employer_name": "Corner Vets",
        "contact_name": "Dr Jo Bloggs",
        "contact_email": "jo@cornervets.example",
        "postcode": "M1 1AD",
        "kind": "work_experience",
        "role": "Shadowing a vet nurse",
        "start_date": start(),
        "end_date": start() + timedelta(days=4),
        "hours_per_day": 7,
        **overrides,
    }
    placement = OwnPlacement(**fields)
    db.session.add(placement)
    db.session.commit()
    return placement


def _reload(placement: OwnPlacement) -> OwnPlacement:
    db.session.expire_all()
    return db.session.get(OwnPlacement, placement.id)


def _seen(placement: OwnPlacement) -> str:
    """The version of the proposal the careers leader's page was showing (its hidden field)."""
    return _reload(placement).updated_at.isoformat()


def _count(model: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)))


def test_the_list_shows_the_schools_proposals_waiting_first(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    student, _ = _student(school)
    _proposal(student, status="approved", employer_name="Old Vets")
    _proposal(student, employer_name="New Vets")
    _proposal(factories.create_student(), employer_name="Elsewhere Ltd")
    listed = rows(careers_leader_request.get("careers.own_placements"), "own-placements")
    assert [(row[0], row[2], row[4]) for row in listed] == [
        ("Priya Shah", "New Vets", "Waiting for you"),
        ("Priya Shah", "Old Vets", "Approved"),
    ]


def test_approving_with_a_hub_employer_makes_a_self_found_placement(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    student, account = _student(school)
    employer = factories.create_employer(
        db.session.get(Hub, school.hub_id), name="Corner Vets", route="care-services"
    )
    placement = _proposal(student, employer_id=employer.id)
    page = careers_leader_request.post(
        "careers.own_placement",
        {"seen": _seen(placement), "decision": "approve", "note": ""},
        _follow=True,
        _expected_status=200,
        placement_id=placement.id,
    )
    assert "Approved. The placement is now" in banner(page)
    placement = _reload(placement)
    assert placement.status == "approved" and placement.opportunity_id is not None
    opportunity = db.session.get(Opportunity, placement.opportunity_id)
    assert (
        opportunity.self_found,
        opportunity.status,
        opportunity.capacity,
        opportunity.places_taken,
        opportunity.employer_id,
        opportunity.route,
        opportunity.pathway,
        opportunity.year_groups,
        opportunity.start_date,
        opportunity.hours_per_day,
    ) == (True, "published", 1, 1, employer.id, "care-services", "both", [10], start(), 7)
    (allocation,) = db.session.scalars(select(Allocation))
    assert (allocation.round_id, allocation.student_id, allocation.status) == (None, student.id, "accepted")
    assert allocation.responded_at is not None
    # The student hears once, with the key the message is kept under.
    keys = list(db.session.scalars(select(Notification.idempotency_key)))
    decided = _reload(placement).decided_at
    assert keys == [f"own-placement-decided:{placement.id}:approved:{decided:%Y%m%d%H%M%S%f}"]
    deliver_queued()
    (message,) = sent_to(account.email)
    assert message.subject == "Your placement with Corner Vets is approved"


def test_a_second_approval_changes_nothing(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    student, _ = _student(school)
    employer = factories.create_employer(db.session.get(Hub, school.hub_id))
    placement = _proposal(student, employer_id=employer.id)
    careers_leader_request.post(
        "careers.own_placement", {"seen": _seen(placement), "decision": "approve"}, placement_id=placement.id
    )
    page = careers_leader_request.post(
        "careers.own_placement",
        {"seen": _seen(placement), "decision": "changes", "note": "x"},
        _follow=True,
        _expected_status=200,
        placement_id=placement.id,
    )
    assert _count(Allocation) == 1 and _count(Opportunity) == 1
    assert _reload(placement).status == "approved"
    assert page.select_one("#decide") is None


def test_approving_with_a_new_employer_invites_it_and_waits_for_the_hub(
    careers_leader_request: ClientRequest, hub_admin_request: ClientRequest
) -> None:
    school = school_of(careers_leader_request)
    student, _ = _student(school, routes=["care-services"])
    placement = _proposal(student)
    page = careers_leader_request.post(
        "careers.own_placement",
        {"seen": _seen(placement), "decision": "approve"},
        _follow=True,
        _expected_status=200,
        placement_id=placement.id,
    )
    assert "A new employer has been invited to register" in banner(page)
    assert "Waiting for the hub" in page.select_one("#waiting").text
    placement = _reload(placement)
    employer = db.session.get(Employer, placement.employer_id)
    assert (employer.hub_id, employer.status, employer.name, employer.postcode, employer.route) == (
        school.hub_id,
        "pending",
        "Corner Vets",
        "M1 1AD",
        "care-services",
    )
    contact = db.session.scalar(select(User).where(User.email == "jo@cornervets.example"))
    assert (contact.role, contact.employer_id, contact.password_hash) == ("employer", employer.id, "")
    deliver_queued()
    assert [message.subject for message in sent_to("jo@cornervets.example")][0].startswith(
        "You have been invited"
    )
    assert _count(Allocation) == 0 and placement.opportunity_id is None

    # The employer gives its evidence; the hub approves it, and the waiting placement is made.
    factory_fields = factories.create_employer(db.session.get(Hub, school.hub_id))
    for name in (
        "insurer",
        "insurance_cover",
        "insurance_expires",
        "last_checked_on",
        "next_check_due",
        "risk_assessment_on_file",
        "risk_assessment_summary",
        "supervisor_name",
    ):
        setattr(employer, name, getattr(factory_fields, name))
    with transaction():
        vetting.decide(employer, "approve", "", hub_admin_request.user.id, london_today())  # type: ignore[attr-defined]
    placement = _reload(placement)
    (allocation,) = db.session.scalars(select(Allocation))
    assert allocation.opportunity_id == placement.opportunity_id
    assert (allocation.student_id, allocation.status, allocation.round_id) == (student.id, "accepted", None)
    with transaction():  # approved again later: nothing made twice
        vetting.decide(employer, "approve", "", hub_admin_request.user.id, london_today())  # type: ignore[attr-defined]
    assert _count(Allocation) == 1


def test_a_contact_who_has_an_account_cannot_be_invited(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    student, account = _student(school)
    placement = _proposal(student, contact_email=account.email)
    page = careers_leader_request.post(
        "careers.own_placement",
        {"seen": _seen(placement), "decision": "approve"},
        _follow=True,
        _expected_status=200,
        placement_id=placement.id,
    )
    assert "already has an account" in banner(page)
    assert _reload(placement).status == "proposed"
    assert _count(Employer) == 0  # nothing half-saved


def test_asking_for_changes_needs_a_note_the_student_sees(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    student, account = _student(school)
    placement = _proposal(student)
    page = careers_leader_request.post(
        "careers.own_placement",
        {"seen": _seen(placement), "decision": "changes", "note": " "},
        _expected_status=200,
        placement_id=placement.id,
    )
    assert error_messages(page) == ["Enter what the student needs to change"]
    assert _reload(placement).status == "proposed"
    careers_leader_request.post(
        "careers.own_placement",
        {"seen": _seen(placement), "decision": "changes", "note": "Which branch is it?"},
        placement_id=placement.id,
    )
    placement = _reload(placement)
    assert (placement.status, placement.leader_note) == ("changes_requested", "Which branch is it?")
    deliver_queued()
    (message,) = sent_to(account.email)
    assert "asked you to change" in message.subject and "Which branch is it?" in str(message.body)


def test_a_decision_must_be_chosen(careers_leader_request: ClientRequest) -> None:
    student, _ = _student(school_of(careers_leader_request))
    placement = _proposal(student)
    page = careers_leader_request.post(
        "careers.own_placement",
        {"seen": _seen(placement), "decision": "maybe"},
        _expected_status=200,
        placement_id=placement.id,
    )
    assert error_messages(page) == ["Select whether to approve or ask for changes"]


def test_another_schools_proposal_is_not_found(careers_leader_request: ClientRequest) -> None:
    placement = _proposal(factories.create_student())
    careers_leader_request.get("careers.own_placement", _expected_status=404, placement_id=placement.id)
    careers_leader_request.post(
        "careers.own_placement",
        {"seen": _seen(placement), "decision": "approve"},
        _expected_status=404,
        placement_id=placement.id,
    )
    assert _reload(placement).status == "proposed"


@pytest.mark.parametrize("role", ["student_request", "employer_request", "hub_admin_request"])
def test_other_roles_cannot_decide(role: str, request: pytest.FixtureRequest) -> None:
    client: ClientRequest = request.getfixturevalue(role)
    placement = _proposal(factories.create_student())
    client.get("careers.own_placements", _expected_status=403)
    client.get("careers.own_placement", _expected_status=403, placement_id=placement.id)
    client.post(
        "careers.own_placement",
        {"seen": _seen(placement), "decision": "approve"},
        _expected_status=403,
        placement_id=placement.id,
    )
    assert _reload(placement).status == "proposed"


def test_a_proposal_the_student_changed_after_the_page_was_shown_is_not_decided(
    careers_leader_request: ClientRequest,
) -> None:
    student, _ = _student(school_of(careers_leader_request))
    placement = _proposal(student)
    page = careers_leader_request.get("careers.own_placement", placement_id=placement.id)
    shown = page.select_one("input[name=seen]")["value"]
    fields = {name: getattr(placement, name) for name in own_dao.FIELDS}
    own_dao.change(placement.id, None, **{**fields, "role": "Now something else"})
    db.session.commit()

    page = careers_leader_request.post(
        "careers.own_placement",
        {"seen": shown, "decision": "approve"},
        placement_id=placement.id,
        _follow=True,
        _expected_status=200,
    )

    assert "The student has changed this placement" in banner(page)
    assert (_reload(placement).status, _count(Allocation)) == ("proposed", 0)


def test_each_request_for_changes_is_emailed(careers_leader_request: ClientRequest) -> None:
    student, account = _student(school_of(careers_leader_request))
    placement = _proposal(student)
    fields = {name: getattr(placement, name) for name in own_dao.FIELDS}
    for note in ("Which branch is it?", "And the contact's phone number?"):
        careers_leader_request.post(
            "careers.own_placement",
            {"seen": _seen(placement), "decision": "changes", "note": note},
            placement_id=placement.id,
        )
        deliver_queued()
        own_dao.change(placement.id, None, **fields)
        db.session.commit()

    assert len(sent_to(account.email)) == 2


def test_a_placement_whose_dates_clash_with_one_the_student_holds_is_not_approved(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    student, _ = _student(school)
    hub = db.session.get(Hub, school.hub_id)
    held = factories.create_opportunity(factories.create_employer(hub), start_date=start(), end_date=start())
    factories.create_allocation(factories.create_round(school), student, held, status="confirmed")
    placement = _proposal(student, employer_id=factories.create_employer(hub).id)

    page = careers_leader_request.post(
        "careers.own_placement",
        {"seen": _seen(placement), "decision": "approve"},
        _follow=True,
        _expected_status=200,
        placement_id=placement.id,
    )

    assert "The student cannot take this placement because its dates overlap" in banner(page)
    assert _reload(placement).status == "proposed" and _count(Opportunity) == 1


def test_a_self_found_placement_given_up_closes(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    student, _ = _student(school)
    placement = _proposal(
        student, employer_id=factories.create_employer(db.session.get(Hub, school.hub_id)).id
    )
    with transaction():
        _, allocation_id = own_dao.approve(placement.id, careers_leader_request.user.id)  # type: ignore[attr-defined]
    with transaction():
        placements.undo(allocation_id, "withdrawn", ("accepted",), None, "The student withdrew")

    opportunity = db.session.get(Opportunity, _reload(placement).opportunity_id)
    assert (opportunity.status, opportunity.places_taken) == ("closed", 0)
