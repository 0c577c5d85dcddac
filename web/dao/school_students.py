"""A school's students as its careers leader manages them: their accounts, invitations and the yearly
roll-over, and the lock that keeps an import and a roll-over of the same school from interleaving."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from web.dao import accounts, tokens
from web.dao.accounts import AccountError
from web.dao.base import audit
from web.dao.users import get_user_by_email
from web.extensions import db
from web.models import Allocation, AuditEvent, Consent, Preference, School, Student, User
from web.models.base import HOLDING_STATUSES, utcnow

ROLLED_OVER = "students_rolled_over"
IMPORTED = "students_imported"

NO_ACCOUNT, INVITED, ACTIVE, DEACTIVATED = "No account", "Invited", "Active", "Deactivated"


def lock_school(school_id: int) -> None:
    """Hold the school's row until the transaction ends, so a second import or roll-over of the same school
    waits for this one and then sees what it did (a write takes the lock on SQLite and PostgreSQL alike)."""
    db.session.execute(
        update(School)
        .where(School.id == school_id)
        .values(urn=School.urn)
        .execution_options(synchronize_session=False)
    )


def accounts_of(student_ids: list[int]) -> dict[int, User]:
    """Each student's account, by student id, for those that have one."""
    if not student_ids:
        return {}
    users = db.session.scalars(select(User).where(User.student_id.in_(student_ids)))
    return {cast(int, user.student_id): user for user in users}


def account_of(student_id: int) -> User | None:
    """The student's account, if they have one."""
    return db.session.scalar(select(User).where(User.student_id == student_id))


def account_status(user: User | None) -> str:
    """No account, Invited (no password chosen yet), Active or Deactivated."""
    if user is None:
        return NO_ACCOUNT
    if not user.active:
        return DEACTIVATED
    return ACTIVE if user.joined else INVITED


def uninvited(school_id: int) -> list[Student]:
    """The school's current students with an email address and no account, by name."""
    has_account = select(User.id).where(User.student_id == Student.id).exists()
    return list(
        db.session.scalars(
            select(Student)
            .where(
                Student.school_id == school_id,
                Student.left_on.is_(None),
                Student.email.is_not(None),
                Student.email != "",
                ~has_account,
            )
            .order_by(Student.last_name, Student.first_name, Student.id)
        )
    )


def count_uninvited(school_id: int) -> int:
    """How many of the school's current students have an email address and no account."""
    has_account = select(User.id).where(User.student_id == Student.id).exists()
    return int(
        db.session.scalar(
            select(func.count(Student.id)).where(
                Student.school_id == school_id,
                Student.left_on.is_(None),
                Student.email.is_not(None),
                Student.email != "",
                ~has_account,
            )
        )
        or 0
    )


@dataclass(frozen=True)
class StudentFilters:
    """Which of a school's students its students page lists."""

    leavers: bool = False  # leavers only, else current students only
    year_group: int | None = None
    tutor_group: str = ""  # one of the school's tutor groups, or "" for any
    search: str = ""  # words of a name, or a UPN
    account: str = ""  # "has", "none" or "" for either
    missing: str = ""  # "no_contact", "no_email", "no_parent_email", "no_postcode" or "" for any


def _blank(column: Any) -> ColumnElement[bool]:
    return or_(column.is_(None), column == "")


_MISSING = {
    "no_contact": lambda: and_(_blank(Student.email), _blank(Student.parent_email)),
    "no_email": lambda: _blank(Student.email),
    "no_parent_email": lambda: _blank(Student.parent_email),
    "no_postcode": lambda: _blank(Student.postcode),
}


def _like(column: Any, word: str) -> ColumnElement[bool]:
    # Lower case on both sides: SQLite's LIKE ignores case only for ASCII, PostgreSQL's never does.
    return func.lower(column).contains(word.lower(), autoescape=True)


def _found(school_id: int, filters: StudentFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        Student.school_id == school_id,
        Student.left_on.is_not(None) if filters.leavers else Student.left_on.is_(None),
    ]
    if filters.year_group is not None:
        conditions.append(Student.year_group == filters.year_group)
    if filters.tutor_group:
        conditions.append(Student.tutor_group == filters.tutor_group)
    if filters.account:
        # Aliased: the page's own query joins User, and this must not correlate with that join.
        account = aliased(User)
        has_account = select(account.id).where(account.student_id == Student.id).exists()
        conditions.append(has_account if filters.account == "has" else ~has_account)
    if filters.missing in _MISSING:
        conditions.append(_MISSING[filters.missing]())
    for word in filters.search.split():
        conditions.append(
            or_(
                _like(Student.first_name, word),
                _like(Student.preferred_name, word),
                _like(Student.last_name, word),
                Student.upn == word.upper(),
            )
        )
    return conditions


def tutor_groups(school_id: int) -> list[str]:
    """The school's tutor groups, as its MIS names them, in year order ("7A", "9R", "10B/Sc")."""
    groups = db.session.scalars(
        select(Student.tutor_group)
        .where(Student.school_id == school_id, Student.tutor_group.is_not(None))
        .distinct()
    )
    return sorted(groups, key=_group_order)


def _group_order(group: str) -> tuple[int, str]:
    # By the year it starts with, then by name, so Year 9's groups come before Year 10's.
    digits = group[: len(group) - len(group.lstrip("0123456789"))]
    return (int(digits) if digits else 99, group.lower())


def count_students(school_id: int, filters: StudentFilters) -> int:
    """How many of the school's students the filters find."""
    return int(db.session.scalar(select(func.count(Student.id)).where(*_found(school_id, filters))) or 0)


def count_leavers(school_id: int) -> int:
    """How many of the school's students have left."""
    return count_students(school_id, StudentFilters(leavers=True))


@dataclass(frozen=True)
class Listed:
    """One row of the students page."""

    student: Student
    ranked: bool  # has ranked an opportunity
    placed: bool  # holds a placement
    account: str  # account_status of their account


def find_students(school_id: int, filters: StudentFilters, page: int, per_page: int) -> list[Listed]:
    """One page of the school's students the filters find, by surname then forename, each with whether they
    ranked anything, hold a placement, and their account's status: one query, whatever the school's size."""
    ranked = exists().where(Preference.student_id == Student.id)
    placed = exists().where(Allocation.student_id == Student.id, Allocation.status.in_(HOLDING_STATUSES))
    rows = db.session.execute(
        select(Student, ranked, placed, User)
        .outerjoin(User, User.student_id == Student.id)
        .where(*_found(school_id, filters))
        .order_by(Student.last_name, Student.first_name, Student.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return [
        Listed(student, bool(has_ranked), bool(has_place), account_status(user))
        for student, has_ranked, has_place, user in rows
    ]


def invite_student(student: Student, by_id: int) -> User:
    """Invite a current student with an email address, or send a pending invitation again (to the address
    the school now has for them); AccountError with a message for the careers leader if it cannot be done."""
    if student.left_on is not None:
        raise AccountError("This student has left the school, so they cannot be invited")
    if not student.email:
        raise AccountError(
            "This student has no email address. Add one in your MIS, then import your students again"
        )
    user = account_of(student.id)
    if user is not None:
        if user.joined:
            raise AccountError("This student already has an account")
        if not user.active:
            raise AccountError("This student's account is deactivated. Reactivate it first")
        if user.email != student.email.lower():
            # An invitation nobody has accepted follows the school's records to the new address.
            other = get_user_by_email(student.email)
            if other is not None and other.id != user.id:
                raise AccountError("This email address already has an account. Ask them to sign in instead")
            user.email = student.email.lower()
    name = student.full_name
    return accounts.invite(student.email, "student", student.id, by_id, name=name)


@dataclass
class Invited:
    """The outcome of inviting students in bulk."""

    invited: list[Student] = field(default_factory=list)
    not_invited: list[tuple[Student, str]] = field(default_factory=list)


def invite_all(school_id: int, by_id: int) -> Invited:
    """Invite every current student of the school who has an email address and no account (in the caller's
    transaction); those that cannot be invited are listed with the reason."""
    outcome = Invited()
    for student in uninvited(school_id):
        try:
            invite_student(student, by_id)
        except AccountError as problem:
            outcome.not_invited.append((student, str(problem)))
        else:
            outcome.invited.append(student)
    audit(
        by_id,
        "students_invited",
        "school",
        school_id,
        invited=len(outcome.invited),
        not_invited=len(outcome.not_invited),
    )
    return outcome


def set_account_active(student: Student, active: bool, by_id: int) -> bool:
    """Deactivate or reactivate the student's account; False if they have none or it is already so."""
    user = account_of(student.id)
    if user is None or user.active == active:
        return False
    accounts.set_active(user, active, by_id)
    return True


# Bound values per statement when ending leavers' access: SQLite allows 32,766, stay well clear.
_CHUNK = 1000


def end_access(student_ids: list[int], by_id: int) -> int:
    """For students who have left: deactivate their accounts (signing them out) and end every link that
    could still act for them: invitations and password resets, and their parents' pending consent links
    (the schedule then lets the placement's seat go, as for any link that ran out). In the caller's
    transaction; how many accounts were deactivated."""
    now = utcnow()
    deactivated = 0
    for start in range(0, len(student_ids), _CHUNK):
        chunk = student_ids[start : start + _CHUNK]
        for user in db.session.scalars(select(User).where(User.student_id.in_(chunk)).order_by(User.id)):
            if user.active:
                accounts.set_active(user, False, by_id)
                deactivated += 1
            else:
                tokens.expire_all(user.id)
        theirs = select(Allocation.id).where(Allocation.student_id.in_(chunk))
        db.session.execute(
            update(Consent)
            .where(
                Consent.allocation_id.in_(theirs),
                Consent.decision == "pending",
                Consent.used_at.is_(None),
                Consent.expires_at > now,
            )
            .values(expires_at=now)
            .execution_options(synchronize_session=False)
        )
    return deactivated


def year_counts(school_id: int) -> Counter[int]:
    """How many current students the school has in each year group."""
    rows = db.session.execute(
        select(Student.year_group, Student.id).where(
            Student.school_id == school_id, Student.left_on.is_(None)
        )
    )
    return Counter(year for year, _ in rows)


def _school_events(school_id: int, action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.action == action,
                AuditEvent.record_type == "school",
                AuditEvent.record_id == school_id,
            )
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        )
    )


def rolled_over_on(school_id: int, academic_year: int) -> datetime | None:
    """When the school's students moved up into this academic year (named by its first year), if they have."""
    for event in _school_events(school_id, ROLLED_OVER):
        if (event.detail or {}).get("academic_year") == academic_year:
            return event.at
    return None


def last_imported_on(school_id: int) -> datetime | None:
    """When students were last imported into the school, if ever."""
    events = _school_events(school_id, IMPORTED)
    return events[0].at if events else None


def roll_over(
    school_id: int, last_year: int, academic_year: int, today: date, by_id: int
) -> tuple[int, int] | None:
    """Move every current student of the school up a year, marking those in last_year or above as leavers,
    once per academic year: (moved, left), or None if they have moved up into this year already. The
    caller's transaction commits; the school stays locked until it does, so a second submit waits, then
    finds this one's record and changes nothing."""
    lock_school(school_id)
    if rolled_over_on(school_id, academic_year) is not None:
        return None
    current = (Student.school_id == school_id, Student.left_on.is_(None))
    leaving = list(
        db.session.scalars(
            select(Student.id).where(*current, Student.year_group >= last_year).order_by(Student.id)
        )
    )
    # Leavers first: moved up first, Year 12 would reach 13 and leave with it.
    left = db.session.execute(
        update(Student)
        .where(*current, Student.year_group >= last_year)
        .values(left_on=today)
        .execution_options(synchronize_session=False)
    )
    moved = db.session.execute(
        update(Student)
        .where(*current, Student.year_group < last_year)
        # A tutor group belongs to a year ("9R"): the next import from the MIS gives the new year's.
        .values(year_group=Student.year_group + 1, tutor_group=None)
        .execution_options(synchronize_session=False)
    )
    counts = (_rowcount(moved), _rowcount(left))
    deactivated = end_access(leaving, by_id)
    audit(
        by_id,
        ROLLED_OVER,
        "school",
        school_id,
        academic_year=academic_year,
        last_year=last_year,
        moved=counts[0],
        left=counts[1],
        accounts_deactivated=deactivated,
    )
    return counts


def _rowcount(result: Any) -> int:
    return int(cast(CursorResult[Any], result).rowcount)
