"""What employers offer: work experience, shadowing, mentoring, insight days, T Level placements."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import OPPORTUNITY_STATUSES, PATHWAYS, one_of, utcnow

KINDS = ("work_experience", "job_shadowing", "mentoring", "insight_day", "t_level_placement")


class Opportunity(db.Model):  # type: ignore[name-defined,misc]
    """Places an employer offers, with the rules for who may take them."""

    __table_args__ = (
        one_of("kind", KINDS, "kind"),
        one_of("pathway", PATHWAYS, "pathway"),
        one_of("status", OPPORTUNITY_STATUSES, "status"),
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        # No place is double-booked: seats taken are counted here and the database holds the line.
        CheckConstraint("places_taken >= 0 AND places_taken <= capacity", name="places_within_capacity"),
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        CheckConstraint("remote OR postcode IS NOT NULL", name="located_or_remote"),
        CheckConstraint("max_per_school IS NULL OR max_per_school >= 1", name="max_per_school_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    route: Mapped[str] = mapped_column(String(60))
    pathway: Mapped[str] = mapped_column(String(10))
    postcode: Mapped[str | None] = mapped_column(String(8))
    remote: Mapped[bool] = mapped_column(default=False)
    capacity: Mapped[int]
    places_taken: Mapped[int] = mapped_column(default=0)
    max_per_school: Mapped[int | None]
    start_date: Mapped[date]
    end_date: Mapped[date]
    hours_per_day: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=Decimal("7"))
    year_groups: Mapped[list[int]] = mapped_column(JSON, default=list)
    min_age: Mapped[int] = mapped_column(default=14)
    accessibility_notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    # A placement a student found themselves: only that student holds it; never listed or matched.
    self_found: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
