"""The student's opportunities list: those that suit them first with plain reasons, filters and pages."""

from __future__ import annotations

from datetime import date, timedelta

from tests.conftest import ClientRequest
from tests.web.pages import error_messages
from tests.web.students.helpers import cards, hub_opportunity, me
from web.extensions import db
from web.models import School


def _titles(request: ClientRequest, **args: object) -> list[str]:
    return [card["title"] for card in cards(request.get("students.opportunities", **args))]


def test_the_places_that_suit_the_student_come_first_with_plain_reasons(
    student_request: ClientRequest,
) -> None:
    student = me(student_request)
    student.routes = ["construction-and-the-built-environment"]
    student.pathway_interest = "technical"
    db.session.commit()
    soon = date.today() + timedelta(days=20)
    # Soonest first was the old order: the one that suits least starts first.
    hub_opportunity(
        student,
        title="Far office day",
        route="business-and-administration",
        pathway="academic",
        postcode="BL1 1RU",
        start_date=soon,
        end_date=soon,
    )
    hub_opportunity(
        student,
        title="Site visit",
        route="construction-and-the-built-environment",
        pathway="technical",
        postcode="M14 6HR",
    )
    hub_opportunity(
        student,
        title="Nearby office day",
        route="business-and-administration",
        pathway="academic",
        postcode="M14 6HR",
    )
    page = student_request.get("students.opportunities")
    listed = cards(page)
    assert [card["title"] for card in listed] == ["Site visit", "Nearby office day", "Far office day"]
    assert listed[0]["reasons"] == [
        "Matches your interest in construction and the built environment",
        "About 1 km from home",
        "Fits your interest in T Levels and apprenticeships",
    ]
    assert listed[2]["reasons"][0].startswith("About ") and listed[2]["reasons"][0].endswith(" km from home")
    # Technical and academic places are shown alike: the same card, the same plain pathway words.
    assert listed[0]["details"]["Pathway"] == "Technical (T Levels, apprenticeships)"
    assert listed[1]["details"]["Pathway"] == "Academic (A levels, degrees)"


def test_filters_narrow_the_list_by_kind_area_distance_dates_and_words(
    student_request: ClientRequest,
) -> None:
    student = me(student_request)  # lives at M14 5TP
    start = date.today() + timedelta(days=40)
    hub_opportunity(
        student,
        title="Mentor online",
        kind="mentoring",
        remote=True,
        postcode=None,
        start_date=start,
        end_date=start,
    )
    hub_opportunity(
        student,
        title="Bakery week",
        route="catering-and-hospitality",
        postcode="M14 6HR",
        description="Bread and cakes",
        start_date=start,
        end_date=start,
    )
    hub_opportunity(
        student,
        title="Bolton office",
        route="business-and-administration",
        postcode="BL1 1RU",
        start_date=start + timedelta(days=30),
        end_date=start + timedelta(days=31),
    )
    assert _titles(student_request, kind="mentoring") == ["Mentor online"]
    assert _titles(student_request, route="catering-and-hospitality") == ["Bakery week"]
    assert set(_titles(student_request, distance="5")) == {"Mentor online", "Bakery week"}
    assert _titles(student_request, search="CAKES") == ["Bakery week"]
    later = start + timedelta(days=10)
    assert _titles(student_request, starts_from=[later.day, later.month, later.year]) == ["Bolton office"]
    assert "Bolton office" not in _titles(student_request, starts_until=[later.day, later.month, later.year])


def test_bad_filter_values_get_a_message_and_the_rest_still_apply(student_request: ClientRequest) -> None:
    student = me(student_request)
    hub_opportunity(student, title="Mentor online", kind="mentoring", remote=True, postcode=None)
    hub_opportunity(student, title="Office week")
    page = student_request.get(
        "students.opportunities",
        kind="juggling",
        route="mentoring",
        distance="9999",
        starts_from=["31", "2", "2027"],
        search="x" * 101,
        page="¹",
    )
    assert set(error_messages(page)) == {
        "Select a kind of opportunity from the list",
        "Select an area of work from the list",
        "Select a distance from the list",
        "Starting on or after must be a real date",
        "Search must be 100 characters or fewer",
    }
    assert page.title.text.startswith("Error: ")
    assert {card["title"] for card in cards(page)} == {"Mentor online", "Office week"}


def test_distance_needs_a_located_home_and_says_so(student_request: ClientRequest) -> None:
    student = me(student_request)
    student.postcode = "ZZ99 3VZ"  # given, but no place: nothing to measure from
    db.session.commit()
    hub_opportunity(student, title="Office week")
    page = student_request.get("students.opportunities", distance="5")
    assert error_messages(page) == ["Add your home postcode to your interests to find places by distance"]
    assert [card["title"] for card in cards(page)] == ["Office week"]


def test_without_a_home_postcode_distances_are_from_school_and_say_so(
    student_request: ClientRequest,
) -> None:
    student = me(student_request)
    student.postcode = None  # as an MIS import leaves a pupil whose address is withheld
    db.session.commit()
    db.session.get(School, student.school_id).postcode = "M13 9PL"
    db.session.commit()
    hub_opportunity(student, title="Next door", postcode="M13 9PL")
    hub_opportunity(student, title="Bolton", postcode="BL1 1RU")
    page = student_request.get("students.opportunities", distance="5")
    assert error_messages(page) == []
    [card] = cards(page)
    assert card["title"] == "Next door"
    assert "Less than 1 km from school" in card["reasons"]
    assert "Distances are from your school" in page.select_one(".govuk-inset-text").text


def test_twenty_a_page_with_gov_uk_pagination(student_request: ClientRequest) -> None:
    student = me(student_request)
    for number in range(25):
        hub_opportunity(
            student,
            title=f"Place {number:02}",
            start_date=date.today() + timedelta(days=10 + number),
            end_date=date.today() + timedelta(days=11 + number),
        )
    first = student_request.get("students.opportunities", kind="work_experience")
    assert len(cards(first)) == 20
    assert "25 opportunities" in first.select_one("#count").text
    next_link = first.select_one(".govuk-pagination__next a")["href"]
    assert "page=2" in next_link and "kind=work_experience" in next_link
    second = student_request.get("students.opportunities", page="2")
    assert [card["title"] for card in cards(second)] == [f"Place {n:02}" for n in range(20, 25)]
    # A page past the end shows the last one.
    assert len(cards(student_request.get("students.opportunities", page="99"))) == 5
