"""Emails: what each kind of message says, rendered from ids when it is sent, and sending them after commit.

A view or task calls notify() inside its transaction; once that transaction commits, each new message goes
to the notifications queue by id (workers/notification_tasks.py), which renders and sends it. Each kind of
message registers a function, with @email("name"), that turns the message's ids into what its template
in templates/emails/<name>.txt needs; a template sets `subject` and writes the plain-text body.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import celery
from flask import current_app, render_template, url_for
from flask_sqlalchemy.session import Session
from sqlalchemy import event
from sqlalchemy.orm import SessionTransaction

from web.dao import notifications as dao

log = logging.getLogger(__name__)

SEND_TASK = "notifications.send"

Context = Callable[..., dict[str, Any] | None]
_CONTEXTS: dict[str, Context] = {}


def email(name: str) -> Callable[[Context], Context]:
    """Register the function that gives template emails/<name>.txt its context from a message's ids; it
    returns None when the message no longer makes sense (the user was deleted, say), and nothing is sent."""

    def register(context: Context) -> Context:
        _CONTEXTS[name] = context
        return context

    return register


def notify(key: str, template: str, recipient: str | None, **about: Any) -> int | None:
    """Queue a message in the current transaction, once per key; None if there is no address or it was
    queued before. `about` holds ids only: the words are written when it is sent."""
    if template not in _CONTEXTS:
        raise KeyError(f"No email called {template!r}")
    if not recipient:
        return None
    return dao.queue(key, template, recipient, **about)


def notify_many(template: str, messages: list[tuple[str, str | None, dict[str, Any]]]) -> list[int]:
    """notify() for many (key, recipient, about) messages of one template at once (a hub's release)."""
    if template not in _CONTEXTS:
        raise KeyError(f"No email called {template!r}")
    return dao.queue_many(template, [(key, to, about) for key, to, about in messages if to])


# A file sent with a message: its name, its text and its MIME type (a calendar entry, say).
Attachment = tuple[str, str, str]


@dataclass(frozen=True)
class Rendered:
    """A message ready to send: subject, plain-text body and any attachments."""

    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()


def render(template: str, about: dict[str, Any]) -> Rendered | None:
    """The message's subject and body, or None if it no longer makes sense to send. A context may give
    `attachments`, a list of (file name, text, MIME type)."""
    context = _CONTEXTS[template](**about)
    if context is None:
        return None
    attachments = tuple(context.pop("attachments", ()))
    body = render_template(f"emails/{template}.txt", **context)
    subject, _, text = body.partition("\n")
    if not subject.startswith("Subject: "):
        raise ValueError(f"emails/{template}.txt must start with a 'Subject: ' line")
    return Rendered(subject.removeprefix("Subject: ").strip(), text.strip() + "\n", attachments)


def link(endpoint: str, **values: Any) -> str:
    """An absolute link for an email, on the service's own address (SERVICE_URL), from any context."""
    with current_app.test_request_context(base_url=current_app.config["SERVICE_URL"]):
        return url_for(endpoint, _external=True, **values)


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    # Only once the outermost transaction has committed can a worker read the message (SQLAlchemy says
    # "after_commit" when a savepoint is released too, the savepoint still current: then they wait).
    if session.in_nested_transaction():
        return
    ids = [notification_id for _, notification_id in session.info.pop(dao.PENDING, [])]
    if ids:
        hand_over(ids)


def hand_over(ids: list[int]) -> None:
    """Give committed messages to the notifications queue without holding up the request: with the broker
    away, Redis's client spends seconds retrying, and the repair task sends what did not get through."""
    threading.Thread(target=_enqueue, args=(ids,), name="notifications-hand-over", daemon=True).start()


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, rolled_back: SessionTransaction) -> None:
    # Messages queued in the transaction rolled back (or in a savepoint inside it) are gone; those of an
    # enclosing transaction, or of a sibling savepoint already released, still go once it commits.
    def inside(transaction: SessionTransaction | None) -> bool:
        while transaction is not None:
            if transaction is rolled_back:
                return True
            transaction = transaction.parent
        return False

    pending = session.info.get(dao.PENDING)
    if pending:
        session.info[dao.PENDING] = [(where, id_) for where, id_ in pending if not inside(where)]


def _enqueue(ids: list[int]) -> None:
    # By the task's name: the worker's module renders with this one, so this one does not import it back.
    for notification_id in ids:
        try:
            celery.current_app.send_task(SEND_TASK, args=[notification_id], retry=False)
        except Exception:  # noqa: BLE001 - the broker is away: the repair task sends the rest later
            log.warning("Could not queue %s notifications; the repair task will send them", len(ids))
            return
