"""Imports of a school's students from its MIS: a checked file waits as a StudentImport until the careers
leader confirms it (everything saved, matched by UPN within the school) or cancels it (nothing saved). A UPN
on another school's roll in the hub is a pupil moving school (web/dao/transfers.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import delete, select

from web.careers.import_csv import FIELDS, Change, Changes, Problem, ReadFile, compare, student_values
from web.dao import tokens, transfers
from web.dao.base import audit
from web.dao.school_students import IMPORTED, accounts_of, end_access
from web.extensions import db
from web.models import School, Student, StudentImport, User

# SQLite allows 32,766 bound values in one statement; a file has at most 5,000 UPNs, but stay well clear.
_CHUNK = 1000


def upns_outside_hub(school_id: int, upns: Iterable[str]) -> set[str]:
    """Which of these UPNs belong to students of schools in other hubs (the hub's own schools' pupils can
    move here: transfers)."""
    hub_id = select(School.hub_id).where(School.id == school_id).scalar_subquery()
    wanted = sorted(set(upns))
    taken: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        taken.update(
            db.session.scalars(
                select(Student.upn)
                .join(School, School.id == Student.school_id)
                .where(Student.upn.in_(wanted[start : start + _CHUNK]), School.hub_id != hub_id)
            )
        )
    return taken


def stage(school_id: int, user_id: int, read: ReadFile, full_export: bool) -> StudentImport:
    """Hold a checked file's rows for the careers leader to confirm, replacing any file they left waiting
    for this school (in the caller's transaction)."""
    _forget(school_id, user_id)
    staged = StudentImport(
        school_id=school_id,
        created_by_id=user_id,
        full_export=full_export,
        rows=read.rows,
        summary={"columns": read.columns, "ignored": read.ignored},
    )
    db.session.add(staged)
    db.session.flush()
    audit(user_id, "student_import_checked", "student_import", staged.id, rows=len(read.rows))
    return staged


def waiting(school_id: int, user_id: int) -> StudentImport | None:
    """The file this careers leader checked for this school and has not yet confirmed or cancelled."""
    return db.session.scalar(
        select(StudentImport)
        .where(StudentImport.school_id == school_id, StudentImport.created_by_id == user_id)
        .order_by(StudentImport.id.desc())
        .limit(1)
    )


def cancel(school_id: int, user_id: int) -> bool:
    """Throw away the careers leader's waiting file; False if there was none."""
    staged = waiting(school_id, user_id)
    if staged is None:
        return False
    audit(user_id, "student_import_cancelled", "student_import", staged.id)
    _forget(school_id, user_id)
    return True


def _forget(school_id: int, user_id: int) -> None:
    db.session.execute(
        delete(StudentImport)
        .where(StudentImport.school_id == school_id, StudentImport.created_by_id == user_id)
        .execution_options(synchronize_session=False)
    )


def current_details(school_id: int) -> dict[str, dict[str, Any]]:
    """The school's students that have a UPN, by UPN, with their details as a cleaned row holds them."""
    students = db.session.scalars(
        select(Student).where(Student.school_id == school_id, Student.upn.is_not(None))
    )
    return {cast(str, student.upn): _details(student) for student in students}


def _details(student: Student) -> dict[str, Any]:
    details: dict[str, Any] = {name: getattr(student, name) for name in FIELDS}
    details["date_of_birth"] = student.date_of_birth.isoformat()
    details["id"] = student.id
    details["left_on"] = student.left_on.isoformat() if student.left_on else None
    return details


def changes(staged: StudentImport) -> Changes:
    """What confirming the waiting file would do to the school's students now, and which pupils on other
    schools' rolls it would move here or ask for."""
    existing = current_details(staged.school_id)
    others = transfers.elsewhere(
        staged.school_id, [row["upn"] for row in staged.rows if row["upn"] not in existing]
    )
    return compare(staged.rows, existing, staged.full_export, others)


def confirm(school_id: int, user_id: int, seen: str, today: date) -> Changes | None:
    """Save the careers leader's waiting file if what it would change is still what they were shown
    (`seen`, its fingerprint); None if not, or if there is no file waiting. Everything is written in the
    caller's transaction, which the school's lock keeps apart from other imports and roll-overs (and the
    lock of each school a leaver moves here from, taken first, in id order, with the school's own)."""
    staged = waiting(school_id, user_id)
    if staged is None:
        return None
    sources = {
        pupil["school_id"]
        for pupil in transfers.elsewhere(school_id, [row["upn"] for row in staged.rows]).values()
        if pupil["left"]
    }
    transfers.lock_schools({school_id, *sources})
    staged = waiting(school_id, user_id)
    if staged is None:
        return None
    found = changes(staged)
    if found.fingerprint(staged.id) != seen:
        return None
    moves = email_changes(found)
    if any(move.taken for move in moves):
        return None
    if _left_from(school_id, found) - sources:  # a pupil left a school not locked since the page was read
        return None
    _apply(school_id, found, today)
    _move_emails(moves, user_id)
    deactivated = end_access([cast(int, change.student_id) for change in found.leaving], user_id)
    transfers.move_now(school_id, _pupils(found.joining), user_id)
    transfers.ask(school_id, _pupils(found.transfers), user_id)
    audit(
        user_id,
        IMPORTED,
        "school",
        school_id,
        full_export=staged.full_export,
        returned=sum("left_on" in change.fields for change in found.updated),
        emails_changed=len(moves),
        accounts_deactivated=deactivated,
        **found.counts(),
    )
    _forget(school_id, user_id)
    return found


def _left_from(school_id: int, found: Changes) -> set[int]:
    """The schools that the pupils joining now are leaving."""
    ids = [cast(int, change.student_id) for change in found.joining]
    if not ids:
        return set()
    return set(db.session.scalars(select(Student.school_id).where(Student.id.in_(ids))))


def _pupils(listed: list[Change]) -> list[tuple[int, dict[str, Any]]]:
    return [(cast(int, change.student_id), change.row) for change in listed]


EMAIL_TAKEN = (
    "Someone else's account already uses this email address, so this student's sign-in email cannot "
    "change to it. Check it in your MIS"
)


@dataclass(frozen=True)
class EmailChange:
    """A student whose account's sign-in email the import changes, from the old address to the new."""

    change: Change
    user_id: int
    old: str
    new: str
    taken: bool  # another account has the new address already, so it cannot change


def email_changes(found: Changes) -> list[EmailChange]:
    """The accounts whose email confirming these changes would change (a new email in the file for a student
    with an account); an address the file left empty or that is not an address changes no account."""
    changed = [change for change in found.updated if "email" in change.fields and change.row.get("email")]
    users = accounts_of([cast(int, change.student_id) for change in changed])
    moves = [
        (change, users[cast(int, change.student_id)])
        for change in changed
        if change.student_id in users and users[cast(int, change.student_id)].email != change.row["email"]
    ]
    wanted = [change.row["email"] for change, _ in moves]
    owners = {
        email: user_id
        for start in range(0, len(wanted), _CHUNK)
        for email, user_id in db.session.execute(
            select(User.email, User.id).where(User.email.in_(wanted[start : start + _CHUNK]))
        )
    }
    return [
        EmailChange(
            change,
            user.id,
            user.email,
            change.row["email"],
            owners.get(change.row["email"], user.id) != user.id,
        )
        for change, user in moves
    ]


def email_problems(moves: list[EmailChange], column: str) -> list[Problem]:
    """A problem for each new email another account has: the import waits until it is put right."""
    return [Problem(EMAIL_TAKEN, row=move.change.row["row"], column=column) for move in moves if move.taken]


def _move_emails(moves: list[EmailChange], by_id: int) -> None:
    for move in moves:
        user = db.session.get(User, move.user_id)
        if user is None:
            continue
        user.email = move.new
        # Links already emailed went to the old address: they must not open the account any more.
        tokens.expire_all(user.id)
        audit(by_id, "user_email_changed", "user", user.id, by="student_import")


def _apply(school_id: int, found: Changes, today: date) -> None:
    for change in found.added:
        db.session.add(Student(school_id=school_id, upn=change.upn, **student_values(change.row, FIELDS)))
    ids = [change.student_id for change in (*found.updated, *found.leaving)]
    students = {
        student.id: student
        for start in range(0, len(ids), _CHUNK)
        for student in db.session.scalars(select(Student).where(Student.id.in_(ids[start : start + _CHUNK])))
    }
    for change in found.updated:
        student = students[change.student_id]  # type: ignore[index]
        for name, value in student_values(change.row, change.fields).items():
            setattr(student, name, value)
        if "left_on" in change.fields:  # in the school's export again: back, no longer a leaver
            student.left_on = None
    for change in found.leaving:
        students[change.student_id].left_on = today  # type: ignore[index]
    db.session.flush()
