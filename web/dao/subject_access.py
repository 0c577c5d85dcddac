"""Subject access: asking for a pupil's bundle, finding it by its link, spending it once and purging it. What
goes in a bundle is gathered by web/dao/bundle_sections.py."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, delete, select, update

from web.dao import tokens
from web.dao.base import audit
from web.extensions import db
from web.models import (
    SubjectAccessBundle,
    User,
)
from web.models.base import utcnow

# A bundle's link works for this long after it was asked for; the purge task then deletes the row.
BUNDLE_DAYS = 7
# The HMAC purpose of a bundle's link (web/dao/tokens.py), so its secret differs from any other link's.
PURPOSE = "subject_access"
# A bundle still queued after this long lost its message (the broker was away): the purge task sends it again.
STALE_QUEUED = timedelta(minutes=10)


# --- Asking, finding, spending and purging -------------------------------------------------------------


def ask(student_id: int, requested_by_id: int) -> SubjectAccessBundle:
    """A queued bundle for this pupil, asked for by this user, with its audit event, in the caller's
    transaction; the caller hands its id to the worker once that commits."""
    now = utcnow()
    salt = secrets.token_hex(32)
    bundle = SubjectAccessBundle(
        student_id=student_id,
        requested_by_id=requested_by_id,
        status="queued",
        salt=salt,
        token_hash=tokens.hash_of(tokens.secret_for(salt, PURPOSE)),
        created_at=now,
        expires_at=now + timedelta(days=BUNDLE_DAYS),
    )
    db.session.add(bundle)
    db.session.flush()
    audit(
        requested_by_id, "subject_access_requested", "subject_access_bundle", bundle.id, student_id=student_id
    )
    return bundle


def waiting(student_id: int, requested_by_id: int) -> SubjectAccessBundle | None:
    """A bundle this user asked for this pupil that is still being made: asking again (a second click)
    makes no second one."""
    return db.session.scalar(
        select(SubjectAccessBundle).where(
            SubjectAccessBundle.student_id == student_id,
            SubjectAccessBundle.requested_by_id == requested_by_id,
            SubjectAccessBundle.status == "queued",
        )
    )


def get(bundle_id: int) -> SubjectAccessBundle | None:
    """The bundle with this id."""
    return db.session.get(SubjectAccessBundle, bundle_id)


def secret_of(bundle: SubjectAccessBundle) -> str:
    """The secret in the bundle's emailed link (computed, never stored)."""
    return tokens.secret_for(bundle.salt, PURPOSE)


def find(secret: str) -> SubjectAccessBundle | None:
    """The bundle whose link this is, whatever its state (the page says why it no longer works)."""
    if not secret or len(secret) > tokens.MAX_SECRET_LENGTH:
        return None
    return db.session.scalar(
        select(SubjectAccessBundle).where(SubjectAccessBundle.token_hash == tokens.hash_of(secret))
    )


def of_student(student_id: int) -> list[tuple[SubjectAccessBundle, User | None]]:
    """The pupil's bundles, newest first, each with who asked for it."""
    rows = db.session.execute(
        select(SubjectAccessBundle, User)
        .outerjoin(User, User.id == SubjectAccessBundle.requested_by_id)
        .where(SubjectAccessBundle.student_id == student_id)
        .order_by(SubjectAccessBundle.created_at.desc(), SubjectAccessBundle.id.desc())
    ).all()
    return [(bundle, user) for bundle, user in rows]


def mark_ready(bundle_id: int, content: bytes, now: datetime) -> bool:
    """Store the made bundle, once: False if it was not queued (made by another delivery, or failed)."""
    return _set(bundle_id, ("queued",), status="ready", content=content, ready_at=now)


def mark_failed(bundle_id: int) -> bool:
    """A bundle that could not be made: the requester's page says so and they can ask again."""
    return _set(bundle_id, ("queued",), status="failed")


def spend(bundle_id: int, user_id: int, now: datetime) -> bytes | None:
    """The bundle's zip, once, for the user who asked for it, in the caller's transaction: the link is
    used and the zip deleted from the database at once; None if it was used, expired or is not theirs."""
    bundle = get(bundle_id)
    if bundle is None or bundle.content is None:
        return None
    content = bundle.content
    spent = _set(
        bundle_id,
        ("ready",),
        SubjectAccessBundle.requested_by_id == user_id,
        SubjectAccessBundle.used_at.is_(None),
        SubjectAccessBundle.expires_at > now,
        used_at=now,
        content=None,
    )
    if not spent:
        return None
    audit(
        user_id, "subject_access_downloaded", "subject_access_bundle", bundle_id, student_id=bundle.student_id
    )
    return content


def purge(now: datetime) -> int:
    """Delete every bundle whose week is over (made, used or not), in the caller's transaction."""
    gone = db.session.execute(
        delete(SubjectAccessBundle)
        .where(SubjectAccessBundle.expires_at <= now)
        .execution_options(synchronize_session=False)
    )
    return int(cast(CursorResult[Any], gone).rowcount or 0)


def stuck(now: datetime) -> list[int]:
    """Bundles still queued long after they were asked for, whose message to the worker was lost."""
    return list(
        db.session.scalars(
            select(SubjectAccessBundle.id).where(
                SubjectAccessBundle.status == "queued",
                SubjectAccessBundle.created_at < now - STALE_QUEUED,
                SubjectAccessBundle.expires_at > now,
            )
        )
    )


def _set(bundle_id: int, statuses: tuple[str, ...], *conditions: ColumnElement[bool], **values: Any) -> bool:
    result = db.session.execute(
        update(SubjectAccessBundle)
        .where(SubjectAccessBundle.id == bundle_id, SubjectAccessBundle.status.in_(statuses), *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(cast(CursorResult[Any], result).rowcount)
