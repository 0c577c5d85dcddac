"""The parent's or carer's consent link: what it shows, what it does, and that it works once, for a while,
for that placement only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, sent_to
from tests.web.parents.helpers import PARENT, accepted, adult, consent_of, emailed_link
from web.dao import consent as consent_dao
from web.dao.base import transaction
from web.extensions import db
from web.models import Allocation, Consent, Opportunity, Student
from web.models.base import utcnow

GIVE = {
    "decision": "give",
    "parent_name": "Pat Smith",
    "emergency_name": "Jo Smith",
    "emergency_phone": "07700 900982",
}


def _get(request: ClientRequest, path: str, address: str = "127.0.0.1") -> tuple[int, str, dict[str, str]]:
    response = request.client.get(path, environ_base={"REMOTE_ADDR": address})
    return response.status_code, response.get_data(as_text=True), dict(response.headers)


def _post(request: ClientRequest, path: str, data: dict[str, str]) -> tuple[int, str]:
    with request.client.session_transaction() as session:
        session["csrf_token"] = request._raw_csrf
    response = request.client.post(path, data={"csrf_token": request.csrf_token, **data})
    return response.status_code, response.get_data(as_text=True)


def _status(allocation: Allocation) -> str:
    return db.session.scalar(select(Allocation.status).where(Allocation.id == allocation.id))


def test_the_parent_sees_the_placement_and_the_risk_assessment(client_request: ClientRequest) -> None:
    allocation = accepted()
    status, text, headers = _get(client_request, emailed_link())

    assert status == 200
    opportunity = db.session.get(Opportunity, allocation.opportunity_id)
    for shown in (
        "Software developer work experience",
        "M1 1AD",
        "Sam Supervisor",
        "Low risk office environment; supervised at all times.",
        opportunity.description,
        opportunity.start_date.strftime("%-d %B %Y"),
    ):
        assert shown in text
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"


def test_the_page_leads_nowhere_else(client_request: ClientRequest) -> None:
    accepted()
    _, text, _ = _get(client_request, emailed_link())

    from bs4 import BeautifulSoup

    page = BeautifulSoup(text, "html.parser")
    # Only the footer's public pages (the privacy notice a parent may want to read), never the service.
    footer = [a["href"] for a in page.select("footer a[href]")]
    assert footer == ["/privacy", "/accessibility", "/privacy/sub-processors"]
    assert [a["href"] for a in page.select("a[href]") if a["href"] not in footer] == ["#main-content"]
    assert "Sign in" not in text and "Sign out" not in text
    assert [form.get("action") for form in page.select("form")] == [None]  # posts back to itself only


def test_the_page_shows_nothing_personal_beyond_the_first_name(client_request: ClientRequest) -> None:
    allocation = accepted(last_name="Zebedee", postcode="M14 5TP")
    student = db.session.get(Student, allocation.student_id)
    _, text, _ = _get(client_request, emailed_link())

    assert "Alex" in text
    for hidden in ("Zebedee", "M14 5TP", student.date_of_birth.strftime("%-d %B %Y"), PARENT):
        assert hidden not in text


def test_another_placement_is_never_shown(client_request: ClientRequest) -> None:
    other = accepted(first_name="Robin", parent_email="robin.parent@example.org")
    other_opportunity = db.session.get(Opportunity, other.opportunity_id)
    db.session.execute(
        Opportunity.__table__.update()
        .where(Opportunity.id == other_opportunity.id)
        .values(title="Hospital porter shadowing")
    )
    db.session.commit()
    accepted()

    _, text, _ = _get(client_request, emailed_link())

    assert "Robin" not in text and "Hospital porter shadowing" not in text


def test_looking_at_the_page_decides_nothing(client_request: ClientRequest) -> None:
    allocation = accepted()
    path = emailed_link()
    for _ in range(3):
        assert _get(client_request, path)[0] == 200

    assert consent_of(allocation).decision == "pending"
    assert consent_of(allocation).used_at is None
    assert _status(allocation) == "accepted"


def test_giving_consent_moves_the_placement_on_and_tells_the_school_student_and_employer(
    client_request: ClientRequest,
) -> None:
    allocation = accepted()
    student = db.session.get(Student, allocation.student_id)
    employer_id = db.session.get(Opportunity, allocation.opportunity_id).employer_id
    host = factories.create_user_for("employer", db.session.get(factories.Employer, employer_id))
    pupil = factories.create_user_for("student", student)
    leader = factories.create_user_for("careers_leader", db.session.get(factories.School, student.school_id))
    path = emailed_link()

    status, text = _post(client_request, path, {**GIVE, "share": "share", "needs": "Uses an inhaler"})

    assert status == 200 and "Consent given" in text
    consent = consent_of(allocation)
    assert (consent.decision, consent.parent_name, consent.emergency_phone) == (
        "given",
        "Pat Smith",
        "07700 900982",
    )
    assert consent.shared_needs == "Uses an inhaler"
    assert consent.used_at is not None and consent.recorded_by_id is None
    assert _status(allocation) == "consented"
    deliver_queued()
    [to_employer] = sent_to(host.email)
    assert "Alex" in to_employer.body and "year 10" in to_employer.body
    assert (
        "Smith" not in to_employer.body
        and student.date_of_birth.strftime("%-d %B %Y") not in to_employer.body
    )
    assert "given consent" in sent_to(pupil.email)[0].subject
    assert "given" in sent_to(leader.email)[0].subject


def test_needs_are_kept_only_if_the_parent_ticks_the_box(client_request: ClientRequest) -> None:
    allocation = accepted()

    _post(client_request, emailed_link(), {**GIVE, "needs": "Uses an inhaler"})

    assert consent_of(allocation).shared_needs == ""


def test_ticking_the_box_without_saying_what_asks_for_them(client_request: ClientRequest) -> None:
    allocation = accepted()

    status, text = _post(client_request, emailed_link(), {**GIVE, "share": "share"})

    assert status == 200
    assert "Enter the medical or access needs to share, or untick the box" in text
    assert consent_of(allocation).decision == "pending"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"parent_name": "Pat Smith"}, "Select whether you give consent for this placement"),
        ({"decision": "give"}, "Enter your full name"),
        ({**GIVE, "emergency_phone": "call me"}, "Enter emergency contact phone number like"),
        ({**GIVE, "decision": "maybe"}, "Select whether you give consent for this placement"),
    ],
)
def test_a_form_with_problems_says_what_and_saves_nothing(
    client_request: ClientRequest, data: dict[str, str], message: str
) -> None:
    allocation = accepted()

    status, text = _post(client_request, emailed_link(), data)

    assert status == 200 and message in text and "Error: " in text
    assert consent_of(allocation).decision == "pending" and _status(allocation) == "accepted"


def test_refusing_consent_ends_the_placement_and_frees_the_seat(client_request: ClientRequest) -> None:
    allocation = accepted()

    status, text = _post(
        client_request, emailed_link(), {"decision": "refuse", "parent_name": "Pat Smith", "needs": "x"}
    )

    assert status == 200 and "Consent refused" in text
    assert consent_of(allocation).decision == "refused"
    assert consent_of(allocation).shared_needs == ""
    assert _status(allocation) == "consent_refused"
    assert db.session.get(Opportunity, allocation.opportunity_id).places_taken == 0


def _gone(request: ClientRequest, path: str) -> None:
    status, text, headers = _get(request, path)
    assert status == 404
    assert "This link does not work" in text
    assert headers["Referrer-Policy"] == "no-referrer"


def test_a_used_link_does_not_work_again(client_request: ClientRequest) -> None:
    allocation = accepted()
    path = emailed_link()
    _post(client_request, path, GIVE)

    _gone(client_request, path)
    assert _post(client_request, path, {**GIVE, "decision": "refuse"})[0] == 404
    assert _status(allocation) == "consented"


def test_a_link_that_has_run_out_does_not_work(client_request: ClientRequest) -> None:
    allocation = accepted()
    path = emailed_link()
    db.session.execute(
        Consent.__table__.update()
        .where(Consent.allocation_id == allocation.id)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()

    _gone(client_request, path)
    assert _post(client_request, path, GIVE)[0] == 404
    assert _status(allocation) == "accepted"


@pytest.mark.parametrize("secret", ["guess", "A" * 43, "x" * 101, "x" * 5000])
def test_guessed_or_overlong_links_get_the_same_page(client_request: ClientRequest, secret: str) -> None:
    accepted()
    _gone(client_request, f"/consent/{secret}")


def test_a_link_sent_again_ends_the_old_one(client_request: ClientRequest) -> None:
    allocation = accepted()
    old = emailed_link()
    with transaction():
        assert consent_dao.resend(allocation.id, None, utcnow()) is True

    new = emailed_link()
    assert new != old
    _gone(client_request, old)
    assert _get(client_request, new)[0] == 200


def test_a_link_for_a_placement_the_student_withdrew_from_does_not_work(
    client_request: ClientRequest,
) -> None:
    allocation = accepted()
    path = emailed_link()
    with transaction():
        from web.dao import placements

        placements.undo(allocation.id, "withdrawn", ("accepted",), None, "The student withdrew")

    _gone(client_request, path)


def test_no_parent_email_sends_nothing(app: Flask) -> None:
    allocation = accepted(parent_email=None)

    assert deliver_queued() == 0
    consent = consent_of(allocation)
    assert consent.sent_at is None
    student = db.session.get(Student, allocation.student_id)
    opportunity = db.session.get(Opportunity, allocation.opportunity_id)
    assert consent_dao.consent_status(consent, student, opportunity, allocation) == "no_email"


def test_a_student_who_will_be_18_needs_no_consent_and_the_employer_is_told(app: Flask) -> None:
    employer = factories.create_employer()
    host = factories.create_user_for("employer", employer)
    allocation = accepted(employer=employer, **adult())

    assert consent_dao.for_allocation(allocation.id) is None
    deliver_queued()
    assert sent_to(PARENT) == []
    assert "ready for you to confirm" in sent_to(host.email)[0].subject


def test_asking_twice_sends_one_link(app: Flask) -> None:
    allocation = accepted()
    with transaction():
        consent_dao.request(allocation.id, None)

    assert deliver_queued() == 1


def test_too_many_tries_from_one_address_get_the_429_page(client_request: ClientRequest) -> None:
    answers = [_get(client_request, f"/consent/guess{n}")[0] for n in range(11)]

    assert answers == [404] * 10 + [429]
    assert _get(client_request, "/consent/guess", "198.51.100.7")[0] == 404


@pytest.mark.parametrize("nasty", ["\x00", "9" * 5000, "x" * 100_000, "1e309"])
def test_garbage_is_refused_not_saved(client_request: ClientRequest, nasty: str) -> None:
    allocation = accepted()
    names = ("decision", "parent_name", "emergency_name", "emergency_phone", "share", "needs")

    status, _ = _post(client_request, emailed_link(), dict.fromkeys(names, nasty))

    assert status == 200
    assert consent_of(allocation).decision == "pending"
