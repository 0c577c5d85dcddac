"""One worker holds a round at a time: second deliveries, dead workers, cancels and the repair task."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import db as factories
from web.dao import round_claims
from web.dao.base import transaction
from web.extensions import db
from web.models import Allocation, Hub, MatchRound, School
from web.models.base import utcnow
from workers import matching_tasks
from workers.matching_tasks import WORKER_DIED, repair_rounds, run_round


@pytest.fixture
def school(app: Flask) -> School:
    """A school with three students and one employer's places in their hub."""
    school = factories.create_school()
    for postcode in ("M13 9PL", "M14 5TP", "M20 2RN"):
        factories.create_student(school, postcode=postcode)
    hub = db.session.get(Hub, school.hub_id)
    factories.create_opportunity(factories.create_employer(hub), capacity=5)
    return school


def _round(round_id: int) -> MatchRound:
    db.session.expire_all()
    return db.session.get(MatchRound, round_id)


def _proposals(round_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Allocation).where(Allocation.round_id == round_id)
    )


def test_a_second_delivery_while_a_live_worker_holds_the_round_changes_nothing(school: School) -> None:
    match_round = factories.create_round(
        school, status="running", claim="another-worker", heartbeat_at=utcnow(), attempts=1, progress=40
    )

    run_round.run(match_round.id)

    held = _round(match_round.id)
    assert (held.status, held.claim, held.attempts, held.progress) == ("running", "another-worker", 1, 40)
    assert _proposals(match_round.id) == 0


def test_a_delivery_after_the_round_succeeded_changes_nothing(school: School) -> None:
    match_round = factories.create_round(school)
    run_round.run(match_round.id)
    done = _round(match_round.id)
    finished_at, metrics = done.finished_at, done.metrics

    run_round.run(match_round.id)

    again = _round(match_round.id)
    assert (again.status, again.finished_at, again.metrics, again.attempts) == (
        "succeeded",
        finished_at,
        metrics,
        1,
    )
    assert _proposals(match_round.id) == 3


def test_a_round_whose_worker_went_quiet_is_taken_over_by_the_next_delivery(school: School) -> None:
    stale = utcnow() - timedelta(minutes=10)
    match_round = factories.create_round(
        school, status="running", claim="dead-worker", heartbeat_at=stale, attempts=1, progress=40
    )

    run_round.run(match_round.id)

    done = _round(match_round.id)
    assert (done.status, done.attempts) == ("succeeded", 2)
    assert done.claim != "dead-worker"
    assert _proposals(match_round.id) == 3


def test_only_one_of_two_simultaneous_claims_wins(school: School, app: Flask) -> None:
    match_round = factories.create_round(school)
    wins: list[bool] = []
    ready = threading.Barrier(2)

    def claim(token: str) -> None:
        with app.app_context():
            ready.wait()
            with transaction():
                wins.append(round_claims.claim_round(match_round.id, token, utcnow() - timedelta(minutes=1)))

    threads = [threading.Thread(target=claim, args=(token,)) for token in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(wins) == [False, True]
    assert _round(match_round.id).attempts == 1


def test_a_round_cancelled_while_it_runs_saves_nothing(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    match_round = factories.create_round(school)
    real = matching_tasks.candidates

    def cancel_meanwhile(*args: Any, **kwargs: Any) -> Any:
        with transaction():
            round_claims.cancel_round(match_round.id)
        return real(*args, **kwargs)

    monkeypatch.setattr(matching_tasks, "candidates", cancel_meanwhile)
    run_round.run(match_round.id)

    cancelled = _round(match_round.id)
    assert (cancelled.status, cancelled.stage) == ("cancelled", "Cancelled")
    assert _proposals(match_round.id) == 0


def test_the_heartbeat_keeps_a_long_stage_alive(school: School, monkeypatch: pytest.MonkeyPatch) -> None:
    match_round = factories.create_round(school)
    real = matching_tasks.candidates
    seen: list[Any] = []

    def slow(*args: Any, **kwargs: Any) -> Any:
        # Longer than several heartbeats (0.5 s in tests): read the round as another process would.
        for _ in range(3):
            time.sleep(0.8)
            with db.engine.connect() as connection:
                seen.append(
                    connection.scalar(select(MatchRound.heartbeat_at).where(MatchRound.id == match_round.id))
                )
        return real(*args, **kwargs)

    monkeypatch.setattr(matching_tasks, "candidates", slow)
    run_round.run(match_round.id)

    assert len(set(seen)) == 3, "the heartbeat did not move while the stage ran"
    assert _round(match_round.id).status == "succeeded"


def test_repair_queues_again_a_round_whose_heartbeat_stopped_and_sends_it(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[int] = []
    monkeypatch.setattr(matching_tasks, "enqueue_round", sent.append)
    stale = utcnow() - timedelta(minutes=10)
    dead = factories.create_round(school, status="running", claim="dead", heartbeat_at=stale, attempts=1)
    alive = factories.create_round(
        factories.create_school(), status="running", claim="alive", heartbeat_at=utcnow(), attempts=1
    )

    repair_rounds.run()

    requeued = _round(dead.id)
    assert (requeued.status, requeued.claim, requeued.progress) == ("queued", "", 0)
    assert "stopped" in requeued.stage
    assert _round(alive.id).status == "running"
    assert sent == [dead.id]


def test_repair_fails_a_round_whose_workers_died_too_often(
    school: School, monkeypatch: pytest.MonkeyPatch, app: Flask
) -> None:
    sent: list[int] = []
    monkeypatch.setattr(matching_tasks, "enqueue_round", sent.append)
    attempts = app.config["ROUND_MAX_ATTEMPTS"]
    stale = utcnow() - timedelta(minutes=10)
    match_round = factories.create_round(
        school, status="running", claim="dead", heartbeat_at=stale, attempts=attempts
    )

    repair_rounds.run()

    failed = _round(match_round.id)
    assert (failed.status, failed.error) == ("failed", WORKER_DIED.format(attempts=attempts))
    assert sent == []


def test_repair_sends_again_a_round_left_waiting_in_the_queue(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[int] = []
    monkeypatch.setattr(matching_tasks, "enqueue_round", sent.append)
    long_ago = utcnow() - timedelta(minutes=10)
    lost = factories.create_round(school, status="queued", enqueued_at=long_ago)
    fresh = factories.create_round(factories.create_school(), status="queued", enqueued_at=utcnow())

    repair_rounds.run()

    assert sent == [lost.id]
    assert _round(lost.id).enqueued_at > long_ago
    assert _round(fresh.id).status == "queued"


def test_the_repair_task_is_on_the_beat_schedule_and_the_matching_queue(app: Flask) -> None:
    celery = app.extensions["celery"]
    [entry] = [e for e in celery.conf.beat_schedule.values() if e["task"] == repair_rounds.name]
    assert entry["schedule"] == app.config["ROUND_REPAIR_SECONDS"]
    assert celery.amqp.router.route({}, repair_rounds.name)["queue"].name == "matching"
