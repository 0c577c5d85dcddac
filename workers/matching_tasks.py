"""Matching rounds: claim the round, call the engine, save the proposals; and repair rounds whose worker died.

A round is held by one attempt at a time (a claim in the database, renewed by a heartbeat). A task delivered
twice finds the round claimed and does nothing; a worker killed mid-round stops its heartbeat, and the
repair task, which Celery beat runs every minute, queues the round again for another worker.
"""

from __future__ import annotations

import gc
import logging
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import numpy as np
import numpy.typing as npt
from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from flask import current_app
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy import Engine
from sqlalchemy.exc import InterfaceError, OperationalError

from matcher import allocate
from matcher.candidates import Candidates, candidates
from matcher.instance import UNASSIGNED
from matcher.pipeline import build_instance
from matcher.scores import explain, score
from web.dao import round_claims as claims
from web.dao import rounds as dao
from web.dao.base import transaction
from web.extensions import db
from web.models.base import utcnow
from web.postcodes import postcode_index
from workers.round_inputs import RoundInputs, load_round_inputs, policy_for

log = logging.getLogger(__name__)

# Errors that pass if tried again a little later: the database or broker briefly away, SQLite busy.
TRANSIENT = (OperationalError, InterfaceError, BrokerError, ConnectionError, TimeoutError)
MAX_RETRIES = 3

# Messages for the careers leader: plain, and never about a particular student.
BAD_POLICY = (
    "This round's matching settings are not valid. Ask your careers hub to check the matching policy."
)
BAD_INPUT = (
    "The matching could not be completed with these students and opportunities. "
    "Check their details and try again, or ask your careers hub for help."
)
UNAVAILABLE = "The matching service could not reach its database. Try again later."
BROKEN = "Something went wrong while matching. Try again later, or ask your careers hub for help."
TOO_LONG = (
    "The matching took too long and was stopped. Try again, or ask your careers hub for help if it happens "
    "again."
)
# A national round takes about a minute; a round still going after this has hung, though its heartbeat
# (another thread) goes on: stop it with a message rather than hold the round for ever.
SOFT_TIME_LIMIT = 20 * 60
WORKER_DIED = (
    "The matching stopped {attempts} times before it could finish. Try again, or ask your careers hub "
    "for help if it happens again."
)


class RoundLostError(Exception):
    """The round stopped being this attempt's: cancelled, or given to another worker."""


def enqueue_round(round_id: int) -> bool:
    """Send a committed, queued round to a worker; False (logged) if the broker cannot be reached."""
    try:
        run_round.apply_async(args=[round_id])
    except Exception:
        log.exception("Could not send matching round %s to a worker", round_id)
        return False
    return True


@shared_task(  # type: ignore[untyped-decorator]
    bind=True,
    name="matching.run_round",
    autoretry_for=TRANSIENT,
    max_retries=MAX_RETRIES,
    retry_backoff=True,
    retry_jitter=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=SOFT_TIME_LIMIT + 60,
)
def run_round(self: Task, round_id: int) -> None:
    """Run one matching round and store its proposals, metrics and status; the round is its own record."""
    config = current_app.config
    claim = uuid4().hex
    stale_before = utcnow() - timedelta(seconds=config["ROUND_STALE_SECONDS"])
    with transaction():
        claimed = claims.claim_round(round_id, claim, stale_before)
    if not claimed:
        log.info("Matching round %s is finished, cancelled or held by a live worker; nothing to do", round_id)
        return
    with Heartbeat(db.engine, round_id, claim, config["ROUND_HEARTBEAT_SECONDS"]) as heartbeat:
        try:
            with _no_cycle_collection():
                _attempt(round_id, claim, heartbeat)
        except RoundLostError:
            db.session.rollback()
            log.info("Matching round %s was cancelled or taken over; its result is not saved", round_id)
        except TRANSIENT:
            db.session.rollback()
            final = self.request.retries >= MAX_RETRIES
            _record_failure(round_id, claim, UNAVAILABLE if final else None)
            raise  # Celery retries it, or logs the last attempt
        except SoftTimeLimitExceeded:
            db.session.rollback()
            log.error("Matching round %s took too long and was stopped", round_id)
            _record_failure(round_id, claim, TOO_LONG)
        except ValueError:
            db.session.rollback()
            log.exception("Matching round %s could not be run on its inputs", round_id)
            _record_failure(round_id, claim, BAD_INPUT)
        except Exception:
            db.session.rollback()
            log.exception("Matching round %s failed", round_id)
            _record_failure(round_id, claim, BROKEN)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Hold off Python's cycle collector while the round builds its records and proposals: the hundreds of
    thousands of small objects it makes, none in a cycle, set off collection after collection over the
    whole process, about a sixth of a hub-wide round's time. It runs as usual afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _attempt(round_id: int, claim: str, heartbeat: Heartbeat) -> None:
    match_round = dao.get_round(round_id)
    if match_round is None:
        raise RoundLostError
    try:
        policy = policy_for(match_round)
    except (TypeError, ValueError):
        log.exception("Matching round %s has an invalid policy", round_id)
        _record_failure(round_id, claim, BAD_POLICY)
        return
    mechanism, seed, draft = match_round.mechanism, match_round.seed, match_round.draft
    inputs = load_round_inputs(match_round, policy, date.today())
    _pause_for_tests(heartbeat)
    _run(round_id, claim, heartbeat, inputs, mechanism, seed, "draft" if draft else "proposed")


def _run(  # noqa: PLR0913 - the round, its claim and inputs, and how to store what it proposes
    round_id: int,
    claim: str,
    heartbeat: Heartbeat,
    inputs: RoundInputs,
    mechanism: str,
    seed: int,
    status: str,
) -> None:
    """Candidates, scores, instance and allocation, then every proposal and the metrics in one commit."""
    _stage(round_id, claim, heartbeat, 10, "Finding opportunities each student can take")
    found = candidates(inputs.students, inputs.opportunities, inputs.policy, postcode_index(), date.today())
    _stage(round_id, claim, heartbeat, 40, "Scoring each possible match")
    scored = score(inputs.students, inputs.opportunities, found, inputs.policy)
    instance = build_instance(inputs.students, inputs.opportunities, found, scored, inputs.policy)
    _stage(round_id, claim, heartbeat, 70, "Allocating places")
    result = allocate(instance, mechanism, seed, placement_pathway=inputs.pathways())
    _stage(round_id, claim, heartbeat, 90, "Saving proposals")
    placed, pairs = _placed_pairs(found, result.assignment)
    places = result.assignment[placed].tolist()
    totals = scored.total[pairs].tolist()
    remote = found.remote[pairs].tolist()
    distances = found.distance_km[pairs].tolist()
    proposals = []
    for n, (s, k) in enumerate(zip(placed.tolist(), pairs.tolist(), strict=True)):
        student_id, opportunity_id = inputs.student_id(s), inputs.opportunity_id(places[n])
        proposals.append(
            {
                "student_id": student_id,
                "opportunity_id": opportunity_id,
                "score": totals[n],
                "rank": inputs.ranks.get((student_id, opportunity_id)),
                "explanation": {
                    "parts": _parts(
                        explain(scored, k),
                        "online" if remote[n] else "from_school" if student_id in inputs.from_school else "",
                    ),
                    # How far, for the student's own reasons; None for a remote placement.
                    "distance_km": None if remote[n] else round(distances[n], 1),
                },
            }
        )
    metrics: dict[str, Any] = {
        "mechanism": result.mechanism,
        "seed": result.seed,
        "students": len(inputs.students),
        "opportunities": len(inputs.opportunities),
        "candidates": len(found),
        "assigned": result.assigned,
        "objective": result.total_score,
        "ranked_placed": sum(proposal["rank"] is not None for proposal in proposals),
        "median_km": _median_km(proposals),
        "left_out": inputs.left_out,
        "unlocated_students": len(found.unlocated_students),
        "unlocated_opportunities": len(found.unlocated_opportunities),
        "fairness": result.fairness,
        "seconds": result.seconds,
    }
    with transaction():
        # The round first: its row lock (PostgreSQL) or the write lock (SQLite) makes a cancel or a
        # takeover wait, and a round that is no longer ours saves nothing.
        finished = dict(status="succeeded", progress=100, stage="Finished", finished_at=utcnow())
        if heartbeat.lost or not claims.advance_round(round_id, claim, metrics=metrics, **finished):
            raise RoundLostError
        made = len(proposals)
        if status == "proposed":
            # A school's round and its hub's round may run at once: whoever saves second leaves out the
            # students the other has just proposed or placed, as a round started after it would have.
            proposals = dao.without_busy_students(round_id, proposals, date.today())
        stored = dao.add_proposals(round_id, proposals, status)
        if stored < made:
            # A concurrent round proposed some of the same students first.
            claims.record_metrics(round_id, {**metrics, "skipped": made - stored})


def _parts(parts: dict[str, float], distance_as: str) -> dict[str, float]:
    """A proposal's score parts as a careers leader reads them. The distance part is named for what it
    counted: "online" for an online place (no travel, not nearness to home), "from_school" for a student
    measured from their school's postcode (their home one not being known)."""
    if distance_as:
        parts = {(distance_as if name == "distance" else name): value for name, value in parts.items()}
    return parts


def _placed_pairs(
    found: Candidates, assignment: npt.NDArray[np.integer[Any]]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The students given a place, in order, and the index of each one's candidate pair for that place:
    find_pair for every student at once, rather than 30,000 searches one by one."""
    placed = np.flatnonzero(assignment != UNASSIGNED)
    matching = np.flatnonzero(found.opportunity == assignment[found.student])
    # A pair is unique per student and place; should one repeat, the first counts, as in find_pair.
    students, first = np.unique(found.student[matching], return_index=True)
    if not np.array_equal(students, placed):
        raise ValueError("The allocation gave a student a placement that is not one of their candidates")
    return placed, matching[first].astype(np.int64)


def _median_km(proposals: list[dict[str, Any]]) -> float | None:
    """Median distance to the placements proposed in person, in km; None if there are none."""
    distances = [p["explanation"]["distance_km"] for p in proposals]
    distances = [km for km in distances if km is not None]
    return round(float(statistics.median(distances)), 1) if distances else None


def _stage(round_id: int, claim: str, heartbeat: Heartbeat, progress: int, stage: str) -> None:
    """Show how far the round has got, committed at once so the careers leader's page sees it; stop here
    if the round is no longer this attempt's."""
    with transaction():
        if heartbeat.lost or not claims.advance_round(round_id, claim, progress=progress, stage=stage):
            raise RoundLostError
    # Its time says when the stage began (python -m bench.hub times the stages by these records).
    log.debug("Matching round %s: %s", round_id, stage)


def _pause_for_tests(heartbeat: Heartbeat) -> None:
    # The fault tests kill a worker here, mid-round; the setting is zero outside tests.
    deadline = time.monotonic() + float(current_app.config["ROUND_PAUSE_SECONDS"])
    while time.monotonic() < deadline and not heartbeat.lost:
        time.sleep(0.1)


def _record_failure(round_id: int, claim: str, message: str | None) -> None:
    """Fail the round with this message, or (None) put it back in the queue for a retry."""
    try:
        with transaction():
            if message is None:
                claims.release_round(round_id, claim, "Waiting to try again")
            else:
                claims.fail_round(round_id, message, claim)
    except Exception:
        # The database itself may be what failed; the round stays as it was (the repair task will find it
        # if its heartbeat stops) and the error is logged.
        log.exception("Could not record the outcome of matching round %s", round_id)


class Heartbeat:
    """A thread that renews the round's heartbeat every few seconds while the attempt runs, on a
    connection of its own; `lost` turns True once the round is no longer this attempt's."""

    def __init__(self, engine: Engine, round_id: int, claim: str, every: float) -> None:
        self.engine, self.round_id, self.claim, self.every = engine, round_id, claim, every
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"round-{round_id}-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        # A beat stuck on a locked database gives up by itself (busy_timeout); don't wait for it here.
        self._thread.join(timeout=self.every + 1)

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            try:
                with self.engine.begin() as connection:
                    alive = claims.touch_round(connection, self.round_id, self.claim)
            except Exception:  # noqa: BLE001 - a missed beat is not fatal; a dead database shows elsewhere
                log.warning("Could not renew the heartbeat of matching round %s", self.round_id)
                continue
            if not alive:
                self.lost = True
                return


@shared_task(name="matching.repair_rounds")  # type: ignore[untyped-decorator]
def repair_rounds() -> None:
    """Queue again rounds whose worker died (heartbeat stopped) and send again rounds the broker lost;
    fail a round whose workers died too often. Run by Celery beat."""
    config = current_app.config
    stale_before = utcnow() - timedelta(seconds=config["ROUND_STALE_SECONDS"])
    send = []
    for round_id, claim, attempts in claims.abandoned_rounds(stale_before):
        with transaction():
            if attempts >= config["ROUND_MAX_ATTEMPTS"]:
                if claims.fail_round(round_id, WORKER_DIED.format(attempts=attempts), claim):
                    log.warning("Matching round %s failed: its worker died %s times", round_id, attempts)
            elif claims.requeue_abandoned(round_id, claim, stale_before):
                log.warning("Matching round %s lost its worker; queued again", round_id)
                send.append(round_id)
    with transaction():
        lost = claims.unsent_rounds(stale_before)
    for round_id in lost:
        log.warning("Matching round %s waited too long for a worker; sent again", round_id)
    for round_id in [*send, *lost]:
        enqueue_round(round_id)
