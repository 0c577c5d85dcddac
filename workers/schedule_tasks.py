"""Periodic work Celery beat sends: reminders about evidence that is running out, and tidying up."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from celery import shared_task
from sqlalchemy import delete

from web.dao import vetting
from web.dao.base import transaction
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
