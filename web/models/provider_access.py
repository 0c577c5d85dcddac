"""A school's provider access policy: how colleges and training providers ask to meet its pupils, what it
offers them, and on what grounds it refuses a request (the law asks every school to publish one)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import utcnow


class ProviderAccessPolicy(db.Model):  # type: ignore[name-defined,misc]
    """One school's published policy; there is a row only once the careers leader has published it."""

    __table_args__ = (
        CheckConstraint("notice_days >= 0", name="notice_days_not_negative"),
        CheckConstraint("max_visitors >= 1", name="max_visitors_at_least_one"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), unique=True)
    # Who providers write to: a name or a role, and an address (the school's, not a pupil's).
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(320))
    how_to_ask: Mapped[str] = mapped_column(Text)
    notice_days: Mapped[int]
    # When providers cannot come, by start: [{"label": "Mocks", "start": "2027-01-11", "end": "2027-01-22"}]
    blackout_dates: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    max_visitors: Mapped[int]
    premises: Mapped[str] = mapped_column(Text)
    # Short reasons, at least one; refusing a provider's request names one of them.
    refusal_grounds: Mapped[list[str]] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
