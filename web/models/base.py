"""Shared column helpers and the domain's fixed vocabularies."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import CheckConstraint


def utcnow() -> datetime:
    """Now, in UTC (stored without a zone; every timestamp in the database is UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    """A check constraint that keeps a text column inside its vocabulary."""
    quoted = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=name)


ROLES = ("hub_admin", "careers_leader", "employer", "student")
TOKEN_PURPOSES = ("invitation", "reset")
CONSENT_DECISIONS = ("pending", "given", "refused", "expired")
CHECK_IN_KINDS = ("call", "visit")
NOTIFICATION_STATUSES = ("queued", "sending", "sent", "failed")
SEND_STATUSES = ("N", "K", "E")  # no special needs; SEN support; education, health and care plan
EMPLOYER_STATUSES = ("pending", "approved", "suspended")
OPPORTUNITY_STATUSES = ("draft", "submitted", "published", "closed")
PATHWAYS = ("technical", "academic", "both")
SCHOOL_PHASES = ("secondary", "sixth_form", "fe_college", "special", "all_through")
ROUND_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")
# A round in one of these has not finished: a worker holds it or one will.
ACTIVE_ROUND_STATUSES = ("queued", "running")
MECHANISMS = ("optimal", "stable")
ALLOCATION_STATUSES = (
    # A what-if round's proposal: never shown to students, holds no seat; "proposed" once its round is kept.
    "draft",
    "proposed",
    "approved",
    "rejected",
    "offered",
    "accepted",
    "declined",
    "expired",
    "consented",
    "consent_refused",
    "confirmed",
    "completed",
    "no_show",
    "withdrawn",
    "employer_declined",
    "cancelled",
    "consent_expired",
)
# An allocation in one of these holds a seat: the student has said yes and nothing has undone it.
HOLDING_STATUSES = ("accepted", "consented", "confirmed", "completed")
# Proposed, approved or offered: a person or the student has yet to decide, and the seat is spoken for.
WAITING_STATUSES = ("proposed", "approved", "offered")
# After a yes, what undoes it: the student withdrew, the employer declined or closed the placement, or the
# parent's consent did not come. Each frees the seat the yes had taken.
UNDONE_STATUSES = ("withdrawn", "employer_declined", "cancelled", "consent_refused", "consent_expired")
# Live: waiting or holding. A student has at most one live allocation per opportunity.
LIVE_STATUSES = (*WAITING_STATUSES, *HOLDING_STATUSES)
