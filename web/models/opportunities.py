"""What employers offer: work experience, shadowing, mentoring, insight days, T Level placements."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, Text, Time, false
from sqlalchemy.orm import Mapped, mapped_column

from web.dates import clock_time
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
        CheckConstraint(
            "arrival_time IS NULL OR finish_time IS NULL OR finish_time > arrival_time",
            name="finish_after_arrival",
        ),
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
    # Practical details for the day, all optional: shown to a student and their parent only once the student
    # has said yes (the full address never appears on a listing or an offer).
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    arrival_time: Mapped[time | None] = mapped_column(Time)
    finish_time: Mapped[time | None] = mapped_column(Time)
    ask_for: Mapped[str] = mapped_column(String(200), default="", server_default="")
    dress_code: Mapped[str] = mapped_column(String(500), default="", server_default="")
    what_to_bring: Mapped[str] = mapped_column(Text, default="", server_default="")
    lunch: Mapped[str] = mapped_column(String(500), default="", server_default="")
    travel: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def address_lines(self) -> list[str]:
        """Where to go, line by line: the full address ending with its postcode (added if the address leaves
        it out), the postcode alone if no address is given, or "Remote (online)"."""
        if self.remote:
            return ["Remote (online)"]
        lines = [line.strip(" ,") for line in self.address.splitlines() if line.strip(" ,")]
        squashed = "".join(self.address.split()).upper()
        if self.postcode and "".join(self.postcode.split()) not in squashed:
            lines.append(self.postcode)
        return lines

    @property
    def full_address(self) -> str:
        """The address lines on one line, as a calendar's location or a map search wants them."""
        return ", ".join(self.address_lines)

    @property
    def day_times(self) -> str:
        """When to arrive and finish, in words ("Arrive at 9am, finish at 4:30pm"); "" if neither is given."""
        parts = []
        if self.arrival_time is not None:
            parts.append(f"arrive at {clock_time(self.arrival_time)}")
        if self.finish_time is not None:
            parts.append(f"finish at {clock_time(self.finish_time)}")
        text = ", ".join(parts)
        return text[:1].upper() + text[1:]

    @property
    def practical_details(self) -> list[tuple[str, str]]:
        """What a student needs to know for the day besides where, as (question, answer) pairs; an answer the
        employer has not given is ""."""
        return [
            ("Times", self.day_times),
            ("Who to ask for", self.ask_for),
            ("What to wear", self.dress_code),
            ("What to bring", self.what_to_bring),
            ("Lunch", self.lunch),
            ("How to get there", self.travel),
        ]
