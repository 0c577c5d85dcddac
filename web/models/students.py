"""Students, their interests and their ranked preferences."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import PATHWAYS, SEND_STATUSES, one_of, utcnow


class Student(db.Model):  # type: ignore[name-defined,misc]
    """A pupil of a school; home postcode, birth date, SEND and disadvantage are never shown to employers."""

    __table_args__ = (
        one_of("pathway_interest", PATHWAYS, "pathway_interest"),
        one_of("send_status", SEND_STATUSES, "send_status"),
        CheckConstraint("year_group BETWEEN 7 AND 14", name="year_group_range"),
        CheckConstraint("max_travel_km > 0", name="max_travel_positive"),
        # A school's students in id order: the planner then joins them to a round's proposals by reading
        # only that school's, not every student in the hub (it cannot know a round's proposals are theirs).
        Index("ix_student_school_id", "school_id", "id"),
        # A school's tutor groups, and one group's pupils, for placing a whole class together.
        Index("ix_student_school_id_tutor_group", "school_id", "tutor_group"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    # The unique pupil number: the key a school's MIS export is matched on, year after year.
    upn: Mapped[str | None] = mapped_column(String(13), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))  # legal forename
    preferred_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    last_name: Mapped[str] = mapped_column(String(100))
    year_group: Mapped[int]
    # The tutor group or class from the MIS ("9R", "10B/Sc"); optional, as not every export has it.
    tutor_group: Mapped[str | None] = mapped_column(String(20))
    date_of_birth: Mapped[date]
    postcode: Mapped[str | None] = mapped_column(String(8))
    disadvantaged: Mapped[bool] = mapped_column(default=False)
    send: Mapped[bool] = mapped_column(default=False)  # SEN support or an EHC plan (send_status K or E)
    send_status: Mapped[str] = mapped_column(String(1), default="N", server_default="N")
    email: Mapped[str | None] = mapped_column(String(320))
    parent_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    parent_email: Mapped[str | None] = mapped_column(String(320))
    # A leaver is kept (their record and history stay), never deleted.
    left_on: Mapped[date | None]
    # When the retention schedule or an erasure took the pupil's identity away (web/dao/erasure.py): the row
    # stays, with its school, year and groups, so reports still count them.
    anonymised_at: Mapped[datetime | None]
    routes: Mapped[list[str]] = mapped_column(JSON, default=list)
    statement: Mapped[str] = mapped_column(Text, default="")
    pathway_interest: Mapped[str] = mapped_column(String(10), default="both")
    max_travel_km: Mapped[float] = mapped_column(default=10.0)
    available_from: Mapped[date | None]
    available_until: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def known_as(self) -> str:
        """The first name the student goes by: their preferred name where the school's records give one."""
        return self.preferred_name or self.first_name

    @property
    def full_name(self) -> str:
        """The name they go by and their surname, for the school's eyes (never an employer's)."""
        return f"{self.known_as} {self.last_name}"


class Preference(db.Model):  # type: ignore[name-defined,misc]
    """A student's ranking of one opportunity (1 = most wanted)."""

    __table_args__ = (
        UniqueConstraint("student_id", "opportunity_id"),
        UniqueConstraint("student_id", "rank"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), index=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id"), index=True)
    rank: Mapped[int]


class StudentImport(db.Model):  # type: ignore[name-defined,misc]
    """A school's MIS export, checked and waiting for the careers leader to confirm; deleted once confirmed
    or cancelled, and after a day by the schedule, so the rows it holds do not linger."""

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    full_export: Mapped[bool] = mapped_column(default=True)
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


# requested: waiting for the old school; confirmed: the pupil moved (at once if they had left the old school);
# refused: the old school said no and the pupil stayed; withdrawn: the pupil moved elsewhere meanwhile.
TRANSFER_STATUSES = ("requested", "confirmed", "refused", "withdrawn")


class StudentTransfer(db.Model):  # type: ignore[name-defined,misc]
    """A school asking for a pupil on another school's roll in the hub (their UPN is in its MIS import):
    the same Student record moves when the old school confirms, or at once if they had left it."""

    __table_args__ = (one_of("status", TRANSFER_STATUSES, "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), index=True)
    from_school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    to_school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="requested")
    # The new school's row for the pupil (import_csv's cleaned row), applied when they move; once decided,
    # only the names the new school gave are kept, so its own list can still say who it was.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
