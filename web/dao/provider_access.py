"""Schools' provider access policies: the careers leader publishes and changes their school's, and anyone
can read a published one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from web.dao.base import audit
from web.extensions import db
from web.models import ProviderAccessPolicy, School
from web.models.base import utcnow

FIELDS = (
    "contact_name",
    "contact_email",
    "how_to_ask",
    "notice_days",
    "blackout_dates",
    "max_visitors",
    "premises",
    "refusal_grounds",
)


@dataclass(frozen=True)
class Blackout:
    """Days when providers cannot visit, such as exams."""

    label: str
    start: date
    end: date


def policy_of(school_id: int) -> ProviderAccessPolicy | None:
    """The school's published policy, if it has one."""
    return db.session.scalar(select(ProviderAccessPolicy).where(ProviderAccessPolicy.school_id == school_id))


def published(urn: str) -> tuple[School, ProviderAccessPolicy] | None:
    """The school with this URN and its published policy; None if there is no such school or no policy."""
    row = db.session.execute(
        select(School, ProviderAccessPolicy)
        .join(ProviderAccessPolicy, ProviderAccessPolicy.school_id == School.id)
        .where(School.urn == urn)
    ).first()
    return (row[0], row[1]) if row else None


def blackouts(policy: ProviderAccessPolicy, ending_from: date | None = None) -> list[Blackout]:
    """The policy's blackout dates by start date; with ending_from, only those that end on or after it."""
    found = [
        Blackout(row["label"], date.fromisoformat(row["start"]), date.fromisoformat(row["end"]))
        for row in policy.blackout_dates
    ]
    return sorted(
        (blackout for blackout in found if ending_from is None or blackout.end >= ending_from),
        key=lambda blackout: (blackout.start, blackout.end),
    )


def as_stored(rows: list[Blackout]) -> list[dict[str, str]]:
    """Blackout dates as the JSON column keeps them, by start date."""
    ordered = sorted(rows, key=lambda row: (row.start, row.end))
    return [
        {"label": row.label, "start": row.start.isoformat(), "end": row.end.isoformat()} for row in ordered
    ]


def publish(school_id: int, by_id: int, **fields: Any) -> list[str]:
    """Publish the school's policy, or save changes to it (the caller's transaction commits); the names of
    the fields that changed: every field the first time, none if nothing did."""
    values = {name: fields[name] for name in FIELDS}
    policy = policy_of(school_id)
    if policy is None:
        try:
            # A savepoint: a second tab publishing at the same moment turns this into a change.
            with db.session.begin_nested():
                policy = ProviderAccessPolicy(school_id=school_id, **values)
                db.session.add(policy)
            audit(
                by_id, "provider_access_published", "provider_access_policy", policy.id, school_id=school_id
            )
            return list(FIELDS)
        except IntegrityError:
            policy = policy_of(school_id)
            assert policy is not None
    changed = [name for name in FIELDS if getattr(policy, name) != values[name]]
    if changed:
        for name in changed:
            setattr(policy, name, values[name])
        policy.updated_at = utcnow()
        db.session.flush()
        audit(by_id, "provider_access_changed", "provider_access_policy", policy.id, fields=changed)
    return changed
