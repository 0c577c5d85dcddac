"""The employer's list of opportunities, one opportunity, and creating and changing them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from web.extensions import db
from web.models import AuditEvent, Employer, Opportunity


def start() -> date:
    return date.today() + timedelta(days=30)


def _employer_of(request: ClientRequest) -> Employer:
    return db.session.get(Employer, request.user.employer_id)  # type: ignore[attr-defined]


def valid_form(**overrides: Any) -> dict[str, Any]:
    """A complete, valid opportunity form; a list value posts the field once per item."""
    fields: dict[str, Any] = {
        "kind": "work_experience",
        "title": "Engineering week",
        "description": "A week in our design office, working on a real bridge project with our engineers.",
        "route": "engineering-and-manufacturing",
        "pathway": "both",
        "location": "workplace",
        "postcode": "m11ad",
        "capacity": "4",
        "max_per_school": "",
        "start_date": [str(start().day), str(start().month), str(start().year)],
        "end_date": [
            str((start() + timedelta(days=4)).day),
            str((start() + timedelta(days=4)).month),
            str((start() + timedelta(days=4)).year),
        ],
        "hours_per_day": "7.5",
        "year_groups": ["10", "11"],
        "min_age": "14",
        "accessibility_notes": "Step-free access to every floor.",
    }
    return {**fields, **overrides}


def link(page: Any, text: str) -> Any:
    """The link (or button-link) whose text is this, ignoring surrounding whitespace."""
    return page.find("a", string=lambda value: value is not None and value.strip() == text)


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# The list


def test_opportunities_lists_only_the_employers_own_with_status_capacity_and_places_taken(
    employer_request: ClientRequest,
) -> None:
    employer = _employer_of(employer_request)
    factories.create_opportunity(employer, title="Our draft", status="draft", capacity=3)
    factories.create_opportunity(
        employer, title="Our published", status="published", capacity=5, places_taken=2
    )
    factories.create_opportunity(employer, title="Our closed", status="closed")
    factories.create_opportunity(title="Somebody else's")
    page = employer_request.get("employers.opportunities")
    rows = [[cell.text.strip() for cell in row.select("td")] for row in page.select("tbody tr")]
    titles = [row[0] for row in rows]
    assert sorted(titles) == ["Our closed", "Our draft", "Our published"]
    published = next(row for row in rows if row[0] == "Our published")
    assert published[3:] == ["5", "2", "Published"]
    assert {tag.text.strip() for tag in page.select(".govuk-tag")} >= {"Draft", "Published", "Closed"}
    assert link(page, "Create an opportunity")["href"] == employer_request.url("employers.new_opportunity")


def test_opportunities_with_none_says_so(employer_request: ClientRequest) -> None:
    page = employer_request.get("employers.opportunities")
    assert "You have not created any opportunities yet" in page.text


def test_a_pending_employer_is_told_why_they_cannot_publish_yet(employer_request: ClientRequest) -> None:
    employer = _employer_of(employer_request)
    employer.status = "pending"
    db.session.commit()
    page = employer_request.get("employers.opportunities")
    assert "has not approved your organisation yet" in page.select_one(".govuk-inset-text").text


# Creating


def test_creating_an_opportunity_saves_a_normalised_draft_and_audits_it(
    employer_request: ClientRequest,
) -> None:
    page = employer_request.post("employers.new_opportunity", valid_form())
    opportunity = db.session.scalar(select(Opportunity))
    assert page.location == employer_request.url("employers.opportunity", opportunity_id=opportunity.id)
    assert opportunity.employer_id == employer_request.user.employer_id  # type: ignore[attr-defined]
    assert opportunity.status == "draft"
    assert opportunity.postcode == "M1 1AD"
    assert opportunity.remote is False
    assert opportunity.capacity == 4
    assert opportunity.places_taken == 0
    assert opportunity.max_per_school is None
    assert opportunity.start_date == start()
    assert opportunity.end_date == start() + timedelta(days=4)
    assert opportunity.hours_per_day == Decimal("7.5")
    assert opportunity.year_groups == [10, 11]
    assert opportunity.route == "engineering-and-manufacturing"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "opportunity_created"))
    assert (event.record_type, event.record_id) == ("opportunity", opportunity.id)


def test_a_remote_opportunity_needs_no_postcode_and_keeps_none(employer_request: ClientRequest) -> None:
    employer_request.post(
        "employers.new_opportunity", valid_form(location="remote", postcode="not a postcode")
    )
    opportunity = db.session.scalar(select(Opportunity))
    assert opportunity.remote is True
    assert opportunity.postcode is None


def test_the_create_form_offers_the_kinds_routes_pathways_and_year_groups(
    employer_request: ClientRequest,
) -> None:
    page = employer_request.get("employers.new_opportunity")
    kinds = {label.text.strip() for label in page.select("#kind ~ label, .govuk-radios__label")}
    assert {
        "Work experience",
        "Job shadowing",
        "Mentoring",
        "Insight day",
        "T Level industry placement",
    } <= kinds
    routes = [option["value"] for option in page.select("select#route option") if option["value"]]
    assert len(routes) == 15
    years = [box["value"] for box in page.select("input[name=year_groups]")]
    assert years == [str(year) for year in range(7, 14)]
    form = page.select_one("main form")
    assert form.has_attr("novalidate")
    assert form.select_one("input[name=csrf_token]")


def _day_after(days: int) -> list[str]:
    day = date.today() + timedelta(days=days)
    return [str(day.day), str(day.month), str(day.year)]


BAD_INPUT = [
    ({"kind": ""}, "kind", "Select what kind of opportunity it is"),
    ({"kind": "apprenticeship"}, "kind", "Select what kind of opportunity it is"),
    ({"title": "   "}, "title", "Enter a title"),
    ({"title": "x" * 201}, "title", "Title must be 200 characters or fewer"),
    ({"description": ""}, "description", "Enter a description"),
    ({"route": ""}, "route", "Select an occupational route"),
    ({"route": "astronomy"}, "route", "Select an occupational route"),
    ({"pathway": "vocational"}, "pathway", "Select which pathway it suits"),
    ({"location": ""}, "location", "Select where it will take place"),
    ({"postcode": ""}, "postcode", "Enter the postcode of the workplace"),
    ({"postcode": "12345"}, "postcode", "Enter a postcode in the correct format, like M1 1AD"),
    ({"postcode": "ZZ9 9ZZ"}, "postcode", "Enter a real postcode, like M1 1AD"),
    ({"capacity": ""}, "capacity", "Enter how many students can take part"),
    ({"capacity": "four"}, "capacity", "Capacity must be a whole number"),
    ({"capacity": "-1"}, "capacity", "Capacity must be between 0 and 500"),
    ({"capacity": "501"}, "capacity", "Capacity must be between 0 and 500"),
    ({"capacity": "99999999999999999999999"}, "capacity", "Capacity must be between 0 and 500"),
    ({"max_per_school": "0"}, "max_per_school", "Most students from one school must be between 1 and 500"),
    ({"max_per_school": "5"}, "max_per_school", "cannot be more than the capacity"),
    ({"max_per_school": "2.5"}, "max_per_school", "must be a whole number"),
    ({"start_date": ["", "", ""]}, "start_date", "Enter a start date"),
    ({"start_date": ["31", "2", "2030"]}, "start_date", "Start date must be a real date"),
    ({"start_date": ["1", "", "2030"]}, "start_date", "Start date must include a month"),
    ({"start_date": ["1"]}, "start_date", "Start date must include a month and year"),
    ({"start_date": ["1", "2"]}, "start_date", "Start date must include a year"),
    ({"start_date": ["1", "2", "3030", "4"]}, "start_date", "Start date must be a real date"),
    ({"start_date": ["1", "2", "30"]}, "start_date", "Start date must include a year with 4 numbers"),
    (
        {"start_date": _day_after(0), "end_date": _day_after(3)},
        "start_date",
        "Start date must be in the future",
    ),
    (
        {"start_date": _day_after(-5), "end_date": _day_after(3)},
        "start_date",
        "Start date must be in the future",
    ),
    ({"end_date": _day_after(29)}, "end_date", "End date must be the same as or after the start date"),
    ({"end_date": ["x", "y", "z"]}, "end_date", "End date must be a real date"),
    ({"hours_per_day": ""}, "hours_per_day", "Enter the hours a day"),
    ({"hours_per_day": "9"}, "hours_per_day", "Hours a day must be 8 or fewer, as students under 16"),
    ({"hours_per_day": "0"}, "hours_per_day", "Hours a day must be from 0.5 to 12"),
    ({"hours_per_day": "NaN"}, "hours_per_day", "Hours a day must be a number"),
    (
        {"hours_per_day": "7.25"},
        "hours_per_day",
        "Hours a day must be a number with no more than 1 decimal place",
    ),
    ({"hours_per_day": "Infinity"}, "hours_per_day", "Hours a day must be a number, like 7 or 6.5"),
    ({"hours_per_day": "1e30"}, "hours_per_day", "Hours a day must be a number, like 7 or 6.5"),
    ({"hours_per_day": "1e309"}, "hours_per_day", "Hours a day must be a number, like 7 or 6.5"),
    ({"hours_per_day": "9" * 5000}, "hours_per_day", "Hours a day must be from 0.5 to 12"),
    ({"hours_per_day": "0." + "5" * 5000}, "hours_per_day", "no more than 1 decimal place"),
    ({"capacity": "9" * 5000}, "capacity", "Capacity must be between 0 and 500"),
    ({"capacity": "1e3"}, "capacity", "Capacity must be a whole number, like 4"),
    ({"title": "\x00\x01 "}, "title", "Enter a title"),
    ({"year_groups": []}, "year_groups", "Select at least one year group"),
    ({"year_groups": ["6"]}, "year_groups", "Select year groups from the list"),
    ({"year_groups": ["ten"]}, "year_groups", "Select year groups from the list"),
    ({"min_age": "10"}, "min_age", "Minimum age must be between 11 and 18"),
    ({"min_age": "19"}, "min_age", "Minimum age must be between 11 and 18"),  # no Year 13 pupil is 19
    ({"min_age": ""}, "min_age", "Enter the minimum age"),
    (
        {"accessibility_notes": "x" * 2001},
        "accessibility_notes",
        "Accessibility must be 2000 characters or fewer",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT)
def test_creating_with_bad_input_names_the_field_and_saves_nothing(
    employer_request: ClientRequest, overrides: dict[str, Any], field: str, message: str
) -> None:
    page = employer_request.post("employers.new_opportunity", valid_form(**overrides), _expected_status=200)
    assert page.title.text.startswith("Error: ")
    summary = page.select_one(".govuk-error-summary")
    links = {link["href"]: link.text.strip() for link in summary.select("a")}
    assert message in links[f"#{field}"], links
    assert message in page.select_one(".govuk-error-message").text
    assert _count(Opportunity) == 0
    assert _count(AuditEvent) == 0


def test_every_invalid_field_is_named_in_the_error_summary(employer_request: ClientRequest) -> None:
    data = {"year_groups": []}  # nothing else posted either
    page = employer_request.post("employers.new_opportunity", data, _expected_status=200)
    named = {link["href"] for link in page.select(".govuk-error-summary a")}
    assert named == {
        "#kind",
        "#title",
        "#description",
        "#route",
        "#pathway",
        "#location",
        "#capacity",
        "#start_date",
        "#end_date",
        "#hours_per_day",
        "#year_groups",
        "#min_age",
    }
    assert _count(Opportunity) == 0


def test_a_bad_form_keeps_what_was_typed(employer_request: ClientRequest) -> None:
    page = employer_request.post(
        "employers.new_opportunity", valid_form(capacity="lots"), _expected_status=200
    )
    assert page.select_one("input#title")["value"] == "Engineering week"
    assert page.select_one("input#capacity")["value"] == "lots"
    assert {box["value"] for box in page.select("input[name=year_groups][checked]")} == {"10", "11"}


# Viewing


def test_an_opportunity_shows_its_details_in_a_summary_list(employer_request: ClientRequest) -> None:
    employer = _employer_of(employer_request)
    opportunity = factories.create_opportunity(employer, title="Data week", capacity=6, places_taken=1)
    page = employer_request.get("employers.opportunity", opportunity_id=opportunity.id)
    summary = {
        row.select_one("dt").text.strip(): row.select_one("dd").text.strip()
        for row in page.select(".govuk-summary-list__row")
    }
    assert summary["Kind"] == "Work experience"
    assert summary["Occupational route"] == "Digital"
    assert summary["Where"] == "M1 1AD"
    assert summary["Capacity"] == "6"
    assert summary["Places taken"] == "1"
    assert summary["Year groups"] == "10, 11"
    assert link(page, "Students coming")


# Changing


def test_changing_a_draft_saves_the_changes_and_audits_the_field_names(
    employer_request: ClientRequest,
) -> None:
    employer = _employer_of(employer_request)
    opportunity = factories.create_opportunity(employer, status="draft")
    page = employer_request.get("employers.edit_opportunity", opportunity_id=opportunity.id)
    assert page.select_one("input#title")["value"] == opportunity.title
    assert page.select_one("input#postcode")["value"] == "M1 1AD"
    assert page.select_one("input[name=location][checked]")["value"] == "workplace"
    assert page.select_one("input[name=kind][checked]")["value"] == "work_experience"
    assert page.select_one("select#route option[selected]")["value"] == "digital"
    assert {box["value"] for box in page.select("input[name=year_groups][checked]")} == {"10", "11"}
    assert int(page.select_one("input#start_date-day")["value"]) == opportunity.start_date.day
    assert page.select_one("input#start_date-year")["value"] == str(opportunity.start_date.year)
    employer_request.post(
        "employers.edit_opportunity",
        valid_form(title="Renamed", location="remote"),
        opportunity_id=opportunity.id,
    )
    saved = db.session.get(Opportunity, opportunity.id)
    assert (saved.title, saved.remote, saved.postcode, saved.status) == ("Renamed", True, None, "draft")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "opportunity_updated"))
    assert "title" in event.detail["fields"]
    assert "Renamed" not in str(event.detail)


def test_a_published_opportunity_can_be_changed_and_stays_published(employer_request: ClientRequest) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request), status="published")
    employer_request.post(
        "employers.edit_opportunity", valid_form(title="New title"), opportunity_id=opportunity.id
    )
    saved = db.session.get(Opportunity, opportunity.id)
    assert (saved.title, saved.status) == ("New title", "published")


def test_an_unchanged_start_date_in_the_past_does_not_block_other_changes(
    employer_request: ClientRequest,
) -> None:
    started = date.today() - timedelta(days=2)
    opportunity = factories.create_opportunity(
        _employer_of(employer_request), start_date=started, end_date=started + timedelta(days=9)
    )
    form = valid_form(
        title="Still running",
        start_date=_date_list(started),
        end_date=_date_list(started + timedelta(days=9)),
    )
    employer_request.post("employers.edit_opportunity", form, opportunity_id=opportunity.id)
    assert db.session.get(Opportunity, opportunity.id).title == "Still running"


def _date_list(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def test_capacity_cannot_go_below_the_places_taken(employer_request: ClientRequest) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request), capacity=5, places_taken=3)
    page = employer_request.post(
        "employers.edit_opportunity",
        valid_form(capacity="2"),
        opportunity_id=opportunity.id,
        _expected_status=200,
    )
    message = page.select_one(".govuk-error-summary a[href='#capacity']").text
    assert "Capacity cannot be less than 3, as 3 places are already taken" in message
    saved = db.session.get(Opportunity, opportunity.id)
    assert (saved.capacity, saved.title) == (5, opportunity.title)


def test_capacity_can_come_down_to_exactly_the_places_taken(employer_request: ClientRequest) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request), capacity=5, places_taken=3)
    employer_request.post(
        "employers.edit_opportunity", valid_form(capacity="3"), opportunity_id=opportunity.id
    )
    assert db.session.get(Opportunity, opportunity.id).capacity == 3


def test_a_place_taken_while_the_form_was_open_still_stops_the_capacity_cut(
    employer_request: ClientRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request), capacity=5, places_taken=2)
    from web.dao import opportunities as dao

    real_update = dao.update_opportunity

    def accept_first(opportunity_id: int, **fields: Any) -> bool:
        # Another request accepts an offer between the form's check and the save.
        db.session.execute(
            Opportunity.__table__.update().where(Opportunity.id == opportunity_id).values(places_taken=3)
        )
        return real_update(opportunity_id, **fields)

    monkeypatch.setattr(dao, "update_opportunity", accept_first)
    page = employer_request.post(
        "employers.edit_opportunity",
        valid_form(capacity="2"),
        opportunity_id=opportunity.id,
        _expected_status=200,
    )
    assert "Capacity cannot be less than 3" in page.select_one(".govuk-error-summary").text
    saved = db.session.get(Opportunity, opportunity.id)
    assert (saved.capacity, saved.places_taken) == (5, 3)
    assert _count(AuditEvent) == 0


@pytest.mark.parametrize("status", ["closed", "submitted"])
def test_only_draft_and_published_opportunities_can_be_changed(
    employer_request: ClientRequest, status: str
) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request), status=status)
    page = employer_request.get(
        "employers.edit_opportunity", opportunity_id=opportunity.id, _expected_status=409
    )
    assert "You cannot change this opportunity" in page.h1.text
    employer_request.post(
        "employers.edit_opportunity",
        valid_form(title="Sneaky"),
        opportunity_id=opportunity.id,
        _expected_status=409,
    )
    assert db.session.get(Opportunity, opportunity.id).title != "Sneaky"
    view = employer_request.get("employers.opportunity", opportunity_id=opportunity.id)
    assert not link(view, "Change")


def test_changing_with_bad_input_saves_nothing(employer_request: ClientRequest) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request), status="draft")
    page = employer_request.post(
        "employers.edit_opportunity",
        valid_form(title="", capacity="x"),
        opportunity_id=opportunity.id,
        _expected_status=200,
    )
    named = {link["href"] for link in page.select(".govuk-error-summary a")}
    assert named == {"#title", "#capacity"}
    assert db.session.get(Opportunity, opportunity.id).title == "Software developer work experience"


def test_every_question_on_the_form_has_a_label_or_legend(employer_request: ClientRequest) -> None:
    page = employer_request.get("employers.new_opportunity")
    form = page.select_one("main form")
    legends = [fieldset.select_one("legend").text.strip() for fieldset in form.select("fieldset")]
    assert legends == [
        "What kind of opportunity is it?",
        "Which pathway does it suit?",
        "Where will it take place?",
        "Start date",
        "End date",
        "Which year groups can take part?",
    ]
    for field in form.select("input[type=text], textarea, select"):
        assert form.select_one(f"label[for='{field['id']}']"), field["id"]
    # The workplace postcode is revealed only when "At a workplace" is chosen.
    assert form.select_one("#conditional-location #postcode")
