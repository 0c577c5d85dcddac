"""Telling students of offers just released: an email to those who can sign in, an invitation to make an
account (which tells them of the offer waiting) to those who cannot yet, and for the rest why nobody could
reach them, so whoever released the offers can tell those students themselves."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from web.dao import school_students
from web.dao.accounts import AccountError
from web.emails import notify_many
from web.extensions import db
from web.models import Allocation, Student, User

# Why an offer reached nobody, in the words of the message "could not be reached: <why>".
NO_EMAIL = "no email address in the MIS import"
LEFT = "left the school"
DEACTIVATED = "account deactivated"
TAKEN = "email address used by another account"

# Bound values per statement: a hub's release can run to thousands (SQLite allows 32,766).
_CHUNK = 1000


@dataclass
class Reached:
    """How offers released together reached their students: by email, by an invitation to make an account,
    or not at all (why -> how many offers)."""

    emailed: int = 0
    invited: int = 0
    unreached: Counter[str] = field(default_factory=Counter)

    @property
    def offered(self) -> int:
        """How many offers were released."""
        return self.emailed + self.invited + sum(self.unreached.values())


def tell_of_offers(allocation_ids: list[int], by_id: int) -> Reached:
    """Tell each student of their offers just released, in the caller's transaction: an offer email to an
    active account with a password; otherwise one invitation to make an account (or a fresh one, if they
    were invited and have not chosen a password), however many of the offers are theirs; otherwise nothing,
    counted with the reason."""
    reached = Reached()
    emails: list[tuple[str, str | None, dict[str, int]]] = []
    invited: dict[int, str] = {}  # student id -> "" once invited, else why they could not be
    for start in range(0, len(allocation_ids), _CHUNK):
        rows = db.session.execute(
            select(Allocation.id, Student, User)
            .join(Student, Allocation.student_id == Student.id)
            .outerjoin(User, User.student_id == Student.id)
            .where(Allocation.id.in_(allocation_ids[start : start + _CHUNK]))
            .order_by(Allocation.id)
        ).all()
        for allocation_id, student, user in rows:
            if user is not None and user.active and user.joined:
                emails.append((f"offer-made:{allocation_id}", user.email, {"allocation_id": allocation_id}))
                reached.emailed += 1
                continue
            if student.id not in invited:
                invited[student.id] = _invite(student, user, by_id)
            why = invited[student.id]
            if why:
                reached.unreached[why] += 1
            else:
                reached.invited += 1
    notify_many("offer_made", emails)
    return reached


def _invite(student: Student, user: User | None, by_id: int) -> str:
    """Invite the student (the invitation email tells of their offers); why not, or "" if invited."""
    if user is not None and not user.active:
        return DEACTIVATED
    if student.left_on is not None:
        return LEFT
    if not student.email:
        return NO_EMAIL
    try:
        # A savepoint: an address someone else has, or takes at this moment, spoils only this invitation.
        with db.session.begin_nested():
            school_students.invite_student(student, by_id)
    except (AccountError, IntegrityError):
        return TAKEN
    return ""
