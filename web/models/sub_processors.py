"""The companies a hub uses to run the service (its hosting, its email), listed on the hub's public page so a
school's data protection officer can see where pupils' data goes (UK GDPR Article 28(2) and 28(4))."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import utcnow


class SubProcessor(db.Model):  # type: ignore[name-defined,misc]
    """One company the hub passes personal data to, in the words the hub admin gave; no personal data."""

    __tablename__ = "sub_processor"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)  # what they do with the data, for example sending email
    location: Mapped[str] = mapped_column(String(200))  # where the data is processed and stored
    terms_url: Mapped[str] = mapped_column(String(500))  # their data processing terms
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
