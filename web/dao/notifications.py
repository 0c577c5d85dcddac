"""Notifications: queued in the transaction of the change they report, then claimed, sent and marked.

Each step is one conditional UPDATE, so a send task delivered twice finds the message claimed or sent and
does nothing, and a message whose worker died while sending is put back for another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from web.dao.base import insert_into
from web.extensions import db
from web.models import (
    AccessToken,
    Allocation,
    Consent,
    EventPlace,
    Notification,
    OwnPlacement,
    ParentLink,
    Student,
    SubjectAccessBundle,
    User,
)
from web.models.base import utcnow

# Why a message was not delivered, in its sender's words: a failed message's error starts with one of these
# kinds, then ": " and the technical kind of failure (never the message or the address).
NOT_DELIVERED = {
    "refused": "The email address was refused. Check it, then correct it in your MIS and import again",
    "unreachable": "We tried for a day and could not deliver it",
    "unwritten": "The message could not be written. We have been told about the problem",
    "gone": "Not sent, because what it was about changed (for example, a newer email replaced it)",
}
# What each kind of message is, in the words of the pages that list them.
WHAT = {
    "invitation": "Invitation to choose a password",
    "password_reset": "Password reset link",
    "offer_made": "Offer of a placement",
    "offer_reminder": "Reminder to answer an offer",
    "offer_expired": "Offer ran out",
    "consent_request": "Request for consent",
    "consent_reminder": "Reminder to give consent",
    "consent_result": "Consent given or refused",
    "consent_expired": "Consent request ran out",
    "placement_confirmed": "Placement confirmed",
    "placement_cancelled": "Placement cancelled",
    "placement_declined": "Placement declined",
    "placement_withdrawn": "Placement withdrawn",
    "opportunity_changed": "Placement details changed",
    "own_placement_decided": "Decision on their own placement",
    "event_invitation": "Place at an event",
    "event_reminder": "Reminder of an event tomorrow",
    "event_feedback": "Question about how an event went",
    "parent_link": "Link for a parent or carer to see their record",
}
# How many of a pupil's messages their page lists, newest first.
STUDENT_MESSAGES = 20

# (transaction, id) of messages queued in this session, sent to a worker once the outermost transaction
# commits (web/emails.py); the transaction, a savepoint perhaps, says which rollback takes them back.
PENDING = "notifications_to_send"


def about_pupils(student_ids: Any) -> ColumnElement[bool]:
    """Whether a message is about these pupils' own records: the ids it holds name one of their placements,
    consents, sign-in links, event places, own placements, subject access bundles or parents' links (a list
    or a select of student ids). A family address shared by siblings gets each one's messages; this tells
    them apart."""
    about = Notification.about
    placements = select(Allocation.id).where(Allocation.student_id.in_(student_ids))
    return or_(
        about["allocation_id"].as_integer().in_(placements),
        about["consent_id"].as_integer().in_(select(Consent.id).where(Consent.allocation_id.in_(placements))),
        about["token_id"]
        .as_integer()
        .in_(
            select(AccessToken.id)
            .join(User, AccessToken.user_id == User.id)
            .where(User.student_id.in_(student_ids))
        ),
        about["place_id"]
        .as_integer()
        .in_(select(EventPlace.id).where(EventPlace.student_id.in_(student_ids))),
        about["own_placement_id"]
        .as_integer()
        .in_(select(OwnPlacement.id).where(OwnPlacement.student_id.in_(student_ids))),
        about["bundle_id"]
        .as_integer()
        .in_(select(SubjectAccessBundle.id).where(SubjectAccessBundle.student_id.in_(student_ids))),
        about["parent_link_id"]
        .as_integer()
        .in_(select(ParentLink.id).where(ParentLink.student_id.in_(student_ids))),
    )


def queue(key: str, template: str, recipient: str, **about: Any) -> int | None:
    """Add a message to the current transaction unless one with this key exists; its id if added."""
    added = db.session.scalar(
        insert_into(Notification)
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
            insert_into(Notification).on_conflict_do_nothing().returning(Notification.id), rows
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


def failure(kind: str, detail: str) -> str:
    """A failed message's error: one of NOT_DELIVERED's kinds and the technical detail."""
    assert kind in NOT_DELIVERED
    return f"{kind}: {detail}"


def not_delivered_reason(error: str) -> str:
    """Why a failed message was not delivered, in its sender's words."""
    return NOT_DELIVERED.get(error.partition(":")[0], "It could not be sent")


@dataclass(frozen=True)
class Delivery:
    """One message as its sender sees it: when, to whom, what, and whether it was delivered (and if not,
    why)."""

    written: datetime
    to_parent: bool
    recipient: str
    what: str
    status: str  # queued, sending, sent or failed
    reason: str


def about_student(student_id: int) -> list[Delivery]:
    """The latest STUDENT_MESSAGES emails to a pupil (or their account) or their parent or carer about the
    pupil: their account's links, offers, placements and consent, newest first."""
    student = db.session.get(Student, student_id)
    if student is None:
        return []
    account = db.session.scalar(select(User.email).where(User.student_id == student_id))
    parent = (student.parent_email or "").strip().lower()
    addresses = {address.strip().lower() for address in (student.email, account, parent) if address}
    if not addresses:
        return []
    allocations = select(Allocation.id).where(Allocation.student_id == student_id)
    consents = select(Consent.id).where(Consent.allocation_id.in_(allocations))
    links = (
        select(AccessToken.id).join(User, AccessToken.user_id == User.id).where(User.student_id == student_id)
    )
    about = Notification.about
    found = db.session.scalars(
        select(Notification)
        .where(
            func.lower(Notification.recipient).in_(sorted(addresses)),
            or_(
                about["allocation_id"].as_integer().in_(allocations),
                about["consent_id"].as_integer().in_(consents),
                about["token_id"].as_integer().in_(links),
            ),
        )
        .order_by(Notification.id.desc())
        .limit(STUDENT_MESSAGES)
    )
    return [
        Delivery(
            written=notification.created_at,
            to_parent=notification.recipient.strip().lower() == parent,
            recipient=notification.recipient,
            what=WHAT.get(notification.template, notification.template.replace("_", " ").capitalize()),
            status=notification.status,
            reason=not_delivered_reason(notification.error) if notification.status == "failed" else "",
        )
        for notification in found
    ]
