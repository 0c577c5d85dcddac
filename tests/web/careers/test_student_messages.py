"""The emails sent to a pupil and their parent or carer, as their careers leader sees them on the pupil's
page: delivered or not, and why not (a parent's bounced address)."""

from __future__ import annotations

import smtplib
from typing import Any

import pytest

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued
from tests.web.careers.helpers import school_of
from tests.web.pages import rows
from web.dao import consent
from web.dao.base import transaction
from web.extensions import db
from web.models import Hub, School, Student
from workers import notification_tasks


def _accepted_placement(school: School, **student: Any) -> Student:
    """A pupil who has accepted a placement: their parent or carer is emailed for consent."""
    pupil = factories.create_student(school, **student)
    employer = factories.create_employer(db.session.get(Hub, school.hub_id))
    opportunity = factories.create_opportunity(employer)
    match_round = factories.create_round(school, status="succeeded")
    allocation = factories.create_allocation(match_round, pupil, opportunity, status="accepted")
    with transaction():
        consent.request(allocation.id, None)
    return pupil


def _bounce(address: str, monkeypatch: pytest.MonkeyPatch) -> None:
    real_send = notification_tasks.EmailMessage.send

    def send(message: Any, *args: Any, **kwargs: Any) -> Any:
        if address in message.to:
            raise smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 No such mailbox")})
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(notification_tasks.EmailMessage, "send", send)


def test_a_parents_bounced_address_shows_as_not_delivered_with_the_reason(
    careers_leader_request: ClientRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    school = school_of(careers_leader_request)
    pupil = _accepted_placement(school, first_name="Ava", parent_email="wrong@parents.example")
    _accepted_placement(school, first_name="Ben", parent_email="ben.parent@parents.example")
    _bounce("wrong@parents.example", monkeypatch)
    deliver_queued()

    page = careers_leader_request.get("careers.student", student_id=pupil.id)

    assert rows(page, "messages-table", "td")[0][1:] == [
        "Parent or carer, wrong@parents.example",
        "Request for consent",
        "Not delivered The email address was refused. Check it, then correct it in your MIS and import again",
    ]
    assert len(rows(page, "messages-table")) == 1  # Ben's parent's email is Ben's, not Ava's
    assert "1 email was not delivered" in page.get_text(" ", strip=True)


def test_a_delivered_email_shows_as_sent_and_one_waiting_as_waiting(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    pupil = _accepted_placement(school, first_name="Ava", parent_email="parent@parents.example")

    waiting = careers_leader_request.get("careers.student", student_id=pupil.id)
    deliver_queued()
    sent = careers_leader_request.get("careers.student", student_id=pupil.id)

    assert rows(waiting, "messages-table", "td")[0][-1] == "Waiting to send"
    assert rows(sent, "messages-table", "td")[0][-1] == "Sent"
    assert "not delivered" not in sent.get_text(" ", strip=True)


def test_a_pupil_of_another_school_with_the_same_parent_email_is_not_shown(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    pupil = factories.create_student(school, first_name="Ava", parent_email="shared@parents.example")
    other = factories.create_school(db.session.get(Hub, school.hub_id))
    _accepted_placement(other, parent_email="shared@parents.example")

    page = careers_leader_request.get("careers.student", student_id=pupil.id)

    assert not page.select("#messages-table")
    assert "No emails have been sent to Ava or their parent or carer yet" in page.get_text(" ", strip=True)
