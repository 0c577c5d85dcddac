"""Parents' links to their child's entitlements: sent by the careers leader, used once to start a session on
one device, revoked, and checked on every visit.

The emailed secret is an HMAC of the row's salt under SECRET_KEY (web/dao/tokens.py), as a consent link's
is; the row keeps the salt and a SHA-256 of the secret. Using it stores the SHA-256 of a new random key that
the parent's browser keeps in a cookie, so the secret is worth nothing once used. A link ends when it is
revoked or runs out, or when the pupil leaves, is anonymised or moves to another school.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, or_, select, update

from web.dao import tokens
from web.dao.base import audit
from web.dao.school_students import lock_school
from web.dates import end_of_day_utc
from web.emails import notify_many
from web.extensions import db
from web.models import ParentLink, School, Student

PURPOSE = "family"
# An unused link can start a session for this long after it was sent; the session lasts until it runs out.
START_WITHIN = timedelta(days=30)
# A link lasts to the end of the academic year, or of the next one when this one ends sooner than this.
SHORTEST = timedelta(days=60)
# What the careers leader sees for each state of a link.
STATE_WORDS = {
    "waiting": "Sent, not opened yet",
    "open": "Opened",
    "unopened": "Not opened in time",
    "expired": "Run out",
    "revoked": "Revoked",
    "left": "Ended: the pupil has left",
}


def secret_of(link: ParentLink) -> str:
    """The secret in the link's email (computed, never stored)."""
    return tokens.secret_for(link.salt, PURPOSE)


def runs_out(now: datetime, today: date) -> datetime:
    """When a link sent now runs out: the end of 31 August, at least SHORTEST from now."""
    year = today.year if today.month < 9 else today.year + 1
    ends = end_of_day_utc(date(year, 8, 31))
    return ends if ends - now >= SHORTEST else end_of_day_utc(date(year + 1, 8, 31))


def _pupil_current() -> ColumnElement[bool]:
    return and_(
        Student.left_on.is_(None),
        Student.anonymised_at.is_(None),
        Student.school_id == ParentLink.school_id,
    )


def _live(now: datetime) -> ColumnElement[bool]:
    """Links still good for something: a session, or a session yet to start."""
    return and_(
        ParentLink.revoked_at.is_(None),
        ParentLink.expires_at > now,
        or_(ParentLink.used_at.is_not(None), ParentLink.sent_at > now - START_WITHIN),
    )


def current_pupils(school_id: int, year_group: int | None = None, upn: str | None = None) -> list[Student]:
    """The school's pupils at school now, of one year group or with one UPN, by surname."""
    query = select(Student).where(
        Student.school_id == school_id, Student.left_on.is_(None), Student.anonymised_at.is_(None)
    )
    if year_group is not None:
        query = query.where(Student.year_group == year_group)
    if upn is not None:
        query = query.where(Student.upn == upn)
    return list(db.session.scalars(query.order_by(Student.last_name, Student.first_name, Student.id)))


@dataclass
class Sent:
    """What sending did: links sent, pupils who have a live link already, and those with no parent email."""

    sent: int = 0
    already: int = 0
    no_email: list[Student] = field(default_factory=list)


def send(school_id: int, pupils: list[Student], user_id: int, now: datetime, today: date) -> Sent:
    """In the caller's transaction, email a link to each pupil's parent or carer who has no live link yet.
    The school stays locked until it commits, so a second press waits, then finds these links and sends
    nothing again; each email's key is its link's, so a redelivered task sends it once."""
    lock_school(school_id)
    ids = [pupil.id for pupil in pupils]
    linked = set(
        db.session.scalars(
            select(ParentLink.student_id).where(
                ParentLink.student_id.in_(ids), ParentLink.school_id == school_id, _live(now)
            )
        )
    )
    result = Sent()
    made: list[tuple[ParentLink, str]] = []
    for pupil in pupils:
        if not pupil.parent_email:
            result.no_email.append(pupil)
        elif pupil.id in linked:
            result.already += 1
        else:
            salt = secrets.token_hex(32)
            link = ParentLink(
                student_id=pupil.id,
                school_id=school_id,
                salt=salt,
                token_hash=tokens.hash_of(tokens.secret_for(salt, PURPOSE)),
                sent_by_id=user_id,
                sent_at=now,
                expires_at=runs_out(now, today),
            )
            db.session.add(link)
            made.append((link, pupil.parent_email))
    db.session.flush()
    messages = [(f"parent-link:{link.id}", to, {"parent_link_id": link.id}) for link, to in made]
    notify_many("parent_link", messages)
    result.sent = len(made)
    return result


def school_links(school_id: int, year_group: int | None = None, limit: int = 200) -> list[Any]:
    """The school's links, newest first, each with its pupil (of one year group if given)."""
    query = (
        select(ParentLink, Student)
        .join(Student, Student.id == ParentLink.student_id)
        .where(ParentLink.school_id == school_id)
    )
    if year_group is not None:
        query = query.where(Student.year_group == year_group)
    return list(db.session.execute(query.order_by(ParentLink.id.desc()).limit(limit)).all())


def state_of(link: ParentLink, student: Student, now: datetime) -> str:
    """One of STATE_WORDS' keys."""
    if link.revoked_at is not None:
        return "revoked"
    if (
        student.left_on is not None
        or student.anonymised_at is not None
        or student.school_id != link.school_id
    ):
        return "left"
    if link.expires_at <= now:
        return "expired"
    if link.used_at is not None:
        return "open"
    return "waiting" if link.sent_at > now - START_WITHIN else "unopened"


def revoke(link_id: int, school_id: int, user_id: int, now: datetime) -> bool:
    """End one of the school's links, once: False if it is not theirs or was revoked already."""
    result = db.session.execute(
        update(ParentLink)
        .where(ParentLink.id == link_id, ParentLink.school_id == school_id, ParentLink.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by_id=user_id)
        .execution_options(synchronize_session=False)
    )
    if not cast(CursorResult[Any], result).rowcount:
        return False
    audit(user_id, "parent_link_revoked", "parent_link", link_id)
    return True


def get(link_id: int) -> ParentLink | None:
    """The link with this id."""
    return db.session.get(ParentLink, link_id)


def _usable(*conditions: Any) -> tuple[ParentLink, Student] | None:
    row = db.session.execute(
        select(ParentLink, Student)
        .join(Student, Student.id == ParentLink.student_id)
        .where(*conditions, ParentLink.revoked_at.is_(None), _pupil_current())
    ).first()
    return (row[0], row[1]) if row else None


def find(secret: str, now: datetime) -> ParentLink | None:
    """The unused link whose secret this is, still in time to start a session; None for anything else."""
    if not secret or len(secret) > tokens.MAX_SECRET_LENGTH:
        return None
    found = _usable(
        ParentLink.token_hash == tokens.hash_of(secret),
        ParentLink.used_at.is_(None),
        ParentLink.expires_at > now,
        ParentLink.sent_at > now - START_WITHIN,
    )
    return found[0] if found else None


def find_used(secret: str) -> int | None:
    """The id of the used link whose secret this is (whether or not its session still works), or None."""
    if not secret or len(secret) > tokens.MAX_SECRET_LENGTH:
        return None
    return db.session.scalar(
        select(ParentLink.id).where(
            ParentLink.token_hash == tokens.hash_of(secret), ParentLink.used_at.is_not(None)
        )
    )


def start(link_id: int, now: datetime) -> str | None:
    """Spend the link, once, for a new session: the session's key (only its hash is stored), or None if it
    was used, revoked or ran out meanwhile (a second tab, say)."""
    key = secrets.token_urlsafe(32)
    result = db.session.execute(
        update(ParentLink)
        .where(
            ParentLink.id == link_id,
            ParentLink.used_at.is_(None),
            ParentLink.revoked_at.is_(None),
            ParentLink.expires_at > now,
        )
        .values(used_at=now, session_key_hash=tokens.hash_of(key))
        .execution_options(synchronize_session=False)
    )
    if not cast(CursorResult[Any], result).rowcount:
        return None
    audit(None, "parent_link_used", "parent_link", link_id)
    return key


def in_session(link_id: int, key: str, now: datetime) -> tuple[ParentLink, Student] | None:
    """The link and its pupil if this is the key of the link's session and it has not ended; else None."""
    if not key or len(key) > tokens.MAX_SECRET_LENGTH:
        return None
    found = _usable(ParentLink.id == link_id, ParentLink.used_at.is_not(None), ParentLink.expires_at > now)
    if found is None or found[0].session_key_hash is None:
        return None
    return found if hmac.compare_digest(found[0].session_key_hash, tokens.hash_of(key)) else None


def pupil_of(link: ParentLink) -> Student:
    """The link's pupil."""
    return db.session.get_one(Student, link.student_id)


def school_of(student: Student) -> School | None:
    """The pupil's school."""
    return db.session.get(School, student.school_id)
