"""Periodic work Celery beat sends: reminders about evidence that is running out, and tidying up."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from celery import shared_task
from sqlalchemy import delete

from web.dao import consent, event_notices, offers, round_deadlines, vetting
from web.dao.base import transaction
from web.dates import london_today
from web.extensions import db
from web.models import StudentImport
from web.models.base import utcnow

log = logging.getLogger(__name__)

IMPORT_KEPT = timedelta(days=1)


@shared_task(name="schedule.purge_imports")  # type: ignore[untyped-decorator]
def purge_imports() -> None:
    """Delete student imports nobody confirmed or cancelled within a day: they hold pupils' details."""
    with transaction():
        gone = db.session.execute(
            delete(StudentImport).where(StudentImport.created_at < utcnow() - IMPORT_KEPT)
        )
    if gone.rowcount:  # type: ignore[attr-defined]
        log.info("Deleted %s unconfirmed student imports", gone.rowcount)  # type: ignore[attr-defined]


@shared_task(name="schedule.insurance_reminders")  # type: ignore[untyped-decorator]
def insurance_reminders() -> None:
    """Remind employers and their hub 30 days before employers' liability insurance expires, and tell them
    once it has; each message once per employer and expiry date, however often beat runs this."""
    with transaction():
        queued = vetting.remind_about_insurance(date.today())
    if queued:
        log.info("Queued %s insurance reminders", queued)


@shared_task(name="schedule.offer_deadlines")  # type: ignore[untyped-decorator]
def offer_deadlines() -> None:
    """Remind students 2 days before an offer's respond-by date and expire offers whose date has passed
    in England, freeing their seats; each reminder, expiry and email once, however often beat runs this."""
    today = london_today()
    with transaction():
        reminded = offers.remind_before_deadline(today)
        expired = offers.expire_overdue(today)
    if reminded or expired:
        log.info("Queued %s offer reminders and expired %s offers", reminded, expired)


@shared_task(name="schedule.consent_reminders")  # type: ignore[untyped-decorator]
def consent_reminders() -> None:
    """Remind parents and carers about consent links 4 and 10 days after they were sent, and end consent
    that has run out (its seat goes back for a top-up round); each change and message once."""
    with transaction():
        changed = consent.remind_and_expire(utcnow())
    if changed:
        log.info("Consent reminders and expiries: %s", changed)


@shared_task(name="schedule.decision_deadlines")  # type: ignore[untyped-decorator]
def decision_deadlines() -> None:
    """Remind careers leaders 2 days before a school round's decide-by date of the proposals still waiting,
    and release those undecided after it back to the pool, freeing their seats; each email and release
    once, however often beat runs this, and each round's release whole or not at all."""
    today = london_today()
    with transaction():
        reminded = round_deadlines.remind_leaders(today)
    released = 0
    for round_id in round_deadlines.overdue_rounds(today):
        with transaction():
            released += round_deadlines.release_undecided(round_id, today)
    if reminded or released:
        log.info("Queued %s decide-by reminders and released %s proposals", reminded, released)


@shared_task(name="schedule.event_notices")  # type: ignore[untyped-decorator]
def send_event_notices() -> None:
    """Events' reminders the day before (with a calendar entry), register prompts on the day and
    organisations' thank-yous afterwards; each once, however often beat runs this."""
    with transaction():
        queued = event_notices.send_due(london_today())
    if queued:
        log.info("Queued %s event reminders, register prompts and thank-yous", queued)
