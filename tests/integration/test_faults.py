"""Faults with real processes: a worker killed mid-round, one round delivered twice to two workers, and a
worker killed mid-way through an event allocation.

Each broker gets its own stack: gunicorn, Celery beat (sending the repair task every second under the test
settings, which also call a worker dead after 3 s without a heartbeat) and the workers each test starts.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery
from flask import Flask
from sqlalchemy import func, select

from config.celery import MATCHING_QUEUE
from tests import db as factories
from tests.integration.conftest import Stack, _broker_url, _purge, launch, stack_env
from web.extensions import db
from web.models import (
    Allocation,
    EncounterEvent,
    EventAllocation,
    EventPlace,
    EventSlot,
    Hub,
    MatchRound,
    School,
)
from web.models.base import utcnow

STUDENTS = ("M13 9PL", "M14 5TP", "M15 6BH", "M20 2RN", "M1 1AD", "M16 7RX")
# Long enough that the test always kills the worker mid-round; the killed worker never finishes it.
KILLED_WORKER_PAUSE = "120"


@pytest.fixture(scope="module", params=["sqlite", "redis"], ids=["sqlite-file broker", "redis broker"])
def stack(
    request: pytest.FixtureRequest, app: Flask, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """The web server and beat on this broker, with no worker until a test starts one."""
    where: Path = tmp_path_factory.mktemp("faults")
    broker = _broker_url(request.param, where)
    _purge(broker)
    yield from launch(broker, app, where, stack_env(app, broker), beat=True)


@pytest.fixture
def workers(stack: Stack) -> Iterator[list[str]]:
    """Names of the workers a test starts; stopped after it, whatever happened."""
    started: list[str] = []
    yield started
    stack.stop(*started)


def _school_with_places() -> School:
    hub = factories.create_hub()
    school = factories.create_school(hub)
    for postcode in STUDENTS:
        factories.create_student(school, postcode=postcode)
    employer = factories.create_employer(db.session.get(Hub, hub.id))
    factories.create_opportunity(employer, capacity=3, postcode="M1 1AD")
    factories.create_opportunity(employer, capacity=3, postcode="M13 9PL", title="Lab week")
    return school


def _round(round_id: int) -> MatchRound:
    db.session.expire_all()
    return db.session.get(MatchRound, round_id)


def _proposals(round_id: int) -> list[tuple[int, int]]:
    db.session.expire_all()
    rows = db.session.execute(
        select(Allocation.student_id, Allocation.opportunity_id).where(Allocation.round_id == round_id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_a_round_whose_worker_is_killed_mid_round_is_finished_by_another_worker(
    stack: Stack, workers: list[str]
) -> None:
    school = _school_with_places()
    leader = factories.create_user_for("careers_leader", school)
    browser = stack.browser()
    browser.sign_in(leader.email, factories.PASSWORD)
    workers.append("doomed worker")
    stack.start_worker("doomed worker", TEST_ROUND_PAUSE_SECONDS=KILLED_WORKER_PAUSE)

    page = browser.submit(stack.url("careers.rounds"), {"kind": "all", "mechanism": "optimal"})
    round_id = int(page.url.rsplit("/", 1)[-1])
    stack.wait_for(lambda: _round(round_id).status == "running", 30, "the first worker to claim the round")
    stack.kill("doomed worker")
    killed_at = time.monotonic()
    assert _round(round_id).status == "running"  # stranded, as a dead worker leaves it

    workers.append("rescuer")
    stack.start_worker("rescuer")
    status = stack.finish_round(browser, round_id)
    seconds = time.monotonic() - killed_at

    print(f"\n{stack.broker.split(':')[0]} broker: killed mid-round, succeeded {seconds:.1f} s later")
    assert status["status"] == "succeeded", stack.all_logs()
    done = _round(round_id)
    assert done.attempts == 2
    proposals = _proposals(round_id)
    assert len(proposals) == 6 and len({student for student, _ in proposals}) == 6
    # The rescuer ran it: sent again by the repair task, or given it by the broker when the killed worker's
    # unacknowledged delivery came back first (whichever wins on a loaded machine); the whole log, as
    # beat's repair tasks can push either line out of the usual tail.
    rescued = stack.logs["rescuer"].read_text(errors="replace")
    assert "lost its worker; queued again" in rescued or "Task matching.run_round[" in rescued
    page = browser.get(stack.url("careers.round_detail", round_id=round_id))
    assert "6 of 6 students were given a proposed placement" in page.main_text()


def test_one_round_sent_twice_to_two_workers_runs_once_and_a_late_third_delivery_changes_nothing(
    stack: Stack, workers: list[str]
) -> None:
    school = _school_with_places()
    match_round = factories.create_round(school, enqueued_at=utcnow())
    for name in ("worker one", "worker two"):
        workers.append(name)
        # Both hold the round a couple of seconds, so the two deliveries overlap.
        stack.start_worker(name, TEST_ROUND_PAUSE_SECONDS="2")
    sender = Celery(broker=stack.broker)
    for _ in range(2):
        sender.send_task("matching.run_round", args=[match_round.id], queue=MATCHING_QUEUE)

    stack.wait_for(lambda: _round(match_round.id).status == "succeeded", 60, "the round to succeed")
    stack.wait_for(
        lambda: "nothing to do" in stack.log("worker one") + stack.log("worker two"),
        30,
        "the second delivery to be turned away",
    )
    done = _round(match_round.id)
    assert (done.status, done.attempts, done.error) == ("succeeded", 1, "")
    assert len(_proposals(match_round.id)) == 6
    logs = stack.log("worker one") + stack.log("worker two")
    assert logs.count("matching.run_round") >= 2 and "Traceback" not in logs

    sender.send_task("matching.run_round", args=[match_round.id], queue=MATCHING_QUEUE)
    stack.wait_for(
        lambda: (stack.log("worker one") + stack.log("worker two")).count("nothing to do") >= 2,
        30,
        "the late delivery to be turned away",
    )
    again = _round(match_round.id)
    assert (again.status, again.attempts, again.finished_at, again.metrics) == (
        "succeeded",
        1,
        done.finished_at,
        done.metrics,
    )
    count = select(func.count()).select_from(Allocation).where(Allocation.round_id == match_round.id)
    assert db.session.scalar(count) == 6
    sender.close()


def _fair() -> tuple[Hub, EncounterEvent]:
    """An open careers fair for one school's 12 Year 9 pupils: two stands of 5 at each of two times."""
    hub = factories.create_hub()
    school = factories.create_school(hub)
    for n in range(12):
        factories.create_student(school, year_group=9, postcode=STUDENTS[n % len(STUDENTS)])
    event = factories.create_event(hub, [school], max_slots=2)
    for hour in (10, 11):
        for stand in ("Engineering stand", "Health stand"):
            factories.create_slot(event, hour, label=stand, capacity=5, invite_limit=5)
    return hub, event


def _event_allocation(allocation_id: int) -> EventAllocation:
    db.session.expire_all()
    return db.session.get(EventAllocation, allocation_id)


def test_an_event_allocation_whose_worker_is_killed_is_finished_by_another_worker_once(
    stack: Stack, workers: list[str]
) -> None:
    hub, event = _fair()
    admin = factories.create_user_for("hub_admin", hub)
    browser = stack.browser()
    browser.sign_in(admin.email, factories.PASSWORD)
    workers.append("doomed worker")
    stack.start_worker("doomed worker", TEST_ROUND_PAUSE_SECONDS=KILLED_WORKER_PAUSE)

    page = browser.post_form(browser.get(stack.url("encounters.events")), stack.url("encounters.allocate"))
    allocation_id = int(page.url.rsplit("/", 1)[-1])
    stack.wait_for(
        lambda: _event_allocation(allocation_id).status == "running", 30, "the first worker to claim it"
    )
    stack.kill("doomed worker")
    killed_at = time.monotonic()
    workers.append("rescuer")
    stack.start_worker("rescuer")
    stack.wait_for(
        lambda: _event_allocation(allocation_id).status in ("succeeded", "failed"),
        90,
        "the allocation to end",
    )
    seconds = time.monotonic() - killed_at
    print(f"\n{stack.broker.split(':')[0]} broker: killed mid-allocation, done {seconds:.1f} s later")
    done = _event_allocation(allocation_id)
    assert (done.status, done.error) == ("succeeded", ""), stack.all_logs()
    places = db.session.execute(
        select(EventPlace.student_id, EventPlace.starts_at).where(EventPlace.status == "proposed")
    ).all()
    # Saved once: each of the 12 pupils at one stand at each time (the stands are over-invited by the
    # no-show prior, so there is room for all), no pupil twice at a time, the counts in step.
    assert len(places) == 24 and len(set(places)) == 24 and done.metrics["proposed"] == 24
    slots = db.session.scalars(select(EventSlot).where(EventSlot.event_id == event.id)).all()
    assert sum(slot.places_taken for slot in slots) == 24
    assert all(slot.places_taken <= slot.invite_limit for slot in slots)
    # The killed worker's message never comes back in time: the repair task sent it again (on a busy
    # machine, maybe the doomed worker itself, seeing it queued too long before it took it).
    logs = stack.log("doomed worker", tail=0) + stack.log("rescuer", tail=0)
    assert "lost its worker or message; sent again" in logs and "Traceback" not in logs
