"""Every way signing in with a school account must be refused, against the real provider: a token for
another audience, a wrong state or nonce, a token signed with a key the provider never published, another
issuer, an unverified or uninvited address, a domain or provider the school does not allow, an identity
nobody invited, and replays."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.accounts.helpers import heading, invite, soup
from tests.web.auth.conftest import CLIENT_ID, Provider, person, sign_in_with, through_provider
from tests.web.auth.test_oidc import allow, factories_client, open_invitation, signed_in_as
from web.dao import accounts, identities
from web.dao.base import transaction
from web.extensions import db
from web.models import AccessToken, AuditEvent, School, SignInIdentity, User

LEADER = "nia.patel@oakfield.sch.uk"


def refusal(response: Any) -> str:
    page: BeautifulSoup = soup(response)
    assert heading(page) == "You cannot sign in this way"
    found = page.select_one("#refusal")
    return " ".join(found.get_text().split()) if found else ""


def _invited(request: ClientRequest, school: School | None = None, email: str = LEADER) -> User:
    school = school or factories.create_school(name="Oakfield Academy")
    allow(school)
    leader = invite(email, school)
    open_invitation(request, email)
    return leader


def _linked(request: ClientRequest, subject: str = "g-linked") -> User:
    """A careers leader who accepted their invitation with Google, in another browser."""
    leader = _invited(request)
    response = sign_in_with(request, "/sign-in/google/invitation", person(subject, LEADER))
    assert response.status_code == 302
    return leader


def _refusals(user: User) -> list[dict[str, Any]]:
    """What the audit trail says of refused attempts on this account."""
    query = select(AuditEvent).where(
        AuditEvent.action == "school_account_refused", AuditEvent.record_id == user.id
    )
    return [event.detail for event in db.session.scalars(query.order_by(AuditEvent.id))]


def _nothing_linked_and_invitation_unused(user: User) -> None:
    db.session.expire_all()
    assert db.session.scalar(select(func.count(SignInIdentity.id))) == 0
    token = db.session.scalar(select(AccessToken).where(AccessToken.user_id == user.id))
    assert token.used_at is None
    assert db.session.get(User, user.id).password_hash == ""


@pytest.mark.parametrize(
    "tampering",
    [
        {"tamper_aud": "another-service"},
        # Authlib alone accepts this one: another client's token that names us as its authorised party.
        {"tamper_aud": "another-service", "tamper_azp": CLIENT_ID},
        {"tamper_nonce": "a-nonce-this-journey-never-sent"},
        {"tamper_iss": "https://accounts.example.com"},
        {"tamper_key": "unpublished"},  # signed with a key the provider's key set does not hold
    ],
    ids=[
        "another audience",
        "another audience naming us as azp",
        "wrong nonce",
        "another issuer",
        "bad signature",
    ],
)
def test_an_id_token_that_fails_its_checks_links_nothing_and_signs_nobody_in(
    client_request: ClientRequest, school_accounts: Provider, tampering: dict[str, str]
) -> None:
    leader = _invited(client_request)
    response = sign_in_with(client_request, "/sign-in/google/invitation", person("g-1", LEADER, **tampering))
    assert response.status_code == 400
    assert (
        refusal(response) == "We could not sign you in with Google. Go back to the sign-in page and try again"
    )
    _nothing_linked_and_invitation_unused(leader)
    assert signed_in_as(client_request) == ""


def test_a_token_for_another_audience_does_not_sign_in_a_linked_account(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    _linked(client_request, "g-aud")
    browser = factories_client(client_request)
    who = person("g-aud", LEADER, tamper_aud="another-service", tamper_azp=CLIENT_ID)
    response = sign_in_with(browser, "/sign-in/google", who)
    assert response.status_code == 400
    assert signed_in_as(browser) == ""


def test_a_callback_with_the_wrong_state_is_refused(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    _linked(client_request, "g-state")
    browser = factories_client(client_request)
    journey = through_provider(browser, "/sign-in/google", person("g-state", LEADER))
    wrong = journey.callback.replace(f"state={journey.state}", "state=" + "x" * len(journey.state))
    response = browser.client.get(wrong)
    assert response.status_code == 400
    assert refusal(response).startswith("Signing in with Google did not finish")
    assert signed_in_as(browser) == ""


def test_a_callback_followed_in_a_browser_that_did_not_start_the_journey_is_refused(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    # Someone sends their own code to a victim's browser, to sign the victim in as themselves.
    _linked(client_request, "g-csrf")
    journey = through_provider(factories_client(client_request), "/sign-in/google", person("g-csrf", LEADER))
    victim = factories_client(client_request)
    response = victim.client.get(journey.callback)
    assert response.status_code == 400
    assert signed_in_as(victim) == ""


def test_a_callback_followed_twice_signs_in_once(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    _linked(client_request, "g-replay")
    browser = factories_client(client_request)
    journey = through_provider(browser, "/sign-in/google", person("g-replay", LEADER))
    assert browser.client.get(journey.callback).status_code == 302
    browser.post("auth.sign_out")
    again = browser.client.get(journey.callback)
    assert again.status_code == 400
    assert signed_in_as(browser) == ""


def test_turning_back_at_the_provider_is_refused_with_a_message(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    _linked(client_request, "g-cancel")
    browser = factories_client(client_request)
    journey = through_provider(browser, "/sign-in/google", {"login_sub": ""})
    assert "error=access_denied" in journey.callback
    response = browser.client.get(journey.callback)
    assert response.status_code == 400
    assert refusal(response).startswith("Signing in with Google did not finish")


def test_an_unverified_email_cannot_accept_an_invitation(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    leader = _invited(client_request)
    response = sign_in_with(
        client_request, "/sign-in/google/invitation", person("g-1", LEADER, verified=False)
    )
    assert response.status_code == 403
    assert refusal(response) == (
        "Google has not verified this account's email address, so it cannot accept your invitation"
    )
    assert soup(response).select_one("a[href='/account/password']") is not None  # back to the invitation
    _nothing_linked_and_invitation_unused(leader)
    assert _refusals(leader) == [{"provider": "google", "reason": "unverified_email"}]


def test_an_account_for_another_address_cannot_accept_the_invitation(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    leader = _invited(client_request)
    who = person("g-1", "someone.else@oakfield.sch.uk")
    response = sign_in_with(client_request, "/sign-in/google/invitation", who)
    assert response.status_code == 403
    assert refusal(response) == (
        f"This Google account is not {LEADER}, the address your invitation was sent to. Choose the Google "
        "account for that address"
    )
    _nothing_linked_and_invitation_unused(leader)


def test_an_invitation_to_a_domain_the_school_does_not_allow_offers_no_school_account(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    school = factories.create_school()
    allow(school, domains=("staff.oakfield.sch.uk",))
    invite(LEADER, school)
    page = open_invitation(client_request, LEADER)
    assert page.select_one("#school-accounts") is None
    assert page.select_one("input[type=password]") is not None
    assert client_request.client.get("/sign-in/google/invitation").status_code == 404


def test_a_domain_the_school_stops_allowing_mid_journey_is_refused(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    leader = _invited(client_request)
    journey = through_provider(client_request, "/sign-in/google/invitation", person("g-1", LEADER))
    allow(db.session.get(School, leader.school_id), domains=("staff.oakfield.sch.uk",))
    response = client_request.client.get(journey.callback)
    assert response.status_code == 403
    assert refusal(response).startswith(
        "Your school or careers hub does not allow signing in with this Google"
    )
    _nothing_linked_and_invitation_unused(leader)


def test_a_provider_the_school_does_not_allow_is_not_offered_and_cannot_be_used(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    school = factories.create_school()
    allow(school, providers=("microsoft",))
    leader = invite(LEADER, school)
    page = open_invitation(client_request, LEADER)
    assert [" ".join(a.get_text().split()) for a in page.select("#school-accounts a")] == [
        "Continue with Microsoft"
    ]
    assert client_request.client.get("/sign-in/google/invitation").status_code == 404
    _nothing_linked_and_invitation_unused(leader)


def test_signing_in_stops_when_the_school_no_longer_allows_the_provider(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    leader = _linked(client_request, "g-dropped")
    allow(db.session.get(School, leader.school_id), providers=("microsoft",))
    browser = factories_client(client_request)
    response = sign_in_with(browser, "/sign-in/google", person("g-dropped", LEADER))
    assert response.status_code == 403
    assert refusal(response).startswith("Your school or careers hub does not allow")
    assert signed_in_as(browser) == ""
    assert _refusals(leader) == [{"provider": "google", "reason": "not_allowed"}]


def test_an_identity_nobody_invited_is_refused_and_no_account_is_made(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    school = factories.create_school()
    allow(school)
    users = db.session.scalar(select(func.count(User.id)))
    response = sign_in_with(
        client_request, "/sign-in/google", person("g-stranger", "new.pupil@oakfield.sch.uk")
    )
    assert response.status_code == 403
    assert refusal(response).startswith(
        "There is no account here for this Google account. You can only sign in"
    )
    assert db.session.scalar(select(func.count(User.id))) == users
    assert db.session.scalar(select(func.count(SignInIdentity.id))) == 0


def test_a_deactivated_account_cannot_sign_in_with_its_identity(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    leader = _linked(client_request, "g-gone")
    with transaction():
        accounts.set_active(db.session.get(User, leader.id), False, leader.id)
    browser = factories_client(client_request)
    response = sign_in_with(browser, "/sign-in/google", person("g-gone", LEADER))
    assert response.status_code == 403
    assert signed_in_as(browser) == ""


def test_an_identity_linked_to_one_account_cannot_accept_another_invitation(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    leader = _linked(client_request, "g-shared")
    school = db.session.get(School, leader.school_id)
    other = invite("second@oakfield.sch.uk", school)
    browser = factories_client(client_request)
    open_invitation(browser, other.email)
    # The provider says the same subject now has the second address (an account renamed, say).
    response = sign_in_with(browser, "/sign-in/google/invitation", person("g-shared", other.email))
    assert response.status_code == 403
    assert refusal(response) == "This Google account is already connected to another account here"
    assert identities.identities_of(other.id) == []


def test_accepting_without_a_followed_invitation_link_shows_the_expired_link_page(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    response = client_request.client.get("/sign-in/google/invitation")
    assert response.status_code == 404
    assert heading(soup(response)) == "This link has expired or has already been used"


def test_a_provider_that_cannot_be_reached_gets_a_message_not_an_error(
    app: Flask, client_request: ClientRequest, school_accounts: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    unreachable = "http://127.0.0.1:9/google/.well-known/openid-configuration"  # the discard port: closed
    monkeypatch.setitem(app.config, "OIDC_GOOGLE_METADATA_URL", unreachable)
    monkeypatch.setitem(app.config, "OIDC_TIMEOUT_SECONDS", 2.0)
    response = client_request.client.get("/sign-in/google")
    assert response.status_code == 503
    assert refusal(response) == "Signing in with Google is not working at the moment. Try again later"


def test_the_callback_address_is_the_service_address_whatever_the_host_header(
    client_request: ClientRequest, school_accounts: Provider
) -> None:
    response = client_request.client.get("/sign-in/google", headers={"Host": "evil.example"})
    query = urlsplit(response.headers["Location"]).query
    assert "redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Fsign-in%2Fgoogle%2Fcallback" in query


@pytest.mark.parametrize(
    "managed_by", ["", "another-trust.org.uk"], ids=["personal account", "another Workspace"]
)
def test_a_google_account_the_school_does_not_manage_cannot_accept_an_invitation(
    client_request: ClientRequest, school_accounts: Provider, managed_by: str
) -> None:
    # A personal Google account can be made with a school address; the school could not switch it off.
    leader = _invited(client_request)
    who = person("g-personal", LEADER, login_hd=managed_by)
    response = sign_in_with(client_request, "/sign-in/google/invitation", who)
    assert response.status_code == 403
    assert refusal(response).startswith("This is a personal Google account, not one your school manages")
    _nothing_linked_and_invitation_unused(leader)
