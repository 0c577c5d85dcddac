"""What happens after an offer: parental consent, the placement itself, check-ins, feedback, each student's
record of encounters and experiences, and placements students find themselves."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import CHECK_IN_KINDS, CONSENT_DECISIONS, one_of, utcnow

BENCHMARKS = ("5", "6")
# What a record is: a Benchmark 5 encounter, or a Benchmark 6 workplace experience (the opportunity kinds).
ENCOUNTER_KINDS = (
    "employer_talk",
    "careers_fair",
    "mentoring_session",
    "workplace_visit",
    "technical_provider",
)
EXPERIENCE_KINDS = ("work_experience", "job_shadowing", "mentoring", "insight_day", "t_level_placement")
RECORD_KINDS = (*ENCOUNTER_KINDS, *EXPERIENCE_KINDS)
OWN_PLACEMENT_STATUSES = ("proposed", "changes_requested", "approved", "withdrawn")


class Consent(db.Model):  # type: ignore[name-defined,misc]
    """A parent's or carer's decision on a placement, through a single-use link (only its hash is kept).

    Like an AccessToken, the link's secret is an HMAC of the salt under SECRET_KEY; sending the link again
    gives the row a new salt, which ends the old link.
    """

    __table_args__ = (one_of("decision", CONSENT_DECISIONS, "decision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(
        ForeignKey("allocation.id", ondelete="CASCADE"), index=True, unique=True
    )
    salt: Mapped[str] = mapped_column(String(64), server_default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    decision: Mapped[str] = mapped_column(String(10), default="pending")
    parent_name: Mapped[str] = mapped_column(String(200), default="")
    emergency_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    emergency_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    # Medical or access needs, only if the parent chose to share them with the employer.
    shared_needs: Mapped[str] = mapped_column(Text, default="", server_default="")
    expires_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]  # when the newest link was issued; reminders count from here
    used_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    # A careers leader who recorded consent given on paper (None when the parent used the link).
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CheckIn(db.Model):  # type: ignore[name-defined,misc]
    """A careers leader's call or visit during a placement."""

    __table_args__ = (one_of("kind", CHECK_IN_KINDS, "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    on_date: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExperienceRecord(db.Model):  # type: ignore[name-defined,misc]
    """An encounter or workplace experience on a student's record; drives reports and matching priority."""

    __table_args__ = (
        one_of("benchmark", BENCHMARKS, "benchmark"),
        one_of("kind", RECORD_KINDS, "kind"),
        CheckConstraint("hours >= 0", name="hours_not_negative"),
        # A completed placement, or an event attended, is written once however often it is recorded.
        UniqueConstraint("allocation_id"),
        UniqueConstraint("event_place_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), index=True)
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("allocation.id"))
    event_place_id: Mapped[int | None] = mapped_column(ForeignKey("event_place.id", ondelete="SET NULL"))
    benchmark: Mapped[str] = mapped_column(String(1))
    kind: Mapped[str] = mapped_column(String(20), default="work_experience", server_default="work_experience")
    title: Mapped[str] = mapped_column(String(200))
    on_date: Mapped[date]
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 1), default=Decimal("0"))
    # Benchmark 6: the employer set a task, gave feedback and the student met a range of staff.
    meaningful: Mapped[bool | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Feedback(db.Model):  # type: ignore[name-defined,misc]
    """A student's reflection or an employer's feedback on a placement, one of each per placement."""

    __table_args__ = (
        one_of("author_role", ("student", "employer"), "author_role"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
        UniqueConstraint("allocation_id", "author_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocation.id", ondelete="CASCADE"), index=True)
    author_role: Mapped[str] = mapped_column(String(10))
    rating: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    # The employer's answers: what makes a Benchmark 6 experience meaningful; would they host again.
    set_task: Mapped[bool | None]
    gave_feedback: Mapped[bool | None]
    met_range_of_staff: Mapped[bool | None]
    would_host_again: Mapped[bool | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.current_timestamp()
    )


class OwnPlacement(db.Model):  # type: ignore[name-defined,misc]
    """A placement a student found themselves, proposed to their careers leader; once approved it becomes a
    self-found Opportunity and an Allocation that follow the same lifecycle as any other."""

    __table_args__ = (
        one_of("status", OWN_PLACEMENT_STATUSES, "status"),
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        CheckConstraint("hours_per_day > 0 AND hours_per_day <= 24", name="hours_per_day_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), index=True)
    # The hub's employer record, if the employer is one already; otherwise the name and contact below.
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"))
    employer_name: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(320))
    postcode: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(20), default="work_experience")
    role: Mapped[str] = mapped_column(String(200))  # what the student will do there, in a few words
    start_date: Mapped[date]
    end_date: Mapped[date]
    hours_per_day: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    status: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    leader_note: Mapped[str] = mapped_column(Text, default="")  # the changes asked for
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunity.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.current_timestamp()
    )
