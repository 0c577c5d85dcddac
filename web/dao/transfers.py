"""Pupils who move school within the hub. A UPN is the pupil's for life and unique in the service, so a new
school's import that holds a pupil on another school's roll asks that school for them (a StudentTransfer);
the same Student record, with its placements, experiences and account, moves when the old school confirms,
or at once if the pupil had already left it. The old school's staff then no longer see the pupil."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from web.careers.import_csv import FIELDS, display_name, student_values
from web.dao import tokens
from web.dao.base import audit
from web.dao.school_students import account_of, lock_school
from web.extensions import db
from web.models import School, Student, StudentTransfer, User
from web.models.base import utcnow

REQUESTED = "requested"
# What a decided transfer keeps of the new school's row: enough for its list to say who it was.
_KEPT = ("first_name", "preferred_name", "last_name", "year_group")
_CHUNK = 1000


def lock_schools(school_ids: Iterable[int]) -> None:
    """Hold these schools' rows until the transaction ends, always in id order so that two schools moving
    pupils to each other at once wait for each other rather than deadlock."""
    for school_id in sorted(set(school_ids)):
        lock_school(school_id)


def elsewhere(school_id: int, upns: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The pupils with these UPNs on the roll of the hub's other schools, by UPN: their id, their school's
    id and name, whether they have left it, and whether this school is waiting on a transfer of them."""
    hub_id = select(School.hub_id).where(School.id == school_id).scalar_subquery()
    wanted = sorted(set(upns))
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), _CHUNK):
        rows = db.session.execute(
            select(Student.upn, Student.id, Student.left_on, School.id, School.name)
            .join(School, School.id == Student.school_id)
            .where(
                Student.upn.in_(wanted[start : start + _CHUNK]),
                Student.school_id != school_id,
                School.hub_id == hub_id,
            )
        )
        for upn, student_id, left_on, other_id, name in rows:
            found[upn] = {
                "id": student_id,
                "school_id": other_id,
                "school": name,
                "left": left_on is not None,
            }
    asked = set(_waiting(school_id, [pupil["id"] for pupil in found.values()]))
    for pupil in found.values():
        pupil["asked"] = pupil["id"] in asked
    return found


def _waiting(to_school_id: int, student_ids: list[int]) -> dict[int, StudentTransfer]:
    """This school's transfers still waiting for an answer, by student id."""
    waiting: dict[int, StudentTransfer] = {}
    for start in range(0, len(student_ids), _CHUNK):
        for transfer in db.session.scalars(
            select(StudentTransfer).where(
                StudentTransfer.to_school_id == to_school_id,
                StudentTransfer.status == REQUESTED,
                StudentTransfer.student_id.in_(student_ids[start : start + _CHUNK]),
            )
        ):
            waiting[transfer.student_id] = transfer
    return waiting


def ask(to_school_id: int, pupils: list[tuple[int, dict[str, Any]]], by_id: int) -> int:
    """Ask for each (student id, new school's row) pupil on another school's roll; a pupil asked for already
    has the request's details brought up to date. In the caller's transaction; how many were asked anew."""
    waiting = _waiting(to_school_id, [student_id for student_id, _ in pupils])
    asked = 0
    for student_id, row in pupils:
        if student_id in waiting:
            waiting[student_id].details = row
            continue
        student = db.session.get(Student, student_id)
        if student is None:
            continue
        transfer = StudentTransfer(
            student_id=student_id,
            from_school_id=student.school_id,
            to_school_id=to_school_id,
            details=row,
            requested_by_id=by_id,
        )
        db.session.add(transfer)
        db.session.flush()
        audit(by_id, "student_transfer_requested", "student_transfer", transfer.id, **_ids(transfer))
        asked += 1
    return asked


def move_now(to_school_id: int, pupils: list[tuple[int, dict[str, Any]]], by_id: int) -> None:
    """Move each (student id, new school's row) pupil who has left their old school here at once (in the
    caller's transaction, which holds both schools' locks)."""
    waiting = _waiting(to_school_id, [student_id for student_id, _ in pupils])
    for student_id, row in pupils:
        student = db.session.get(Student, student_id)
        if student is None:
            continue
        transfer = waiting.get(student_id) or StudentTransfer(
            student_id=student_id,
            from_school_id=student.school_id,
            to_school_id=to_school_id,
            requested_by_id=by_id,
        )
        transfer.details = row
        db.session.add(transfer)
        db.session.flush()
        _move(transfer, student, by_id)


def get(transfer_id: int) -> StudentTransfer | None:
    """A transfer by id."""
    return db.session.get(StudentTransfer, transfer_id)


def confirm(transfer_id: int, from_school_id: int, by_id: int) -> bool:
    """The old school agrees: the pupil moves to the school that asked. False if the transfer is not this
    school's to answer or was answered already. Both schools are locked until the caller commits."""
    transfer = _answerable(transfer_id, from_school_id)
    if transfer is None:
        return False
    student = db.session.get(Student, transfer.student_id)
    if student is None or student.school_id != from_school_id:
        return False
    _move(transfer, student, by_id)
    return True


def refuse(transfer_id: int, from_school_id: int, by_id: int) -> bool:
    """The old school says no: the pupil stays with them, and the school that asked sees it was refused.
    False if the transfer is not this school's to answer or was answered already."""
    transfer = _answerable(transfer_id, from_school_id)
    if transfer is None:
        return False
    _decide(transfer, "refused", by_id)
    audit(by_id, "student_transfer_refused", "student_transfer", transfer.id, **_ids(transfer))
    return True


def _answerable(transfer_id: int, from_school_id: int) -> StudentTransfer | None:
    transfer = get(transfer_id)
    if transfer is None or transfer.from_school_id != from_school_id:
        return None
    lock_schools((transfer.from_school_id, transfer.to_school_id))
    db.session.refresh(transfer)  # as it is now that nobody else can answer it
    return transfer if transfer.status == REQUESTED else None


def _move(transfer: StudentTransfer, student: Student, by_id: int) -> None:
    """The pupil's record joins the new school with the details its file gave; their placements, offers and
    experiences stay as they are. The move is audited on both schools."""
    transfer.from_school_id = student.school_id
    student.school_id = transfer.to_school_id
    for name, value in student_values(transfer.details, FIELDS).items():
        setattr(student, name, value)
    student.left_on = None
    _move_email(student, transfer.details.get("email"), by_id)
    _decide(transfer, "confirmed", by_id)
    ids = {"student_id": student.id, "transfer_id": transfer.id}
    audit(
        by_id,
        "student_transferred_out",
        "school",
        transfer.from_school_id,
        to_school_id=transfer.to_school_id,
        **ids,
    )
    audit(
        by_id,
        "student_transferred_in",
        "school",
        transfer.to_school_id,
        from_school_id=transfer.from_school_id,
        **ids,
    )
    # Another school that asked for the pupil meanwhile is answered: they are not at that school any more.
    for other in db.session.scalars(
        select(StudentTransfer).where(
            StudentTransfer.student_id == student.id,
            StudentTransfer.status == REQUESTED,
            StudentTransfer.id != transfer.id,
        )
    ):
        _decide(other, "withdrawn", by_id)
    db.session.flush()


def _move_email(student: Student, email: str | None, by_id: int) -> None:
    """The pupil's account signs in with the new school's address for them, unless another account has it."""
    user = account_of(student.id)
    if not email or user is None or user.email == email:
        return
    if db.session.scalar(select(User.id).where(User.email == email, User.id != user.id)) is not None:
        return
    user.email = email
    tokens.expire_all(user.id)  # links emailed to the old address must not open the account any more
    audit(by_id, "user_email_changed", "user", user.id, by="student_transfer")


def _decide(transfer: StudentTransfer, status: str, by_id: int) -> None:
    transfer.status = status
    transfer.decided_by_id = by_id
    transfer.decided_at = utcnow()
    transfer.details = {name: transfer.details[name] for name in _KEPT if name in transfer.details}


def _ids(transfer: StudentTransfer) -> dict[str, int]:
    return {
        "student_id": transfer.student_id,
        "from_school_id": transfer.from_school_id,
        "to_school_id": transfer.to_school_id,
    }


@dataclass(frozen=True)
class Listed:
    """One transfer as a school's transfers page lists it: the pupil's name as that school knows them, and
    the other school's name."""

    transfer: StudentTransfer
    name: str
    school: str


def _asked_of(school_id: int) -> Select[Any]:
    return select(StudentTransfer, Student, School.name).where(
        StudentTransfer.from_school_id == school_id,
        StudentTransfer.status == REQUESTED,
        Student.id == StudentTransfer.student_id,
        Student.school_id == school_id,
        School.id == StudentTransfer.to_school_id,
    )


def asked_of(school_id: int, transfer_id: int | None = None) -> list[Listed]:
    """Transfers of this school's pupils that other schools are waiting on (or just this one), oldest first,
    each named as this school has the pupil."""
    query = _asked_of(school_id).order_by(StudentTransfer.created_at, StudentTransfer.id)
    if transfer_id is not None:
        query = query.where(StudentTransfer.id == transfer_id)
    rows = db.session.execute(query)
    return [Listed(transfer, student.full_name, name) for transfer, student, name in rows]


def count_asked_of(school_id: int) -> int:
    """How many transfers of this school's pupils are waiting on its answer."""
    counted = _asked_of(school_id).with_only_columns(func.count(StudentTransfer.id))
    return int(db.session.scalar(counted) or 0)


def asked_by(school_id: int, most: int = 100) -> list[Listed]:
    """The transfers this school asked for, newest first, each named as this school's file named them
    (never as the other school has them)."""
    rows = db.session.execute(
        select(StudentTransfer, School.name)
        .join(School, School.id == StudentTransfer.from_school_id)
        .where(StudentTransfer.to_school_id == school_id)
        .order_by(StudentTransfer.created_at.desc(), StudentTransfer.id.desc())
        .limit(most)
    )
    return [Listed(transfer, display_name(transfer.details), name) for transfer, name in rows]
