"""The hub's brokering: the engine proposes which organisation's offer answers which school's open request,
a hub admin approves each proposal, and the organisation confirms or declines it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import utcnow

# proposed: the engine's, seen by the hub only; asked: approved, waiting for the organisation; confirmed:
# the organisation answered the school with it; declined by the organisation; rejected by the hub; closed:
# the request was booked or cancelled first.
ACTIVE = ("proposed", "asked")
_ACTIVE_SQL = "status IN ('proposed', 'asked')"


class EncounterMatch(db.Model):  # type: ignore[name-defined,misc]
    """One proposal that an offer answers a request; a request has at most one proposed or asked at once."""

    __table_args__ = (
        Index(
            "uq_encounter_match_active_request",
            "request_id",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("encounter_request.id", ondelete="CASCADE"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("encounter_offer.id", ondelete="CASCADE"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    km: Mapped[float | None]  # from the school to the organisation; None online
    reason: Mapped[str] = mapped_column(Text, default="")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
