"""Calendar entries: the .ics text, and the student's own download."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import ClientRequest
from tests.web.employers.test_hosting import placement
from web import calendar
from web.extensions import db
from web.models import Allocation, User


def test_an_event_is_rfc_5545_all_day_with_an_exclusive_end() -> None:
    text = calendar.event(
        "placement-1@placements",
        "Lab week, day; one\\two\nthree",
        date(2027, 3, 1),
        date(2027, 3, 5),
        location="M1 1AD",
        stamp=datetime(2027, 1, 2, 3, 4, 5),
    )
    lines = text.split("\r\n")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert "UID:placement-1@placements" in lines
    assert "DTSTAMP:20270102T030405Z" in lines
    assert "DTSTART;VALUE=DATE:20270301" in lines
    assert "DTEND;VALUE=DATE:20270306" in lines
    assert "SUMMARY:Lab week\\, day\\; one\\\\two\\nthree" in lines
    assert "LOCATION:M1 1AD" in lines


def test_long_lines_are_folded_at_75_octets_without_splitting_a_character() -> None:
    text = calendar.event("u@p", "é" * 100, date(2027, 3, 1), date(2027, 3, 1))
    for line in text.split("\r\n"):
        assert len(line.encode()) <= 75
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:" + "é" * 100 + "\r\n" in unfolded


def _student_user(allocation_id: int) -> object:
    """The placement's student's account (the placement factory gives them one)."""
    allocation = db.session.get(Allocation, allocation_id)
    return db.session.scalar(select(User).where(User.student_id == allocation.student_id))


@pytest.mark.parametrize("status", ["accepted", "consented", "confirmed", "completed"])
def test_a_student_downloads_their_own_placement_after_saying_yes(
    app: Flask, sign_in_as: object, status: str
) -> None:
    allocation = placement(status=status, title="Bridge design week")
    student = sign_in_as(_student_user(allocation.id))  # type: ignore[operator]
    response = student.client.get(student.url("students.placement_calendar", allocation_id=allocation.id))
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    assert "SUMMARY:Bridge design week at Employer" in text
    assert "attachment" in response.headers["Content-Disposition"]


@pytest.mark.parametrize("status", ["proposed", "offered", "declined", "withdrawn", "employer_declined"])
def test_no_calendar_entry_before_a_yes_or_after_it_ended(
    app: Flask, sign_in_as: object, status: str
) -> None:
    allocation = placement(status=status)
    student = sign_in_as(_student_user(allocation.id))  # type: ignore[operator]
    student.get("students.placement_calendar", _expected_status=404, allocation_id=allocation.id)


def test_another_students_placement_is_not_found(student_request: ClientRequest) -> None:
    theirs = placement(status="confirmed")
    student_request.get("students.placement_calendar", _expected_status=404, allocation_id=theirs.id)


@pytest.mark.parametrize("role", ["hub_admin_request", "careers_leader_request", "employer_request"])
def test_other_roles_cannot_use_the_students_download(
    app: Flask, request: pytest.FixtureRequest, role: str
) -> None:
    client: ClientRequest = request.getfixturevalue(role)
    allocation = placement(status="confirmed")
    client.get("students.placement_calendar", _expected_status=403, allocation_id=allocation.id)


def test_the_last_day_there_is_still_makes_a_calendar_entry() -> None:
    text = calendar.event("uid@test", "Long placement", date(9999, 12, 30), date.max)
    assert "DTSTART;VALUE=DATE:99991230\r\n" in text and "DTEND;VALUE=DATE:99991231\r\n" in text
