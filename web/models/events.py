"""Encounter events with time slots (a careers fair, a mock-interview day, a workplace visit for 30), the
hub's allocation of pupils to their slots, and each pupil's place: proposed, then invited once their careers
leader approves (or rejected), or waitlisted; then attended or absent on the register, or declined."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import ACTIVE_ROUND_STATUSES, PATHWAYS, ROUND_STATUSES, one_of, utcnow
from web.models.encounters import ALL_FORMATS

EVENT_STATUSES = ("draft", "open", "allocated", "held", "cancelled")
PLACE_STATUSES = (
    "proposed",
    "invited",
    "waitlisted",
    "declined",
    "rejected",
    "attended",
    "absent",
)
# A place in one of these holds a seat of its slot and the pupil's time: no other place may overlap it.
# The database holds that rule (migration 0013): an exclusion constraint on PostgreSQL, triggers on SQLite.
HOLDING = ("proposed", "invited", "attended")


def slot_hours(starts_at: datetime, ends_at: datetime) -> Decimal:
    """A slot's length in hours, to one decimal place (what an attended place records)."""
    return Decimal((ends_at - starts_at).total_seconds() / 3600).quantize(Decimal("0.1"))


class EncounterEvent(db.Model):  # type: ignore[name-defined,misc]
    """An event the hub runs for several schools' pupils, with slots that pupils are allocated to."""

    __table_args__ = (
        one_of("format", tuple(ALL_FORMATS), "format"),
        one_of("pathway", PATHWAYS, "pathway"),
        one_of("status", EVENT_STATUSES, "status"),
        CheckConstraint("max_slots >= 1", name="max_slots_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(30))
    route: Mapped[str | None] = mapped_column(String(60))  # None: every route (a careers fair)
    pathway: Mapped[str] = mapped_column(String(10), default="both")
    held_on: Mapped[date]
    venue: Mapped[str] = mapped_column(String(200))
    year_groups: Mapped[list[int]] = mapped_column(JSON, default=list)
    # A mock-interview day gives each pupil one slot; a fair's pupils visit a stand in each period.
    max_slots: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def format_label(self) -> str:
        """The format in words."""
        return ALL_FORMATS.get(self.format, self.format)


class EventSchool(db.Model):  # type: ignore[name-defined,misc]
    """A school whose pupils (of the event's year groups) take part in an event."""

    event_id: Mapped[int] = mapped_column(
        ForeignKey("encounter_event.id", ondelete="CASCADE"), primary_key=True
    )
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), primary_key=True, index=True)


class EventSlot(db.Model):  # type: ignore[name-defined,misc]
    """A stand, an interviewer's session or a visit at a time: seats, and how many may be invited to them."""

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="times_in_order"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("invite_limit >= capacity", name="invites_cover_capacity"),
        CheckConstraint("places_taken >= 0 AND places_taken <= invite_limit", name="places_within_invites"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("encounter_event.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)  # who runs it
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int]
    # Over-invited by the format's no-show rate so that about `capacity` come; set when allocated.
    invite_limit: Mapped[int]
    places_taken: Mapped[int] = mapped_column(default=0)

    @property
    def hours(self) -> Decimal:
        """The slot's length in hours, to one decimal place."""
        return slot_hours(self.starts_at, self.ends_at)


class EventAllocation(db.Model):  # type: ignore[name-defined,misc]
    """One run of the engine over a hub's open events, in a worker with progress, as rounds are."""

    __table_args__ = (
        one_of("status", ROUND_STATUSES, "status"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),
        # One at a time per hub: two would propose the same pupils for the same seats.
        Index(
            "uq_event_allocation_active_hub",
            "hub_id",
            unique=True,
            sqlite_where=text(f"status IN {ACTIVE_ROUND_STATUSES}"),
            postgresql_where=text(f"status IN {ACTIVE_ROUND_STATUSES}"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id"), index=True)
    seed: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    progress: Mapped[int] = mapped_column(default=0)
    stage: Mapped[str] = mapped_column(String(100), default="Waiting for a worker")
    error: Mapped[str] = mapped_column(Text, default="")
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    claim: Mapped[str] = mapped_column(String(32), default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]  # when the attempt holding it began: a silent one is given up
    finished_at: Mapped[datetime | None]


class EventPlace(db.Model):  # type: ignore[name-defined,misc]
    """A pupil's place in a slot, or on its waitlist; the database keeps a pupil out of two slots at once."""

    __table_args__ = (
        one_of("status", PLACE_STATUSES, "status"),
        UniqueConstraint("slot_id", "student_id"),
        CheckConstraint("ends_at > starts_at", name="times_in_order"),
        CheckConstraint(
            "(status = 'waitlisted') = (waitlist_rank IS NOT NULL)", name="ranked_when_waitlisted"
        ),
        Index("ix_event_place_student_time", "student_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("event_slot.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("event_allocation.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), index=True)
    # The slot's times, copied so the database can refuse overlapping places of one pupil.
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    waitlist_rank: Mapped[int | None]
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")  # the engine's explanation
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
