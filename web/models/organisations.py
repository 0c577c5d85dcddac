"""Hubs, the schools in them and the employers in their networks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import EMPLOYER_STATUSES, SCHOOL_PHASES, one_of, utcnow


class Hub(db.Model):  # type: ignore[name-defined,misc]
    """A careers hub: schools and an employer network sharing one pool of places."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    area: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HubApiToken(db.Model):  # type: ignore[name-defined,misc]
    """A read-only key to a hub's reports API; only its SHA-256 is stored, shown once when made."""

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class School(db.Model):  # type: ignore[name-defined,misc]
    """A school or college in a hub."""

    __table_args__ = (one_of("phase", SCHOOL_PHASES, "phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id"), index=True)
    urn: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(8))
    phase: Mapped[str] = mapped_column(String(20), default="secondary")


# Employers, and the education and training providers that register and are vetted as employers are.
ORGANISATION_KINDS: dict[str, str] = {
    "employer": "Employer",
    "fe_college": "Further education (FE) college",
    "sixth_form_college": "Sixth-form college",
    "utc": "University technical college (UTC)",
    "training_provider": "Independent training provider",
    "apprenticeship_provider": "Apprenticeship provider",
    "university": "University",
}


class Employer(db.Model):  # type: ignore[name-defined,misc]
    """An organisation that hosts students or gives encounters (an employer or a provider), vetted by the
    hub."""

    __table_args__ = (
        one_of("status", EMPLOYER_STATUSES, "status"),
        one_of("kind", tuple(ORGANISATION_KINDS), "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30), default="employer", server_default="employer")
    route: Mapped[str] = mapped_column(String(60))
    postcode: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    # Safeguarding evidence, checked once by the hub for every school (employers' liability cover in pounds).
    insurer: Mapped[str] = mapped_column(String(200), default="", server_default="")
    insurance_cover: Mapped[int | None]
    insurance_expires: Mapped[date | None]
    risk_assessment_on_file: Mapped[bool] = mapped_column(default=False)
    risk_assessment_summary: Mapped[str] = mapped_column(Text, default="")
    supervisor_name: Mapped[str] = mapped_column(String(200), default="")
    last_checked_on: Mapped[date | None]
    next_check_due: Mapped[date | None]
    # Why the hub asked for changes or suspended the employer, in words the employer sees.
    status_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
