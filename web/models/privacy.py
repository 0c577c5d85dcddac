"""What the service keeps about keeping: each hub's retention schedule and its nightly runs, the holds that
stop a pupil's record being erased, who viewed a pupil's data, and the subject access bundles made."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import one_of, utcnow

# The record types the schedule covers (web/privacy/schedule.py gives each its default, limits and reason).
RECORD_TYPES = (
    "pupil",
    "account",
    "consent",
    "placement",
    "encounter_record",
    "feedback",
    "notification",
    "audit_event",
    "access_log",
    "mis_import",
)
RUN_KINDS = ("notice", "applied")
BUNDLE_STATUSES = ("queued", "ready", "failed")


class RetentionRule(db.Model):  # type: ignore[name-defined,misc]
    """A hub's own period for one record type, where it differs from the default (within its limits)."""

    __table_args__ = (
        one_of("record_type", RECORD_TYPES, "record_type"),
        UniqueConstraint("hub_id", "record_type"),
        CheckConstraint("keep_days >= 0", name="keep_days_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id", ondelete="CASCADE"), index=True)
    record_type: Mapped[str] = mapped_column(String(20))
    keep_days: Mapped[int]
    reason: Mapped[str] = mapped_column(Text, default="")  # why the hub keeps it longer or shorter
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class RetentionRun(db.Model):  # type: ignore[name-defined,misc]
    """One night's work for a hub: the notice of what falls due on `on_date`, or what was done that day.

    One row per hub, date and kind, so a task delivered twice finds its row and does nothing twice.
    """

    __table_args__ = (one_of("kind", RUN_KINDS, "kind"), UniqueConstraint("hub_id", "on_date", "kind"))

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id", ondelete="CASCADE"), index=True)
    on_date: Mapped[date]
    kind: Mapped[str] = mapped_column(String(10))
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # record type -> rows
    seconds: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PupilHold(db.Model):  # type: ignore[name-defined,misc]
    """A school's reason to keep a pupil's record whole (a safeguarding concern, a claim): while it stands,
    neither erasure nor the retention schedule touches the pupil."""

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), unique=True)
    reason: Mapped[str] = mapped_column(String(200))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccessLog(db.Model):  # type: ignore[name-defined,misc]
    """Someone (staff, employer or provider) was shown a page with this pupil's personal data; never the
    data itself, only who, which pupil, which page and when."""

    __table_args__ = (Index("ix_access_log_student_at", "student_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    page: Mapped[str] = mapped_column(String(80))  # the route's endpoint, such as careers.student
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SubjectAccessBundle(db.Model):  # type: ignore[name-defined,misc]
    """Everything held about one pupil, made by a worker for someone who asked; fetched through a
    single-use link (only its hash is kept) and deleted after BUNDLE_DAYS."""

    __table_args__ = (one_of("status", BUNDLE_STATUSES, "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    salt: Mapped[str] = mapped_column(String(64), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)  # a zip of bundle.html and bundle.json
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    ready_at: Mapped[datetime | None]
    used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]
