"""Rate limits on the account pages: too many posts from one network address get the GOV.UK 429 page."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.accounts.helpers import choose_password, emailed_link, follow, invite
from web.accounts import views
from web.extensions import db
from web.models import Notification

ALLOWED = 10  # a minute, from ACCOUNT_RATE_LIMIT


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "RESET_ANSWER_SECONDS", 0.0)


def _post(request: ClientRequest, endpoint: str, data: dict[str, str], address: str = "127.0.0.1") -> int:
    with request.client.session_transaction() as session:
        session["csrf_token"] = request._raw_csrf
    response = request.client.post(
        request.url(endpoint),
        data={"csrf_token": request.csrf_token, **data},
        environ_base={"REMOTE_ADDR": address},
    )
    if response.status_code == 429:
        text = response.get_data(as_text=True)
        assert "Too many attempts" in text and "Wait a few minutes, then try again." in text
        assert int(response.headers["Retry-After"]) > 0
    return response.status_code


def test_the_limit_is_the_configured_one(app: Flask) -> None:
    assert app.config["ACCOUNT_RATE_LIMIT"].startswith(f"{ALLOWED} per minute")


def test_too_many_reset_requests_from_one_address_get_the_429_page(client_request: ClientRequest) -> None:
    answers = [
        _post(client_request, "accounts.reset", {"email": f"person{n}@example.org"})
        for n in range(ALLOWED + 1)
    ]

    assert answers == [200] * ALLOWED + [429]
    # Another address is counted on its own.
    assert _post(client_request, "accounts.reset", {"email": "x@example.org"}, "198.51.100.7") == 200


def test_too_many_failed_password_posts_from_one_address_get_the_429_page(
    client_request: ClientRequest,
) -> None:
    invite("new.leader@example.org", factories.create_school())
    follow(client_request, emailed_link("new.leader@example.org"))
    short = {"password": "short", "confirm": "short"}

    answers = [_post(client_request, "accounts.set_password", short) for _ in range(ALLOWED + 1)]

    assert answers == [200] * ALLOWED + [429]
    # Even the right answer waits: guessing cannot go on from this address.
    choose_password(client_request, status=429)


def test_posts_without_a_link_count_against_the_address(client_request: ClientRequest) -> None:
    data = {"password": "long enough password", "confirm": "long enough password"}
    answers = [_post(client_request, "accounts.set_password", data) for _ in range(ALLOWED + 1)]

    assert answers == [404] * ALLOWED + [429]


def test_a_class_accepting_invitations_from_one_school_address_is_not_limited(
    client_request: ClientRequest, app: Flask
) -> None:
    school = factories.create_school()
    for n in range(ALLOWED + 5):
        pupil = ClientRequest(app.test_client(), app)
        invite(f"pupil{n}@example.org", factories.create_student(school), role="student")
        follow(pupil, emailed_link(f"pupil{n}@example.org"))
        data = {"password": "long enough password", "confirm": "long enough password"}
        assert _post(pupil, "accounts.set_password", data) == 302


def test_reading_the_account_pages_is_not_limited(client_request: ClientRequest) -> None:
    for _ in range(ALLOWED * 3):
        client_request.get("accounts.reset")
        assert client_request.client.get(client_request.url("accounts.set_password")).status_code == 404


PER_ADDRESS_ASKED = 5  # an hour, from RESET_ADDRESS_RATE_LIMIT


def test_the_per_account_limit_is_the_configured_one(app: Flask) -> None:
    assert app.config["RESET_ADDRESS_RATE_LIMIT"].startswith(f"{PER_ADDRESS_ASKED} per hour")


@pytest.mark.parametrize("has_account", [True, False])
def test_resets_for_one_account_from_many_network_addresses_are_limited_alike(
    client_request: ClientRequest, has_account: bool
) -> None:
    if has_account:
        factories.create_user_for("careers_leader", email="target@example.org")
    spread = [f"198.51.100.{n}" for n in range(PER_ADDRESS_ASKED + 1)]

    # Written as people type it: the case and spaces do not make another address.
    emails = [" Target@Example.org", *["target@example.org"] * PER_ADDRESS_ASKED]
    answers = [
        _post(client_request, "accounts.reset", {"email": email}, address)
        for address, email in zip(spread, emails, strict=True)
    ]

    # The same answers and the same limit whether or not the address has an account.
    assert answers == [200] * PER_ADDRESS_ASKED + [429]
    # Another address asked for from the same network address is counted on its own.
    assert _post(client_request, "accounts.reset", {"email": "other@example.org"}, spread[-1]) == 200


def test_only_the_allowed_reset_emails_are_sent_to_one_account(client_request: ClientRequest) -> None:
    factories.create_user_for("careers_leader", email="target@example.org")

    for n in range(PER_ADDRESS_ASKED + 3):
        _post(client_request, "accounts.reset", {"email": "target@example.org"}, f"203.0.113.{n}")

    assert db.session.scalar(select(func.count()).select_from(Notification)) == PER_ADDRESS_ASKED


def test_a_reset_posted_with_no_address_is_not_counted_against_any_account(
    client_request: ClientRequest,
) -> None:
    answers = [
        _post(client_request, "accounts.reset", {"email": ""}, f"203.0.113.{n}")
        for n in range(PER_ADDRESS_ASKED + 1)
    ]

    assert answers == [200] * (PER_ADDRESS_ASKED + 1)
