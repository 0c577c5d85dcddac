"""Signing in and out."""

from __future__ import annotations

import pytest

from tests import db as factories
from tests.conftest import ClientRequest
from web.extensions import db
from web.models import User


def test_sign_in_with_correct_password_goes_to_the_role_home(client_request: ClientRequest) -> None:
    user = factories.create_user_for("employer", email="boss@example.org")
    page = client_request.post("auth.sign_in", {"email": "Boss@Example.org", "password": factories.PASSWORD})
    assert page.location.endswith("/employer/opportunities")
    db.session.refresh(user)


def test_sign_in_with_wrong_password_shows_an_error_and_error_title(client_request: ClientRequest) -> None:
    factories.create_user_for("employer", email="boss@example.org")
    page = client_request.post(
        "auth.sign_in", {"email": "boss@example.org", "password": "wrong"}, _expected_status=200
    )
    assert page.title.text.startswith("Error: ")
    assert "Enter a correct email address and password" in page.select_one(".govuk-error-summary").text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "password": "x"}, "Enter your email address"),
        ({"email": "not-an-email", "password": "x"}, "Enter an email address in the correct format"),
        ({"email": "a@example.org", "password": ""}, "Enter your password"),
    ],
)
def test_sign_in_form_names_the_problem(
    client_request: ClientRequest, data: dict[str, str], message: str
) -> None:
    page = client_request.post("auth.sign_in", data, _expected_status=200)
    assert message in page.select_one(".govuk-error-summary").text


def test_long_passwords_are_not_truncated(client_request: ClientRequest) -> None:
    password = "p" * 100
    factories.create_user_for("student", email="long@example.org", password=password)
    client_request.post("auth.sign_in", {"email": "long@example.org", "password": password})
    wrong = client_request.post(
        "auth.sign_in", {"email": "long@example.org", "password": "p" * 99 + "q"}, _expected_status=200
    )
    assert wrong.select_one(".govuk-error-summary")


def test_password_is_stored_as_an_argon2_hash(app: object) -> None:
    user = factories.create_user_for("student")
    assert user.password_hash.startswith("$argon2id$")
    assert factories.PASSWORD not in user.password_hash


def test_sign_in_rotates_the_session_token(client_request: ClientRequest) -> None:
    user = factories.create_user_for("employer", email="boss@example.org")
    before = user.session_token
    client_request.post("auth.sign_in", {"email": "boss@example.org", "password": factories.PASSWORD})
    db.session.expire_all()
    assert db.session.get(User, user.id).session_token != before


def test_sign_out_ends_the_session_even_for_a_copied_cookie(employer_request: ClientRequest) -> None:
    cookie = employer_request.client.get_cookie("session").value
    employer_request.post("auth.sign_out")
    thief = employer_request.app.test_client()
    thief.set_cookie("session", cookie)
    response = thief.get(employer_request.url("employers.opportunities"))
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_deactivated_user_cannot_sign_in(client_request: ClientRequest) -> None:
    factories.create_user_for("employer", email="gone@example.org", active=False)
    page = client_request.post(
        "auth.sign_in", {"email": "gone@example.org", "password": factories.PASSWORD}, _expected_status=200
    )
    assert page.select_one(".govuk-error-summary")


def test_a_form_posted_without_csrf_token_is_refused(employer_request: ClientRequest) -> None:
    response = employer_request.client.post(employer_request.url("auth.sign_out"), data={})
    assert response.status_code == 400


def test_signed_out_visitor_is_sent_to_sign_in(client_request: ClientRequest) -> None:
    response = client_request.client.get(client_request.url("careers.students"))
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", ["hub_admin", "employer", "student"])
def test_other_roles_are_refused_careers_pages(role: str, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    request = sign_in_as(factories.create_user_for(role))
    request.get("careers.students", _expected_status=403)


def test_messages_show_as_text_not_as_escaped_markup(employer_request: ClientRequest) -> None:
    page = employer_request.post("auth.sign_out", _follow=True, _expected_status=200)
    banner = page.select_one(".govuk-notification-banner")
    assert "You have signed out" in banner.text
    assert "<p" not in banner.text


def _leader_and_round() -> tuple[User, int]:
    school = factories.create_school()
    leader = factories.create_user_for("careers_leader", school, email="lead@example.org")
    return leader, factories.create_round(school, status="succeeded").id


def test_following_a_link_that_needs_sign_in_lands_back_on_it(client_request: ClientRequest) -> None:
    _, round_id = _leader_and_round()
    proposals = client_request.url("careers.round_detail", round_id=round_id)

    asked = client_request.client.get(proposals + "?status=proposed")
    sign_in_url = asked.headers["Location"]
    assert "/sign-in?next=" in sign_in_url
    with client_request.client.session_transaction() as session:
        session["csrf_token"] = client_request._raw_csrf
    answers = {"csrf_token": client_request.csrf_token, "email": "lead@example.org"}
    response = client_request.client.post(sign_in_url, data={**answers, "password": factories.PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == proposals + "?status=proposed"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/careers/students",
        "//evil.example/careers/students",
        "/\\evil.example/careers/students",
        "\\\\evil.example",
        "/\t/evil.example",
        "/%0a/evil.example",
        " /careers/students",
        "javascript:alert(1)",
        "http:/careers/students",
        "careers/students",
        "///evil.example",
        "/no/such/page",
        "/hub/",  # a page the careers leader's role may not use
        "/sign-in",
        "/" + "a" * 3000,
    ],
)
def test_sign_in_never_follows_next_off_this_site_or_to_a_page_the_role_cannot_use(
    client_request: ClientRequest, target: str
) -> None:
    _leader_and_round()

    page = client_request.post(
        "auth.sign_in", {"email": "lead@example.org", "password": factories.PASSWORD}, next=target
    )

    assert page.location == client_request.url("careers.students")
