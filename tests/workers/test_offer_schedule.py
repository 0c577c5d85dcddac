"""Beat's offer deadlines: students are reminded two days before an offer's respond-by date, and an offer
not answered by then expires, freeing its seat; each change and email once, however often it runs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.mail import deliver_queued, link_in, sent_to
from web.dao import rounds as rounds_dao
from web.dates import london_today
from web.extensions import db
from web.models import Allocation, AuditEvent, Hub, Notification, School, Student
from web.models.base import utcnow
from workers.schedule_tasks import offer_deadlines


def today() -> date:
    return london_today()


def long_ago() -> datetime:
    return utcnow() - timedelta(days=6)


@pytest.fixture
def student(app: Flask) -> Student:
    """A student with an account."""
    record = factories.create_student(first_name="Priya")
    factories.create_user_for("student", record, email="priya@example.org")
    return record


def _offer(student: Student, **overrides: Any) -> Allocation:
    school = db.session.get(School, student.school_id)
    employer = factories.create_employer(db.session.get(Hub, school.hub_id), name="Acme Labs")
    place = factories.create_opportunity(employer, title="Lab week")
    match_round = factories.create_round(school, status="succeeded")
    fields = {"status": "offered", "offered_at": long_ago(), **overrides}
    return factories.create_allocation(match_round, student, place, **fields)


def _status(allocation: Allocation) -> str:
    db.session.expire_all()
    return db.session.get(Allocation, allocation.id).status


def _keys() -> list[str]:
    return list(db.session.scalars(select(Notification.idempotency_key).order_by(Notification.id)))


def test_beat_runs_the_offer_deadlines_every_15_minutes(app: Flask) -> None:
    entry = app.config["CELERY"]["beat_schedule"]["schedule.offer_deadlines"]
    assert (entry["task"], entry["schedule"]) == ("schedule.offer_deadlines", 900.0)


def test_a_student_is_reminded_once_two_days_before(student: Student) -> None:
    due = _offer(student, respond_by=today() + timedelta(days=2))
    _offer(student, respond_by=today() + timedelta(days=3))

    offer_deadlines.run()
    offer_deadlines.run()

    assert _keys() == [f"offer-reminder:{due.id}"]
    assert deliver_queued() == 1
    [message] = sent_to("priya@example.org")
    respond_by = today() + timedelta(days=2)
    assert message.subject == f"Respond to your placement offer by {respond_by.day} {respond_by:%B %Y}"
    assert link_in(message) == f"/me/offers/{due.id}"
    assert _status(due) == "offered"


def test_an_offer_released_inside_the_window_gets_no_reminder(student: Student) -> None:
    _offer(student, respond_by=today() + timedelta(days=1), offered_at=utcnow())
    offer_deadlines.run()
    assert _keys() == []


def test_a_reminder_missed_on_its_day_is_sent_the_next(student: Student) -> None:
    late = _offer(student, respond_by=today() + timedelta(days=1))
    offer_deadlines.run()
    assert _keys() == [f"offer-reminder:{late.id}"]


def test_an_unanswered_offer_expires_the_day_after_its_date_once(student: Student) -> None:
    overdue = _offer(student, respond_by=today() - timedelta(days=1))
    due_today = _offer(student, respond_by=today())
    accepted = _offer(student, respond_by=today() - timedelta(days=1), status="accepted")

    offer_deadlines.run()
    offer_deadlines.run()

    assert (_status(overdue), _status(due_today), _status(accepted)) == ("expired", "offered", "accepted")
    assert _keys() == [f"offer-reminder:{due_today.id}", f"offer-expired:{overdue.id}"]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "offer_expired")).all()
    assert [(event.record_id, event.user_id) for event in events] == [(overdue.id, None)]
    deliver_queued()
    expired = [m for m in sent_to("priya@example.org") if "run out" in m.subject]
    assert len(expired) == 1 and "Acme Labs" in expired[0].subject


def test_an_expired_offer_frees_its_seat_for_the_next_round(student: Student) -> None:
    overdue = _offer(student, respond_by=today() - timedelta(days=1))
    assert rounds_dao.outstanding_seats([overdue.opportunity_id]) == {overdue.opportunity_id: 1}
    offer_deadlines.run()
    assert rounds_dao.outstanding_seats([overdue.opportunity_id]) == {}


def test_an_offer_answered_before_its_reminder_is_sent_says_nothing(student: Student) -> None:
    due = _offer(student, respond_by=today() + timedelta(days=2))
    offer_deadlines.run()
    db.session.execute(Allocation.__table__.update().where(Allocation.id == due.id).values(status="declined"))
    db.session.commit()
    assert deliver_queued() == 1
    assert sent_to("priya@example.org") == []


def test_a_student_without_an_account_is_expired_without_an_email(app: Flask) -> None:
    overdue = _offer(factories.create_student(), respond_by=today() - timedelta(days=1))
    offer_deadlines.run()
    assert _status(overdue) == "expired" and _keys() == []
