"""Password reset by email: one answer whatever the address, a link that works once, other sessions end."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, link_in, outbox, sent_to
from tests.web.accounts.helpers import EXPIRED, NEW_PASSWORD, choose_password, follow, heading, soup
from tests.web.pages import error_messages
from web.accounts import views
from web.dao import accounts, tokens
from web.dao.base import transaction
from web.dao.users import password_matches
from web.extensions import db
from web.models import AuditEvent, Notification, User
from web.models.base import utcnow

SENT = (
    "If an account exists for that email address, we have sent a link to reset the password. "
    "The link works once and runs out in 24 hours."
)


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The answer's minimum time is for the timing test only."""
    monkeypatch.setattr(views, "RESET_ANSWER_SECONDS", 0.0)


def _ask(request: ClientRequest, email: str) -> str:
    page = request.post("accounts.reset", {"email": email}, _expected_status=200)
    main = page.select_one("main")
    return " ".join(main.get_text(" ").split())


def _reset_link(address: str) -> str:
    """The link in the newest message to this address, which must be a reset email."""
    deliver_queued()
    newest = sent_to(address)[0]
    assert newest.subject == "Reset your password for Arrange work experience"
    return link_in(newest)


def test_the_sign_in_page_links_to_reset(client_request: ClientRequest) -> None:
    page = client_request.get("auth.sign_in")
    link = page.find("a", string="Forgotten your password?")
    assert link["href"] == client_request.url("accounts.reset")
    assert heading(client_request.get("accounts.reset")) == "Reset your password"


def test_a_reset_link_sets_a_new_password_once_and_ends_every_other_session(
    client_request: ClientRequest,
    sign_in_as,
    app: Flask,  # type: ignore[no-untyped-def]
) -> None:
    user = factories.create_user_for("employer", email="boss@example.org")
    elsewhere = sign_in_as(user)
    elsewhere.get("employers.opportunities")

    assert SENT in _ask(client_request, "Boss@Example.org ")
    path = _reset_link("boss@example.org")
    assert follow(client_request, path).status_code == 302
    assert heading(client_request.get("accounts.set_password")) == "Choose a new password"
    assert choose_password(client_request).location == "/employer/opportunities"

    db.session.expire_all()
    assert password_matches(db.session.get(User, user.id), NEW_PASSWORD)
    assert not password_matches(db.session.get(User, user.id), factories.PASSWORD)
    ended = elsewhere.client.get(elsewhere.url("employers.opportunities"))
    assert ended.status_code == 302 and "/sign-in" in ended.headers["Location"]
    again = ClientRequest(app.test_client(), app)
    assert heading(soup(follow(again, path))) == EXPIRED
    listed = select(AuditEvent.action).where(AuditEvent.record_id == user.id).order_by(AuditEvent.id)
    actions = db.session.scalars(listed).all()  # in order: PostgreSQL gives rows in any order without one
    assert actions == ["password_reset_requested", "password_reset"]


@pytest.mark.parametrize("address", ["nobody@example.org", "gone@example.org"])
def test_an_unknown_or_deactivated_address_gets_the_same_page_and_no_email(
    client_request: ClientRequest, address: str
) -> None:
    factories.create_user_for("employer", email="boss@example.org")
    factories.create_user_for("employer", email="gone@example.org", active=False)

    answers = {email: _ask(client_request, email) for email in ("boss@example.org", address)}

    assert answers[address] == answers["boss@example.org"]
    assert SENT in answers[address]
    deliver_queued()
    assert [message.to for message in outbox()] == ["boss@example.org"]
    queued = db.session.scalars(select(Notification.recipient)).all()
    assert queued == ["boss@example.org"]


def test_a_reset_link_for_an_account_deactivated_since_does_nothing(client_request: ClientRequest) -> None:
    user = factories.create_user_for("employer", email="boss@example.org")
    _ask(client_request, "boss@example.org")
    path = _reset_link("boss@example.org")
    follow(client_request, path)
    db.session.get(User, user.id).active = False
    db.session.commit()

    assert heading(choose_password(client_request, status=404)) == EXPIRED
    assert heading(soup(follow(client_request, path))) == EXPIRED
    db.session.expire_all()
    assert password_matches(db.session.get(User, user.id), factories.PASSWORD)


def test_a_newer_reset_link_replaces_the_older(client_request: ClientRequest) -> None:
    factories.create_user_for("employer", email="boss@example.org")
    _ask(client_request, "boss@example.org")
    older = _reset_link("boss@example.org")
    _ask(client_request, "boss@example.org")
    newer = _reset_link("boss@example.org")

    assert older != newer
    assert follow(client_request, older).status_code == 404
    assert follow(client_request, newer).status_code == 302


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your email address"),
        ("not an email", "Enter an email address in the correct format, like name@example.com"),
        ("a" * 400 + "@example.org", "Email address must be 320 characters or fewer"),
    ],
)
def test_the_reset_form_names_the_problem_and_sends_nothing(
    client_request: ClientRequest, email: str, message: str
) -> None:
    page = client_request.post("accounts.reset", {"email": email}, _expected_status=200)

    assert error_messages(page) == [message]
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_the_answer_takes_as_long_whether_or_not_the_address_has_an_account(
    client_request: ClientRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    factories.create_user_for("employer", email="boss@example.org")
    monkeypatch.setattr(views, "RESET_ANSWER_SECONDS", 5.0)
    waits: list[float] = []
    monkeypatch.setattr(views.time, "sleep", waits.append)

    for email in ("boss@example.org", "nobody@example.org"):
        _ask(client_request, email)

    # Each answer waits out what is left of the same minimum, so both take at least that long.
    assert len(waits) == 2 and all(4.0 < wait <= 5.0 for wait in waits)


def test_someone_invited_who_has_not_signed_up_gets_no_reset_link(client_request: ClientRequest) -> None:
    # The invitation may have gone to a wrong address first: a reset there must not open the account.
    factories.create_user_for("student", email="wrong@pupils.example", password="")
    page = client_request.post("accounts.reset", {"email": "wrong@pupils.example"}, _expected_status=200)
    assert SENT in " ".join(page.get_text(" ").split())
    assert deliver_queued() == 0 and outbox() == []


def test_a_new_invitation_ends_every_earlier_link_and_deactivation_ends_them_for_good(
    client_request: ClientRequest,
) -> None:
    user = factories.create_user_for("careers_leader", email="leader@school.example")
    with transaction():
        reset = tokens.issue(user.id, "reset", timedelta(hours=24), None)
        secret = tokens.secret_of(reset)
    assert tokens.find(secret, "reset", utcnow()) is not None
    with transaction():
        accounts.set_active(db.session.get(User, user.id), False, user.id)
        accounts.set_active(db.session.get(User, user.id), True, user.id)
    assert tokens.find(secret, "reset", utcnow()) is None  # reactivating did not bring it back
    assert follow(client_request, f"/account/link/{secret}").status_code == 404


def test_inviting_again_ends_a_reset_link_sent_before(client_request: ClientRequest) -> None:
    school = factories.create_school()
    invited = factories.create_user_for("careers_leader", school, email="first@school.example", password="")
    with transaction():
        secret = tokens.secret_of(tokens.issue(invited.id, "reset", timedelta(hours=24), None))
        accounts.invite("first@school.example", "careers_leader", school.id, None)
    assert tokens.find(secret, "reset", utcnow()) is None
