"""A hub's entitlement targets: what every pupil of its schools is owed across Years 7 to 13 (the defaults
are web/planner/entitlements.py's; a hub with no rows here uses them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import one_of, utcnow
from web.planner.entitlements import FIRST_YEAR, LAST_YEAR, MEASURES


class EntitlementTarget(db.Model):  # type: ignore[name-defined,misc]
    """One entitlement as the hub set it: its measure, its years and a milestone for the end of each."""

    __table_args__ = (
        one_of("measure", tuple(MEASURES), "measure"),
        UniqueConstraint("hub_id", "key"),
        CheckConstraint(
            f"first_year >= {FIRST_YEAR} AND last_year <= {LAST_YEAR} AND last_year >= first_year",
            name="years_in_order",
        ),
        CheckConstraint("due_month BETWEEN 1 AND 12 AND due_day BETWEEN 1 AND 31", name="due_day_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(120))
    measure: Mapped[str] = mapped_column(String(20))
    first_year: Mapped[int]
    last_year: Mapped[int]
    milestones: Mapped[list[str]] = mapped_column(JSON)  # decimals as text, one per year of the span
    every_year: Mapped[bool] = mapped_column(default=False)
    due_month: Mapped[int] = mapped_column(default=7)
    due_day: Mapped[int] = mapped_column(default=31)
    t_level_only: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
