"""A pupil's record seen from data protection: whose it is to act on (the school's careers leaders and the
hub's admins), the school's hold that keeps it whole, and who has been shown it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from web.dao.base import audit
from web.dao.bundle_people import everyone
from web.extensions import db
from web.models import AccessLog, PupilHold, School, Student


def in_hub(student: Student, hub_id: int) -> bool:
    """Whether the pupil's school is in this hub."""
    return db.session.scalar(select(School.hub_id).where(School.id == student.school_id)) == hub_id


def hold_of(student_id: int) -> PupilHold | None:
    """The hold on the pupil's record, if there is one."""
    return db.session.scalar(select(PupilHold).where(PupilHold.student_id == student_id))


def put_on_hold(student_id: int, reason: str, user_id: int) -> bool:
    """Hold the pupil's record, in the caller's transaction; False if a hold was set first (by a second
    press of the button, or a colleague at the same moment)."""
    try:
        with db.session.begin_nested():
            db.session.add(PupilHold(student_id=student_id, reason=reason, set_by_id=user_id))
    except IntegrityError:
        return False
    audit(user_id, "hold", "student", student_id)
    return True


def lift(student_id: int, user_id: int) -> None:
    """Lift the hold, if there is one, in the caller's transaction."""
    found = hold_of(student_id)
    if found is not None:
        db.session.delete(found)
        audit(user_id, "lift_hold", "student", student_id)


def find_in_hub(hub_id: int, upn: str) -> int | None:
    """The id of the hub's pupil with this UPN (any case), or None."""
    return db.session.scalar(
        select(Student.id)
        .join(School, School.id == Student.school_id)
        .where(School.hub_id == hub_id, Student.upn == upn.strip().upper())
    )


def views(student_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """Who was shown the pupil's data, newest first: the person (name, role, organisation), page and when."""
    rows = db.session.scalars(
        select(AccessLog).where(AccessLog.student_id == student_id).order_by(AccessLog.at.desc()).limit(limit)
    ).all()
    people = everyone({row.user_id for row in rows})
    return [{"who": people.get(row.user_id), "page": row.page, "at": row.at} for row in rows]
