"""Matching rounds: load ids, call the engine, save the proposals."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from celery import Task, shared_task
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy.exc import InterfaceError, OperationalError

from matcher import allocate
from matcher.candidates import candidates
from matcher.instance import UNASSIGNED
from matcher.pipeline import build_instance, find_pair
from matcher.scores import explain, score
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


@shared_task(  # type: ignore[untyped-decorator]
    bind=True,
    name="matching.run_round",
    autoretry_for=TRANSIENT,
    max_retries=MAX_RETRIES,
    retry_backoff=True,
    retry_jitter=True,
)
def run_round(self: Task, round_id: int) -> None:
    """Run one matching round and store its proposals, metrics and status; the round is its own record."""
    match_round = dao.get_round(round_id)
    if match_round is None or match_round.status not in ("queued", "running"):
        log.info("Matching round %s is not waiting to run; nothing to do", round_id)
        return
    try:
        policy = policy_for(match_round)
    except (TypeError, ValueError):
        log.exception("Matching round %s has an invalid policy", round_id)
        _record_failure(round_id, BAD_POLICY)
        return
    try:
        mechanism, seed = match_round.mechanism, match_round.seed
        _stage(
            round_id, 5, "Reading students and opportunities", status="running", started_at=utcnow(), error=""
        )
        _run(round_id, load_round_inputs(match_round, policy), mechanism, seed)
    except TRANSIENT:
        db.session.rollback()
        final = self.request.retries >= MAX_RETRIES
        _record_failure(round_id, UNAVAILABLE if final else None)
        raise  # Celery retries it, or logs the last attempt
    except ValueError:
        db.session.rollback()
        log.exception("Matching round %s could not be run on its inputs", round_id)
        _record_failure(round_id, BAD_INPUT)
    except Exception:
        db.session.rollback()
        log.exception("Matching round %s failed", round_id)
        _record_failure(round_id, BROKEN)


def _run(round_id: int, inputs: RoundInputs, mechanism: str, seed: int) -> None:
    """Candidates, scores, instance and allocation, then every proposal and the metrics in one commit."""
    _stage(round_id, 10, "Finding opportunities each student can take")
    found = candidates(inputs.students, inputs.opportunities, inputs.policy, postcode_index(), date.today())
    _stage(round_id, 40, "Scoring each possible match")
    scored = score(inputs.students, inputs.opportunities, found, inputs.policy)
    instance = build_instance(inputs.students, inputs.opportunities, found, scored, inputs.policy)
    _stage(round_id, 70, "Allocating places")
    result = allocate(instance, mechanism, seed, placement_pathway=inputs.pathways())
    _stage(round_id, 90, "Saving proposals")
    proposals = []
    for s, p in enumerate(result.assignment.tolist()):
        if p == UNASSIGNED:
            continue
        k = find_pair(found, s, p)
        student_id, opportunity_id = inputs.student_id(s), inputs.opportunity_id(p)
        proposals.append(
            {
                "student_id": student_id,
                "opportunity_id": opportunity_id,
                "score": float(scored.total[k]),
                "rank": inputs.ranks.get((student_id, opportunity_id)),
                "explanation": explain(scored, k),
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
        "unlocated_students": len(found.unlocated_students),
        "unlocated_opportunities": len(found.unlocated_opportunities),
        "fairness": result.fairness,
        "seconds": result.seconds,
    }
    with transaction():
        dao.add_proposals(round_id, proposals)
        dao.update_round(
            round_id,
            status="succeeded",
            progress=100,
            stage="Finished",
            metrics=metrics,
            finished_at=utcnow(),
        )


def _stage(round_id: int, progress: int, stage: str, **fields: Any) -> None:
    """Show how far the round has got, committed at once so the careers leader's page sees it."""
    with transaction():
        dao.update_round(round_id, progress=progress, stage=stage, **fields)


def _record_failure(round_id: int, message: str | None) -> None:
    """Fail the round with this message, or (None) put it back in the queue for a retry."""
    try:
        with transaction():
            if message is None:
                dao.update_round(round_id, status="queued", progress=0, stage="Waiting to try again")
            else:
                dao.fail_round(round_id, message)
    except Exception:
        # The database itself may be what failed; the round stays as it was and the error is logged.
        log.exception("Could not record the outcome of matching round %s", round_id)
