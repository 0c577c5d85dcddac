"""The practical details for the day (full address, times, who to ask for...) reach a student only once they
have said yes to the placement."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest

from tests.conftest import ClientRequest
from tests.web.students.helpers import create_offer, hub_opportunity, me
from web.models import Student

DETAILS = {
    "postcode": "M4 1HN",
    "address": "Second floor, Cotton Works\nTib Street\nManchester",
    "arrival_time": time(9, 0),
    "finish_time": time(16, 30),
    "ask_for": "Priya Nair at reception",
    "dress_code": "Smart casual, no trainers",
    "what_to_bring": "A notebook and pen\nPhoto ID",
    "lunch": "Lunch is provided",
    "travel": "Ten minutes from Piccadilly station",
}
# What only a student who said yes may read.
PRIVATE = ["Cotton Works", "Tib Street", "M4 1HN", "Priya Nair", "no trainers", "Photo ID", "Lunch is", "9am"]


def _opportunity(student: Student, **overrides: Any) -> Any:
    return hub_opportunity(student, **{**DETAILS, **overrides})


def _text(page: Any) -> str:
    return " ".join(page.get_text(" ").split())


@pytest.mark.parametrize("status", ["accepted", "consented", "confirmed", "completed"])
def test_a_student_who_said_yes_sees_the_full_address_and_the_details_for_the_day(
    student_request: ClientRequest, status: str
) -> None:
    student = me(student_request)
    allocation = create_offer(student, _opportunity(student), status=status)
    page = student_request.get("students.offer", allocation_id=allocation.id)
    where = page.find("dt", string=lambda text: text and text.strip() == "Where").find_next("dd")
    assert list(where.stripped_strings) == [
        "Second floor, Cotton Works",
        "Tib Street",
        "Manchester",
        "M4 1HN",
    ]
    rows = {
        " ".join(row.dt.text.split()): " ".join(row.dd.get_text(" ").split())
        for row in page.select("#on-the-day .govuk-summary-list__row")
    }
    assert rows == {
        "Times": "Arrive at 9am, finish at 4:30pm",
        "Who to ask for": "Priya Nair at reception",
        "What to wear": "Smart casual, no trainers",
        "What to bring": "A notebook and pen Photo ID",
        "Lunch": "Lunch is provided",
        "How to get there": "Ten minutes from Piccadilly station",
    }


@pytest.mark.parametrize("status", ["offered", "declined", "expired", "withdrawn", "employer_declined"])
def test_an_offer_not_said_yes_to_shows_only_the_postcode_district(
    student_request: ClientRequest, status: str
) -> None:
    student = me(student_request)
    allocation = create_offer(student, _opportunity(student), status=status)
    page = student_request.get("students.offer", allocation_id=allocation.id)
    text = _text(page)
    assert "M4" in page.select_one("#details").text
    for private in PRIVATE:
        assert private not in text, private
    assert page.select_one("#on-the-day") is None


def test_the_details_appear_once_the_student_accepts(student_request: ClientRequest) -> None:
    student = me(student_request)
    allocation = create_offer(student, _opportunity(student, capacity=2))
    assert "Priya Nair" not in _text(student_request.get("students.offer", allocation_id=allocation.id))
    page = student_request.post(
        "students.accept_offer", allocation_id=allocation.id, _follow=True, _expected_status=200
    )
    text = _text(page)
    assert "You have accepted this placement" in text
    for private in PRIVATE:
        assert private in text, private


def test_the_opportunity_listing_never_shows_the_details(student_request: ClientRequest) -> None:
    student = me(student_request)
    opportunity = _opportunity(student)
    create_offer(student, opportunity, status="accepted")
    text = _text(student_request.get("students.opportunity", opportunity_id=opportunity.id))
    for private in PRIVATE:
        assert private not in text, private


def test_a_student_who_said_yes_is_told_when_the_employer_has_given_no_details(
    student_request: ClientRequest,
) -> None:
    student = me(student_request)
    opportunity = hub_opportunity(student, postcode="M4 1HN")
    allocation = create_offer(student, opportunity, status="accepted")
    page = student_request.get("students.offer", allocation_id=allocation.id)
    assert "has not added details for the day yet" in page.select_one("#on-the-day").text
    # With no address given, the full postcode is where to go.
    assert "M4 1HN" in page.select_one("#details").text


def test_what_the_employer_typed_is_shown_as_text_never_as_markup(student_request: ClientRequest) -> None:
    student = me(student_request)
    opportunity = _opportunity(student, address="<b>Cotton Works</b>\nTib Street", lunch="<script>x</script>")
    allocation = create_offer(student, opportunity, status="accepted")
    response = student_request.client.get(student_request.url("students.offer", allocation_id=allocation.id))
    html = response.get_data(as_text=True)
    assert "&lt;b&gt;Cotton Works&lt;/b&gt;<br>Tib Street" in html
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
