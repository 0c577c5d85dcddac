"""Placements students find themselves: propose, see the decision, change when asked, withdraw."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.pages import banner, error_messages
from tests.web.students.helpers import hub_opportunity, me
from web.dates import london_today
from web.extensions import db
from web.models import Hub, OwnPlacement, School, Student


def start() -> date:
    return london_today() + timedelta(days=30)


def _day(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _answers(**overrides: Any) -> dict[str, Any]:
    return {
        "employer": "new",
        "employer_name": "Corner Vets",
        "contact_name": "Dr Jo Bloggs",
        "contact_email": "jo@cornervets.example",
        "postcode": "m1 1ad",
        "kind": "work_experience",
        "role": "Shadowing a vet nurse",
        "start_date": _day(start()),
        "end_date": _day(start() + timedelta(days=4)),
        "hours_per_day": "7",
        **overrides,
    }


def _placements() -> list[OwnPlacement]:
    db.session.expire_all()
    return list(db.session.scalars(select(OwnPlacement).order_by(OwnPlacement.id)))


def _hub_employer(student: Student, **overrides: Any):  # type: ignore[no-untyped-def]
    hub = db.session.get(Hub, db.session.get(School, student.school_id).hub_id)
    return factories.create_employer(hub, **overrides)


def test_student_proposes_a_placement_with_a_new_employer(student_request: ClientRequest) -> None:
    page = student_request.post(
        "students.propose_own_placement", _answers(), _follow=True, _expected_status=200
    )
    assert "sent to your careers leader" in banner(page)
    (placement,) = _placements()
    assert placement.student_id == me(student_request).id
    assert (placement.status, placement.employer_id, placement.employer_name, placement.postcode) == (
        "proposed",
        None,
        "Corner Vets",
        "M1 1AD",
    )
    assert page.h1.text.strip() == "Shadowing a vet nurse"
    assert "Waiting for your careers leader" in page.select_one("#status").text


def test_student_picks_one_of_the_hubs_approved_employers(student_request: ClientRequest) -> None:
    student = me(student_request)
    employer = _hub_employer(student, name="Manchester Museum")
    _hub_employer(student, name="Pending Ltd", status="pending")
    factories.create_employer(name="Another Hub Ltd")
    form = student_request.get("students.propose_own_placement")
    listed = [option.text for option in form.select("#employer option")]
    assert "Manchester Museum" in listed and "Pending Ltd" not in listed and "Another Hub Ltd" not in listed
    student_request.post(
        "students.propose_own_placement", _answers(employer=str(employer.id), employer_name="")
    )
    (placement,) = _placements()
    assert (placement.employer_id, placement.employer_name) == (employer.id, "Manchester Museum")


def test_an_employer_of_another_hub_cannot_be_picked(student_request: ClientRequest) -> None:
    elsewhere = factories.create_employer(name="Another Hub Ltd")
    page = student_request.post(
        "students.propose_own_placement", _answers(employer=str(elsewhere.id)), _expected_status=200
    )
    assert error_messages(page) == ["Select the employer, or that it is not listed"]
    assert _placements() == []


def test_proposal_answers_are_checked(student_request: ClientRequest) -> None:
    yesterday = london_today() - timedelta(days=1)
    page = student_request.post(
        "students.propose_own_placement",
        _answers(
            employer_name="",
            contact_email="not an address",
            postcode="ZZ99 9ZZ",
            start_date=_day(yesterday),
            end_date=_day(yesterday - timedelta(days=2)),
        ),
        _expected_status=200,
    )
    messages = error_messages(page)
    assert messages[0] == "Enter the name of the employer"
    assert "Enter an email address in the correct format, like name@example.com" in messages
    assert any("postcode" in message.lower() for message in messages)
    assert "Start date must be in the future" in messages
    assert "End date must be the same as or after the start date" in messages
    assert _placements() == []
    far = london_today().replace(year=9999)
    page = student_request.post(
        "students.propose_own_placement",
        _answers(start_date=_day(far), end_date=_day(far)),
        _expected_status=200,
    )
    assert "Start date must be within the next 2 years" in error_messages(page)


def test_students_under_18_cannot_propose_more_than_8_hours_a_day(student_request: ClientRequest) -> None:
    student = me(student_request)
    student.date_of_birth = start() - timedelta(days=365 * 17)
    db.session.commit()
    page = student_request.post(
        "students.propose_own_placement", _answers(hours_per_day="9"), _expected_status=200
    )
    assert error_messages(page)[0].startswith("Hours a day must be 8 or fewer, as you are under 18")


def test_students_under_16_may_do_8_hours_a_day_for_a_week_and_no_more(
    student_request: ClientRequest,
) -> None:
    week = {"end_date": _day(start() + timedelta(days=6))}
    page = student_request.post(
        "students.propose_own_placement", _answers(hours_per_day="8.5", **week), _expected_status=200
    )
    assert error_messages(page)[0].startswith("Hours a day must be 8 or fewer, as you are under 16")
    student_request.post("students.propose_own_placement", _answers(hours_per_day="8", **week))
    assert len(_placements()) == 1  # 8 a day is 40 in any 5 days: the limit, not over it


def test_adults_may_propose_up_to_12_hours(student_request: ClientRequest) -> None:
    student = me(student_request)
    student.date_of_birth = start() - timedelta(days=365 * 19)
    db.session.commit()
    student_request.post("students.propose_own_placement", _answers(hours_per_day="10"))
    assert len(_placements()) == 1


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


def test_student_changes_a_proposal_when_asked_and_it_goes_back_to_the_careers_leader(
    student_request: ClientRequest,
) -> None:
    placement = _proposal(
        me(student_request), status="changes_requested", leader_note="Add the real postcode"
    )
    page = student_request.get("students.own_placement", placement_id=placement.id)
    assert "Add the real postcode" in page.select_one("#leader-note").text
    form = student_request.get("students.change_own_placement", placement_id=placement.id)
    assert form.select_one("#employer_name")["value"] == "Corner Vets"
    student_request.post(
        "students.change_own_placement", _answers(postcode="M13 9PL"), placement_id=placement.id
    )
    (changed,) = _placements()
    assert (changed.status, changed.postcode) == ("proposed", "M13 9PL")


def test_student_withdraws_before_a_decision_but_not_after(student_request: ClientRequest) -> None:
    student = me(student_request)
    waiting = _proposal(student)
    approved = _proposal(student, status="approved")
    page = student_request.post(
        "students.withdraw_own_placement", {}, _follow=True, _expected_status=200, placement_id=waiting.id
    )
    assert "You have withdrawn this placement" in banner(page)
    page = student_request.post(
        "students.withdraw_own_placement", {}, _follow=True, _expected_status=200, placement_id=approved.id
    )
    assert "decided already" in banner(page)
    assert [placement.status for placement in _placements()] == ["withdrawn", "approved"]
    student_request.post("students.change_own_placement", _answers(), placement_id=approved.id)
    assert _placements()[1].postcode == "M1 1AD"


def test_the_list_shows_my_proposals_and_their_status(student_request: ClientRequest) -> None:
    student = me(student_request)
    _proposal(student, role="Vet nurse", status="approved")
    _proposal(factories.create_student(), role="Someone else's")
    page = student_request.get("students.own_placements")
    text = page.select_one("#own-placements").text
    assert "Vet nurse" in text and "Approved" in text and "Someone else's" not in page.text


def test_another_students_proposal_is_not_found(student_request: ClientRequest) -> None:
    placement = _proposal(factories.create_student())
    student_request.get("students.own_placement", _expected_status=404, placement_id=placement.id)
    student_request.get("students.change_own_placement", _expected_status=404, placement_id=placement.id)
    student_request.post(
        "students.change_own_placement", _answers(), _expected_status=404, placement_id=placement.id
    )
    student_request.post(
        "students.withdraw_own_placement", {}, _expected_status=404, placement_id=placement.id
    )
    assert _placements()[0].status == "proposed"


def test_self_found_opportunities_are_never_listed_to_students(student_request: ClientRequest) -> None:
    student = me(student_request)
    hub_opportunity(student, title="Open to all")
    self_found = hub_opportunity(student, title="Found by someone", self_found=True, capacity=1)
    page = student_request.get("students.opportunities")
    assert "Open to all" in page.text and "Found by someone" not in page.text
    student_request.get("students.opportunity", _expected_status=404, opportunity_id=self_found.id)


@pytest.mark.parametrize("role", ["careers_leader_request", "employer_request", "hub_admin_request"])
def test_other_roles_cannot_use_the_students_pages(role: str, request: pytest.FixtureRequest) -> None:
    client: ClientRequest = request.getfixturevalue(role)
    placement = _proposal(factories.create_student())
    client.get("students.own_placements", _expected_status=403)
    client.get("students.own_placement", _expected_status=403, placement_id=placement.id)
    client.post("students.propose_own_placement", _answers(), _expected_status=403)
    client.post("students.withdraw_own_placement", {}, _expected_status=403, placement_id=placement.id)
    assert len(_placements()) == 1
