"""The hub's termly ask of each engaged employer: one a term (the database holds it), with a part per
format sized to what the employer did before and said they would do; each part is accepted or declined by
the employer, an accepted one becoming an encounter offer in the hub's pool."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import PATHWAYS, one_of, utcnow
from web.models.encounters import ALL_FORMATS, LOCATIONS

ASK_STATUSES = ("draft", "sent")
PART_STATUSES = ("asked", "accepted", "declined")
# Each format as a countable thing, one and many, for an ask in words ("2 careers talks").
NOUNS: dict[str, tuple[str, str]] = {
    "careers_talk": ("careers talk", "careers talks"),
    "qa_panel": ("Q&A panel", "Q&A panels"),
    "careers_fair": ("careers-fair stand", "careers-fair stands"),
    "mock_interviews": ("mock-interview session", "mock-interview sessions"),
    "cv_workshop": ("CV or application workshop", "CV or application workshops"),
    "speed_networking": ("speed-networking session", "speed-networking sessions"),
    "workplace_visit": ("workplace tour", "workplace tours"),
    "workplace_project": ("project set by you", "projects set by you"),
    "enterprise_challenge": ("enterprise challenge", "enterprise challenges"),
    "mentoring_programme": ("mentoring programme", "mentoring programmes"),
    "online_talk": ("online talk", "online talks"),
    "technical_talk": ("T Level or apprenticeship talk", "T Level or apprenticeship talks"),
    "taster_day": ("taster day", "taster days"),
}


class EmployerAsk(db.Model):  # type: ignore[name-defined,misc]
    """What the hub asks one organisation to give in one term, across all its schools and formats."""

    __table_args__ = (
        one_of("status", ASK_STATUSES, "status"),
        CheckConstraint("term BETWEEN 1 AND 3", name="term_valid"),
        # No employer gets more than one ask a term from the hub.
        UniqueConstraint("hub_id", "employer_id", "academic_year", "term"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id", ondelete="CASCADE"))  # the unique key's first
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    academic_year: Mapped[int]
    term: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="draft")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class AskPart(db.Model):  # type: ignore[name-defined,misc]
    """One format of an ask: how many sessions this term and what each takes, as an offer would say."""

    __table_args__ = (
        one_of("format", tuple(ALL_FORMATS), "format"),
        one_of("pathway", PATHWAYS, "pathway"),
        one_of("location", tuple(LOCATIONS), "location"),
        one_of("status", PART_STATUSES, "status"),
        CheckConstraint("sessions >= 1", name="sessions_positive"),
        CheckConstraint("group_min >= 1 AND group_max >= group_min", name="group_size_in_order"),
        CheckConstraint("hours > 0", name="hours_positive"),
        CheckConstraint("days >= 1", name="days_positive"),
        CheckConstraint("NOT whole_group OR staff_places >= 1", name="staff_with_whole_group"),
        CheckConstraint(
            "(location = 'online' AND travel_km IS NULL)"
            " OR (location <> 'online' AND travel_km IS NOT NULL AND travel_km >= 0)",
            name="travel_unless_online",
        ),
        # An accepted part has the offer it became; no other part has one.
        CheckConstraint("(status = 'accepted') = (offer_id IS NOT NULL)", name="offer_when_accepted"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ask_id: Mapped[int] = mapped_column(ForeignKey("employer_ask.id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(String(30))
    route: Mapped[str] = mapped_column(String(60))
    pathway: Mapped[str] = mapped_column(String(10))
    year_groups: Mapped[list[int]] = mapped_column(JSON, default=list)
    group_min: Mapped[int]
    group_max: Mapped[int]
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    days: Mapped[int] = mapped_column(default=1)
    whole_group: Mapped[bool] = mapped_column(default=False)
    staff_places: Mapped[int] = mapped_column(default=0)
    sessions: Mapped[int]  # how many this term
    location: Mapped[str] = mapped_column(String(10))
    travel_km: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(10), default="asked")
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("encounter_offer.id"), unique=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]

    @property
    def words(self) -> str:
        """The part in words: "2 careers talks for 30 to 200 pupils", "1 workplace tour for a whole
        tutor group of 30"."""
        one, many = NOUNS.get(self.format, (self.format, self.format))
        said = f"{self.sessions} {one if self.sessions == 1 else many}"
        if self.whole_group:
            said += f" for a whole tutor group of {self.group_max}"
        elif self.group_min == self.group_max:
            said += f" for {self.group_max} pupil" + ("" if self.group_max == 1 else "s")
        else:
            said += f" for {self.group_min} to {self.group_max} pupils"
        return said if self.days == 1 else f"{said}, over {self.days} days"

    @property
    def years_label(self) -> str:
        """The year groups in words ("Year 9", "Years 9, 10 and 11")."""
        years = sorted(self.year_groups or [])
        if len(years) == 1:
            return f"Year {years[0]}"
        return f"Years {', '.join(map(str, years[:-1]))} and {years[-1]}" if years else ""
