"""Sign-in with the school's Google or Microsoft accounts, against a real OpenID Connect provider: accepting
an invitation with the school's account, and signing in with it afterwards."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.accounts.helpers import emailed_link, follow, heading, invite, soup
from tests.web.auth.conftest import Provider, person, sign_in_with, through_provider
from tests.web.auth_two_step.helpers import Clock, turn_on
from tests.web.pages import banner
from web.dao import accounts, identities
from web.dao.accounts import AccountError
from web.dao.base import transaction
from web.extensions import db
from web.models import AccessToken, AuditEvent, School, SignInIdentity, Student, User

GOOGLE_ISSUER_PATH = "/google"


def allow(
    school: School, providers: tuple[str, ...] = ("google",), domains: tuple[str, ...] = ("oakfield.sch.uk",)
) -> None:
    """The school's sign-in settings, as its hub admin would save them."""
    with transaction():
        identities.save_policy(None, list(providers), list(domains), school_id=school.id)  # type: ignore[arg-type]


def invited_pupil(
    email: str = "sam.jones@oakfield.sch.uk", school: School | None = None
) -> tuple[User, School]:
    """A pupil at a school that allows Google for its domain, invited by email."""
    school = school or factories.create_school(name="Oakfield Academy")
    allow(school)
    student = factories.create_student(school)
    return invite(email, student, role="student"), school


def open_invitation(request: ClientRequest, email: str) -> BeautifulSoup:
    """Follow the emailed invitation link to its page."""
    follow(request, emailed_link(email))
    return request.get("accounts.set_password")


def _user(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def _identities(user: User) -> list[SignInIdentity]:
    db.session.expire_all()
    return list(db.session.scalars(select(SignInIdentity).where(SignInIdentity.user_id == user.id)))


def _actions(user: User) -> list[str]:
    query = select(AuditEvent.action).where(AuditEvent.record_id == user.id, AuditEvent.record_type == "user")
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def signed_in_as(request: ClientRequest) -> str:
    """Whose account the client's session is signed in to ("" for nobody), from the page's account bar."""
    page = soup(request.client.get("/", follow_redirects=True))
    bar = page.select_one(".app-account-bar")
    return " ".join(bar.get_text(" ").split()) if bar else ""


def test_a_pupil_accepts_an_invitation_with_google_and_never_gets_a_password(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    pupil, _ = invited_pupil()
    page = open_invitation(client_request, pupil.email)
    assert heading(page) == "Set up how you sign in"
    buttons = [" ".join(a.get_text().split()) for a in page.select("#school-accounts a")]
    assert buttons == ["Continue with Google"]

    response = sign_in_with(client_request, "/sign-in/google/invitation", person("g-1001", pupil.email))

    assert response.status_code == 302 and response.headers["Location"] == "/me/"
    assert "Your Google account is connected" in banner(client_request.get("students.home"))
    pupil = _user(pupil.email)
    assert pupil.password_hash == ""  # never a password
    [identity] = _identities(pupil)
    assert (identity.provider, identity.subject) == ("google", "g-1001")
    assert identity.issuer == school_accounts.base + GOOGLE_ISSUER_PATH
    token = db.session.scalar(select(AccessToken).where(AccessToken.user_id == pupil.id))
    assert token.used_at is not None  # the invitation is spent
    assert _actions(pupil)[-2:] == ["sign_in_identity_linked", "invitation_accepted"]


def test_a_pupil_who_signs_in_with_the_school_account_is_never_offered_a_password_again(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    pupil, _ = invited_pupil()
    open_invitation(client_request, pupil.email)
    sign_in_with(client_request, "/sign-in/google/invitation", person("g-1002", pupil.email))
    student = db.session.get(Student, pupil.student_id)

    # Asked for again (say they lost track of how they sign in): they have joined, so no new invitation,
    # and no password reset either.
    with pytest.raises(AccountError):
        invite(pupil.email, student, role="student")
    with transaction():
        accounts.request_reset(pupil.email)
    assert db.session.scalar(select(AccessToken).where(AccessToken.purpose == "reset")) is None
    assert _user(pupil.email).password_hash == ""


def factories_client(request: ClientRequest) -> ClientRequest:
    """Another browser, nobody signed in."""
    return ClientRequest(request.app.test_client(), request.app)


def test_a_careers_leader_signs_in_with_google_afterwards_and_goes_back_to_the_page_asked_for(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    school = factories.create_school(name="Oakfield Academy")
    allow(school)
    leader = invite("nia.patel@oakfield.sch.uk", school)
    open_invitation(client_request, leader.email)
    sign_in_with(client_request, "/sign-in/google/invitation", person("g-2001", leader.email))
    session_token = _user(leader.email).session_token

    browser = factories_client(client_request)
    page = browser.get("auth.sign_in", next="/school/students")
    button = page.select("#school-accounts a")[0]
    assert " ".join(button.get_text().split()) == "Sign in with Google"
    assert button["href"] == "/sign-in/google?next=/school/students"
    response = sign_in_with(browser, button["href"], person("g-2001", leader.email))

    assert response.status_code == 302 and response.headers["Location"] == "/school/students"
    assert leader.email in signed_in_as(browser)
    leader = _user(leader.email)
    assert leader.session_token != session_token  # rotated, as at a password sign-in
    assert _actions(leader)[-1] == "sign_in"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in")).all()[-1]
    assert event.detail == {"method": "google"}
    assert _identities(leader)[0].last_used_at is not None


def test_a_hub_admin_links_a_microsoft_account_from_their_tenant_and_signs_in_with_it(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    hub = factories.create_hub()
    with transaction():
        identities.save_policy(None, ["microsoft"], ["gmca.gov.uk"], hub_id=hub.id)  # type: ignore[arg-type]
    admin = invite("ade.okafor@gmca.gov.uk", hub, role="hub_admin")
    page = open_invitation(client_request, admin.email)
    assert [" ".join(a.get_text().split()) for a in page.select("#school-accounts a")] == [
        "Continue with Microsoft"
    ]
    tenant = "0f6b3e1c-2a4d-4e8f-9b7a-5c3d2e1f0a9b"
    who = person("ms-pairwise-subject-1", admin.email, login_tid=tenant)

    response = sign_in_with(client_request, "/sign-in/microsoft/invitation", who)
    assert response.status_code == 302 and response.headers["Location"] == "/hub/"
    [identity] = _identities(_user(admin.email))
    assert identity.issuer == f"{school_accounts.base}/microsoft/{tenant}/v2.0"  # the tenant's own issuer

    browser = factories_client(client_request)
    response = sign_in_with(browser, "/sign-in/microsoft", who)
    assert response.status_code == 302 and response.headers["Location"] == "/hub/"
    assert admin.email in signed_in_as(browser)


def test_staff_who_sign_in_with_the_school_account_may_still_choose_a_password(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    school = factories.create_school()
    allow(school)
    leader = invite("kim.lee@oakfield.sch.uk", school)
    open_invitation(client_request, leader.email)
    sign_in_with(client_request, "/sign-in/google/invitation", person("g-3001", leader.email))
    assert _user(leader.email).password_hash == ""

    with transaction():
        accounts.request_reset(leader.email)  # "Forgot your password?", to have a password as well
    browser = factories_client(client_request)
    follow(browser, emailed_link(leader.email))
    browser.post(
        "accounts.set_password",
        {"password": "purple elephant umbrella", "confirm": "purple elephant umbrella"},
    )
    leader = _user(leader.email)
    assert leader.password_hash != ""
    assert len(_identities(leader)) == 1  # and the school account still signs them in
    again = sign_in_with(factories_client(client_request), "/sign-in/google", person("g-3001", leader.email))
    assert again.status_code == 302


def test_the_sign_in_page_offers_only_the_providers_the_service_has_a_client_id_for(
    app: Flask, client_request: ClientRequest, school_accounts: Provider, monkeypatch: Any
) -> None:
    page = client_request.get("auth.sign_in")
    labels = [" ".join(a.get_text().split()) for a in page.select("#school-accounts a")]
    assert labels == ["Sign in with Google", "Sign in with Microsoft"]

    monkeypatch.setitem(app.config, "OIDC_MICROSOFT_CLIENT_ID", "")
    page = client_request.get("auth.sign_in")
    assert [" ".join(a.get_text().split()) for a in page.select("#school-accounts a")] == [
        "Sign in with Google"
    ]
    assert client_request.client.get("/sign-in/microsoft").status_code == 404

    monkeypatch.setitem(app.config, "OIDC_GOOGLE_CLIENT_ID", "")
    assert client_request.get("auth.sign_in").select_one("#school-accounts") is None
    assert client_request.client.get("/sign-in/google").status_code == 404
    assert client_request.client.get("/sign-in/facebook").status_code == 404


def test_the_request_to_the_provider_carries_a_fresh_state_nonce_and_pkce_challenge(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    first = through_provider(client_request, "/sign-in/google", person("g-1", "a@oakfield.sch.uk"))
    second = through_provider(client_request, "/sign-in/google", person("g-1", "a@oakfield.sch.uk"))
    for journey in (first, second):
        query = dict(part.split("=", 1) for part in journey.authorize_url.split("?", 1)[1].split("&"))
        assert query["response_type"] == "code" and query["code_challenge_method"] == "S256"
        assert len(query["nonce"]) >= 32 and len(query["state"]) >= 20
        assert "%40" not in journey.authorize_url and "@" not in journey.authorize_url  # no address
    assert first.state != second.state


def test_staff_with_two_step_who_sign_in_with_the_school_account_are_not_asked_for_a_code(
    client_request: ClientRequest, school_accounts: Provider, clock: Clock
) -> None:
    # Two-step is for password sign-ins; the school's provider checks its own people.
    school = factories.create_school()
    allow(school)
    leader = invite("kim.lee@oakfield.sch.uk", school)
    open_invitation(client_request, leader.email)
    sign_in_with(client_request, "/sign-in/google/invitation", person("g-4001", leader.email))
    with transaction():
        accounts.request_reset(leader.email)  # a password as well
    browser = factories_client(client_request)
    follow(browser, emailed_link(leader.email))
    browser.post(
        "accounts.set_password",
        {"password": "purple elephant umbrella", "confirm": "purple elephant umbrella"},
    )
    turn_on(_user(leader.email), clock)

    fresh = factories_client(client_request)
    response = sign_in_with(fresh, "/sign-in/google", person("g-4001", leader.email))
    assert response.status_code == 302 and response.headers["Location"] == "/school/students"
    assert fresh.client.get("/school/students").status_code == 200  # not sent to the code page
