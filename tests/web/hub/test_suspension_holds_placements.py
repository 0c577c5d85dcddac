"""A suspended employer's placements are on hold: it sees none of its students (nor what parents shared)
and confirms nobody, a parent cannot consent meanwhile, and the careers leaders hear why; approved again,
it is asked to confirm what became ready."""

from __future__ import annotations

from datetime import date

from flask import Flask

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, sent_to
from tests.web.parents.helpers import accepted, emailed_link
from tests.web.parents.test_consent import GIVE, _get, _post, _status
from web.dao import vetting
from web.dao.base import transaction
from web.extensions import db
from web.models import Allocation, Employer, Opportunity, School, Student


def _employer_of(allocation: Allocation) -> Employer:
    opportunity = db.session.get(Opportunity, allocation.opportunity_id)
    return db.session.get(Employer, opportunity.employer_id)


def _decide(employer: Employer, decision: str, reason: str = "") -> None:
    admin = factories.create_user_for("hub_admin", db.session.get(factories.Hub, employer.hub_id))
    with transaction():
        vetting.decide(employer, decision, reason, admin.id, date.today())


def test_a_suspended_employer_sees_no_student_and_confirms_nobody(app: Flask, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    allocation = accepted()
    employer = _employer_of(allocation)
    host = sign_in_as(factories.create_user_for("employer", employer))
    with transaction():
        db.session.get(Allocation, allocation.id).status = "consented"
    assert host.get("employers.placement", allocation_id=allocation.id)

    _decide(employer, "suspend", "Insurance lapsed")

    host.get("employers.placement", allocation_id=allocation.id, _expected_status=404)
    host.post("employers.confirm_placement", allocation_id=allocation.id, _expected_status=404)
    page = host.get("employers.students_coming", opportunity_id=allocation.opportunity_id)
    assert "Alex" not in page.get_text()
    assert _status(allocation) == "consented"


def test_while_suspended_a_parent_cannot_consent_and_the_employer_is_not_asked(
    client_request: ClientRequest,
) -> None:
    allocation = accepted()
    employer = _employer_of(allocation)
    factories.create_user_for("employer", employer, email="host@example.org")
    path = emailed_link()
    _decide(employer, "suspend", "Insurance lapsed")

    status, text, _ = _get(client_request, path)
    assert status == 200 and "This placement is on hold" in text and "Send my answer" not in text
    status, text = _post(client_request, path, GIVE)
    assert "This placement is on hold" in text
    assert _status(allocation) == "accepted"

    # Approved again: the link works, and once the parent consents the employer is asked to confirm.
    _decide(employer, "approve")
    status, text = _post(client_request, path, GIVE)
    assert _status(allocation) == "consented"
    deliver_queued()
    assert any("confirm" in message.subject.lower() for message in sent_to("host@example.org"))


def test_suspending_tells_the_careers_leaders_of_each_placement_on_hold_once(app: Flask) -> None:
    allocation = accepted()
    student = db.session.get(Student, allocation.student_id)
    factories.create_user_for(
        "careers_leader", db.session.get(School, student.school_id), email="leader@example.org"
    )
    employer = _employer_of(allocation)

    _decide(employer, "suspend", "Insurance lapsed")
    deliver_queued()

    [message] = sent_to("leader@example.org")
    assert "on hold" in message.subject and "Alex" in message.subject
    assert "Insurance lapsed" in str(message.body)


def test_a_suspended_employer_is_not_asked_to_confirm_until_approved_again(app: Flask) -> None:
    employer = factories.create_employer()
    factories.create_user_for("employer", employer, email="host@example.org")
    _decide(employer, "suspend", "Insurance lapsed")
    accepted(employer=employer, date_of_birth=date(2000, 1, 1))  # 18 or over: ready at once
    deliver_queued()
    assert sent_to("host@example.org")[:-1] == [] and "suspended" in sent_to("host@example.org")[0].subject

    _decide(employer, "approve")
    deliver_queued()

    assert any("confirm" in message.subject.lower() for message in sent_to("host@example.org"))
