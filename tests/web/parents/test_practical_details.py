"""The parent's consent page shows the practical details for the day the employer gave."""

from __future__ import annotations

from datetime import time
from typing import Any

from bs4 import BeautifulSoup

from tests.conftest import ClientRequest
from tests.web.parents.helpers import accepted, emailed_link
from web.extensions import db
from web.models import Opportunity

NO_LIST = "The employer has not given a separate list of what to bring"


def _with_details(allocation: Any, **details: Any) -> None:
    opportunity = db.session.get(Opportunity, allocation.opportunity_id)
    for name, value in details.items():
        setattr(opportunity, name, value)
    db.session.commit()


def _page(request: ClientRequest) -> BeautifulSoup:
    response = request.client.get(emailed_link())
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_the_parent_sees_the_address_times_and_what_to_bring(client_request: ClientRequest) -> None:
    allocation = accepted()
    _with_details(
        allocation,
        address="Second floor, Cotton Works\nTib Street\nManchester M1 1AD",
        arrival_time=time(8, 45),
        finish_time=time(15, 45),
        ask_for="Priya Nair at reception",
        dress_code="Smart casual",
        what_to_bring="Photo ID\nA packed lunch",
        lunch="Eaten in the staff kitchen",
        travel="Ten minutes from Piccadilly station",
    )
    page = _page(client_request)
    where = page.select_one("#placement").find("dt", string=lambda text: text and "Where" in text)
    # The postcode is in the address already, so it is not added again.
    assert list(where.find_next("dd").stripped_strings) == [
        "Second floor, Cotton Works",
        "Tib Street",
        "Manchester M1 1AD",
    ]
    rows = {
        " ".join(row.dt.text.split()): " ".join(row.dd.get_text(" ").split())
        for row in page.select("#on-the-day .govuk-summary-list__row")
    }
    assert rows == {
        "Times": "Arrive at 8:45am, finish at 3:45pm",
        "Who to ask for": "Priya Nair at reception",
        "What to wear": "Smart casual",
        "What to bring": "Photo ID A packed lunch",
        "Lunch": "Eaten in the staff kitchen",
        "How to get there": "Ten minutes from Piccadilly station",
    }
    assert NO_LIST not in page.text


def test_without_a_list_of_what_to_bring_the_parent_is_told_so(client_request: ClientRequest) -> None:
    allocation = accepted()
    _with_details(allocation, ask_for="Priya Nair at reception")
    page = _page(client_request)
    assert NO_LIST in page.text
    assert "What to bring" not in page.select_one("#on-the-day").text
    assert "M1 1AD" in page.select_one("#placement").text  # the postcode, with no address given


def test_with_no_details_the_parent_is_told_to_ask_the_school(client_request: ClientRequest) -> None:
    accepted()
    page = _page(client_request)
    assert "has not added details for the day yet" in page.select_one("#on-the-day").text
