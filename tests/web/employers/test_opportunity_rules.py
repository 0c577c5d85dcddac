"""The rules a person would expect of an opportunity: places to publish, a possible age, believable dates."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.employers.test_opportunities import valid_form
from tests.web.pages import banner, error_messages
from web.dao import opportunities as dao
from web.extensions import db
from web.models import Employer, Opportunity


def soon() -> date:
    return date.today() + timedelta(days=30)


def _employer_of(request: ClientRequest) -> Employer:
    return db.session.get(Employer, request.user.employer_id)  # type: ignore[attr-defined]


def _parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _dates(start: date, days: int) -> dict[str, list[str]]:
    """Form answers for an opportunity lasting this many days, first to last."""
    return {"start_date": _parts(start), "end_date": _parts(start + timedelta(days=days - 1))}


def _months_ahead(months: int) -> date:
    year, month = divmod(date.today().month - 1 + months, 12)
    return date(date.today().year + year, month + 1, 1)


def _saved() -> int:
    return db.session.scalar(select(func.count()).select_from(Opportunity))


def _create(request: ClientRequest, status: int = 302, **overrides: Any) -> Any:
    return request.post("employers.new_opportunity", valid_form(**overrides), _expected_status=status)


# No places


def test_a_draft_can_be_saved_with_no_places_yet(employer_request: ClientRequest) -> None:
    _create(employer_request, capacity="0")
    opportunity = db.session.scalar(select(Opportunity))
    assert (opportunity.status, opportunity.capacity) == ("draft", 0)


def test_an_opportunity_with_no_places_is_not_published_and_the_employer_is_told_why(
    employer_request: ClientRequest,
) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request), status="draft", capacity=0)
    page = employer_request.post(
        "employers.publish_opportunity", opportunity_id=opportunity.id, _follow=True, _expected_status=200
    )
    assert "Change the capacity to 1 or more before you publish" in banner(page)
    assert db.session.get(Opportunity, opportunity.id).status == "draft"


def test_a_published_opportunity_cannot_be_changed_to_no_places(employer_request: ClientRequest) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request), status="published", capacity=3)
    page = employer_request.post(
        "employers.edit_opportunity",
        valid_form(capacity="0"),
        opportunity_id=opportunity.id,
        _expected_status=200,
    )
    assert error_messages(page) == [
        "Capacity must be 1 or more, as this opportunity is published. To offer no more places, close it "
        "instead"
    ]
    assert db.session.get(Opportunity, opportunity.id).capacity == 3


def test_a_draft_published_while_its_form_was_open_is_not_given_no_places(
    employer_request: ClientRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    opportunity = factories.create_opportunity(_employer_of(employer_request), status="draft", capacity=3)
    real_update = dao.update_opportunity

    def publish_first(opportunity_id: int, **fields: Any) -> bool:
        # The employer publishes from another tab between the form's checks and the save.
        db.session.execute(
            Opportunity.__table__.update().where(Opportunity.id == opportunity_id).values(status="published")
        )
        return real_update(opportunity_id, **fields)

    monkeypatch.setattr(dao, "update_opportunity", publish_first)
    page = employer_request.post(
        "employers.edit_opportunity",
        valid_form(capacity="0"),
        opportunity_id=opportunity.id,
        _expected_status=200,
    )
    assert error_messages(page)[0].startswith("Capacity must be 1 or more, as this opportunity is published")
    assert db.session.get(Opportunity, opportunity.id).capacity == 3


def test_the_database_refuses_to_publish_an_opportunity_with_no_places(app: Any) -> None:
    opportunity = factories.create_opportunity(status="draft", capacity=0)
    assert dao.publish_opportunity(opportunity.id) is False
    db.session.commit()
    assert db.session.get(Opportunity, opportunity.id).status == "draft"


# Minimum age and year groups


def test_a_minimum_age_no_student_in_a_year_group_can_meet_names_that_year_group(
    employer_request: ClientRequest,
) -> None:
    page = _create(employer_request, 200, year_groups=["10", "11"], min_age="16")
    assert error_messages(page) == [
        "Year 10 students are 14 or 15, so none can meet a minimum age of 16. Untick Year 10 or lower the "
        "minimum age"
    ]
    assert page.select_one("#min_age-error")
    assert _saved() == 0


def test_every_year_group_a_minimum_age_rules_out_is_named(employer_request: ClientRequest) -> None:
    page = _create(employer_request, 200, year_groups=["7", "8", "9", "10"], min_age="14")
    assert error_messages(page) == [
        "Students in Years 7 and 8 are 13 or younger, so none can meet a minimum age of 14. Untick Years 7 "
        "and 8 or lower the minimum age"
    ]


def test_a_minimum_age_only_the_oldest_in_a_year_group_reach_is_allowed(
    employer_request: ClientRequest,
) -> None:
    _create(employer_request, year_groups=["10"], min_age="15")
    assert db.session.scalar(select(Opportunity.min_age)) == 15


def test_years_7_to_9_can_take_part_from_age_11(employer_request: ClientRequest) -> None:
    _create(
        employer_request, kind="insight_day", **_dates(soon(), 1), year_groups=["7", "8", "9"], min_age="11"
    )
    opportunity = db.session.scalar(select(Opportunity))
    assert (opportunity.year_groups, opportunity.min_age) == ([7, 8, 9], 11)


# Dates that are probably a slip


def test_a_start_more_than_18_months_ahead_is_questioned_and_saves_once_confirmed(
    employer_request: ClientRequest,
) -> None:
    dates = _dates(_months_ahead(19), 5)
    page = _create(employer_request, 200, **dates)
    assert error_messages(page) == [
        "Start date is more than 18 months from today. Correct the date, or confirm the dates are right"
    ]
    assert page.select_one("#start_date-error")
    box = page.select_one("input[name=dates_right]")
    assert not box.has_attr("checked")
    assert page.find("label", attrs={"for": box["id"]}).text.strip() == "Yes, these dates are right"
    assert _saved() == 0
    _create(employer_request, **dates, dates_right="y")
    assert db.session.scalar(select(Opportunity.start_date)) == _months_ahead(19)


def test_an_end_date_more_than_18_months_ahead_is_questioned_on_the_end_date(
    employer_request: ClientRequest,
) -> None:
    page = _create(
        employer_request, 200, kind="mentoring", start_date=_parts(soon()), end_date=_parts(_months_ahead(20))
    )
    assert error_messages(page) == [
        "End date is more than 18 months from today. Correct the date, or confirm the dates are right"
    ]


def test_dates_within_18_months_are_not_questioned_and_the_form_does_not_ask(
    employer_request: ClientRequest,
) -> None:
    assert not employer_request.get("employers.new_opportunity").select_one("input[name=dates_right]")
    _create(employer_request, **_dates(_months_ahead(17), 5))
    assert _saved() == 1


@pytest.mark.parametrize(
    ("kind", "days", "message"),
    [
        ("insight_day", 2, "An insight day lasts 1 day, but these dates cover 2 days."),
        ("job_shadowing", 6, "Job shadowing usually lasts a few days, but these dates cover 6 days."),
        ("job_shadowing", 92, "Job shadowing usually lasts a few days, but these dates cover 92 days."),
        ("work_experience", 15, "Work experience usually lasts 1 or 2 weeks, but these dates cover 15 days."),
        ("mentoring", 367, "Mentoring usually lasts up to a year, but these dates cover 367 days."),
    ],
)
def test_an_opportunity_lasting_longer_than_its_kind_usually_does_is_questioned_on_the_end_date(
    employer_request: ClientRequest, kind: str, days: int, message: str
) -> None:
    page = _create(employer_request, 200, kind=kind, **_dates(soon(), days))
    assert error_messages(page) == [f"{message} Correct the end date, or confirm the dates are right"]
    assert page.select_one("#end_date-error")
    assert _saved() == 0
    _create(employer_request, kind=kind, **_dates(soon(), days), dates_right="y")
    assert _saved() == 1


@pytest.mark.parametrize(
    ("kind", "days"),
    [
        ("insight_day", 1),
        ("job_shadowing", 5),
        ("work_experience", 14),
        ("mentoring", 300),
        ("t_level_placement", 400),
    ],
)
def test_an_opportunity_of_a_usual_length_for_its_kind_saves_without_a_question(
    employer_request: ClientRequest, kind: str, days: int
) -> None:
    _create(employer_request, kind=kind, **_dates(soon(), days))
    assert _saved() == 1


def test_a_ticked_confirmation_stays_ticked_while_other_answers_are_corrected(
    employer_request: ClientRequest,
) -> None:
    page = _create(employer_request, 200, title="", kind="insight_day", **_dates(soon(), 3), dates_right="y")
    assert error_messages(page) == ["Enter a title"]
    assert page.select_one("input[name=dates_right]").has_attr("checked")


def test_saved_dates_are_not_questioned_again_when_other_answers_change(
    employer_request: ClientRequest,
) -> None:
    opportunity = factories.create_opportunity(
        _employer_of(employer_request),
        kind="insight_day",
        start_date=soon(),
        end_date=soon() + timedelta(days=2),
    )
    employer_request.post(
        "employers.edit_opportunity",
        valid_form(title="Renamed", kind="insight_day", **_dates(soon(), 3)),
        opportunity_id=opportunity.id,
    )
    assert db.session.get(Opportunity, opportunity.id).title == "Renamed"


def test_changing_the_kind_questions_dates_that_no_longer_fit_it(employer_request: ClientRequest) -> None:
    opportunity = factories.create_opportunity(
        _employer_of(employer_request),
        kind="mentoring",
        start_date=soon(),
        end_date=soon() + timedelta(days=89),
    )
    page = employer_request.post(
        "employers.edit_opportunity",
        valid_form(kind="job_shadowing", **_dates(soon(), 90)),
        opportunity_id=opportunity.id,
        _expected_status=200,
    )
    assert error_messages(page)[0].startswith("Job shadowing usually lasts a few days")
    assert db.session.get(Opportunity, opportunity.id).kind == "mentoring"
