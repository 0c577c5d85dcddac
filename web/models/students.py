"""Students, their interests and their ranked preferences."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import PATHWAYS, one_of, utcnow


class Student(db.Model):  # type: ignore[name-defined,misc]
    """A pupil of a school; home postcode, birth date, SEND and disadvantage are never shown to employers."""

    __table_args__ = (
        one_of("pathway_interest", PATHWAYS, "pathway_interest"),
        CheckConstraint("year_group BETWEEN 7 AND 14", name="year_group_range"),
        CheckConstraint("max_travel_km > 0", name="max_travel_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    year_group: Mapped[int]
    date_of_birth: Mapped[date]
    postcode: Mapped[str | None] = mapped_column(String(8))
    disadvantaged: Mapped[bool] = mapped_column(default=False)
    send: Mapped[bool] = mapped_column(default=False)
    routes: Mapped[list[str]] = mapped_column(JSON, default=list)
    statement: Mapped[str] = mapped_column(Text, default="")
    pathway_interest: Mapped[str] = mapped_column(String(10), default="both")
    max_travel_km: Mapped[float] = mapped_column(default=10.0)
    available_from: Mapped[date | None]
    available_until: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


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
