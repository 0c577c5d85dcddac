"""The interests form: routes, statement, pathway, postcode, travel and availability."""

from __future__ import annotations

from datetime import date

import pytest

from matcher.people import ROUTES
from tests.conftest import ClientRequest
from tests.web.pages import error_messages
from tests.web.students.helpers import me
from web.extensions import db
from web.models import Student

GOOD = {
    "routes": ["digital", "health-and-science"],
    "statement": "I want to see how nurses and software developers work together.",
    "pathway_interest": "technical",
    "postcode": " m1 1ad ",
    "max_travel_km": "12",
    "available_from": ["1", "6", "2027"],
    "available_until": ["30", "6", "2027"],
}


def _saved(request: ClientRequest) -> Student:
    db.session.expire_all()
    return me(request)


def _interests(student: Student) -> tuple[object, ...]:
    return (
        student.routes,
        student.statement,
        student.postcode,
        student.max_travel_km,
        student.pathway_interest,
        student.available_from,
        student.available_until,
    )


def test_the_form_lists_every_route_by_its_label(student_request: ClientRequest) -> None:
    page = student_request.get("students.interests")
    labels = [" ".join(label.text.split()) for label in page.select("input[name=routes] + label")]
    assert labels == list(ROUTES.values())


def test_the_form_shows_the_students_saved_interests(student_request: ClientRequest) -> None:
    page = student_request.get("students.interests")
    assert page.select_one("input[name=routes][value=digital]").has_attr("checked")
    assert page.select_one("input[name=postcode]")["value"] == "M14 5TP"
    assert page.select_one("input[name=max_travel_km]")["value"] == "15"
    assert page.select_one("input[name=pathway_interest][value=both]").has_attr("checked")


def test_pathway_choices_give_technical_and_academic_routes_equal_standing(
    student_request: ClientRequest,
) -> None:
    page = student_request.get("students.interests")
    text = " ".join(page.text.split())
    assert "T Levels and apprenticeships" in text
    assert "A levels, then perhaps a degree at university" in text
    assert "equally good ways into a career" in text


def test_saving_interests_stores_them_with_a_normalised_postcode(student_request: ClientRequest) -> None:
    page = student_request.post("students.interests", GOOD)
    assert page.location.endswith("/me/")
    student = _saved(student_request)
    assert student.routes == ["digital", "health-and-science"]
    assert student.statement.startswith("I want to see how nurses")
    assert student.pathway_interest == "technical"
    assert student.postcode == "M1 1AD"
    assert student.max_travel_km == 12.0
    assert (student.available_from, student.available_until) == (date(2027, 6, 1), date(2027, 6, 30))


def test_routes_and_dates_are_optional(student_request: ClientRequest) -> None:
    data = {**GOOD, "available_from": ["", "", ""], "available_until": ["", "", ""], "statement": ""}
    del data["routes"]
    student_request.post("students.interests", data)
    student = _saved(student_request)
    assert student.routes == []
    assert student.available_from is None and student.available_until is None


def test_saving_shows_a_success_message_on_home(student_request: ClientRequest) -> None:
    page = student_request.post("students.interests", GOOD, _follow=True, _expected_status=200)
    assert "Your interests have been saved" in page.select_one(".govuk-notification-banner").text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"postcode": ""}, "Enter your home postcode"),
        ({"postcode": "not a postcode"}, "Enter a postcode in the correct format, like M1 1AD"),
        ({"postcode": "ZZ9 9ZZ"}, "Enter a real postcode, like M1 1AD"),
        ({"max_travel_km": ""}, "Enter how far you can travel, in kilometres"),
        ({"max_travel_km": "0"}, "Maximum travel distance must be between 1 and 80 kilometres"),
        ({"max_travel_km": "81"}, "Maximum travel distance must be between 1 and 80 kilometres"),
        ({"max_travel_km": "ten"}, "Maximum travel distance must be a whole number of kilometres, like 10"),
        ({"pathway_interest": ""}, "Select the kind of course or training you are interested in"),
        ({"pathway_interest": "vocational"}, "Select the kind of course or training you are interested in"),
        ({"routes": ["digital", "astronaut"]}, "Select routes from the list"),
        ({"statement": "x" * 1001}, "What you would like to do or find out must be 1000 characters or fewer"),
        ({"available_from": ["31", "2", "2027"]}, "Available from must be a real date"),
        ({"available_from": ["1", "", "2027"]}, "Available from must include a month"),
        (
            {"available_until": ["1", "5", "2027"]},
            "Available until must be the same as or after available from",
        ),
    ],
)
def test_bad_input_names_the_problem_and_saves_nothing(
    student_request: ClientRequest, change: dict[str, object], message: str
) -> None:
    before = _saved(student_request)
    snapshot = _interests(before)
    page = student_request.post("students.interests", {**GOOD, **change}, _expected_status=200)
    assert page.title.text.startswith("Error: ")
    assert any(text.startswith(message) for text in error_messages(page)), error_messages(page)
    after = _saved(student_request)
    assert _interests(after) == snapshot


def test_every_invalid_field_is_named_at_once(student_request: ClientRequest) -> None:
    data = {
        **GOOD,
        "postcode": "ZZ9 9ZZ",
        "max_travel_km": "500",
        "pathway_interest": "",
        "statement": "x" * 1001,
        "available_from": ["40", "1", "2027"],
    }
    page = student_request.post("students.interests", data, _expected_status=200)
    assert len(error_messages(page)) == 5
    # What the student typed stays in the form, so they only fix what is wrong.
    assert page.select_one("input[name=postcode]")["value"] == "ZZ9 9ZZ"
    assert [box["value"] for box in page.select("input[name=available_from]")] == ["40", "1", "2027"]


def test_the_home_postcode_is_never_put_in_the_url(student_request: ClientRequest) -> None:
    page = student_request.post("students.interests", GOOD)
    assert "M1" not in page.location


def test_an_empty_post_names_each_required_field_and_saves_nothing(student_request: ClientRequest) -> None:
    before = _interests(_saved(student_request))
    page = student_request.post("students.interests", {}, _expected_status=200)
    assert error_messages(page) == [
        "Select the kind of course or training you are interested in",
        "Enter your home postcode",
        "Enter how far you can travel, in kilometres",
    ]
    assert _interests(_saved(student_request)) == before


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (["a", "b", "c"], "Available from must be a real date"),
        (["0", "0", "2027"], "Available from must be a real date"),
        (["1", "1", "99999"], "Available from must include a year with 4 numbers"),
        (["1", "1", "999"], "Available from must include a year with 4 numbers"),
        (["1", "1", "9" * 5000], "Available from must include a year with 4 numbers"),
        (["1"], "Available from must include a month and year"),
        (["1", "6"], "Available from must include a year"),
        (["", "6", ""], "Available from must include a day and year"),
        (["1", "6", "2027", "4", "5", "6", "7"], "Available from must be a real date"),
        (["1\x00", "6", "2027"], None),
    ],
)
def test_any_number_of_date_parts_gets_a_message_naming_what_is_wrong_not_an_error_page(
    student_request: ClientRequest, parts: list[str], message: str | None
) -> None:
    expected_status = 302 if message is None else 200
    page = student_request.post(
        "students.interests", {**GOOD, "available_from": parts}, _expected_status=expected_status
    )
    if message is None:
        assert _saved(student_request).available_from == date(2027, 6, 1)
        return
    assert error_messages(page) == [message]
    # The three boxes show what was typed, however many parts arrived.
    assert [box["value"] for box in page.select("input[name=available_from]")] == (parts + ["", ""])[:3]


def test_control_characters_never_reach_the_saved_statement(student_request: ClientRequest) -> None:
    student_request.post("students.interests", {**GOOD, "statement": "Nurses\x00 and\x1b\r\ndoctors\tto\x7f"})
    assert _saved(student_request).statement == "Nurses and\ndoctors\tto"


def test_a_distance_may_be_typed_with_its_unit(student_request: ClientRequest) -> None:
    student_request.post("students.interests", {**GOOD, "max_travel_km": " 12 KM "})
    assert _saved(student_request).max_travel_km == 12.0


@pytest.mark.parametrize("distance", ["1e30", "1e309", "9" * 5000, "NaN", "Infinity", "12.5", "١٢"])
def test_a_distance_that_is_not_a_whole_number_in_range_gets_a_message(
    student_request: ClientRequest, distance: str
) -> None:
    page = student_request.post(
        "students.interests", {**GOOD, "max_travel_km": distance}, _expected_status=200
    )
    assert error_messages(page)[0].startswith("Maximum travel distance must be")
