"""Accepting an invitation: the emailed link, choosing a password, and every way a link can be no good."""

from __future__ import annotations

import contextvars
import hashlib
import logging
import threading
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import sent_to
from tests.web.accounts.helpers import (
    EXPIRED,
    NEW_PASSWORD,
    choose_password,
    emailed_link,
    follow,
    heading,
    invite,
    soup,
)
from tests.web.pages import banner, error_messages
from web.accounts.views import HideLinkTokens
from web.dao import accounts, tokens
from web.dao.base import transaction
from web.dao.users import password_matches
from web.extensions import db
from web.models import AccessToken, AuditEvent, SignInGuard, User
from web.models.base import utcnow


def _token_of(user: User) -> AccessToken:
    db.session.expire_all()
    return db.session.scalars(
        select(AccessToken).where(AccessToken.user_id == user.id).order_by(AccessToken.id.desc())
    ).first()


def _user(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def _expired_page(response: Any) -> None:
    assert response.status_code == 404
    page = soup(response)
    assert heading(page) == EXPIRED
    assert page.select_one("input[type=password]") is None


def test_an_invited_careers_leader_chooses_a_password_from_the_email_and_is_signed_in(
    client_request: ClientRequest,
) -> None:
    school = factories.create_school(name="Oakfield Academy")
    invite("new.leader@example.org", school)
    path = emailed_link("new.leader@example.org")
    [message] = sent_to("new.leader@example.org")
    assert "Oakfield Academy" in message.body and message.subject.startswith("You have been invited")

    response = follow(client_request, path)
    assert response.status_code == 302 and response.headers["Location"] == "/account/password"
    form = client_request.get("accounts.set_password")
    assert heading(form) == "Create your password"
    assert "new.leader@example.org" in form.text

    signed_in = choose_password(client_request)
    assert signed_in.location == "/school/students"
    home = client_request.get("careers.students")
    assert "Your password is saved" in banner(home)
    user = _user("new.leader@example.org")
    assert password_matches(user, NEW_PASSWORD)
    listed = select(AuditEvent.action).where(AuditEvent.record_id == user.id).order_by(AuditEvent.id)
    actions = db.session.scalars(listed).all()
    assert actions == ["user_invited", "invitation_accepted"]


def test_the_new_password_signs_in_from_another_browser(client_request: ClientRequest, app: Flask) -> None:
    invite("new.leader@example.org", factories.create_school())
    follow(client_request, emailed_link("new.leader@example.org"))
    choose_password(client_request)

    other = ClientRequest(app.test_client(), app)
    page = other.post("auth.sign_in", {"email": "new.leader@example.org", "password": NEW_PASSWORD})
    assert page.location == "/school/students"


def test_the_token_leaves_the_address_bar_and_never_appears_on_a_page(client_request: ClientRequest) -> None:
    invite("new.leader@example.org", factories.create_school())
    path = emailed_link("new.leader@example.org")
    secret = path.rsplit("/", 1)[1]

    response = follow(client_request, path)
    form = client_request.client.get(response.headers["Location"])
    assert secret not in response.headers["Location"]
    assert secret not in form.get_data(as_text=True)
    assert form.headers["Referrer-Policy"] == "same-origin"
    assert form.headers["Cache-Control"] == "no-store"  # it names the account, before anyone signs in


def test_showing_the_form_does_not_spend_the_link(client_request: ClientRequest) -> None:
    user = invite("new.leader@example.org", factories.create_school())
    path = emailed_link("new.leader@example.org")
    for _ in range(3):
        follow(client_request, path)
        client_request.get("accounts.set_password")
    assert _token_of(user).used_at is None

    assert choose_password(client_request).location == "/school/students"


def test_the_link_works_once(client_request: ClientRequest, app: Flask) -> None:
    invite("new.leader@example.org", factories.create_school())
    path = emailed_link("new.leader@example.org")
    follow(client_request, path)
    choose_password(client_request)

    again = ClientRequest(app.test_client(), app)
    _expired_page(follow(again, path))
    _expired_page(again.client.get(again.url("accounts.set_password")))


def test_a_second_tab_posting_after_the_first_succeeded_is_refused(
    client_request: ClientRequest, app: Flask
) -> None:
    invite("new.leader@example.org", factories.create_school())
    path = emailed_link("new.leader@example.org")
    second_tab = ClientRequest(app.test_client(), app)
    follow(client_request, path)
    follow(second_tab, path)
    second_tab.get("accounts.set_password")

    choose_password(client_request)
    refused = choose_password(second_tab, "a different password", status=404)

    assert heading(refused) == EXPIRED
    assert password_matches(_user("new.leader@example.org"), NEW_PASSWORD)


def test_posting_the_same_form_again_after_success_is_refused(client_request: ClientRequest) -> None:
    invite("new.leader@example.org", factories.create_school())
    follow(client_request, emailed_link("new.leader@example.org"))
    with client_request.client.session_transaction() as session:
        token_id = session["access_token_id"]
    choose_password(client_request)

    with client_request.client.session_transaction() as session:
        session["access_token_id"] = token_id  # a replay of the cookie from before
    assert heading(choose_password(client_request, "replayed password", status=404)) == EXPIRED
    assert password_matches(_user("new.leader@example.org"), NEW_PASSWORD)


def test_an_expired_invitation_shows_the_expired_page(client_request: ClientRequest) -> None:
    user = invite("new.leader@example.org", factories.create_school())
    path = emailed_link("new.leader@example.org")
    _token_of(user).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    _expired_page(follow(client_request, path))


def test_a_link_that_runs_out_while_the_form_is_open_is_refused_on_post(
    client_request: ClientRequest,
) -> None:
    user = invite("new.leader@example.org", factories.create_school())
    follow(client_request, emailed_link("new.leader@example.org"))
    client_request.get("accounts.set_password")
    _token_of(user).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert heading(choose_password(client_request, status=404)) == EXPIRED
    assert _user("new.leader@example.org").password_hash == ""


def test_an_invitation_sent_again_replaces_the_older_link(client_request: ClientRequest) -> None:
    school = factories.create_school()
    invite("new.leader@example.org", school)
    older = emailed_link("new.leader@example.org")
    invite("new.leader@example.org", school)
    newer = emailed_link("new.leader@example.org")

    assert older != newer
    _expired_page(follow(client_request, older))
    assert follow(client_request, newer).status_code == 302


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("guess", EXPIRED),
        ("A" * 43, EXPIRED),  # the length of a real one
        ("x" * 5000, EXPIRED),
        ("%00", EXPIRED),
        ("%E2%80%AE%F0%9F%98%80", EXPIRED),
        ("..%2F..%2Fetc%2Fpasswd", "Page not found"),  # a slash is not part of any link
    ],
    ids=["short", "real-length", "over-long", "nul", "unicode", "slashes"],
)
def test_guessed_and_malformed_tokens_are_a_404(
    client_request: ClientRequest, token: str, expected: str
) -> None:
    invite("new.leader@example.org", factories.create_school())

    response = client_request.client.get(f"/account/link/{token}")

    assert response.status_code == 404
    assert heading(soup(response)) == expected
    with client_request.client.session_transaction() as session:
        assert "access_token_id" not in session


def test_a_reset_token_given_as_an_invitation_is_refused(client_request: ClientRequest) -> None:
    user = factories.create_user_for("employer", email="boss@example.org")
    with transaction():
        reset = tokens.issue(user.id, "reset", timedelta(hours=1), None)
    # The same salt, but the secret an invitation would have: a link for one purpose is not one for another.
    wrong_purpose = tokens._secret(reset.salt, "invitation")

    _expired_page(follow(client_request, f"/account/link/{wrong_purpose}"))
    assert follow(client_request, f"/account/link/{tokens.secret_of(reset)}").status_code == 302


def test_the_password_page_without_a_link_shows_the_expired_page(client_request: ClientRequest) -> None:
    _expired_page(client_request.client.get(client_request.url("accounts.set_password")))
    assert heading(choose_password(client_request, status=404)) == EXPIRED


def test_a_deactivated_invitees_link_does_nothing(client_request: ClientRequest) -> None:
    user = invite("new.leader@example.org", factories.create_school())
    path = emailed_link("new.leader@example.org")
    _user("new.leader@example.org").active = False
    db.session.commit()

    _expired_page(follow(client_request, path))
    assert _token_of(user).used_at is None


PASSWORD_PROBLEMS = [
    ({"password": "", "confirm": ""}, ["Enter a password"]),
    ({"password": "", "confirm": "ten chars!"}, ["Enter a password"]),
    ({"password": "nine char", "confirm": "nine char"}, ["Password must be 10 characters or more"]),
    ({"password": "p" * 1025, "confirm": "p" * 1025}, ["Password must be 1024 characters or fewer"]),
    ({"password": "ten chars!", "confirm": "ten chars?"}, ["Enter the same password in both boxes"]),
    ({"password": "ten chars!", "confirm": ""}, ["Enter your password again"]),
    (
        {"password": "New.Leader@Example.org", "confirm": "New.Leader@Example.org"},
        ["Password must not be your email address"],
    ),
]


@pytest.mark.parametrize(("data", "messages"), PASSWORD_PROBLEMS)
def test_the_password_rules_name_the_problem_and_keep_the_link(
    client_request: ClientRequest, data: dict[str, str], messages: list[str]
) -> None:
    user = invite("new.leader@example.org", factories.create_school())
    follow(client_request, emailed_link("new.leader@example.org"))

    page = client_request.post("accounts.set_password", data, _expected_status=200)

    assert error_messages(page) == messages
    assert page.title.text.startswith("Error: ")
    assert not page.select_one("#password").get("value") and not page.select_one("#confirm").get("value")
    assert _token_of(user).used_at is None
    assert choose_password(client_request).location == "/school/students"


@pytest.mark.parametrize("password", ["ten chars!", "p" * 1024, "   spaces count   "])
def test_passwords_from_10_to_1024_characters_are_kept_exactly(
    client_request: ClientRequest, password: str
) -> None:
    invite("new.leader@example.org", factories.create_school())
    follow(client_request, emailed_link("new.leader@example.org"))

    choose_password(client_request, password)

    assert password_matches(_user("new.leader@example.org"), password)


def test_the_password_is_never_shown_back_on_the_page(client_request: ClientRequest) -> None:
    invite("new.leader@example.org", factories.create_school())
    follow(client_request, emailed_link("new.leader@example.org"))

    page = client_request.post(
        "accounts.set_password", {"password": "secret one!", "confirm": "secret two!"}, _expected_status=200
    )

    assert "secret one!" not in str(page) and "secret two!" not in str(page)


def test_choosing_a_password_clears_a_lock_on_the_address(client_request: ClientRequest) -> None:
    invite("new.leader@example.org", factories.create_school())
    key = hashlib.sha256(b"new.leader@example.org").hexdigest()
    db.session.add(SignInGuard(email_hash=key, failures=0, locked_until=utcnow() + timedelta(minutes=10)))
    db.session.commit()
    follow(client_request, emailed_link("new.leader@example.org"))

    choose_password(client_request)

    db.session.expire_all()
    guard = db.session.get(SignInGuard, key)
    assert (guard.failures, guard.locked_until) == (0, None)


def test_choosing_a_password_ends_every_other_link_the_account_had(client_request: ClientRequest) -> None:
    user = invite("new.leader@example.org", factories.create_school())
    invitation = emailed_link("new.leader@example.org")
    with transaction():
        reset = tokens.issue(user.id, "reset", timedelta(hours=1), None)
    reset_path = f"/account/link/{tokens.secret_of(reset)}"

    follow(client_request, invitation)
    choose_password(client_request)

    _expired_page(follow(client_request, reset_path))


def test_a_signed_in_person_who_accepts_an_invitation_is_signed_in_as_the_invitee(
    employer_request: ClientRequest,
) -> None:
    invite("new.leader@example.org", factories.create_school())
    follow(employer_request, emailed_link("new.leader@example.org"))

    assert choose_password(employer_request).location == "/school/students"
    assert "new.leader@example.org" in employer_request.get("careers.students").text


@pytest.mark.parametrize(
    ("logger", "args"),
    [
        ("werkzeug", ('"%s" %s %s', "GET /account/link/SECRET123 HTTP/1.1", "302", "-")),
        ("gunicorn.access", ("%(r)s %(s)s", {"r": "GET /account/link/SECRET123?x=1 HTTP/1.1", "s": "302"})),
        # Flask's own line for an unhandled error, on the app's logger.
        ("web", ("Exception on %s [%s]", "/account/link/SECRET123", "POST")),
    ],
)
def test_access_logs_do_not_show_the_secret_of_a_link(
    app: Flask,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    logger: str,
    args: tuple[Any, ...],
) -> None:
    assert any(isinstance(found, HideLinkTokens) for found in logging.getLogger(logger).filters)
    # The migrations' logging set-up turns off loggers that existed before it ran.
    monkeypatch.setattr(logging.getLogger(logger), "disabled", False)
    with caplog.at_level(logging.INFO, logger=logger):
        message, *values = args
        logging.getLogger(logger).info(message, *values)

    assert "SECRET123" not in caplog.text
    assert "/account/link/[hidden]" in caplog.text


def test_two_tabs_posting_at_the_same_moment_spend_the_link_once(app: Flask) -> None:
    user = invite("new.leader@example.org", factories.create_school())
    token_id = _token_of(user).id
    chosen: list[str] = []
    start = threading.Barrier(2)

    def post(password: str) -> None:
        with app.app_context():
            start.wait()
            with transaction():
                if accounts.choose_password(token_id, password, utcnow()) is not None:
                    chosen.append(password)
            db.session.remove()

    tabs = [
        threading.Thread(target=contextvars.Context().run, args=(post, password))
        for password in ("first tab password", "second tab password")
    ]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join()

    assert len(chosen) == 1
    assert password_matches(_user("new.leader@example.org"), chosen[0])
    accepted = select(AuditEvent).where(AuditEvent.action == "invitation_accepted")
    assert len(db.session.scalars(accepted).all()) == 1
