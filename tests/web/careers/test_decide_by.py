"""A school round's decide-by date: the start form asks for it (two weeks on unless changed), it must be
today or later and before the first placement the round could fill starts, and the round page shows it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.pages import error_messages
from web.dates import london_today
from web.extensions import db
from web.models import Hub, MatchRound, School
from workers.matching_tasks import run_round


def today() -> date:
    return london_today()


def _answers(day: date, kind: str = "all") -> dict[str, Any]:
    return {"kind": kind, "mechanism": "optimal", "decide_by": [str(day.day), str(day.month), str(day.year)]}


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Round ids sent to a worker, recorded instead of reaching for the (unreachable) test broker."""
    calls: list[Any] = []
    monkeypatch.setattr(run_round, "apply_async", lambda args, **kwargs: calls.append(args))
    return calls


def _opportunity(school: School, starts_in: int, **overrides: Any) -> None:
    employer = factories.create_employer(db.session.get(Hub, school.hub_id))
    start = today() + timedelta(days=starts_in)
    factories.create_opportunity(employer, start_date=start, end_date=start + timedelta(days=4), **overrides)


def _rounds() -> int:
    return int(db.session.scalar(select(func.count()).select_from(MatchRound)) or 0)


def test_the_form_suggests_deciding_within_two_weeks(careers_leader_request: ClientRequest) -> None:
    page = careers_leader_request.get("careers.rounds")
    suggested = today() + timedelta(days=14)
    typed = [box["value"] for box in page.select("input[name=decide_by]")]
    assert typed == [f"{suggested.day:02d}", f"{suggested.month:02d}", str(suggested.year)]


def test_the_decide_by_date_is_saved_and_shown_on_the_round_page(
    careers_leader_request: ClientRequest, enqueued: list[Any]
) -> None:
    chosen = today() + timedelta(days=10)
    careers_leader_request.post("careers.rounds", _answers(chosen))

    match_round = db.session.scalars(select(MatchRound)).one()
    assert match_round.decide_by == chosen and enqueued == [[match_round.id]]
    page = careers_leader_request.get("careers.round_detail", round_id=match_round.id)
    shown = [" ".join(row.get_text(" ").split()) for row in page.select(".govuk-summary-list__row")]
    assert (
        f"Decide by {_long(chosen)}. Proposals not approved or rejected by then go back to the pool" in shown
    )


def test_today_is_early_enough(careers_leader_request: ClientRequest, enqueued: list[Any]) -> None:
    careers_leader_request.post("careers.rounds", _answers(today()))
    assert db.session.scalars(select(MatchRound.decide_by)).one() == today()


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (-1, "The decide-by date must be today or in the future"),
        (None, "Enter the date you will decide on the proposals by"),
    ],
)
def test_a_past_or_missing_decide_by_date_is_named_and_nothing_starts(
    careers_leader_request: ClientRequest, enqueued: list[Any], days: int | None, message: str
) -> None:
    data = _answers(today() + timedelta(days=days or 0))
    if days is None:
        data["decide_by"] = ["", "", ""]
    page = careers_leader_request.post("careers.rounds", data, _expected_status=200)

    assert page.title.get_text(strip=True).startswith("Error: ")
    assert error_messages(page) == [message]
    assert page.select_one(".govuk-error-summary__list a")["href"].startswith("#decide_by")
    assert message in page.select_one("#decide_by-error").get_text()
    assert _rounds() == 0 and enqueued == []


def test_the_decide_by_date_must_come_before_the_first_placement_the_round_can_fill(
    careers_leader_request: ClientRequest, enqueued: list[Any]
) -> None:
    school = school_of(careers_leader_request)
    _opportunity(school, 12)
    _opportunity(school, 5, kind="job_shadowing")
    _opportunity(school, 3, status="closed")
    _opportunity(factories.create_school(), 2)  # another hub's

    first = today() + timedelta(days=5)
    page = careers_leader_request.post("careers.rounds", _answers(first), _expected_status=200)
    assert error_messages(page) == [
        f"The decide-by date must be before {_long(first)}, when the first placement this round can fill "
        "starts"
    ]

    answers = _answers(today() + timedelta(days=12), "work_experience")
    page = careers_leader_request.post("careers.rounds", answers, _expected_status=200)
    assert error_messages(page) == [
        f"The decide-by date must be before {_long(today() + timedelta(days=12))}, when the first placement "
        "this round can fill starts"
    ]
    assert _rounds() == 0

    careers_leader_request.post("careers.rounds", _answers(today() + timedelta(days=11), "work_experience"))
    assert _rounds() == 1 and len(enqueued) == 1


def test_a_top_up_of_a_school_round_gets_a_decide_by_date_before_its_first_placement(
    careers_leader_request: ClientRequest, enqueued: list[Any]
) -> None:
    school = school_of(careers_leader_request)
    _opportunity(school, 6, capacity=2)
    factories.create_student(school)
    match_round = factories.create_round(school, status="succeeded", decide_by=today() - timedelta(days=3))

    careers_leader_request.post("careers.top_up_round", round_id=match_round.id)

    top_up = db.session.scalars(select(MatchRound).where(MatchRound.top_up_of_id == match_round.id)).one()
    assert top_up.decide_by == today() + timedelta(days=5)
