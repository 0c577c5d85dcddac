"""Guessing passwords: an account locks after ten wrong ones in a row, and each address is rate limited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from web.extensions import db, limiter
from web.models import AuditEvent, User
from web.models.base import utcnow

LOCKED = "You have entered a wrong email address or password too many times. Wait 15 minutes, then try again"
WRONG = "Enter a correct email address and password"


def _sign_in(client: ClientRequest, email: str, password: str, expected: int = 200) -> str:
    page = client.post("auth.sign_in", {"email": email, "password": password}, _expected_status=expected)
    summary = page.select_one(".govuk-error-summary")
    return " ".join(summary.get_text(" ", strip=True).split()) if summary else ""


def _user(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def test_ten_wrong_passwords_lock_the_account_even_against_the_right_one(
    client_request: ClientRequest,
) -> None:
    user = factories.create_user_for("employer", email="boss@example.org")
    messages = [_sign_in(client_request, "boss@example.org", f"guess {n}") for n in range(10)]
    assert all(WRONG in message for message in messages[:9])
    assert LOCKED in messages[9]

    assert LOCKED in _sign_in(client_request, "boss@example.org", factories.PASSWORD)
    locked = _user(user.id)
    assert locked.locked_until > utcnow() + timedelta(minutes=14)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account_locked")).all()
    assert [(event.record_type, event.record_id) for event in events] == [("user", user.id)]


def test_the_lock_ends_after_its_time_and_the_right_password_then_works(
    client_request: ClientRequest,
) -> None:
    user = factories.create_user_for("employer", email="boss@example.org")
    for n in range(10):
        _sign_in(client_request, "boss@example.org", f"guess {n}")
    db.session.get(User, user.id).locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()

    page = client_request.post("auth.sign_in", {"email": "boss@example.org", "password": factories.PASSWORD})
    assert page.location.endswith("/employer/opportunities")
    assert (_user(user.id).failed_sign_ins, _user(user.id).locked_until) == (0, None)


def test_a_right_password_clears_the_count_of_wrong_ones(client_request: ClientRequest) -> None:
    user = factories.create_user_for("student", email="pupil@example.org")
    for n in range(9):
        _sign_in(client_request, "pupil@example.org", f"guess {n}")
    client_request.post("auth.sign_in", {"email": "pupil@example.org", "password": factories.PASSWORD})
    assert _user(user.id).failed_sign_ins == 0
    fresh = client_request.app.test_client()
    again = ClientRequest(fresh, client_request.app)
    messages = [_sign_in(again, "pupil@example.org", f"again {n}") for n in range(9)]
    assert all(LOCKED not in message for message in messages)
    assert _user(user.id).locked_until is None


def test_an_address_without_an_account_gets_exactly_the_same_answers(client_request: ClientRequest) -> None:
    factories.create_user_for("employer", email="real@example.org")
    real = [_sign_in(client_request, "real@example.org", f"guess {n}") for n in range(11)]
    limiter.reset()  # the per-address rate limit is not what this test is about
    made_up = [_sign_in(client_request, "nobody@example.org", f"guess {n}") for n in range(11)]
    assert made_up == real
    assert LOCKED in made_up[-1]


def test_a_deactivated_account_answers_like_a_wrong_password(client_request: ClientRequest) -> None:
    factories.create_user_for("employer", email="gone@example.org", active=False)
    assert WRONG in _sign_in(client_request, "gone@example.org", factories.PASSWORD)


def test_too_many_sign_ins_from_one_address_get_a_plain_429_page(client_request: ClientRequest) -> None:
    for n in range(20):
        _sign_in(client_request, f"person{n}@example.org", "wrong")
    response = client_request.client.post(
        client_request.url("auth.sign_in"),
        data={"csrf_token": client_request.csrf_token, "email": "x@example.org", "password": "y"},
    )
    assert response.status_code == 429
    text = response.get_data(as_text=True)
    assert "Too many attempts" in text and "Wait a few minutes, then try again." in text
    assert int(response.headers["Retry-After"]) > 0


def test_reading_the_sign_in_page_is_not_limited(client_request: ClientRequest) -> None:
    for _ in range(25):
        client_request.get("auth.sign_in")
