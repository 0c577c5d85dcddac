"""The hub admin's overview: their own hub's schools, employers, opportunities and rounds, nobody else's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.pages import rows
from web.dao import hub as hub_dao
from web.extensions import db
from web.models import Allocation, Hub


def _hub_of(request: ClientRequest) -> Hub:
    return db.session.get(Hub, request.user.hub_id)  # type: ignore[attr-defined]


@pytest.mark.parametrize("role", ["careers_leader", "employer", "student"])
def test_other_roles_cannot_see_the_hub_overview(request: pytest.FixtureRequest, role: str) -> None:
    other = request.getfixturevalue(f"{role}_request")
    other.get("hub.overview", _expected_status=403)


def test_nobody_signed_in_is_sent_to_sign_in(client_request: ClientRequest) -> None:
    response = client_request.client.get(client_request.url("hub.overview"))
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_an_empty_hub_says_there_is_nothing_yet(hub_admin_request: ClientRequest) -> None:
    page = hub_admin_request.get("hub.overview")
    assert page.h1.text.strip() == _hub_of(hub_admin_request).name
    text = page.get_text(" ", strip=True)
    assert "No schools have joined this hub yet" in text
    assert "No matching rounds yet" in text
    assert "No employers have registered with this hub yet" in text


def test_schools_show_students_ranked_and_placed_counts(hub_admin_request: ClientRequest) -> None:
    hub = _hub_of(hub_admin_request)
    busy = factories.create_school(hub, name="Ashton Park Academy", urn="190001")
    factories.create_school(hub, name="Brook Vale High School", urn="190002")
    opportunity = factories.create_opportunity(factories.create_employer(hub), capacity=5)
    other_opportunity = factories.create_opportunity(factories.create_employer(hub), capacity=5)
    ranked_and_placed = factories.create_student(busy)
    ranked_only = factories.create_student(busy)
    factories.create_student(busy)
    factories.create_preference(ranked_and_placed, opportunity, rank=1)
    factories.create_preference(ranked_and_placed, other_opportunity, rank=2)
    factories.create_preference(ranked_only, opportunity, rank=1)
    round_ = factories.create_round(busy, status="succeeded")
    for student, status in [(ranked_and_placed, "accepted"), (ranked_only, "offered")]:
        db.session.add(
            Allocation(
                round_id=round_.id,
                student_id=student.id,
                opportunity_id=opportunity.id,
                score=1.0,
                status=status,
            )
        )
    db.session.commit()

    page = hub_admin_request.get("hub.overview")

    assert rows(page, "schools-table") == [
        ["Ashton Park Academy", "190001", "3", "2", "1"],
        ["Brook Vale High School", "190002", "0", "0", "0"],
    ]


def test_opportunities_are_counted_by_status_with_seats_and_seats_taken(
    hub_admin_request: ClientRequest,
) -> None:
    employer = factories.create_employer(_hub_of(hub_admin_request))
    factories.create_opportunity(employer, capacity=4, places_taken=3)
    factories.create_opportunity(employer, capacity=2, places_taken=0)
    factories.create_opportunity(employer, capacity=6, status="draft")

    listed = rows(hub_admin_request.get("hub.overview"), "opportunities-table")

    assert listed == [
        ["Draft", "1", "6", "0"],
        ["Submitted", "0", "0", "0"],
        ["Published", "2", "6", "3"],
        ["Closed", "0", "0", "0"],
    ]


def test_employers_are_counted_by_status_and_those_waiting_listed_oldest_first(
    hub_admin_request: ClientRequest,
) -> None:
    hub = _hub_of(hub_admin_request)
    factories.create_employer(hub, name="Acme Logistics", status="approved")
    catering = {"route": "catering-and-hospitality", "created_at": datetime(2026, 1, 5)}
    factories.create_employer(hub, name="Zest Kitchens", status="pending", **catering)
    factories.create_employer(hub, name="Early Bird", status="pending", created_at=datetime(2026, 1, 2))

    page = hub_admin_request.get("hub.overview")

    assert rows(page, "waiting-employers-table") == [
        ["Early Bird", "Digital", "M1 1AD", "2 January 2026"],
        ["Zest Kitchens", "Catering and hospitality", "M1 1AD", "5 January 2026"],
    ]
    counts = page.select("#employer-counts a")
    assert [link.text.strip() for link in counts] == ["2 pending", "1 approved", "0 suspended"]
    assert counts[0]["href"] == hub_admin_request.url("hub.employers", status="pending")


def test_rounds_show_the_latest_first_with_scope_and_status(hub_admin_request: ClientRequest) -> None:
    hub = _hub_of(hub_admin_request)
    school = factories.create_school(hub, name="Ashton Park Academy")
    factories.create_round(school, status="failed")
    factories.create_round(school, school_id=None, status="succeeded", kind="insight_day")

    listed = rows(hub_admin_request.get("hub.overview"), "rounds-table")

    assert [row[1:] for row in listed] == [
        ["Whole hub", "Insight day", "Optimal", "Succeeded"],
        ["Ashton Park Academy", "Every kind", "Optimal", "Failed"],
    ]


def test_another_hubs_schools_employers_opportunities_and_rounds_never_show(
    hub_admin_request: ClientRequest,
) -> None:
    mine = _hub_of(hub_admin_request)
    factories.create_school(mine, name="Our School")
    other = factories.create_hub(name="Lancashire Careers Hub", area="Lancashire")
    their_school = factories.create_school(other, name="Their Secret School", urn="999999")
    factories.create_student(their_school)
    their_employer = factories.create_employer(other, name="Their Secret Employer")
    factories.create_opportunity(their_employer, capacity=9, places_taken=7)
    factories.create_round(their_school, status="running")

    page = hub_admin_request.get("hub.overview")
    text = page.get_text(" ", strip=True)

    assert "Their Secret School" not in text
    assert "999999" not in text
    assert "Their Secret Employer" not in text
    assert "Lancashire" not in text
    assert [row[0] for row in rows(page, "schools-table")] == ["Our School"]
    assert ["Published", "0", "0", "0"] in rows(page, "opportunities-table")
    assert "No matching rounds yet" in text


def _schools(hub: Hub, n: int) -> None:
    for i in range(n):
        factories.create_school(hub, name=f"Academy {i:03}", urn=f"{190000 + i}")


def _names(page: Any, table: str = "schools-table") -> list[str]:
    return [row[0] for row in rows(page, table)]


def test_schools_are_shown_50_a_page_with_govuk_pagination(hub_admin_request: ClientRequest) -> None:
    _schools(_hub_of(hub_admin_request), 120)

    first = hub_admin_request.get("hub.overview")
    last = hub_admin_request.get("hub.overview", page=3)

    assert _names(first) == [f"Academy {i:03}" for i in range(50)]
    assert _names(last) == [f"Academy {i:03}" for i in range(100, 120)]
    assert "120 schools, showing 101 to 120" in last.select_one("#schools-table caption").text
    pages = first.select_one("nav.govuk-pagination")
    assert pages["aria-label"] == "Pages of schools"
    following = pages.select_one(".govuk-pagination__next a")["href"]
    assert following == hub_admin_request.url("hub.overview", page=2) + "#schools"
    # A page beyond the last is the last; anything but digits is the first.
    assert _names(hub_admin_request.get("hub.overview", page=99)) == _names(last)
    for nonsense in ("abc", "²", "-1", "0", "9" * 40):
        assert _names(hub_admin_request.get("hub.overview", page=nonsense))[0] == "Academy 000"


def test_schools_are_found_by_part_of_the_name_or_the_start_of_the_urn(
    hub_admin_request: ClientRequest,
) -> None:
    hub = _hub_of(hub_admin_request)
    _schools(hub, 60)
    factories.create_school(hub, name="Brook Vale High School", urn="105432")
    factories.create_school(hub, name="St Mary_s 100% Boys", urn="105999")
    factories.create_school(factories.create_hub(), name="Brookside Elsewhere", urn="106000")

    assert _names(hub_admin_request.get("hub.overview", q="  BROOK ")) == ["Brook Vale High School"]
    assert _names(hub_admin_request.get("hub.overview", q="1054")) == ["Brook Vale High School"]
    assert _names(hub_admin_request.get("hub.overview", q="100%")) == ["St Mary_s 100% Boys"]
    assert _names(hub_admin_request.get("hub.overview", q="_")) == ["St Mary_s 100% Boys"]
    found = hub_admin_request.get("hub.overview", q="academy 05")
    assert _names(found) == [f"Academy {i:03}" for i in range(50, 60)]
    assert "10 schools matching ‘academy 05’" in found.select_one("#schools-table caption").text
    nothing = hub_admin_request.get("hub.overview", q="nowhere")
    assert "No schools match ‘nowhere’" in nothing.select_one("#no-schools").text


def test_a_search_on_page_two_keeps_the_search_in_its_page_links(hub_admin_request: ClientRequest) -> None:
    _schools(_hub_of(hub_admin_request), 70)

    page = hub_admin_request.get("hub.overview", q="Academy", page=2)

    assert _names(page) == [f"Academy {i:03}" for i in range(50, 70)]
    previous = page.select_one(".govuk-pagination__prev a")["href"]
    assert previous == hub_admin_request.url("hub.overview", page=1, q="Academy") + "#schools"


def test_a_search_too_long_is_named_and_every_school_shown(hub_admin_request: ClientRequest) -> None:
    _schools(_hub_of(hub_admin_request), 3)

    page = hub_admin_request.get("hub.overview", q="x" * 101)

    assert "Search must be 100 characters or fewer" in page.select_one(".govuk-error-summary").text
    assert len(rows(page, "schools-table")) == 3


def test_a_page_of_schools_is_read_from_the_database_a_page_at_a_time(
    hub_admin_request: ClientRequest,
) -> None:
    hub = _hub_of(hub_admin_request)
    _schools(hub, 60)

    assert len(hub_dao.school_summaries(hub.id, "", 2, 50)) == 10
    assert hub_dao.count_schools(hub.id, "academy 00") == 10
