"""A provider's request to visit a school under the school's provider access policy, and the careers
leader's answer: granted, or refused with one of the policy's reasons."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from web.dates import clock_time, long_date
from web.extensions import db
from web.models.base import one_of, utcnow

ACCESS_REQUEST_STATUSES = ("requested", "granted", "refused", "withdrawn")


class ProviderAccessRequest(db.Model):  # type: ignore[name-defined,misc]
    """One visit a college or training provider asks a school for: when, for whom, how many come."""

    __table_args__ = (
        one_of("status", ACCESS_REQUEST_STATUSES, "status"),
        CheckConstraint("audience_size >= 1", name="audience_size_positive"),
        CheckConstraint("visitors >= 1", name="visitors_positive"),
        # A refusal always names the policy's reason; nothing else has one.
        CheckConstraint(
            "(status = 'refused' AND refusal_reason <> '') OR (status <> 'refused' AND refusal_reason = '')",
            name="reason_when_refused",
        ),
        # A grant or refusal says who decided and when.
        CheckConstraint(
            "status NOT IN ('granted', 'refused') OR (decided_by_id IS NOT NULL AND decided_at IS NOT NULL)",
            name="decided_by_someone",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    # The provider's own encounter offer the visit is about, if any.
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("encounter_offer.id"))
    visit_date: Mapped[date]
    visit_time: Mapped[time | None] = mapped_column(Time)
    year_groups: Mapped[list[int]] = mapped_column(JSON, default=list)
    audience_size: Mapped[int]
    visitors: Mapped[int]
    message: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(10), default="requested")
    # The policy's reason as it read when the request was refused (the policy may change later).
    refusal_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    decision_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def years_label(self) -> str:
        """The year groups in words ("Year 9", "Years 9, 10 and 11")."""
        years = sorted(self.year_groups or [])
        if len(years) == 1:
            return f"Year {years[0]}"
        return f"Years {', '.join(map(str, years[:-1]))} and {years[-1]}" if years else ""

    @property
    def when_label(self) -> str:
        """The visit's day, and its start time if given: "12 January 2027 at 9:30am"."""
        at = f" at {clock_time(self.visit_time)}" if self.visit_time else ""
        return long_date(self.visit_date) + at
