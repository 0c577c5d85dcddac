"""Beat's insurance reminders: 30 days before an approved employer's insurance runs out, its users and the
hub's admins are told, once; once it has run out they are told again, and the employer cannot publish."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import db as factories
from tests.mail import deliver_queued, link_in, outbox, sent_to
from web.dao import opportunities as opportunities_dao
from web.dao import vetting
from web.dao.base import transaction
from web.extensions import db
from web.models import Employer, Notification
from workers.schedule_tasks import insurance_reminders


def today() -> date:
    return date.today()


@pytest.fixture
def people(app: Flask) -> dict[str, Any]:
    """An approved employer with two users (and one who has not accepted yet), and the hub's admin."""
    hub = factories.create_hub(name="Greater Manchester Careers Hub")
    employer = factories.create_employer(hub, name="Acme Logistics")
    return {
        "employer": employer,
        "users": [
            factories.create_user_for("employer", employer, email="first@acme.example"),
            factories.create_user_for("employer", employer, email="second@acme.example"),
        ],
        "invited": factories.create_user_for("employer", employer, email="invited@acme.example", password=""),
        "admin": factories.create_user_for("hub_admin", hub, email="admin@hub.example"),
        "other_admin": factories.create_user_for(
            "hub_admin", factories.create_hub(), email="other@hub.example"
        ),
    }


def _expires(employer: Employer, day: date) -> None:
    employer.insurance_expires = day
    db.session.commit()


def _queued() -> int:
    return db.session.scalar(select(func.count()).select_from(Notification))


def test_thirty_days_before_expiry_the_employers_users_and_hub_admins_are_reminded_once(
    people: dict[str, Any],
) -> None:
    _expires(people["employer"], today() + timedelta(days=30))

    insurance_reminders()
    insurance_reminders()

    assert deliver_queued() == 3
    assert sorted(message.to for message in outbox()) == [
        "admin@hub.example",
        "first@acme.example",
        "second@acme.example",
    ]
    expires = today() + timedelta(days=30)
    (to_employer,) = sent_to("first@acme.example")
    assert (
        to_employer.subject
        == f"Your employers' liability insurance runs out on {expires.day} {expires:%B %Y}"
    )
    assert "in 30 days" in str(to_employer.body)
    assert link_in(to_employer) == "/employer/organisation"
    (to_hub,) = sent_to("admin@hub.example")
    assert to_hub.subject == f"Insurance for Acme Logistics runs out on {expires.day} {expires:%B %Y}"
    assert link_in(to_hub) == f"/hub/employers/{people['employer'].id}"
    insurance_reminders()
    assert deliver_queued() == 0


def test_nothing_is_sent_thirty_one_days_before_or_for_insurance_a_year_away(people: dict[str, Any]) -> None:
    later = factories.create_employer(name="Later Ltd", insurance_expires=today() + timedelta(days=365))
    factories.create_user_for("employer", later)
    _expires(people["employer"], today() + timedelta(days=31))

    insurance_reminders()

    assert _queued() == 0


def test_a_reminder_missed_on_the_day_is_sent_on_a_later_run(people: dict[str, Any]) -> None:
    _expires(people["employer"], today() + timedelta(days=12))

    insurance_reminders()

    assert deliver_queued() == 3
    assert "in 12 days" in str(sent_to("first@acme.example")[0].body)


@pytest.mark.parametrize("status", ["pending", "suspended"])
def test_employers_not_approved_are_not_reminded(people: dict[str, Any], status: str) -> None:
    people["employer"].status = status
    _expires(people["employer"], today() + timedelta(days=10))

    insurance_reminders()

    assert _queued() == 0


def test_insurance_renewed_before_the_reminder_is_sent_sends_nothing(people: dict[str, Any]) -> None:
    _expires(people["employer"], today() + timedelta(days=30))
    insurance_reminders()
    _expires(people["employer"], today() + timedelta(days=395))

    deliver_queued()

    assert outbox() == []
    assert set(db.session.scalars(select(Notification.status))) == {"failed"}


def test_a_renewal_that_runs_out_in_turn_is_reminded_about_again(people: dict[str, Any]) -> None:
    _expires(people["employer"], today() + timedelta(days=20))
    insurance_reminders()
    _expires(people["employer"], today() + timedelta(days=25))

    insurance_reminders()

    assert _queued() == 6


def test_once_expired_everyone_is_told_once_and_the_employer_cannot_publish(people: dict[str, Any]) -> None:
    employer = people["employer"]
    draft = factories.create_opportunity(employer, status="draft")
    _expires(employer, today() - timedelta(days=1))

    insurance_reminders()
    insurance_reminders()

    assert deliver_queued() == 3
    (to_employer,) = sent_to("first@acme.example")
    assert to_employer.subject == "Your employers' liability insurance has run out"
    assert "You cannot publish opportunities" in str(to_employer.body)
    assert sent_to("admin@hub.example")[0].subject == "Insurance for Acme Logistics has run out"
    with transaction():
        assert opportunities_dao.publish_opportunity(draft.id, today()) is False
    assert db.session.scalar(select(Employer.id).where(vetting.evidence_current(today()))) is None


def test_insurance_that_ran_out_long_ago_is_not_announced_again(people: dict[str, Any]) -> None:
    _expires(people["employer"], today() - timedelta(days=31))

    insurance_reminders()

    assert _queued() == 0


def test_the_reminder_before_and_the_notice_after_expiry_are_separate_messages(
    people: dict[str, Any],
) -> None:
    expires = today() + timedelta(days=5)
    _expires(people["employer"], expires)
    with transaction():
        vetting.remind_about_insurance(today())
    with transaction():
        vetting.remind_about_insurance(expires + timedelta(days=1))
    with transaction():
        again = vetting.remind_about_insurance(expires + timedelta(days=2))

    assert (_queued(), again) == (6, 0)
