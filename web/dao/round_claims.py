"""A round's life: queued, claimed by one worker, kept alive by its heartbeat, finished, failed or cancelled.

Every change is one conditional UPDATE, so the database decides who holds a round: a task delivered twice,
a worker that died, a careers leader cancelling and a repair all meet here, and only one of them wins.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from web.extensions import db
from web.models import MatchRound
from web.models.base import utcnow

WAITING_STAGE = "Waiting for a worker"


def _set(*conditions: ColumnElement[bool], **fields: Any) -> int:
    """Set fields on the rounds matching every condition; how many changed."""
    result = db.session.execute(
        update(MatchRound).where(*conditions).values(**fields).execution_options(synchronize_session=False)
    )
    return int(cast(CursorResult[Any], result).rowcount)


def _held(round_id: int, claim: str) -> tuple[ColumnElement[bool], ...]:
    return MatchRound.id == round_id, MatchRound.claim == claim, MatchRound.status == "running"


def claim_round(round_id: int, claim: str, stale_before: datetime) -> bool:
    """Take a queued round, or a running one whose worker has gone quiet, for this attempt; False if the
    round is finished, cancelled or held by a live worker (a second delivery of the same task)."""
    now = utcnow()
    waiting = MatchRound.status == "queued"
    abandoned = (MatchRound.status == "running") & (MatchRound.heartbeat_at < stale_before)
    return bool(
        _set(
            MatchRound.id == round_id,
            or_(waiting, abandoned),
            status="running",
            claim=claim,
            heartbeat_at=now,
            attempts=MatchRound.attempts + 1,
            started_at=now,
            progress=5,
            stage="Reading students and opportunities",
            error="",
        )
    )


def touch_round(connection: Connection, round_id: int, claim: str) -> bool:
    """The holder's heartbeat, on a connection of its own thread; False if the round is no longer its."""
    result = connection.execute(
        update(MatchRound).where(*_held(round_id, claim)).values(heartbeat_at=utcnow())
    )
    return bool(cast(CursorResult[Any], result).rowcount)


def advance_round(round_id: int, claim: str, **fields: Any) -> bool:
    """Record progress (or the result) of a round this attempt holds; False if it lost the round."""
    return bool(_set(*_held(round_id, claim), heartbeat_at=utcnow(), **fields))


def record_metrics(round_id: int, metrics: dict[str, Any]) -> None:
    """Replace a round's metrics (inside the transaction that finished it)."""
    _set(MatchRound.id == round_id, metrics=metrics)


def release_round(round_id: int, claim: str, stage: str) -> bool:
    """Put a round this attempt holds back in the queue, for a retry after a passing fault; the attempt
    is given back, since attempts count workers that died."""
    return bool(
        _set(
            *_held(round_id, claim),
            status="queued",
            claim="",
            progress=0,
            stage=stage,
            attempts=MatchRound.attempts - 1,
        )
    )


def fail_round(round_id: int, message: str, claim: str | None = None) -> bool:
    """Fail a round with a message for the careers leader (never personal data): one this attempt holds,
    or (claim None) one that has not finished."""
    conditions = _held(round_id, claim) if claim is not None else _active(round_id)
    return bool(_set(*conditions, status="failed", stage="Stopped", error=message, finished_at=utcnow()))


def _active(round_id: int) -> tuple[ColumnElement[bool], ...]:
    return MatchRound.id == round_id, MatchRound.status.in_(("queued", "running"))


def cancel_round(round_id: int) -> bool:
    """Cancel a queued or running round; a worker holding it finds out and saves nothing."""
    return bool(_set(*_active(round_id), status="cancelled", stage="Cancelled", finished_at=utcnow()))


def retry_round(round_id: int) -> bool:
    """Queue a failed or cancelled round again, from the start; False if it is neither."""
    return bool(
        _set(
            MatchRound.id == round_id,
            MatchRound.status.in_(("failed", "cancelled")),
            status="queued",
            claim="",
            attempts=0,
            progress=0,
            stage=WAITING_STAGE,
            error="",
            metrics={},
            started_at=None,
            finished_at=None,
            enqueued_at=utcnow(),
        )
    )


def abandoned_rounds(stale_before: datetime) -> list[tuple[int, str, int]]:
    """(id, claim, attempts) of running rounds whose heartbeat stopped before stale_before."""
    rows = db.session.execute(
        select(MatchRound.id, MatchRound.claim, MatchRound.attempts).where(
            MatchRound.status == "running", MatchRound.heartbeat_at < stale_before
        )
    )
    return [(round_id, claim, attempts) for round_id, claim, attempts in rows]


def requeue_abandoned(round_id: int, claim: str, stale_before: datetime) -> bool:
    """Queue again a round whose worker died, unless its worker has come back to life meanwhile."""
    return bool(
        _set(
            *_held(round_id, claim),
            MatchRound.heartbeat_at < stale_before,
            status="queued",
            claim="",
            progress=0,
            stage="Waiting for another worker: the last one stopped",
            enqueued_at=utcnow(),
        )
    )


def unsent_rounds(sent_before: datetime) -> list[int]:
    """Ids of rounds still queued long after they were sent: the broker may have lost their message.
    Each is marked sent now, as the caller sends it again."""
    ids = list(
        db.session.scalars(
            select(MatchRound.id).where(MatchRound.status == "queued", MatchRound.enqueued_at < sent_before)
        )
    )
    if ids:
        _set(MatchRound.id.in_(ids), MatchRound.status == "queued", enqueued_at=utcnow())
    return ids
