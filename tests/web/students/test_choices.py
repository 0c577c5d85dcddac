"""Opportunities open to the student, and their up to six ranked choices."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.pages import banner, rows
from tests.web.students.helpers import cards, hub_opportunity, me
from web.extensions import db
from web.models import Hub, Opportunity, Preference, School, Student


def _ranks(student: Student) -> list[tuple[int, int]]:
    """(rank, opportunity id) of the student's choices, in rank order."""
    db.session.expire_all()
    query = select(Preference.rank, Preference.opportunity_id).where(Preference.student_id == student.id)
    return [
        (rank, opportunity_id) for rank, opportunity_id in db.session.execute(query.order_by(Preference.rank))
    ]


def test_the_list_shows_open_opportunities_with_their_details(student_request: ClientRequest) -> None:
    student = me(student_request)
    start = date.today() + timedelta(days=30)
    hub_opportunity(
        student,
        title="Nursing insight day",
        kind="insight_day",
        route="health-and-science",
        pathway="academic",
        postcode="M13 9WL",
        start_date=start,
        end_date=start,
    )
    hub_opportunity(student, title="Remote coding mentor", kind="mentoring", remote=True, postcode=None)
    page = student_request.get("students.opportunities")
    listed = {card["title"]: card for card in cards(page)}
    assert set(listed) == {"Nursing insight day", "Remote coding mentor"}
    nursing = listed["Nursing insight day"]["details"]
    assert (nursing["Kind"], nursing["Area of work"], nursing["Pathway"]) == (
        "Insight day",
        "Health and science",
        "Academic (A levels, degrees)",
    )
    assert nursing["Where"] == "M13"  # the district only, never the full postcode
    assert "M13 9WL" not in page.text
    assert listed["Remote coding mentor"]["details"]["Where"] == "Remote"


def test_the_list_leaves_out_what_the_student_cannot_choose(student_request: ClientRequest) -> None:
    student = me(student_request)
    hub_opportunity(student, title="Open to you")
    hub_opportunity(student, title="A draft", status="draft")
    hub_opportunity(student, title="Closed", status="closed")
    hub_opportunity(student, title="For sixth formers", year_groups=[12, 13])
    hub_opportunity(student, title="Over 16s", min_age=16)
    past = date.today() - timedelta(days=10)
    hub_opportunity(student, title="Already over", start_date=past - timedelta(days=4), end_date=past)
    factories.create_opportunity(title="Another hub's place")
    suspended = factories.create_employer(
        db.session.get(Hub, db.session.get(School, student.school_id).hub_id),
        status="suspended",
    )
    factories.create_opportunity(suspended, title="Suspended employer")
    titles = [card["title"] for card in cards(student_request.get("students.opportunities"))]
    assert titles == ["Open to you"]


def test_an_empty_list_says_so(student_request: ClientRequest) -> None:
    page = student_request.get("students.opportunities")
    assert "There are no opportunities open to you" in page.select_one("#opportunities").text


def test_the_detail_page_shows_the_opportunity_and_an_add_button(student_request: ClientRequest) -> None:
    opportunity = hub_opportunity(me(student_request), title="Bake with us", description="Bread and cakes.")
    page = student_request.get("students.opportunity", opportunity_id=opportunity.id)
    assert page.h1.text.strip() == "Bake with us"
    assert "Bread and cakes." in page.text
    assert page.select_one("main form button").text.strip() == "Add to my choices"


def test_the_detail_page_gives_hours_as_people_write_them(student_request: ClientRequest) -> None:
    opportunity = hub_opportunity(me(student_request), hours_per_day=Decimal("7"))
    page = student_request.get("students.opportunity", opportunity_id=opportunity.id)
    hours = next(row for row in page.select(".govuk-summary-list__row") if "Hours a day" in row.text)
    assert hours.select_one(".govuk-summary-list__value").text.strip() == "7"


@pytest.mark.parametrize(
    "overrides", [{"status": "draft"}, {"year_groups": [7]}, {"status": "closed"}], ids=str
)
def test_the_detail_page_of_an_opportunity_not_open_to_the_student_is_not_found(
    student_request: ClientRequest, overrides: dict[str, object]
) -> None:
    opportunity = hub_opportunity(me(student_request), **overrides)
    student_request.get("students.opportunity", _expected_status=404, opportunity_id=opportunity.id)


def test_adding_a_choice_puts_it_last_and_marks_it_in_the_list(student_request: ClientRequest) -> None:
    student = me(student_request)
    first, second = hub_opportunity(student, title="First"), hub_opportunity(student, title="Second")
    student_request.post("students.add_choice", opportunity_id=first.id)
    page = student_request.post(
        "students.add_choice", opportunity_id=second.id, _follow=True, _expected_status=200
    )
    assert "Second has been added to your choices" in banner(page)
    assert _ranks(student) == [(1, first.id), (2, second.id)]
    listed = cards(student_request.get("students.opportunities"))
    assert len(listed) == 2 and all(card["chosen"] for card in listed)
    detail = student_request.get("students.opportunity", opportunity_id=first.id)
    assert "This is in your choices" in detail.text
    assert detail.select_one("main form") is None


def test_adding_a_seventh_choice_is_refused_with_a_message(student_request: ClientRequest) -> None:
    student = me(student_request)
    chosen = [hub_opportunity(student) for _ in range(6)]
    for rank, opportunity in enumerate(chosen, start=1):
        factories.create_preference(student, opportunity, rank)
    seventh = hub_opportunity(student)
    page = student_request.post(
        "students.add_choice", opportunity_id=seventh.id, _follow=True, _expected_status=200
    )
    assert "You already have 6 choices. Remove one before you add another" in banner(page)
    assert _ranks(student) == [(rank, o.id) for rank, o in enumerate(chosen, start=1)]


def test_adding_the_same_choice_twice_is_refused_with_a_message(student_request: ClientRequest) -> None:
    student = me(student_request)
    opportunity = hub_opportunity(student)
    factories.create_preference(student, opportunity, 1)
    page = student_request.post(
        "students.add_choice", opportunity_id=opportunity.id, _follow=True, _expected_status=200
    )
    assert "This opportunity is already in your choices" in banner(page)
    assert _ranks(student) == [(1, opportunity.id)]


@pytest.mark.parametrize(
    "make",
    [
        lambda student: hub_opportunity(student, status="draft").id,
        lambda student: hub_opportunity(student, year_groups=[12]).id,
        lambda student: factories.create_opportunity().id,  # another hub's
        lambda student: 999999,  # no such opportunity
    ],
    ids=["unpublished", "other year group", "other hub", "unknown"],
)
def test_adding_an_opportunity_the_student_cannot_choose_gives_a_message(
    student_request: ClientRequest, make: object
) -> None:
    student = me(student_request)
    opportunity_id = make(student)  # type: ignore[operator]
    page = student_request.post(
        "students.add_choice", opportunity_id=opportunity_id, _follow=True, _expected_status=200
    )
    assert "You cannot choose this opportunity" in banner(page)
    assert _ranks(student) == []


def _three_choices(student: Student) -> list[Opportunity]:
    chosen = [hub_opportunity(student, title=f"Choice {n}") for n in (1, 2, 3)]
    for rank, opportunity in enumerate(chosen, start=1):
        factories.create_preference(student, opportunity, rank)
    return chosen


def test_the_choices_page_lists_choices_in_order_with_buttons(student_request: ClientRequest) -> None:
    student = me(student_request)
    _three_choices(student)
    page = student_request.get("students.choices")
    listed = rows(page, "choices", cells="td")
    assert [row[0] for row in listed] == ["1", "2", "3"]
    assert [row[1].split(" ")[:2] for row in listed] == [["Choice", "1"], ["Choice", "2"], ["Choice", "3"]]
    buttons = [
        [b.get_text(" ").split(" Choice")[0].strip() for b in row.select("button")]
        for row in page.select("#choices tbody tr")
    ]
    assert buttons == [["Move down", "Remove"], ["Move up", "Move down", "Remove"], ["Move up", "Remove"]]


def test_moving_a_choice_up_and_down_keeps_ranks_one_to_n(student_request: ClientRequest) -> None:
    student = me(student_request)
    a, b, c = _three_choices(student)
    student_request.post("students.move_choice_up", opportunity_id=c.id)
    assert _ranks(student) == [(1, a.id), (2, c.id), (3, b.id)]
    student_request.post("students.move_choice_down", opportunity_id=a.id)
    assert _ranks(student) == [(1, c.id), (2, a.id), (3, b.id)]
    student_request.post("students.move_choice_up", opportunity_id=c.id)  # already first: stays
    student_request.post("students.move_choice_down", opportunity_id=b.id)  # already last: stays
    assert _ranks(student) == [(1, c.id), (2, a.id), (3, b.id)]


def test_removing_a_choice_closes_the_gap(student_request: ClientRequest) -> None:
    student = me(student_request)
    a, b, c = _three_choices(student)
    page = student_request.post(
        "students.remove_choice", opportunity_id=b.id, _follow=True, _expected_status=200
    )
    assert "removed from your choices" in banner(page)
    assert _ranks(student) == [(1, a.id), (2, c.id)]
    fourth = hub_opportunity(student)
    student_request.post("students.add_choice", opportunity_id=fourth.id)
    assert _ranks(student) == [(1, a.id), (2, c.id), (3, fourth.id)]


@pytest.mark.parametrize(
    "endpoint", ["students.move_choice_up", "students.move_choice_down", "students.remove_choice"]
)
def test_changing_a_choice_the_student_does_not_have_gives_a_message(
    student_request: ClientRequest, endpoint: str
) -> None:
    student = me(student_request)
    a, b, c = _three_choices(student)
    stranger = hub_opportunity(student)
    page = student_request.post(endpoint, opportunity_id=stranger.id, _follow=True, _expected_status=200)
    assert "That opportunity is not in your choices" in banner(page)
    assert _ranks(student) == [(1, a.id), (2, b.id), (3, c.id)]


def test_a_choice_that_has_closed_stays_listed_and_can_be_removed(student_request: ClientRequest) -> None:
    student = me(student_request)
    a, b, _ = _three_choices(student)
    b.status = "closed"
    db.session.commit()
    page = student_request.get("students.choices")
    assert "No longer open" in rows(page, "choices", cells="td")[1][1]
    student_request.post("students.remove_choice", opportunity_id=b.id)
    assert [rank for rank, _ in _ranks(student)] == [1, 2]


def test_no_choices_yet_says_so(student_request: ClientRequest) -> None:
    page = student_request.get("students.choices")
    assert "You have not chosen any yet" in page.select_one("#choices").text
