"""Notifications: one message to one recipient about one change, sent once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import NOTIFICATION_STATUSES, one_of, utcnow


class Notification(db.Model):  # type: ignore[name-defined,misc]
    """An email waiting to go, sent or given up on; written in the transaction of the change it reports.

    `about` holds the ids the message is rendered from when it is sent, never the words or personal data;
    the idempotency key (such as "invitation:42") makes asking twice for the same message a no-op.
    """

    __table_args__ = (one_of("status", NOTIFICATION_STATUSES, "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(320))
    template: Mapped[str] = mapped_column(String(60))
    about: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    # Which attempt is sending it, so a second delivery of the task does not send it again.
    claim: Mapped[str] = mapped_column(String(32), default="")
    claimed_at: Mapped[datetime | None]
    # When a message put back after a failure is due to be tried again (its task is scheduled for then).
    next_attempt_at: Mapped[datetime | None]
    error: Mapped[str] = mapped_column(Text, default="")  # the kind of failure, never the message
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]
