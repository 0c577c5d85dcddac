"""Emails: send one notification by id, once, trying again for about a day; put back and re-send what a
dead worker or broker lost."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from uuid import uuid4

from celery import Task, shared_task
from flask import current_app
from flask_mailman import EmailMessage
from jinja2 import TemplateNotFound

from web.dao import notifications as dao
from web.dao.base import transaction
from web.emails import SEND_TASK, render
from web.models.base import utcnow

log = logging.getLogger(__name__)


# 5xx replies about the service's own mail account rather than the address: trying again may pass once
# the service's mail settings are put right, so they are retried like a server that is away.
_OWN_SIDE = (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused, smtplib.SMTPHeloError)
# The longest wait between two tries.
_MOST_SECONDS = 3 * 3600


def _permanent(error: OSError) -> bool:
    """A refusal of the address that trying again would not change: refused recipients, or a 5xx reply.
    (Every SMTP error is an OSError; the rest, such as the server being away or a 4xx reply, may pass.)"""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    if isinstance(error, _OWN_SIDE):
        return False
    return isinstance(error, smtplib.SMTPResponseException) and not 400 <= error.smtp_code < 500


def _kind(error: OSError) -> str:
    """The kind of failure, with the server's reply code if it gave one (never the message or address)."""
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__} {code}" if isinstance(code, int) else type(error).__name__


def backoff(attempts: int) -> int:
    """Seconds to wait after this many tries: a minute, doubling to three hours."""
    return int(min(60 * 2 ** min(attempts - 1, 20), _MOST_SECONDS))


@shared_task(  # type: ignore[untyped-decorator]
    bind=True, name=SEND_TASK, max_retries=None, acks_late=True, ignore_result=True
)
def send_notification(self: Task, notification_id: int) -> None:
    """Render and send one queued message, once; a second delivery finds it claimed or sent. A message
    that cannot go is tried again with backoff until NOTIFICATION_GIVE_UP_HOURS after it was written, and
    then marked not delivered, never tried again."""
    claim = uuid4().hex
    with transaction():
        if not dao.claim(notification_id, claim):
            log.info("Notification %s is sent, failed or being sent; nothing to do", notification_id)
            return
        notification = dao.get(notification_id)
        assert notification is not None  # claimed just now
        recipient, template, about = notification.recipient, notification.template, dict(notification.about)
        attempts, written = notification.attempts, notification.created_at
    give_up_at = written + timedelta(hours=float(current_app.config["NOTIFICATION_GIVE_UP_HOURS"]))
    if attempts > 1 and utcnow() >= give_up_at:
        # A try that comes round after the time allowed (its worker or broker was away): not tried again.
        log.error("Notification %s not delivered in time after %s attempts", notification_id, attempts - 1)
        with transaction():
            dao.fail(
                notification_id, claim, dao.failure("unreachable", f"{attempts - 1} attempts, out of time")
            )
        return
    try:
        message = render(template, about)
    except (KeyError, TemplateNotFound, ValueError, TypeError):
        log.exception("Notification %s could not be written", notification_id)
        message, problem = None, dao.failure("unwritten", "rendering failed")
    else:
        problem = dao.failure("gone", "what it was about has gone")
    if message is None:
        with transaction():
            dao.fail(notification_id, claim, problem)
        return
    try:
        sent = EmailMessage(message.subject, message.body, to=[recipient])
        for name, content, mimetype in message.attachments:
            sent.attach(name, content, mimetype)
        sent.send()
    except OSError as error:
        kind = _kind(error)
        if _permanent(error):
            with transaction():
                dao.fail(notification_id, claim, dao.failure("refused", kind))
            return
        countdown = backoff(attempts)
        retry_at = utcnow() + timedelta(seconds=countdown)
        if retry_at > give_up_at:
            log.error("Notification %s not delivered after %s attempts (%s)", notification_id, attempts, kind)
            with transaction():
                dao.fail(notification_id, claim, dao.failure("unreachable", f"{attempts} attempts, {kind}"))
            return
        with transaction():
            dao.release(notification_id, claim, f"Will try again: {kind}", retry_at)
        raise self.retry(countdown=countdown) from None
    with transaction():
        dao.mark_sent(notification_id, claim)


@shared_task(name="notifications.repair")  # type: ignore[untyped-decorator]
def repair_notifications() -> None:
    """Send again messages a dead worker left half-sent, and those whose task the broker lost."""
    stale = timedelta(seconds=float(current_app.config["NOTIFICATION_STALE_SECONDS"]))
    with transaction():
        stuck = dao.requeue_stuck(utcnow() - stale)
    for notification_id in stuck:
        log.warning(
            "Notification %s was left sending by a worker that stopped; sending again", notification_id
        )
    with transaction():
        waiting = dao.waiting(utcnow() - stale)
    for notification_id in sorted({*stuck, *waiting}):
        send_notification.apply_async(args=[notification_id])
