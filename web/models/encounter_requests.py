"""A school's request for an encounter ("a construction speaker for a Year 9 assembly of 200, the week of
9 March, at school"), and the answers of the organisations whose offers fit it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import PATHWAYS, one_of, utcnow
from web.models.encounters import ALL_FORMATS, LOCATIONS

REQUEST_STATUSES = ("open", "booked", "cancelled")
RESPONSE_STATUSES = ("offered", "accepted", "declined", "withdrawn")


class EncounterRequest(db.Model):  # type: ignore[name-defined,misc]
    """What a school needs: the format, for whom, how many, where and when; open until the careers leader
    accepts an answer (booked) or cancels it."""

    __table_args__ = (
        one_of("format", tuple(ALL_FORMATS), "format"),
        one_of("pathway", PATHWAYS, "pathway"),
        one_of("location", tuple(LOCATIONS), "location"),
        one_of("status", REQUEST_STATUSES, "status"),
        CheckConstraint("audience >= 1", name="audience_positive"),
        CheckConstraint("wanted_until >= wanted_from", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    format: Mapped[str] = mapped_column(String(30))
    # None: any occupational route will do.
    route: Mapped[str | None] = mapped_column(String(60))
    pathway: Mapped[str] = mapped_column(String(10))
    year_groups: Mapped[list[int]] = mapped_column(JSON, default=list)
    audience: Mapped[int]
    location: Mapped[str] = mapped_column(String(10))
    wanted_from: Mapped[date]
    wanted_until: Mapped[date]
    # When in those dates, in the school's words ("the week of 9 March, an assembly slot at 9:00").
    note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def format_label(self) -> str:
        """The format in words."""
        return ALL_FORMATS.get(self.format, self.format)

    @property
    def years_label(self) -> str:
        """The year groups in words ("Year 9", "Years 9, 10 and 11")."""
        years = sorted(self.year_groups or [])
        if len(years) == 1:
            return f"Year {years[0]}"
        return f"Years {', '.join(map(str, years[:-1]))} and {years[-1]}" if years else ""


class EncounterResponse(db.Model):  # type: ignore[name-defined,misc]
    """An organisation's "We can do this" to a request, with one of its offers that fits; the careers
    leader accepts one answer and the others are declined."""

    __table_args__ = (
        one_of("status", RESPONSE_STATUSES, "status"),
        UniqueConstraint("request_id", "offer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("encounter_request.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("encounter_offer.id"))
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    message: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(10), default="offered")
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
