"""The legal limits on young people's working hours, checked in the opportunity form."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import ClientRequest
from tests.web.employers.test_opportunities import valid_form
from web.employers.forms import most_hours_in_5_days
from web.extensions import db
from web.models import Opportunity


def _post(request: ClientRequest, status: int, **overrides: Any) -> Any:
    return request.post("employers.new_opportunity", valid_form(**overrides), _expected_status=status)


def _error(page: Any, field: str) -> str:
    links = {a["href"]: a.text for a in page.select(".govuk-error-summary a")}
    return links[f"#{field}"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"min_age": "14", "year_groups": ["10", "11"]},
        {"min_age": "16", "year_groups": ["11", "12"]},  # Year 11 pupils may still be 15
        {"min_age": "", "year_groups": ["12"]},  # no age given: the strictest rule
    ],
)
def test_more_than_8_hours_a_day_is_refused_when_under_16s_can_take_part(
    employer_request: ClientRequest, overrides: dict[str, Any]
) -> None:
    page = _post(employer_request, 200, hours_per_day="8.5", **overrides)
    message = _error(page, "hours_per_day")
    assert "Hours a day must be 8 or fewer, as students under 16 can take part" in message
    assert "law on children's working hours" in message
    assert db.session.scalar(select(func.count()).select_from(Opportunity)) == 0


def test_more_than_8_hours_a_day_is_refused_for_16_and_17_year_olds(employer_request: ClientRequest) -> None:
    page = _post(employer_request, 200, hours_per_day="9", min_age="16", year_groups=["12", "13"])
    message = _error(page, "hours_per_day")
    assert "as 16 and 17 year olds can take part" in message
    assert "Working Time rules for young workers" in message
    assert "40 hours a week" in message


def test_an_adults_only_placement_may_have_longer_days(employer_request: ClientRequest) -> None:
    _post(employer_request, 302, hours_per_day="10", min_age="18", year_groups=["13"])
    assert db.session.scalar(select(Opportunity.hours_per_day)) == Decimal("10")


def test_8_hours_a_day_for_a_week_is_allowed_for_under_16s(employer_request: ClientRequest) -> None:
    _post(employer_request, 302, hours_per_day="8", min_age="14", year_groups=["10"])


def test_more_than_12_hours_is_never_allowed(employer_request: ClientRequest) -> None:
    page = _post(employer_request, 200, hours_per_day="12.5", min_age="18", year_groups=["13"])
    assert "Hours a day must be from 0.5 to 12" in _error(page, "hours_per_day")


def test_the_hours_question_says_what_the_limits_are(employer_request: ClientRequest) -> None:
    page = employer_request.get("employers.new_opportunity")
    hint = page.select_one("#hours_per_day-hint").text
    assert "under 18 may work at most 8 hours a day and 40 hours a week" in hint


@pytest.mark.parametrize(
    ("days", "hours", "most"),
    [(1, "8", "8"), (3, "7.5", "22.5"), (5, "8", "40"), (14, "8", "40"), (14, "9", "45")],
)
def test_the_most_hours_in_any_5_days_counts_every_calendar_day(days: int, hours: str, most: str) -> None:
    start = date(2027, 3, 1)
    end = date.fromordinal(start.toordinal() + days - 1)
    assert most_hours_in_5_days(start, end, Decimal(hours)) == Decimal(most)
