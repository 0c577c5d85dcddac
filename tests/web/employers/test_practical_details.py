"""The practical details for the day on the opportunity form: address, times, who to ask for, what to wear
and bring, lunch and travel."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.employers.test_opportunities import valid_form
from web.extensions import db
from web.models import AuditEvent, Employer, Opportunity, School

DETAILS = {
    "address": "Second floor, Cotton Works\r\nTib Street\r\nManchester",
    "arrival_time": "9:00",
    "finish_time": "16.30",
    "ask_for": "Priya Nair at reception",
    "dress_code": "Smart casual",
    "what_to_bring": "A notebook and pen\r\nPhoto ID",
    "lunch": "Bring a packed lunch",
    "travel": "Ten minutes from Piccadilly station",
}
SAVED = {
    "address": "Second floor, Cotton Works\nTib Street\nManchester",
    "arrival_time": time(9, 0),
    "finish_time": time(16, 30),
    "ask_for": "Priya Nair at reception",
    "dress_code": "Smart casual",
    "what_to_bring": "A notebook and pen\nPhoto ID",
    "lunch": "Bring a packed lunch",
    "travel": "Ten minutes from Piccadilly station",
}


def _own(request: ClientRequest, **overrides: Any) -> Opportunity:
    employer = db.session.get(Employer, request.user.employer_id)  # type: ignore[attr-defined]
    return factories.create_opportunity(employer, **overrides)


def _saved(opportunity_id: int) -> dict[str, Any]:
    db.session.expire_all()
    opportunity = db.session.get(Opportunity, opportunity_id)
    return {name: getattr(opportunity, name) for name in SAVED}


def _parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _summary(page: Any, list_id: str) -> dict[str, str]:
    return {
        " ".join(row.dt.text.split()): " ".join(row.dd.get_text(" ").split())
        for row in page.select(f"#{list_id} .govuk-summary-list__row")
    }


def test_an_employer_saves_the_details_for_the_day_and_sees_them(employer_request: ClientRequest) -> None:
    page = employer_request.post("employers.new_opportunity", valid_form(**DETAILS))
    opportunity = db.session.scalar(select(Opportunity))
    assert _saved(opportunity.id) == SAVED
    view = employer_request.get("employers.opportunity", opportunity_id=opportunity.id)
    assert page.location.endswith(f"/{opportunity.id}")
    assert _summary(view, "on-the-day") == {
        "Times": "Arrive at 9am, finish at 4:30pm",
        "Who to ask for": "Priya Nair at reception",
        "What to wear": "Smart casual",
        "What to bring": "A notebook and pen Photo ID",
        "Lunch": "Bring a packed lunch",
        "How to get there": "Ten minutes from Piccadilly station",
    }
    where = view.find("dt", string=lambda text: text and text.strip() == "Where").find_next("dd")
    assert [line.strip() for line in where.stripped_strings] == [
        "Second floor, Cotton Works",
        "Tib Street",
        "Manchester",
        "M1 1AD",
    ]


def test_details_not_given_are_shown_to_the_employer_as_not_given(employer_request: ClientRequest) -> None:
    opportunity = _own(employer_request)
    view = employer_request.get("employers.opportunity", opportunity_id=opportunity.id)
    shown = _summary(view, "on-the-day")
    assert set(shown.values()) == {"Not given"} and "What to bring" in shown


def test_the_details_can_be_added_once_a_student_has_accepted_and_are_shown_back(
    employer_request: ClientRequest,
) -> None:
    opportunity = _own(employer_request, places_taken=1, hours_per_day=7)
    student = factories.create_student()
    match_round = factories.create_round(db.session.get(School, student.school_id))
    factories.create_allocation(match_round, student, opportunity, status="confirmed")
    form = valid_form(
        **DETAILS,
        capacity="2",
        start_date=_parts(opportunity.start_date),
        end_date=_parts(opportunity.end_date),
        hours_per_day="7",
    )
    # Nothing the student was told of (dates, hours, place) changed, so it saves straight away.
    employer_request.post("employers.edit_opportunity", form, opportunity_id=opportunity.id)
    assert _saved(opportunity.id) == SAVED
    page = employer_request.get("employers.edit_opportunity", opportunity_id=opportunity.id)
    assert page.select_one("input#arrival_time")["value"] == "09:00"
    assert page.select_one("input#finish_time")["value"] == "16:30"
    assert page.select_one("textarea#what_to_bring").text.strip() == "A notebook and pen\nPhoto ID"


def test_a_remote_opportunity_keeps_no_address(employer_request: ClientRequest) -> None:
    employer_request.post("employers.new_opportunity", valid_form(**DETAILS, location="remote"))
    opportunity = db.session.scalar(select(Opportunity))
    assert opportunity.address == "" and opportunity.arrival_time == time(9, 0)


BAD_DETAILS = [
    ({"arrival_time": "9am"}, "arrival_time", "Arrival time must be a real time on the 24-hour clock"),
    ({"arrival_time": "25:00"}, "arrival_time", "Arrival time must be a real time on the 24-hour clock"),
    ({"finish_time": "16:60"}, "finish_time", "Finish time must be a real time on the 24-hour clock"),
    ({"finish_time": "1630"}, "finish_time", "Finish time must be a real time on the 24-hour clock"),
    ({"finish_time": "9" * 5000}, "finish_time", "Finish time must be a real time on the 24-hour clock"),
    ({"finish_time": "08:30"}, "finish_time", "Finish time must be after the arrival time"),
    ({"finish_time": "09:00"}, "finish_time", "Finish time must be after the arrival time"),
    (
        {"finish_time": "15:00"},
        "finish_time",
        "Finish time must be at least 7.5 hours after the arrival time, as the placement is 7.5 hours a day",
    ),
    ({"address": "x" * 301}, "address", "Full address must be 300 characters or fewer"),
    ({"ask_for": "x" * 201}, "ask_for", "Who to ask for must be 200 characters or fewer"),
    ({"dress_code": "x" * 501}, "dress_code", "What to wear must be 500 characters or fewer"),
    ({"what_to_bring": "x" * 1001}, "what_to_bring", "What to bring must be 1000 characters or fewer"),
    ({"lunch": "x" * 501}, "lunch", "Lunch must be 500 characters or fewer"),
    ({"travel": "x" * 1001}, "travel", "How to get there must be 1000 characters or fewer"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_DETAILS)
def test_a_bad_detail_names_the_field_and_saves_nothing(
    employer_request: ClientRequest, overrides: dict[str, Any], field: str, message: str
) -> None:
    page = employer_request.post(
        "employers.new_opportunity", valid_form(**{**DETAILS, **overrides}), _expected_status=200
    )
    assert page.title.text.startswith("Error: ")
    links = {link["href"]: link.text.strip() for link in page.select(".govuk-error-summary a")}
    assert list(links) == [f"#{field}"] and message in links[f"#{field}"]
    assert db.session.scalar(select(func.count()).select_from(Opportunity)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_bad_time_on_a_change_saves_nothing_and_keeps_what_was_typed(
    employer_request: ClientRequest,
) -> None:
    opportunity = _own(employer_request, status="draft")
    page = employer_request.post(
        "employers.edit_opportunity",
        valid_form(**{**DETAILS, "arrival_time": "half nine"}),
        opportunity_id=opportunity.id,
        _expected_status=200,
    )
    assert page.select_one("input#arrival_time")["value"] == "half nine"
    assert {link["href"] for link in page.select(".govuk-error-summary a")} == {"#arrival_time"}
    saved = _saved(opportunity.id)
    assert saved["address"] == "" and saved["arrival_time"] is None and saved["ask_for"] == ""


def test_another_employer_cannot_change_the_details(employer_request: ClientRequest) -> None:
    theirs = factories.create_opportunity(status="published")
    page = employer_request.post(
        "employers.edit_opportunity", valid_form(**DETAILS), opportunity_id=theirs.id, _expected_status=404
    )
    assert "Page not found" in page.h1.text
    saved = _saved(theirs.id)
    assert saved["address"] == "" and saved["arrival_time"] is None and saved["what_to_bring"] == ""
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_the_form_asks_each_detail_with_a_label(employer_request: ClientRequest) -> None:
    page = employer_request.get("employers.new_opportunity")
    form = page.select_one("main form")
    for name in SAVED:
        assert form.select_one(f"label[for='{name}']"), name
    # The full address is asked with the workplace's postcode, only for a workplace.
    assert form.select_one("#conditional-location #address")
