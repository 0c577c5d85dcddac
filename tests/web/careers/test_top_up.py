"""Top-up rounds: a finished round's page shows the places free now and the students still unplaced, and
starts a top-up round over them with the same settings and a new lottery number."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.pages import banner, rows
from web.dao import rounds as rounds_dao
from web.dates import london_today
from web.extensions import db
from web.models import Allocation, AuditEvent, Hub, MatchRound, School
from workers.matching_tasks import run_round


def today() -> date:
    return london_today()


POLICY = {"route": 0.7, "reserves": {}}


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Round ids sent to a worker, recorded instead of reaching for the (unreachable) test broker."""
    calls: list[Any] = []
    monkeypatch.setattr(run_round, "apply_async", lambda args, **kwargs: calls.append(args))
    return calls


def _finished(school: School, **overrides: Any) -> MatchRound:
    """A finished work-experience round; a placement with 3 places, 1 taken and 1 offered; 3 students of
    whom one holds a place and one has an offer waiting."""
    fields = {
        "status": "succeeded",
        "kind": "work_experience",
        "mechanism": "stable",
        "seed": 7,
        "policy": POLICY,
        **overrides,
    }
    match_round = factories.create_round(school, **fields)
    employer = factories.create_employer(db.session.get(Hub, school.hub_id))
    place = factories.create_opportunity(employer, capacity=3, places_taken=1)
    factories.create_allocation(match_round, factories.create_student(school), place, status="accepted")
    factories.create_allocation(match_round, factories.create_student(school), place, status="offered")
    factories.create_allocation(match_round, factories.create_student(school), place, status="declined")
    # Places that are not free for this round: another kind, started, closed, and a student's own find.
    factories.create_opportunity(employer, kind="job_shadowing", capacity=5)
    factories.create_opportunity(
        employer, start_date=today(), end_date=today() + timedelta(days=2), capacity=5
    )
    factories.create_opportunity(employer, status="closed", capacity=5)
    factories.create_opportunity(employer, self_found=True, capacity=5)
    return match_round


def test_a_finished_round_shows_places_free_now_and_students_without_one(
    careers_leader_request: ClientRequest,
) -> None:
    match_round = _finished(school_of(careers_leader_request))
    page = careers_leader_request.get("careers.round_detail", round_id=match_round.id)
    summary = [
        " ".join(row.get_text(" ").split()) for row in page.select("#top-up-summary .govuk-summary-list__row")
    ]
    assert summary == ["Free places 1", "Students without a place 1"]
    assert page.select_one("#run-top-up") is not None


def test_running_a_top_up_round_copies_the_settings_with_a_new_seed_and_enqueues_it(
    careers_leader_request: ClientRequest, enqueued: list[Any]
) -> None:
    match_round = _finished(school_of(careers_leader_request))
    page = careers_leader_request.post("careers.top_up_round", round_id=match_round.id)

    top_up = db.session.scalars(select(MatchRound).where(MatchRound.top_up_of_id == match_round.id)).one()
    assert page.location == careers_leader_request.url("careers.round_detail", round_id=top_up.id)
    assert (top_up.school_id, top_up.hub_id, top_up.kind, top_up.mechanism, top_up.policy) == (
        match_round.school_id,
        match_round.hub_id,
        "work_experience",
        "stable",
        POLICY,
    )
    assert top_up.status == "queued" and top_up.created_by_id == careers_leader_request.user.id  # type: ignore[attr-defined]
    assert enqueued == [[top_up.id]]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "round_top_up_started")).one()
    assert (event.record_id, event.detail) == (top_up.id, {"top_up_of": match_round.id})
    shown = careers_leader_request.get("careers.round_detail", round_id=top_up.id)
    assert shown.h1.get_text(strip=True) == "Top-up round"
    listed = careers_leader_request.get("careers.rounds")
    assert ["Top-up" in row[0] for row in rows(listed, "rounds-table")] == [True, False]


def test_a_top_up_while_a_round_is_unfinished_is_refused(
    careers_leader_request: ClientRequest, enqueued: list[Any]
) -> None:
    school = school_of(careers_leader_request)
    match_round = _finished(school)
    factories.create_round(school, status="queued")
    page = careers_leader_request.post(
        "careers.top_up_round", round_id=match_round.id, _follow=True, _expected_status=200
    )
    assert "A matching round is already waiting or running" in banner(page)
    assert enqueued == []


def test_nothing_free_means_no_top_up(careers_leader_request: ClientRequest, enqueued: list[Any]) -> None:
    match_round = factories.create_round(school_of(careers_leader_request), status="succeeded")
    page = careers_leader_request.get("careers.round_detail", round_id=match_round.id)
    assert page.select_one("#run-top-up") is None
    page = careers_leader_request.post(
        "careers.top_up_round", round_id=match_round.id, _follow=True, _expected_status=200
    )
    assert "There are no free places or no unplaced students" in banner(page)
    assert (
        enqueued == []
        and db.session.scalar(select(MatchRound.id).where(MatchRound.top_up_of_id.is_not(None))) is None
    )


@pytest.mark.parametrize("status", ["queued", "failed", "cancelled"])
def test_only_a_finished_round_can_be_topped_up(
    careers_leader_request: ClientRequest, enqueued: list[Any], status: str
) -> None:
    match_round = _finished(school_of(careers_leader_request), status=status)
    page = careers_leader_request.post(
        "careers.top_up_round", round_id=match_round.id, _follow=True, _expected_status=200
    )
    assert "Only a round that finished can be topped up" in banner(page)
    assert enqueued == []


def test_another_schools_round_cannot_be_topped_up(
    careers_leader_request: ClientRequest, enqueued: list[Any]
) -> None:
    neighbour = factories.create_school(db.session.get(Hub, school_of(careers_leader_request).hub_id))
    match_round = _finished(neighbour)
    careers_leader_request.post("careers.top_up_round", round_id=match_round.id, _expected_status=404)
    assert enqueued == []


@pytest.mark.parametrize("role", ["hub_admin", "employer", "student"])
def test_other_roles_cannot_top_up(app: Flask, request: pytest.FixtureRequest, role: str) -> None:
    match_round = _finished(factories.create_school())
    request.getfixturevalue(f"{role}_request").post(
        "careers.top_up_round", round_id=match_round.id, _expected_status=403
    )
    assert db.session.scalar(select(MatchRound.id).where(MatchRound.top_up_of_id.is_not(None))) is None


def test_self_found_placements_are_never_matched(app: Flask) -> None:
    school = factories.create_school()
    employer = factories.create_employer(db.session.get(Hub, school.hub_id))
    listed = factories.create_opportunity(employer)
    factories.create_opportunity(employer, self_found=True)
    places, lapsed = rounds_dao.round_opportunities(factories.create_round(school), today())
    assert ([place.id for place in places], lapsed) == ([listed.id], 0)


def test_a_top_up_round_gives_a_freed_seat_to_someone_else_never_back_to_who_turned_it_down(
    app: Flask,
) -> None:
    school = factories.create_school()
    first = _finished(school)
    declined_by = db.session.scalar(
        select(Allocation.student_id).where(Allocation.round_id == first.id, Allocation.status == "declined")
    )
    newcomer = factories.create_student(school)
    fields = {name: getattr(first, name) for name in ("kind", "mechanism", "policy")}
    top_up = factories.create_round(school, status="queued", seed=8, top_up_of_id=first.id, **fields)
    run_round.run(top_up.id)
    proposed = db.session.scalars(select(Allocation.student_id).where(Allocation.round_id == top_up.id)).all()
    assert proposed == [newcomer.id]
    assert declined_by not in proposed


def test_with_every_student_placed_the_page_says_so_and_offers_no_top_up(
    careers_leader_request: ClientRequest,
) -> None:
    match_round = _finished(school_of(careers_leader_request))
    declined = db.session.scalars(
        select(Allocation).where(Allocation.round_id == match_round.id, Allocation.status == "declined")
    ).one()
    declined.status = "accepted"
    db.session.commit()
    page = careers_leader_request.get("careers.round_detail", round_id=match_round.id)
    assert "nobody to top up" in page.select_one("#top-up-summary").text
    assert page.select_one("#run-top-up") is None
