"""A hub's entitlement targets: what every pupil of its schools is owed across Years 7 to 13 (the defaults
are web/planner/entitlements.py's; a hub with no rows here uses them)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import one_of, utcnow
from web.planner.entitlements import FIRST_YEAR, LAST_YEAR, MEASURES


class EntitlementTarget(db.Model):  # type: ignore[name-defined,misc]
    """One entitlement as the hub set it: its measure, its years and a milestone for the end of each."""

    __table_args__ = (
        one_of("measure", tuple(MEASURES), "measure"),
        UniqueConstraint("hub_id", "key"),
        CheckConstraint(
            f"first_year >= {FIRST_YEAR} AND last_year <= {LAST_YEAR} AND last_year >= first_year",
            name="years_in_order",
        ),
        CheckConstraint("due_month BETWEEN 1 AND 12 AND due_day BETWEEN 1 AND 31", name="due_day_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(120))
    measure: Mapped[str] = mapped_column(String(20))
    first_year: Mapped[int]
    last_year: Mapped[int]
    milestones: Mapped[list[str]] = mapped_column(JSON)  # decimals as text, one per year of the span
    every_year: Mapped[bool] = mapped_column(default=False)
    due_month: Mapped[int] = mapped_column(default=7)
    due_day: Mapped[int] = mapped_column(default=31)
    t_level_only: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


PLAN_STATUSES = ("queued", "running", "succeeded", "failed")
ITEM_STATUSES = ("proposed", "approved", "rejected")


class TermPlan(db.Model):  # type: ignore[name-defined,misc]
    """One run of the planner over a hub's term, in a worker with progress, as rounds are: what-if until
    the hub keeps it, when each school's careers leader sees their part to approve."""

    __table_args__ = (
        one_of("status", PLAN_STATUSES, "status"),
        CheckConstraint("term BETWEEN 1 AND 3", name="term_valid"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        # One plan at a time per hub in a worker: two at once would only wait on each other.
        Index(
            "uq_term_plan_active_hub",
            "hub_id",
            unique=True,
            sqlite_where=text("status IN ('queued', 'running')"),
            postgresql_where=text("status IN ('queued', 'running')"),
        ),
        # One kept plan a term per hub: the one its schools see and approve.
        Index(
            "uq_term_plan_kept",
            "hub_id",
            "academic_year",
            "term",
            unique=True,
            sqlite_where=text("kept"),
            postgresql_where=text("kept"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id", ondelete="CASCADE"), index=True)
    academic_year: Mapped[int]  # the calendar year it starts in
    term: Mapped[int]  # 1 autumn, 2 spring, 3 summer
    seed: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    kept: Mapped[bool] = mapped_column(default=False)  # the term's plan the schools see
    progress: Mapped[int] = mapped_column(default=0)
    stage: Mapped[str] = mapped_column(String(100), default="Waiting for a worker")
    error: Mapped[str] = mapped_column(Text, default="")
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    claim: Mapped[str] = mapped_column(String(32), default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class PlanSession(db.Model):  # type: ignore[name-defined,misc]
    """One session of an offer in a plan (an offer runs `per_term` of them), with its seats: the database
    holds the seats (places_taken never above them)."""

    __table_args__ = (
        UniqueConstraint("plan_id", "offer_id", "number"),
        CheckConstraint("places_taken >= 0 AND places_taken <= seats", name="places_within_seats"),
        UniqueConstraint("id", "plan_id", "offer_id"),  # what a plan item's one foreign key names
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("term_plan.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("encounter_offer.id"), index=True)
    number: Mapped[int]
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)  # a whole group's
    tutor_group: Mapped[str | None] = mapped_column(String(20))
    seats: Mapped[int]
    places_taken: Mapped[int] = mapped_column(default=0)
    # The event it became when the hub gave it a date: its approved pupils are invited there.
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("encounter_event.id", ondelete="SET NULL"), index=True, unique=True
    )


class PlanItem(db.Model):  # type: ignore[name-defined,misc]
    """A pupil proposed for a session, with what it fills and why; their careers leader approves it."""

    __table_args__ = (
        one_of("status", ITEM_STATUSES, "status"),
        UniqueConstraint("plan_id", "student_id", "offer_id"),
        Index("ix_plan_item_plan_school", "plan_id", "school_id", "status"),
        # One key for the session, its plan and its offer (their own keys check those): on PostgreSQL each
        # key is a query a row, and three were 12 s of a hub term's 600,000 items (migration 0028).
        ForeignKeyConstraint(
            ["session_id", "plan_id", "offer_id"],
            ["plan_session.id", "plan_session.plan_id", "plan_session.offer_id"],
            ondelete="CASCADE",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int]
    session_id: Mapped[int] = mapped_column(index=True)
    offer_id: Mapped[int]
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), index=True)
    measure: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    # Why, as the planner saw it: what the pupil still needed of the measure, at risk on it or not, and
    # disadvantaged or SEND (words for it are web/planner/plan_words.py's).
    need: Mapped[Decimal] = mapped_column(Numeric(6, 1))
    at_risk: Mapped[bool] = mapped_column(default=False)
    priority: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
