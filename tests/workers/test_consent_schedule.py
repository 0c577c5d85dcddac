"""The consent schedule: reminders 4 and 10 days after the link was sent, once each; pending consent runs
out after 14 days (or once the placement has started), freeing the seat and telling the school and student."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.mail import deliver_queued, sent_to
from tests.web.parents.helpers import PARENT, accepted, consent_of
from web.dao import consent as consent_dao
from web.dao.base import transaction
from web.dates import end_of_day_utc
from web.extensions import db
from web.models import Allocation, Opportunity, School, Student
from web.models.base import utcnow


def _run(allocation: Allocation, days: float) -> int:
    sent_at = consent_of(allocation).sent_at
    assert sent_at is not None
    with transaction():
        return consent_dao.remind_and_expire(sent_at + timedelta(days=days))


def _status(allocation: Allocation) -> str:
    return db.session.scalar(select(Allocation.status).where(Allocation.id == allocation.id))


def _parent_subjects() -> list[str]:
    deliver_queued()
    return [message.subject for message in sent_to(PARENT)]


def test_nothing_happens_in_the_first_four_days(app: Flask) -> None:
    allocation = accepted()
    _parent_subjects()

    assert _run(allocation, 3.9) == 0
    assert len(_parent_subjects()) == 1


def test_the_parent_is_reminded_at_4_and_10_days_once_each(app: Flask) -> None:
    allocation = accepted()

    assert _run(allocation, 4) == 1
    assert _run(allocation, 5) == 0
    assert _run(allocation, 10) == 1
    assert _run(allocation, 11) == 0

    subjects = _parent_subjects()
    assert sum(subject.startswith("Reminder:") for subject in subjects) == 2
    assert consent_of(allocation).decision == "pending" and _status(allocation) == "accepted"


def test_a_link_sent_again_gets_its_own_reminders(app: Flask) -> None:
    allocation = accepted()
    _run(allocation, 4)
    with transaction():
        consent_dao.resend(allocation.id, None, consent_of(allocation).sent_at + timedelta(days=5))

    assert _run(allocation, 4) == 1


def test_pending_consent_runs_out_after_14_days_and_frees_the_seat(app: Flask) -> None:
    allocation = accepted()
    student = db.session.get(Student, allocation.student_id)
    pupil = factories.create_user_for("student", student)
    leader = factories.create_user_for("careers_leader", db.session.get(School, student.school_id))

    assert _run(allocation, 14) == 1
    assert _run(allocation, 15) == 0  # once

    assert consent_of(allocation).decision == "expired"
    assert _status(allocation) == "consent_expired"
    assert db.session.get(Opportunity, allocation.opportunity_id).places_taken == 0
    deliver_queued()
    assert len(sent_to(pupil.email)) == 1 and "will not go ahead" in sent_to(pupil.email)[0].subject
    assert len(sent_to(leader.email)) == 1


def test_pending_consent_runs_out_once_the_placement_has_started(app: Flask) -> None:
    allocation = accepted()
    db.session.execute(
        Opportunity.__table__.update()
        .where(Opportunity.id == allocation.opportunity_id)
        .values(start_date=date.today() - timedelta(days=1), end_date=date.today() + timedelta(days=3))
    )
    db.session.commit()

    assert _run(allocation, 1) == 1
    assert _status(allocation) == "consent_expired"


def test_decided_consent_is_left_alone(app: Flask) -> None:
    allocation = accepted()
    with transaction():
        consent_dao.decide(
            consent_of(allocation).id, consent_dao.Answer(True, "Pat Smith"), consent_of(allocation).sent_at
        )

    assert _run(allocation, 20) == 0
    assert consent_of(allocation).decision == "given" and _status(allocation) == "consented"


def test_an_old_reminder_for_a_replaced_link_is_not_sent(app: Flask) -> None:
    allocation = accepted()
    _run(allocation, 4)
    with transaction():
        consent_dao.resend(allocation.id, None, consent_of(allocation).sent_at)

    subjects = _parent_subjects()
    # The first request and its reminder were for the old link: only the new link's email goes.
    assert len(subjects) == 1 and not subjects[0].startswith("Reminder:")


def test_a_link_runs_out_the_day_before_a_placement_that_starts_within_14_days(app: Flask) -> None:
    allocation = accepted()
    opportunity = db.session.get(Opportunity, allocation.opportunity_id)
    opportunity.start_date = date.today() + timedelta(days=5)
    db.session.commit()
    with transaction():
        consent_dao.resend(allocation.id, None, utcnow())

    runs_out = consent_of(allocation).expires_at
    assert runs_out == end_of_day_utc(opportunity.start_date - timedelta(days=1))


def test_no_reminders_and_no_running_out_while_the_employer_is_suspended(app: Flask) -> None:
    allocation = accepted()
    opportunity = db.session.get(Opportunity, allocation.opportunity_id)
    db.session.get(factories.Employer, opportunity.employer_id).status = "suspended"
    db.session.commit()
    deliver_queued()

    assert _run(allocation, 4.5) == 0 and _run(allocation, 20) == 0

    assert _status(allocation) == "accepted" and consent_of(allocation).decision == "pending"


def test_a_student_who_withdrew_as_consent_ran_out_is_not_told_it_ran_out(app: Flask) -> None:
    allocation = accepted()
    stale = consent_of(allocation)
    with transaction():
        db.session.get(Allocation, allocation.id).status = "withdrawn"

    with transaction():
        assert consent_dao._expire(stale, utcnow()) == 0

    assert consent_of(allocation).decision == "pending"
    assert _status(allocation) == "withdrawn"
