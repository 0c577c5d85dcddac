"""Privacy work in the background: the nightly retention run, and subject access bundles made by id."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from time import perf_counter

from celery import shared_task
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from web.dao import retention, subject_access
from web.dao.base import audit, transaction
from web.dates import london_today
from web.emails import notify
from web.extensions import db
from web.models import Hub, RetentionRun, User
from web.models.base import utcnow
from web.privacy.bundle import build as build_bundle
from workers.matching_tasks import MAX_RETRIES, TRANSIENT

log = logging.getLogger(__name__)


@shared_task(name="privacy.apply_retention")  # type: ignore[untyped-decorator]
def apply_retention() -> None:
    """Each hub's nightly retention work: what falls due today, done in one transaction per hub, then the
    notice of what falls due a week from today (emailed to its admins). The service's own periods (emails,
    the audit trail) are applied with the first hub's run. A run already written for the day is not done
    again, and of two deliveries at once the second's commit fails on the run's unique key and undoes its
    own work."""
    today = london_today()
    hub_ids = list(db.session.scalars(select(Hub.id).order_by(Hub.id)))
    for position, hub_id in enumerate(hub_ids):
        _applied(hub_id, today, with_service=position == 0)
        _notice(hub_id, today + timedelta(days=retention.NOTICE_DAYS))


def _notice(hub_id: int, on: date) -> None:
    if retention.run_of(hub_id, on, "notice") is not None:
        return
    started = perf_counter()
    try:
        with transaction():
            counts = retention.due_on(hub_id, on)
            run = RetentionRun(hub_id=hub_id, on_date=on, kind="notice", counts=counts)
            run.seconds = perf_counter() - started
            db.session.add(run)
            db.session.flush()
            if any(counts.values()):
                for user_id, address in db.session.execute(
                    select(User.id, User.email).where(
                        User.hub_id == hub_id, User.role == "hub_admin", User.active.is_(True)
                    )
                ):
                    notify(f"retention_notice:{run.id}:{user_id}", "retention_notice", address, run_id=run.id)
    except IntegrityError:
        log.info("Retention notice for hub %s on %s was written by another delivery", hub_id, on)


def _applied(hub_id: int, today: date, with_service: bool) -> None:
    if retention.run_of(hub_id, today, "applied") is not None:
        return
    started = perf_counter()
    try:
        with transaction():
            counts = retention.apply(hub_id, today, utcnow(), with_service)
            run = RetentionRun(hub_id=hub_id, on_date=today, kind="applied", counts=counts)
            run.seconds = perf_counter() - started
            db.session.add(run)
            db.session.flush()
            audit(None, "retention_applied", "retention_run", run.id, **counts)
    except IntegrityError:
        log.info("Retention for hub %s on %s was applied by another delivery", hub_id, today)
        return
    log.info("Retention for hub %s applied in %.1f s: %s", hub_id, perf_counter() - started, counts)


# --- Subject access bundles ----------------------------------------------------------------------------


def enqueue_bundle(bundle_id: int) -> bool:
    """Send a committed, queued bundle to a worker; False (logged) if the broker cannot be reached (the
    purge task sends it again later)."""
    try:
        make_bundle.apply_async(args=[bundle_id])
    except Exception:
        log.exception("Could not send subject access bundle %s to a worker", bundle_id)
        return False
    return True


@shared_task(  # type: ignore[untyped-decorator]
    name="privacy.make_bundle",
    autoretry_for=TRANSIENT,
    max_retries=MAX_RETRIES,
    retry_backoff=True,
    retry_jitter=True,
)
def make_bundle(bundle_id: int) -> None:
    """Make one pupil's bundle, store it and email its link to whoever asked, in one transaction; a bundle
    that is not queued (made by an earlier delivery, failed, or deleted) is left alone."""
    bundle = subject_access.get(bundle_id)
    if bundle is None or bundle.status != "queued":
        log.info("Subject access bundle %s is not queued; nothing to do", bundle_id)
        return
    student_id, requested_by_id = bundle.student_id, bundle.requested_by_id
    made_at = utcnow()
    try:
        content = build_bundle(student_id, made_at)
    except TRANSIENT:
        db.session.rollback()
        raise
    except Exception:
        db.session.rollback()
        log.exception("Subject access bundle %s could not be made", bundle_id)
        with transaction():
            subject_access.mark_failed(bundle_id)
        return
    with transaction():
        # Conditional on its still being queued: of two deliveries at once, one stores it and emails.
        if not subject_access.mark_ready(bundle_id, content, made_at):
            log.info("Subject access bundle %s was made by another delivery", bundle_id)
            return
        audit(None, "subject_access_bundle_made", "subject_access_bundle", bundle_id, student_id=student_id)
        requester = db.session.get(User, requested_by_id)
        if requester is not None and requester.active:
            notify(
                f"subject-access-ready:{bundle_id}",
                "subject_access_ready",
                requester.email,
                bundle_id=bundle_id,
            )


@shared_task(name="privacy.purge_bundles")  # type: ignore[untyped-decorator]
def purge_bundles() -> None:
    """Delete bundles whose 7 days are over, and send again any still queued long after they were asked for
    (their message to the worker was lost); hourly, so a bundle outlives its week by an hour at most."""
    now = utcnow()
    with transaction():
        gone = subject_access.purge(now)
    if gone:
        log.info("Deleted %s expired subject access bundles", gone)
    for bundle_id in subject_access.stuck(now):
        enqueue_bundle(bundle_id)
