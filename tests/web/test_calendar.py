"""Calendar entries: the .ics text, and the student's own download."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr
from flask import Flask
from sqlalchemy import select

from tests.conftest import ClientRequest
from tests.web.employers.test_hosting import placement
from web import calendar
from web.extensions import db
from web.models import Allocation, Employer, Opportunity, User


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


def _parsed(text: str) -> icalendar.Event:
    """The one event in an .ics text, read by the icalendar library (a parser that is not ours)."""
    [event] = icalendar.Calendar.from_ical(text).walk("VEVENT")
    return event


def test_an_event_with_times_repeats_those_hours_each_day_in_london_time() -> None:
    text = calendar.event(
        "placement-1@placements",
        "Lab week",
        date(2027, 3, 26),
        date(2027, 3, 30),  # over the clocks going forward on 28 March
        arrive=time(9, 0),
        finish=time(16, 30),
    )
    event = _parsed(text)
    london = ZoneInfo("Europe/London")
    assert event.decoded("dtstart") == datetime(2027, 3, 26, 9, 0, tzinfo=london)
    assert event.decoded("dtend") == datetime(2027, 3, 26, 16, 30, tzinfo=london)
    assert event["rrule"]["FREQ"] == ["DAILY"] and event["rrule"]["COUNT"] == [5]
    # Each day starts at 9am on London's clock, before and after the change.
    assert [
        str(day) for day in rrulestr(event["rrule"].to_ical().decode(), dtstart=event.decoded("dtstart"))
    ] == [
        f"2027-03-{day} 09:00:00{offset}"
        for day, offset in (
            ("26", "+00:00"),
            ("27", "+00:00"),
            ("28", "+01:00"),
            ("29", "+01:00"),
            ("30", "+01:00"),
        )
    ]
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/London" in text


def test_an_event_on_one_day_with_times_does_not_repeat() -> None:
    event = _parsed(
        calendar.event(
            "u@p", "Insight day", date(2027, 3, 1), date(2027, 3, 1), arrive=time(10), finish=time(15)
        )
    )
    assert "rrule" not in event
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(hours=5)


def test_an_event_without_both_times_stays_all_day() -> None:
    event = _parsed(calendar.event("u@p", "Week", date(2027, 3, 1), date(2027, 3, 5), arrive=time(9)))
    assert event.decoded("dtstart") == date(2027, 3, 1) and event.decoded("dtend") == date(2027, 3, 6)


ON_THE_DAY = {
    "address": "Second floor, Cotton Works\nTib Street\nManchester",
    "arrival_time": time(9, 0),
    "finish_time": time(16, 30),
    "ask_for": "Priya Nair at reception",
    "dress_code": "Smart casual",
    "what_to_bring": "A notebook and pen",
    "lunch": "Bring a packed lunch",
    "travel": "Ten minutes from Piccadilly station; bike racks by the door",
}


def test_the_students_entry_carries_the_address_times_and_what_to_know(
    app: Flask, sign_in_as: object
) -> None:
    allocation = placement(status="confirmed", title="Bridge design week", **ON_THE_DAY)
    opportunity = db.session.get(Opportunity, allocation.opportunity_id)
    student = sign_in_as(_student_user(allocation.id))  # type: ignore[operator]
    response = student.client.get(student.url("students.placement_calendar", allocation_id=allocation.id))
    event = _parsed(response.get_data(as_text=True))
    assert str(event["location"]) == "Second floor, Cotton Works, Tib Street, Manchester, M1 1AD"
    london = ZoneInfo("Europe/London")
    assert event.decoded("dtstart") == datetime.combine(opportunity.start_date, time(9), tzinfo=london)
    assert event.decoded("dtend") == datetime.combine(opportunity.start_date, time(16, 30), tzinfo=london)
    assert event["rrule"]["COUNT"] == [5]
    assert str(event["description"]).splitlines() == [
        "Times: Arrive at 9am, finish at 4:30pm",
        "Who to ask for: Priya Nair at reception",
        "What to wear: Smart casual",
        "What to bring: A notebook and pen",
        "Lunch: Bring a packed lunch",
        "How to get there: Ten minutes from Piccadilly station; bike racks by the door",
    ]


def test_a_students_entry_without_details_is_all_day_at_the_postcode(app: Flask, sign_in_as: object) -> None:
    allocation = placement(status="accepted")
    student = sign_in_as(_student_user(allocation.id))  # type: ignore[operator]
    response = student.client.get(student.url("students.placement_calendar", allocation_id=allocation.id))
    event = _parsed(response.get_data(as_text=True))
    assert str(event["location"]) == "M1 1AD" and "description" not in event
    assert type(event.decoded("dtstart")) is date


def test_the_employers_entry_carries_the_full_address_and_times(employer_request: ClientRequest) -> None:
    employer = db.session.get(Employer, employer_request.user.employer_id)  # type: ignore[attr-defined]
    allocation = placement(employer, status="confirmed", **ON_THE_DAY)
    response = employer_request.client.get(
        employer_request.url("employers.placement_calendar", allocation_id=allocation.id)
    )
    event = _parsed(response.get_data(as_text=True))
    assert str(event["location"]).startswith("Second floor, Cotton Works")
    assert event.decoded("dtstart").time() == time(9)
