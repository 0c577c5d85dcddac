"""The hub's decisions on an employer: approve, ask for changes or suspend, with a reason the employer sees,
audited and emailed to each of the employer's users once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, link_in, outbox, sent_to
from tests.web.hub.test_employers import unchecked
from tests.web.pages import banner, error_messages
from web.extensions import db
from web.models import AuditEvent, Employer, Hub, Notification


def today() -> date:
    return date.today()


def _hub_of(request: ClientRequest) -> Hub:
    return db.session.get(Hub, request.user.hub_id)  # type: ignore[attr-defined]


def _decide(request: ClientRequest, employer: Employer, decision: str, reason: str = "", status: int = 302):  # type: ignore[no-untyped-def]
    return request.post(
        "hub.employer",
        {"decision": decision, "reason": reason},
        employer_id=employer.id,
        _expected_status=status,
    )


def _events() -> list[tuple[str, int, dict]]:  # type: ignore[type-arg]
    return [
        (e.action, e.record_id, e.detail)
        for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    ]


def test_approving_a_checked_employer_approves_audits_and_emails_each_user_once(
    hub_admin_request: ClientRequest,
) -> None:
    employer = factories.create_employer(_hub_of(hub_admin_request), name="Acme Logistics", status="pending")
    first = factories.create_user_for("employer", employer, email="first@acme.example")
    factories.create_user_for("employer", employer, email="second@acme.example")
    factories.create_user_for("employer", employer, email="invited@acme.example", password="")
    factories.create_user_for("employer", employer, email="gone@acme.example", active=False)
    factories.create_user_for("employer", factories.create_employer(), email="other@elsewhere.example")

    page = _decide(hub_admin_request, employer, "approve", "Thank you: everything is in order.")

    assert page.location == hub_admin_request.url("hub.employer", employer_id=employer.id)
    db.session.refresh(employer)
    assert (employer.status, employer.status_reason) == ("approved", "Thank you: everything is in order.")
    assert _events() == [("employer_approved", employer.id, {"status_was": "pending"})]
    assert deliver_queued() == 2
    assert sorted(message.to for message in outbox()) == ["first@acme.example", "second@acme.example"]
    (message,) = sent_to(first.email)
    assert message.subject == "Acme Logistics is approved to offer placements"
    assert "Thank you: everything is in order." in str(message.body)
    assert link_in(message) == "/employer/opportunities"
    assert deliver_queued() == 0  # sent once


def test_the_page_says_the_decision_was_made_and_emailed(hub_admin_request: ClientRequest) -> None:
    employer = factories.create_employer(_hub_of(hub_admin_request), name="Acme Logistics", status="pending")

    page = hub_admin_request.post(
        "hub.employer",
        {"decision": "approve", "reason": ""},
        employer_id=employer.id,
        _follow=True,
        _expected_status=200,
    )

    assert "Acme Logistics is approved. We have emailed its users" in banner(page)


def test_approval_is_refused_while_evidence_is_missing_and_nothing_changes(
    hub_admin_request: ClientRequest,
) -> None:
    employer = unchecked(
        _hub_of(hub_admin_request), name="Zest Kitchens", insurer="Mutual", insurance_cover=5_000_000
    )
    factories.create_user_for("employer", employer)

    page = _decide(hub_admin_request, employer, "approve", status=200)

    (message,) = error_messages(page)
    assert message.startswith("You cannot approve Zest Kitchens until you fix: No insurance expiry date; ")
    assert "No named supervisor" in message
    db.session.refresh(employer)
    assert employer.status == "pending"
    assert _events() == []
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


@pytest.mark.parametrize(
    ("evidence", "named"),
    [
        ({"insurance_expires": timedelta(days=-1)}, "Insurance expired on"),
        ({"insurance_cover": 4_999_999}, "Insurance cover below £5 million"),
        ({"risk_assessment_on_file": False}, "No risk assessment on file"),
        ({"risk_assessment_summary": ""}, "No risk assessment summary for parents"),
        ({"next_check_due": timedelta(0)}, "Check due today"),
        ({"next_check_due": timedelta(days=-1)}, "Check due since"),
    ],
)
def test_approval_is_refused_for_expired_insurance_low_cover_or_a_check_not_recorded(
    hub_admin_request: ClientRequest,
    evidence: dict,
    named: str,  # type: ignore[type-arg]
) -> None:
    employer = factories.create_employer(
        _hub_of(hub_admin_request), status="pending", **factories.from_today(evidence)
    )

    page = _decide(hub_admin_request, employer, "approve", status=200)

    assert named in error_messages(page)[0]
    db.session.refresh(employer)
    assert employer.status == "pending"


def test_cover_of_exactly_five_million_and_insurance_expiring_today_can_be_approved(
    hub_admin_request: ClientRequest,
) -> None:
    employer = factories.create_employer(
        _hub_of(hub_admin_request), status="pending", insurance_cover=5_000_000, insurance_expires=today()
    )

    _decide(hub_admin_request, employer, "approve")

    db.session.refresh(employer)
    assert employer.status == "approved"


@pytest.mark.parametrize("was", ["pending", "approved", "suspended"])
def test_asking_for_changes_leaves_or_returns_the_employer_to_pending(
    hub_admin_request: ClientRequest, was: str
) -> None:
    employer = factories.create_employer(_hub_of(hub_admin_request), status=was)

    _decide(hub_admin_request, employer, "changes", "Send us your new insurance certificate.")

    db.session.refresh(employer)
    assert (employer.status, employer.status_reason) == ("pending", "Send us your new insurance certificate.")
    assert _events() == [("employer_changes_requested", employer.id, {"status_was": was})]


def test_asking_for_changes_emails_the_reason_and_a_link_to_update_the_evidence(
    hub_admin_request: ClientRequest,
) -> None:
    employer = unchecked(_hub_of(hub_admin_request), name="Zest Kitchens")
    user = factories.create_user_for("employer", employer)

    _decide(hub_admin_request, employer, "changes", "Your cover must be at least £5 million.")

    deliver_queued()
    (message,) = sent_to(user.email)
    assert message.subject == f"{_hub_of(hub_admin_request).name} has asked Zest Kitchens for changes"
    assert "Your cover must be at least £5 million." in str(message.body)
    assert link_in(message) == "/employer/organisation"


def test_suspending_an_approved_employer_stops_it_publishing_and_tells_its_users(
    hub_admin_request: ClientRequest,
) -> None:
    employer = factories.create_employer(_hub_of(hub_admin_request), name="Acme Logistics")
    user = factories.create_user_for("employer", employer)

    _decide(hub_admin_request, employer, "suspend", "A student reported being left unsupervised.")

    db.session.refresh(employer)
    assert (employer.status, employer.status_reason) == (
        "suspended",
        "A student reported being left unsupervised.",
    )
    assert [action for action, *_ in _events()] == ["employer_suspended"]
    deliver_queued()
    (message,) = sent_to(user.email)
    assert message.subject == "Acme Logistics has been suspended"
    assert "A student reported being left unsupervised." in str(message.body)


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ("changes", "Enter the reason for asking for changes, so the employer knows what to do"),
        ("suspend", "Enter the reason for suspending, so the employer knows what to do"),
    ],
)
def test_asking_for_changes_or_suspending_needs_a_reason(
    hub_admin_request: ClientRequest, decision: str, message: str
) -> None:
    employer = factories.create_employer(_hub_of(hub_admin_request))

    page = _decide(hub_admin_request, employer, decision, "   ", status=200)

    assert error_messages(page) == [message]
    db.session.refresh(employer)
    assert employer.status == "approved"


def test_a_decision_must_be_chosen(hub_admin_request: ClientRequest) -> None:
    employer = factories.create_employer(_hub_of(hub_admin_request))

    page = _decide(hub_admin_request, employer, "delete", "Because", status=200)

    assert error_messages(page) == ["Select approve, ask for changes or suspend"]


def test_each_decision_is_emailed_even_when_the_same_decision_is_made_again(
    hub_admin_request: ClientRequest,
) -> None:
    employer = factories.create_employer(_hub_of(hub_admin_request), status="pending")
    user = factories.create_user_for("employer", employer)

    _decide(hub_admin_request, employer, "approve")
    deliver_queued()
    _decide(hub_admin_request, employer, "approve", "Checked again after your insurance renewal.")
    deliver_queued()

    assert len(sent_to(user.email)) == 2


def test_a_decision_overtaken_by_a_later_one_before_sending_is_not_sent(
    hub_admin_request: ClientRequest,
) -> None:
    employer = factories.create_employer(_hub_of(hub_admin_request), name="Acme Logistics", status="pending")
    user = factories.create_user_for("employer", employer)

    _decide(hub_admin_request, employer, "approve")
    _decide(hub_admin_request, employer, "suspend", "Insurer says the policy was cancelled.")
    deliver_queued()

    (message,) = sent_to(user.email)
    assert message.subject == "Acme Logistics has been suspended"
    statuses = db.session.scalars(select(Notification.status).order_by(Notification.id)).all()
    assert statuses == ["failed", "sent"]


def test_the_reason_is_shown_on_the_vetting_page(hub_admin_request: ClientRequest) -> None:
    employer = factories.create_employer(_hub_of(hub_admin_request))
    _decide(hub_admin_request, employer, "changes", "First line.\nSecond line.")

    page = hub_admin_request.get("hub.employer", employer_id=employer.id)

    assert [p.text for p in page.select("#status-reason p")] == ["First line.", "Second line."]
