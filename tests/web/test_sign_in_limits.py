"""Guessing passwords: an address locks after ten wrong ones in a row, and each network address is limited."""

from __future__ import annotations

import contextvars
import hashlib
import threading
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from web.dao.base import transaction
from web.dao.sign_in import authenticate
from web.extensions import db, limiter
from web.models import AuditEvent, SignInGuard
from web.models.base import utcnow

LOCKED = "You have entered a wrong email address or password too many times. Wait 15 minutes, then try again"
WRONG = "Enter a correct email address and password"


def _sign_in(client: ClientRequest, email: str, password: str, expected: int = 200) -> str:
    page = client.post("auth.sign_in", {"email": email, "password": password}, _expected_status=expected)
    summary = page.select_one(".govuk-error-summary")
    return " ".join(summary.get_text(" ", strip=True).split()) if summary else ""


def _guard(email: str) -> SignInGuard | None:
    db.session.expire_all()
    return db.session.get(SignInGuard, hashlib.sha256(email.encode()).hexdigest())


def test_ten_wrong_passwords_lock_the_account_even_against_the_right_one(
    client_request: ClientRequest,
) -> None:
    user = factories.create_user_for("employer", email="boss@example.org")
    messages = [_sign_in(client_request, "boss@example.org", f"guess {n}") for n in range(10)]
    assert all(WRONG in message for message in messages[:9])
    assert LOCKED in messages[9]

    assert LOCKED in _sign_in(client_request, "Boss@Example.org", factories.PASSWORD)
    assert _guard("boss@example.org").locked_until > utcnow() + timedelta(minutes=14)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account_locked")).all()
    assert [(event.record_type, event.record_id) for event in events] == [("user", user.id)]


def test_the_lock_ends_after_its_time_and_the_right_password_then_works(
    client_request: ClientRequest,
) -> None:
    factories.create_user_for("employer", email="boss@example.org")
    for n in range(10):
        _sign_in(client_request, "boss@example.org", f"guess {n}")
    _guard("boss@example.org").locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()

    page = client_request.post("auth.sign_in", {"email": "boss@example.org", "password": factories.PASSWORD})
    assert page.location.endswith("/employer/opportunities")
    guard = _guard("boss@example.org")
    assert (guard.failures, guard.locked_until) == (0, None)


def test_a_right_password_clears_the_count_of_wrong_ones(client_request: ClientRequest) -> None:
    factories.create_user_for("student", email="pupil@example.org")
    for n in range(9):
        _sign_in(client_request, "pupil@example.org", f"guess {n}")
    client_request.post("auth.sign_in", {"email": "pupil@example.org", "password": factories.PASSWORD})
    assert _guard("pupil@example.org").failures == 0
    again = ClientRequest(client_request.app.test_client(), client_request.app)
    messages = [_sign_in(again, "pupil@example.org", f"again {n}") for n in range(9)]
    assert all(LOCKED not in message for message in messages)
    assert _guard("pupil@example.org").locked_until is None


def test_an_address_without_an_account_gets_exactly_the_same_answers(client_request: ClientRequest) -> None:
    factories.create_user_for("employer", email="real@example.org")
    factories.create_user_for("employer", email="gone@example.org", active=False)
    answers = {}
    for email in ("real@example.org", "nobody@example.org", "gone@example.org"):
        limiter.reset()  # the per-address limit is not what this test is about
        answers[email] = [_sign_in(client_request, email, f"guess {n}") for n in range(11)]
    assert answers["real@example.org"] == answers["nobody@example.org"] == answers["gone@example.org"]
    assert LOCKED in answers["nobody@example.org"][-1]


def test_a_deactivated_account_answers_like_a_wrong_password(client_request: ClientRequest) -> None:
    factories.create_user_for("employer", email="gone@example.org", active=False)
    assert WRONG in _sign_in(client_request, "gone@example.org", factories.PASSWORD)


def test_guesses_sent_all_at_once_still_stop_at_ten(app: Flask) -> None:
    factories.create_user_for("employer", email="boss@example.org")
    answers: list[str] = []
    start = threading.Barrier(16)

    def guess(n: int) -> None:
        with app.app_context():
            start.wait()
            with transaction():
                attempt = authenticate("boss@example.org", f"guess {n}", utcnow(), 10, timedelta(minutes=15))
            answers.append("locked" if attempt.locked else "wrong")

    threads = [threading.Thread(target=contextvars.Context().run, args=(guess, n)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers).count("wrong") == 9
    with app.app_context(), transaction():
        right = authenticate("boss@example.org", factories.PASSWORD, utcnow(), 10, timedelta(minutes=15))
    assert right.user is None and right.locked


def test_too_many_failed_sign_ins_from_one_address_get_a_plain_429_page(
    client_request: ClientRequest, app: Flask
) -> None:
    for n in range(30):
        _sign_in(client_request, f"person{n}@example.org", "wrong")
    response = client_request.client.post(
        client_request.url("auth.sign_in"),
        data={"csrf_token": client_request.csrf_token, "email": "x@example.org", "password": "y"},
    )
    assert response.status_code == 429
    text = response.get_data(as_text=True)
    assert "Too many attempts" in text and "Wait a few minutes, then try again." in text
    assert int(response.headers["Retry-After"]) > 0


def test_a_whole_class_signing_in_from_one_school_address_is_not_limited(
    client_request: ClientRequest,
) -> None:
    students = [factories.create_user_for("student") for _ in range(40)]
    for student in students:
        with client_request.client.session_transaction() as session:
            session.clear()
        page = client_request.post("auth.sign_in", {"email": student.email, "password": factories.PASSWORD})
        assert page.location.endswith("/me/")


def test_reading_the_sign_in_page_is_not_limited(client_request: ClientRequest) -> None:
    for _ in range(40):
        client_request.get("auth.sign_in")
