"""What happens after an offer: parental consent, the experience itself, and feedback."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import one_of, utcnow

BENCHMARKS = ("5", "6")


class Consent(db.Model):  # type: ignore[name-defined,misc]
    """A parent's or carer's decision on a placement, through a single-use link (only its hash is kept)."""

    __table_args__ = (one_of("decision", ("pending", "given", "refused"), "decision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocation.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    decision: Mapped[str] = mapped_column(String(10), default="pending")
    parent_name: Mapped[str] = mapped_column(String(200), default="")
    expires_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExperienceRecord(db.Model):  # type: ignore[name-defined,misc]
    """An encounter or workplace experience on a student's record; drives reports and matching priority."""

    __table_args__ = (
        one_of("benchmark", BENCHMARKS, "benchmark"),
        CheckConstraint("hours >= 0", name="hours_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), index=True)
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("allocation.id"))
    benchmark: Mapped[str] = mapped_column(String(1))
    title: Mapped[str] = mapped_column(String(200))
    on_date: Mapped[date]
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 1), default=Decimal("0"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Feedback(db.Model):  # type: ignore[name-defined,misc]
    """A student's or an employer's reflection on a placement."""

    __table_args__ = (
        one_of("author_role", ("student", "employer"), "author_role"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocation.id", ondelete="CASCADE"), index=True)
    author_role: Mapped[str] = mapped_column(String(10))
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
