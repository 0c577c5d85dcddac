"""Who the people in a subject access bundle are, as it names them: name, role and organisation only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from web.extensions import db
from web.models import (
    Employer,
    Hub,
    School,
    User,
)

ROLE_WORDS = {
    "hub_admin": "Hub admin",
    "careers_leader": "Careers leader",
    "employer": "Employer or provider user",
    "student": "Pupil",
}


def person(user: User | None) -> dict[str, Any] | None:
    """Who someone is, as a bundle names them: their name, role and organisation (never more)."""
    if user is None:
        return None
    return {
        "name": user.name or user.email,
        "role": ROLE_WORDS.get(user.role, user.role),
        "organisation": organisation(user),
    }


def organisation(user: User) -> str:
    if user.school_id:
        return db.session.scalar(select(School.name).where(School.id == user.school_id)) or ""
    if user.employer_id:
        return db.session.scalar(select(Employer.name).where(Employer.id == user.employer_id)) or ""
    if user.hub_id:
        return db.session.scalar(select(Hub.name).where(Hub.id == user.hub_id)) or ""
    return ""


def everyone(user_ids: set[int | None]) -> dict[int, dict[str, Any] | None]:
    ids = {user_id for user_id in user_ids if user_id is not None}
    if not ids:
        return {}
    return {user.id: person(user) for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


def who(people: dict[int, dict[str, Any] | None], user_id: int | None) -> dict[str, Any] | None:
    return people.get(user_id) if user_id is not None else None
