"""A hub's schools and colleges, and their careers leaders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from web.dao.base import audit
from web.extensions import db
from web.models import School, User

# Plain words for School.phase, in the order a hub admin would look for them.
PHASES = {
    "secondary": "Secondary school",
    "sixth_form": "Sixth form college",
    "fe_college": "Further education college",
    "special": "Special school",
    "all_through": "All-through school",
}
FIELDS = ("urn", "name", "postcode", "phase")


@dataclass(frozen=True)
class Leader:
    """A careers leader as the hub admin sees them: whether they have accepted and can sign in."""

    id: int
    name: str
    email: str
    status: str  # Invited, Active or Deactivated


def get_school(school_id: int) -> School | None:
    """The school with this id."""
    return db.session.get(School, school_id)


def school_with_urn(urn: str) -> School | None:
    """The school with this URN, in any hub (a URN is one school's, nationally)."""
    return db.session.scalar(select(School).where(School.urn == urn))


def schools_of_hub(hub_id: int) -> list[School]:
    """The hub's schools, by name."""
    return list(
        db.session.scalars(select(School).where(School.hub_id == hub_id).order_by(School.name, School.id))
    )


def leader_counts(hub_id: int) -> dict[int, int]:
    """How many careers leaders (invited or active) each of the hub's schools has, by school id."""
    rows = db.session.execute(
        select(User.school_id, func.count())
        .join(School, School.id == User.school_id)
        .where(School.hub_id == hub_id, User.role == "careers_leader", User.active.is_(True))
        .group_by(User.school_id)
    )
    return {school_id: n for school_id, n in rows}


def add_school(hub_id: int, by_id: int, **fields: Any) -> School:
    """A new school in the hub (the caller's transaction commits it; a URN taken meanwhile fails it)."""
    school = School(hub_id=hub_id, **{name: fields[name] for name in FIELDS})
    db.session.add(school)
    db.session.flush()
    audit(by_id, "school_created", "school", school.id, hub_id=hub_id)
    return school


def update_school(school: School, by_id: int, **fields: Any) -> list[str]:
    """Save changes to a school; the names of the fields that changed."""
    changed = sorted(name for name in FIELDS if getattr(school, name) != fields[name])
    for name in changed:
        setattr(school, name, fields[name])
    if changed:
        db.session.flush()
        audit(by_id, "school_updated", "school", school.id, fields=changed)
    return changed


def careers_leaders(school_id: int) -> list[Leader]:
    """The school's careers leaders, by name then email, with whether each is invited, active or not."""
    users = db.session.scalars(
        select(User)
        .where(User.school_id == school_id, User.role == "careers_leader")
        .order_by(func.lower(User.name), User.email, User.id)
    )
    return [Leader(user.id, user.name, user.email, _status(user)) for user in users]


def careers_leader(school_id: int, user_id: int) -> User | None:
    """The careers leader of this school with this user id, or None."""
    return db.session.scalar(
        select(User).where(User.id == user_id, User.school_id == school_id, User.role == "careers_leader")
    )


def _status(user: User) -> str:
    if not user.active:
        return "Deactivated"
    return "Active" if user.joined else "Invited"
