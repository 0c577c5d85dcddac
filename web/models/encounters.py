"""Encounters an organisation offers schools (Gatsby Benchmark 5 and provider access): talks, fairs,
mock interviews, workshops, visits, mentoring; the hub brokers them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, false
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import PATHWAYS, one_of, utcnow

# Every organisation may offer these.
FORMATS: dict[str, str] = {
    "careers_talk": "Careers talk or assembly",
    "qa_panel": "Q&A panel",
    "careers_fair": "Careers-fair stand",
    "mock_interviews": "Mock interviews",
    "cv_workshop": "CV or application workshop",
    "speed_networking": "Speed networking",
    "workplace_visit": "Workplace visit or tour",
    "workplace_project": "Project set by the employer, over several days",
    "enterprise_challenge": "Enterprise challenge",
    "mentoring_programme": "Mentoring programme",
    "online_talk": "Online talk",
}
# Only education and training providers offer these: the provider encounters the law asks schools to give.
PROVIDER_FORMATS: dict[str, str] = {
    "technical_talk": "T Level or apprenticeship talk",
    "taster_day": "Taster day",
}
ALL_FORMATS = {**FORMATS, **PROVIDER_FORMATS}
LOCATIONS: dict[str, str] = {
    "school": "At the school",
    "workplace": "At our workplace or campus",
    "online": "Online",
}
OFFER_STATUSES = ("draft", "offered", "withdrawn")


class EncounterOffer(db.Model):  # type: ignore[name-defined,misc]
    """One kind of encounter an employer or provider will give, how often, for whom and where."""

    __table_args__ = (
        one_of("format", tuple(ALL_FORMATS), "format"),
        one_of("pathway", PATHWAYS, "pathway"),
        one_of("location", tuple(LOCATIONS), "location"),
        one_of("status", OFFER_STATUSES, "status"),
        CheckConstraint("group_min >= 1 AND group_max >= group_min", name="group_size_in_order"),
        CheckConstraint("hours > 0", name="hours_positive"),
        CheckConstraint("days >= 1", name="days_positive"),
        CheckConstraint("staff_places >= 0", name="staff_places_not_negative"),
        # A whole class comes with its staff: at least one adult from the school.
        CheckConstraint("NOT whole_group OR staff_places >= 1", name="staff_with_whole_group"),
        CheckConstraint("per_term >= 1", name="per_term_positive"),
        CheckConstraint("available_until >= available_from", name="dates_in_order"),
        # A mentoring programme has a number of sessions; nothing else does.
        CheckConstraint(
            "(format = 'mentoring_programme' AND sessions IS NOT NULL AND sessions >= 1)"
            " OR (format <> 'mentoring_programme' AND sessions IS NULL)",
            name="sessions_for_mentoring",
        ),
        # How far they will travel matters wherever it is not online.
        CheckConstraint(
            "(location = 'online' AND travel_km IS NULL)"
            " OR (location <> 'online' AND travel_km IS NOT NULL AND travel_km >= 0)",
            name="travel_unless_online",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    format: Mapped[str] = mapped_column(String(30))
    sessions: Mapped[int | None]
    route: Mapped[str] = mapped_column(String(60))
    pathway: Mapped[str] = mapped_column(String(10))
    year_groups: Mapped[list[int]] = mapped_column(JSON, default=list)
    group_min: Mapped[int]
    group_max: Mapped[int]
    # The total hours, over however many days it runs (a three-day project of 18 hours).
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    days: Mapped[int] = mapped_column(default=1, server_default="1")
    # Takes a whole class or tutor group together, with as many of its staff as staff_places says.
    whole_group: Mapped[bool] = mapped_column(default=False, server_default=false())
    staff_places: Mapped[int] = mapped_column(default=0, server_default="0")
    location: Mapped[str] = mapped_column(String(10))
    travel_km: Mapped[int | None]
    available_from: Mapped[date]
    available_until: Mapped[date]
    # When in that range, in the organisation's words ("any Tuesday in spring term").
    availability_note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    per_term: Mapped[int]
    # A mentoring programme's one-to-one contact needs an enhanced DBS check, recorded by the hub, before
    # any school's request fits it: whose certificate, its date of issue, and who saw it and when.
    dbs_mentor: Mapped[str] = mapped_column(String(100), default="", server_default="")
    dbs_issued_on: Mapped[date | None]
    dbs_seen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    dbs_seen_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def format_label(self) -> str:
        """The format in words, with a programme's sessions ("Mentoring programme of 6 sessions")."""
        label = ALL_FORMATS.get(self.format, self.format)
        if self.sessions:
            label += f" of {self.sessions} session" + ("" if self.sessions == 1 else "s")
        return label

    @property
    def years_label(self) -> str:
        """The year groups in words ("Year 9", "Years 9, 10 and 11")."""
        years = sorted(self.year_groups or [])
        if len(years) == 1:
            return f"Year {years[0]}"
        return f"Years {', '.join(map(str, years[:-1]))} and {years[-1]}" if years else ""

    @property
    def group_label(self) -> str:
        """Who it takes and for how long ("A whole tutor group of up to 30 with 2 staff, over 3 days")."""
        if self.whole_group:
            staff = "1 member of staff" if self.staff_places == 1 else f"{self.staff_places} staff"
            label = f"A whole tutor group of up to {self.group_max} with {staff}"
        elif self.group_min == self.group_max:
            label = f"A group of {self.group_max}"
        else:
            label = f"Groups of {self.group_min} to {self.group_max}"
        return label if (self.days or 1) == 1 else f"{label}, over {self.days} days"

    @property
    def where_label(self) -> str:
        """Where, with how far they will travel ("At the school, up to 15 km")."""
        label = LOCATIONS.get(self.location, self.location)
        return label if self.travel_km is None else f"{label}, up to {self.travel_km} km away"
