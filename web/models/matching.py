"""Matching rounds and the allocations they propose."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import (
    ACTIVE_ROUND_STATUSES,
    ALLOCATION_STATUSES,
    LIVE_STATUSES,
    MECHANISMS,
    ROUND_STATUSES,
    one_of,
    utcnow,
)

ACTIVE_REAL = f"status IN {ACTIVE_ROUND_STATUSES} AND NOT draft"


class MatchRound(db.Model):  # type: ignore[name-defined,misc]
    """One run of the engine over a school's or a hub's students; the database is its source of truth."""

    __table_args__ = (
        one_of("status", ROUND_STATUSES, "status"),
        one_of("mechanism", MECHANISMS, "mechanism"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),
        # One unfinished round per school at a time, and one hub-wide round per hub: two would propose the
        # same students for the same seats. What-if drafts propose nothing live, so any number may run.
        Index(
            "uq_match_round_active_school",
            "school_id",
            unique=True,
            sqlite_where=text(ACTIVE_REAL),
            postgresql_where=text(ACTIVE_REAL),
        ),
        Index(
            "uq_match_round_active_hub",
            "hub_id",
            unique=True,
            sqlite_where=text(f"{ACTIVE_REAL} AND school_id IS NULL"),
            postgresql_where=text(f"{ACTIVE_REAL} AND school_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)  # None: hub-wide
    kind: Mapped[str | None] = mapped_column(String(20))  # None: every kind of opportunity
    mechanism: Mapped[str] = mapped_column(String(10), default="optimal")
    policy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    seed: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    progress: Mapped[int] = mapped_column(default=0)
    stage: Mapped[str] = mapped_column(String(100), default="Waiting for a worker")
    error: Mapped[str] = mapped_column(Text, default="")
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Which attempt holds a running round: only the worker whose claim this is may save its result.
    claim: Mapped[str] = mapped_column(String(32), default="", server_default="")
    # The holder writes this every few seconds; a running round whose heartbeat has stopped lost its worker.
    heartbeat_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    # When the round was last handed to the broker, so a message the broker lost can be sent again.
    enqueued_at: Mapped[datetime | None]
    # A top-up round runs over the seats freed since this round, for the students still unplaced.
    top_up_of_id: Mapped[int | None] = mapped_column(ForeignKey("match_round.id"))
    # A what-if draft: its proposals ("draft") reach no one until it is kept over the draft it is compared
    # with; the other is then deleted.
    draft: Mapped[bool] = mapped_column(default=False, server_default=false())
    compared_with_id: Mapped[int | None] = mapped_column(ForeignKey("match_round.id", ondelete="SET NULL"))
    # Hub-wide rounds: each school's careers leaders decide their share by this day (Europe/London); the
    # hub admin then releases the approved proposals to students as offers. A school's round: proposals
    # undecided after this day go back to the pool (web/dao/round_deadlines.py).
    decide_by: Mapped[date | None]
    released_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class Allocation(db.Model):  # type: ignore[name-defined,misc]
    """A proposed (then approved, offered, accepted...) placement of one student on one opportunity."""

    __table_args__ = (
        one_of("status", ALLOCATION_STATUSES, "status"),
        UniqueConstraint("round_id", "student_id", "opportunity_id"),
        CheckConstraint("attended_days IS NULL OR attended_days >= 0", name="attended_days_not_negative"),
        CheckConstraint("attended_hours IS NULL OR attended_hours >= 0", name="attended_hours_not_negative"),
        # One live allocation (proposed, offered or held) per student per opportunity, whichever round it
        # came from: a student is never offered or given the same place twice.
        Index(
            "uq_allocation_live_student_opportunity",
            "student_id",
            "opportunity_id",
            unique=True,
            sqlite_where=text(f"status IN {LIVE_STATUSES}"),
            postgresql_where=text(f"status IN {LIVE_STATUSES}"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a placement the student found themselves (OwnPlacement), which no round proposed.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("match_round.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id"), index=True)
    score: Mapped[float]
    rank: Mapped[int | None]  # where the student ranked it, if they did
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    offered_at: Mapped[datetime | None]
    # The last day (Europe/London) the student can answer the offer; set when it is released.
    respond_by: Mapped[date | None]
    responded_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]  # by the employer
    # Why it ended early (the employer's reason for declining, a closure's message), for the school.
    ended_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    ended_at: Mapped[datetime | None]
    # What the employer recorded once it was over.
    attended_days: Mapped[int | None]
    attended_hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 1))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
