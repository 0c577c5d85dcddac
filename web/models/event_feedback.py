"""What people said after an event: each pupil who came answers three questions about their place, and each
organisation that ran slots answers two about the event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import utcnow

RATINGS = range(1, 6)  # 1 poor to 5 very good


class PupilFeedback(db.Model):  # type: ignore[name-defined,misc]
    """A pupil's answers about a place they went to: one set per place, changed as often as they like."""

    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_1_to_5"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("event_place.id", ondelete="CASCADE"), unique=True)
    learned: Mapped[bool]  # learned something about jobs or routes
    wants_more: Mapped[bool]  # wants to find out more
    rating: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OrganisationFeedback(db.Model):  # type: ignore[name-defined,misc]
    """An organisation's answers about an event where it ran slots: one set per event and organisation."""

    __table_args__ = (
        UniqueConstraint("event_id", "employer_id"),
        CheckConstraint("pupils_ready BETWEEN 1 AND 5", name="ready_1_to_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("encounter_event.id", ondelete="CASCADE"))
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    pupils_ready: Mapped[int]  # how ready the pupils were to take part
    would_return: Mapped[bool]
    given_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
