"""The nightly retention run through a real broker and worker, with mail to the tests' SMTP server: it
anonymises leavers past the schedule and leaves the rest, emails the hub admin a week's notice once however
often it is delivered, and, a week on (the dates moved forward), does what the notice said."""

from __future__ import annotations

import re
from datetime import date, timedelta

from celery import Celery
from sqlalchemy import delete, func, select, update

from config.celery import NOTIFICATIONS_QUEUE
from tests import db as factories
from tests.integration import test_hub_start
from tests.integration.conftest import Stack
from tests.smtp import SmtpServer, body
from tests.web.privacy.helpers import ago, full_pupil
from web.extensions import db
from web.models import RetentionRun, Student

smtp = test_hub_start.smtp
stack = test_hub_start.stack
TASK = "privacy.apply_retention"


def _runs(stack: Stack) -> int:
    return len(re.findall(rf"Task {re.escape(TASK)}\[[^\]]+\] succeeded", stack.log("worker", tail=10**7)))


def _night(stack: Stack, deliveries: int = 1) -> None:
    """Send beat's task through the broker (`deliveries` times at once) and wait for each to run."""
    before = _runs(stack)
    sender = Celery(broker=stack.broker)
    for _ in range(deliveries):
        sender.send_task(TASK, queue=NOTIFICATIONS_QUEUE)
    stack.wait_for(lambda: _runs(stack) >= before + deliveries, 60, f"{TASK} to run {deliveries} times")
    db.session.expire_all()


def _first_names() -> list[str]:
    return sorted(db.session.scalars(select(Student.first_name)))


def test_the_nightly_run_anonymises_due_leavers_and_gives_a_weeks_notice_once(
    stack: Stack, smtp: SmtpServer
) -> None:
    smtp.inbox.messages.clear()
    hub = factories.create_hub()
    admin = factories.create_user_for("hub_admin", hub, email="dpo.admin@example.org")
    school = factories.create_school(hub)
    full_pupil(school, left_on=ago(800), first_name="Olga")  # past the two years
    soon = factories.create_student(school, first_name="Sian", left_on=ago(730 - 6))  # due in a week
    factories.create_student(school, first_name="Cara")  # still at school
    db.session.commit()

    _night(stack, deliveries=2)

    assert _first_names() == ["Cara", "Former", "Sian"]
    runs = db.session.scalars(select(RetentionRun).order_by(RetentionRun.kind)).all()
    assert [(run.kind, run.counts["pupil"]) for run in runs] == [("applied", 1), ("notice", 1)]
    [notice] = smtp.inbox.wait_for(admin.email)
    on = date.today() + timedelta(days=7)
    assert notice["Subject"] == f"On {on.day} {on:%B %Y} the retention schedule will remove old records"
    assert "Pupils who have left: 1 record will be anonymised" in body(notice)

    # A week on: the leaver's dates move back seven days, and the day's runs are yesterday's.
    db.session.execute(update(Student).where(Student.id == soon.id).values(left_on=ago(730 + 1)))
    db.session.execute(delete(RetentionRun).where(RetentionRun.kind == "applied"))
    db.session.commit()
    _night(stack)

    assert _first_names() == ["Cara", "Former", "Former"]
    assert db.session.scalar(select(func.count()).select_from(RetentionRun)) == 2
    assert len(smtp.inbox.to(admin.email)) == 1  # nothing new falls due a week from today
