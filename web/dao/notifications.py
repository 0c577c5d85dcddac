"""Notifications: queued in the transaction of the change they report, then claimed, sent and marked.

Each step is one conditional UPDATE, so a send task delivered twice finds the message claimed or sent and
does nothing, and a message whose worker died while sending is put back for another.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from web.extensions import db
from web.models import Notification
from web.models.base import utcnow

# (transaction, id) of messages queued in this session, sent to a worker once the outermost transaction
# commits (web/emails.py); the transaction, a savepoint perhaps, says which rollback takes them back.
PENDING = "notifications_to_send"


def queue(key: str, template: str, recipient: str, **about: Any) -> int | None:
    """Add a message to the current transaction unless one with this key exists; its id if added."""
    dialect = sqlite if db.session.get_bind().dialect.name == "sqlite" else postgresql
    added = db.session.scalar(
        dialect.insert(Notification)
        .values(
            idempotency_key=key,
            template=template,
            recipient=recipient.strip(),
            about=about,
            status="queued",
            attempts=0,
            claim="",
            error="",
            created_at=utcnow(),
        )
        .on_conflict_do_nothing()
        .returning(Notification.id)
    )
    if added is not None:
        session = db.session()  # the scoped session's own
        where = session.get_nested_transaction() or session.get_transaction()
        db.session.info.setdefault(PENDING, []).append((where, added))
    return added


def queue_many(template: str, messages: list[tuple[str, str, dict[str, Any]]]) -> list[int]:
    """queue() for many (key, recipient, about) messages of one template in one statement; the ids added."""
    if not messages:
        return []
    dialect = sqlite if db.session.get_bind().dialect.name == "sqlite" else postgresql
    now = utcnow()
    rows = [
        {
            "idempotency_key": key,
            "template": template,
            "recipient": recipient.strip(),
            "about": about,
            "status": "queued",
            "attempts": 0,
            "claim": "",
            "error": "",
            "created_at": now,
        }
        for key, recipient, about in messages
    ]
    added = list(
        db.session.scalars(
            dialect.insert(Notification).on_conflict_do_nothing().returning(Notification.id), rows
        )
    )
    session = db.session()
    where = session.get_nested_transaction() or session.get_transaction()
    db.session.info.setdefault(PENDING, []).extend((where, notification_id) for notification_id in added)
    return added


def get(notification_id: int) -> Notification | None:
    """The notification with this id, as the database has it now (the claim was a bare UPDATE)."""
    return db.session.get(Notification, notification_id, populate_existing=True)


def _set(*conditions: ColumnElement[bool], **fields: Any) -> int:
    result = db.session.execute(
        update(Notification).where(*conditions).values(**fields).execution_options(synchronize_session=False)
    )
    return int(cast(CursorResult[Any], result).rowcount)


def _held(notification_id: int, claim: str) -> tuple[ColumnElement[bool], ...]:
    return Notification.id == notification_id, Notification.claim == claim, Notification.status == "sending"


def claim(notification_id: int, claim: str) -> bool:
    """Take a queued message for this attempt to send; False if it is sent, failed or being sent."""
    return bool(
        _set(
            Notification.id == notification_id,
            Notification.status == "queued",
            status="sending",
            claim=claim,
            claimed_at=utcnow(),
            attempts=Notification.attempts + 1,
        )
    )


def mark_sent(notification_id: int, claim: str) -> bool:
    """Record that this attempt handed the message to the mail server."""
    return bool(_set(*_held(notification_id, claim), status="sent", sent_at=utcnow(), error=""))


def release(notification_id: int, claim: str, error: str, next_attempt_at: datetime) -> bool:
    """Put a message back in the queue after a failure that may pass (the kind of error, no content), to be
    tried again at next_attempt_at."""
    return bool(
        _set(
            *_held(notification_id, claim),
            status="queued",
            claim="",
            error=error,
            next_attempt_at=next_attempt_at,
        )
    )


def fail(notification_id: int, claim: str, error: str) -> bool:
    """Give up on a message this attempt holds."""
    return bool(_set(*_held(notification_id, claim), status="failed", error=error))


def requeue_stuck(claimed_before: datetime) -> list[int]:
    """Put back messages left 'sending' by a worker that died; their ids, to send again."""
    ids = list(
        db.session.scalars(
            select(Notification.id).where(
                Notification.status == "sending", Notification.claimed_at < claimed_before
            )
        )
    )
    if ids:
        _set(
            Notification.id.in_(ids),
            Notification.status == "sending",
            Notification.claimed_at < claimed_before,
            status="queued",
            claim="",
            error="Sent again: the worker sending it stopped",
        )
    return ids


def waiting(due_before: datetime) -> list[int]:
    """Ids of messages still queued long after they were due to be sent (when written, or when their retry
    was due): their task may have been lost. One waiting for a later retry is left to it."""
    due = func.coalesce(Notification.next_attempt_at, Notification.created_at)
    return list(
        db.session.scalars(select(Notification.id).where(Notification.status == "queued", due < due_before))
    )
