"""Emails: send one notification by id, once; put back and re-send what a dead worker or broker lost."""

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


def _permanent(error: OSError) -> bool:
    """A refusal that trying again would not change: a bad address, or a 5xx reply. (Every SMTP error is
    an OSError; the rest, such as the server being away or a 4xx reply, may pass.)"""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(error, smtplib.SMTPResponseException) and not 400 <= error.smtp_code < 500


@shared_task(  # type: ignore[untyped-decorator]
    bind=True, name=SEND_TASK, max_retries=None, acks_late=True, ignore_result=True
)
def send_notification(self: Task, notification_id: int) -> None:
    """Render and send one queued message, once; a second delivery finds it claimed or sent."""
    claim = uuid4().hex
    with transaction():
        if not dao.claim(notification_id, claim):
            log.info("Notification %s is sent, failed or being sent; nothing to do", notification_id)
            return
        notification = dao.get(notification_id)
        assert notification is not None  # claimed just now
        recipient, template, about = notification.recipient, notification.template, dict(notification.about)
        attempts = notification.attempts
    try:
        message = render(template, about)
    except (KeyError, TemplateNotFound, ValueError, TypeError):
        log.exception("Notification %s could not be written", notification_id)
        message, problem = None, "The message could not be written"
    else:
        problem = "Nothing to send: what it was about has gone"
    if message is None:
        with transaction():
            dao.fail(notification_id, claim, problem)
        return
    try:
        EmailMessage(message.subject, message.body, to=[recipient]).send()
    except OSError as error:
        kind = type(error).__name__
        if _permanent(error):
            with transaction():
                dao.fail(notification_id, claim, f"Refused by the mail server: {kind}")
            return
        if attempts > int(current_app.config["NOTIFICATION_MAX_RETRIES"]):
            log.error("Notification %s failed after %s attempts (%s)", notification_id, attempts, kind)
            with transaction():
                dao.fail(notification_id, claim, f"Gave up after {attempts} attempts: {kind}")
            return
        # A minute, then doubling to three hours: about a day in all before giving up.
        countdown = min(60 * 2 ** (attempts - 1), 3 * 3600)
        with transaction():
            dao.release(
                notification_id, claim, f"Will try again: {kind}", utcnow() + timedelta(seconds=countdown)
            )
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
