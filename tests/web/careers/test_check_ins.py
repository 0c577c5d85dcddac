"""Check-in calls and visits during one of the school's placements."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.pages import banner, error_messages, rows
from web.dates import london_today
from web.extensions import db
from web.models import Allocation, CheckIn, Hub, School


def today() -> date:
    return london_today()


def _placement(school: School, status: str = "confirmed") -> Allocation:
    student = factories.create_student(school, first_name="Priya", last_name="Shah")
    employer = factories.create_employer(db.session.get(Hub, school.hub_id), name="Northern Rail")
    opportunity = factories.create_opportunity(employer, title="Signalling week")
    match_round = factories.create_round(school, status="succeeded")
    return factories.create_allocation(match_round, student, opportunity, status=status)


def _answers(**overrides: object) -> dict[str, object]:
    return {
        "kind": "call",
        "on_date": [str(today().day), str(today().month), str(today().year)],
        "note": "Settling in well; supervisor happy.",
        **overrides,
    }


def _check_ins() -> list[CheckIn]:
    db.session.expire_all()
    return list(db.session.scalars(select(CheckIn)))


@pytest.mark.parametrize("status", ["accepted", "consented", "confirmed"])
def test_careers_leader_logs_a_check_in_and_sees_it(
    careers_leader_request: ClientRequest, status: str
) -> None:
    allocation = _placement(school_of(careers_leader_request), status)
    page = careers_leader_request.post(
        "careers.check_ins", _answers(), _follow=True, _expected_status=200, allocation_id=allocation.id
    )
    assert "Check-in saved" in banner(page)
    assert rows(page, "check-ins") == [
        [f"{today().day} {today():%B %Y}", "Phone or video call", "Settling in well; supervisor happy."]
    ]
    (check_in,) = _check_ins()
    assert (check_in.allocation_id, check_in.kind, check_in.created_by_id) == (
        allocation.id,
        "call",
        careers_leader_request.user.id,  # type: ignore[attr-defined]
    )


def test_a_double_submit_logs_one_check_in(careers_leader_request: ClientRequest) -> None:
    allocation = _placement(school_of(careers_leader_request))
    careers_leader_request.post("careers.check_ins", _answers(), allocation_id=allocation.id)
    page = careers_leader_request.post(
        "careers.check_ins", _answers(), _follow=True, _expected_status=200, allocation_id=allocation.id
    )
    assert "saved already" in banner(page)
    assert len(_check_ins()) == 1


def test_check_in_answers_are_checked(careers_leader_request: ClientRequest) -> None:
    allocation = _placement(school_of(careers_leader_request))
    tomorrow = today() + timedelta(days=1)
    page = careers_leader_request.post(
        "careers.check_ins",
        _answers(kind="email", on_date=[str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)], note=""),
        _expected_status=200,
        allocation_id=allocation.id,
    )
    assert error_messages(page) == [
        "Select whether it was a call or a visit",
        "Date must be today or in the past",
        "Enter a note of how it went",
    ]
    assert _check_ins() == []


def test_a_completed_placement_shows_its_check_ins_but_takes_no_more(
    careers_leader_request: ClientRequest,
) -> None:
    allocation = _placement(school_of(careers_leader_request), "completed")
    db.session.add(CheckIn(allocation_id=allocation.id, kind="visit", on_date=today(), note="Went well"))
    db.session.commit()
    page = careers_leader_request.get("careers.check_ins", allocation_id=allocation.id)
    assert "Went well" in page.text and page.select_one("#ended") is not None
    assert page.select_one("#save-check-in") is None
    careers_leader_request.post(
        "careers.check_ins", _answers(), _expected_status=200, allocation_id=allocation.id
    )
    assert len(_check_ins()) == 1


@pytest.mark.parametrize("status", ["proposed", "offered", "declined", "withdrawn"])
def test_no_check_ins_before_a_yes_or_after_it_was_undone(
    careers_leader_request: ClientRequest, status: str
) -> None:
    allocation = _placement(school_of(careers_leader_request), status)
    careers_leader_request.get("careers.check_ins", _expected_status=404, allocation_id=allocation.id)
    careers_leader_request.post(
        "careers.check_ins", _answers(), _expected_status=404, allocation_id=allocation.id
    )
    assert _check_ins() == []


def test_another_schools_placement_is_not_found(careers_leader_request: ClientRequest) -> None:
    allocation = _placement(factories.create_school())
    careers_leader_request.get("careers.check_ins", _expected_status=404, allocation_id=allocation.id)
    careers_leader_request.post(
        "careers.check_ins", _answers(), _expected_status=404, allocation_id=allocation.id
    )
    assert _check_ins() == []


def test_other_roles_cannot_log_check_ins(
    student_request: ClientRequest, employer_request: ClientRequest, hub_admin_request: ClientRequest
) -> None:
    allocation = _placement(factories.create_school())
    for request in (student_request, employer_request, hub_admin_request):
        request.get("careers.check_ins", _expected_status=403, allocation_id=allocation.id)
        request.post("careers.check_ins", _answers(), _expected_status=403, allocation_id=allocation.id)
    assert _check_ins() == []
