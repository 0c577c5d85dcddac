"""Sign in with the school's Google or Microsoft account (OpenID Connect, through Authlib's Flask client).

Two journeys end at one callback per provider:
- accepting an invitation: the invited person chooses "Continue with Google" instead of a password; the ID
  token's email must be verified and be the invited address, in a domain and from a provider their school
  (or, for hub admins, their hub) allows; then the identity (issuer and subject) is linked and the
  invitation spent. Nobody signs themselves up: an identity is linked only this way.
- signing in afterwards: the account is found by the identity and signed in as the password path does.

Authlib checks the state and the ID token's signature, expiry and nonce; this module asks it to check the
audience and issuer too (Authlib on its own accepts a token for another client that names us as `azp`),
and checks the state and nonce against its own record of the journey as well.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import login_user
from joserfc.errors import JoseError
from requests import RequestException
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from web.auth import bp
from web.auth.return_to import return_path
from web.auth.roles import public
from web.auth.two_step_session import vouch
from web.auth.views import HOME, record_sign_in
from web.dao import accounts, identities
from web.dao.base import audit, transaction
from web.extensions import limiter
from web.models import AccessToken, SignInPolicy, User
from web.models.base import utcnow
from web.models.identities import SIGN_IN_PROVIDERS

log = logging.getLogger(__name__)

LABELS = {"google": "Google", "microsoft": "Microsoft"}
assert set(LABELS) == set(SIGN_IN_PROVIDERS)
# The journey under way, kept in the session between leaving for the provider and coming back.
FLOW = "oidc_flow"
SCOPE = "openid email profile"

NOT_FINISHED = "Signing in with {label} did not finish. Go back to the sign-in page and try again"
FAILED = "We could not sign you in with {label}. Go back to the sign-in page and try again"
UNAVAILABLE = "Signing in with {label} is not working at the moment. Try again later"
UNKNOWN = (
    "There is no account here for this {label} account. You can only sign in with {label} after "
    "accepting an invitation: ask your school or careers hub to invite you, then follow the link in "
    "the email"
)
NOT_ALLOWED = "Your school or careers hub does not allow signing in with this {label} account. Ask them why"
UNVERIFIED = "{label} has not verified this account's email address, so it cannot accept your invitation"
OTHER_ADDRESS = (
    "This {label} account is not {email}, the address your invitation was sent to. Choose the "
    "{label} account for that address"
)
TAKEN = "This {label} account is already connected to another account here"
PERSONAL = (
    "This is a personal {label} account, not one your school manages. Sign in to {label} with your school "
    "account instead"
)

# What the audit trail calls each refusal of a known account.
REASONS = {
    NOT_ALLOWED: "not_allowed",
    UNVERIFIED: "unverified_email",
    OTHER_ADDRESS: "not_the_invited_address",
    TAKEN: "connected_to_another_account",
    PERSONAL: "personal_account",
}


def _settings(provider: str) -> tuple[str, str, str, float]:
    config = current_app.config
    prefix = f"OIDC_{provider.upper()}_"
    return (
        str(config.get(prefix + "CLIENT_ID") or ""),
        str(config.get(prefix + "CLIENT_SECRET") or ""),
        str(config.get(prefix + "METADATA_URL") or ""),
        float(config["OIDC_TIMEOUT_SECONDS"]),
    )


def configured_providers() -> list[str]:
    """The providers this service has a client id for, in a fixed order: the only ones ever offered."""
    return [provider for provider in SIGN_IN_PROVIDERS if _settings(provider)[0]]


def _client(provider: str) -> FlaskOAuth2App:
    """The provider's Authlib client, made on first use and again whenever its settings change (its
    discovery document and keys are fetched once, then kept)."""
    settings = _settings(provider)
    clients: dict[str, tuple[tuple[str, str, str, float], FlaskOAuth2App]] = (
        current_app.extensions.setdefault("oidc_clients", {})
    )
    kept = clients.get(provider)
    if kept is None or kept[0] != settings:
        client_id, client_secret, metadata_url, timeout = settings
        client = FlaskOAuth2App(
            FlaskIntegration(provider),
            provider,
            client_id=client_id,
            client_secret=client_secret,
            server_metadata_url=metadata_url,
            client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "default_timeout": timeout},
        )
        kept = clients[provider] = (settings, client)
    return kept[1]


def _configured_or_404(provider: str) -> FlaskOAuth2App:
    if provider not in configured_providers():
        abort(404)
    return _client(provider)


def invitation_providers(user: User) -> list[dict[str, str]]:
    """The "Continue with ..." choices for someone accepting an invitation: configured providers that the
    policy governing their account allows for their address."""
    policy = identities.policy_for_user(user)
    return [
        {"provider": provider, "label": LABELS[provider]}
        for provider in configured_providers()
        if identities.allows(policy, provider, user.email)
    ]


def may_choose_password(user: User) -> bool:
    """Whether this account may be given a password: not a pupil who signs in with their school's account
    (pupils who do so never have one); staff may have both."""
    return user.role != "student" or not identities.has_identity(user.id)


@bp.app_template_global()
def sign_in_providers() -> list[dict[str, str]]:
    """The "Sign in with ..." buttons the sign-in page shows: one per configured provider."""
    return [{"provider": provider, "label": LABELS[provider]} for provider in configured_providers()]


@bp.route("/sign-in/<any(google, microsoft):provider>")
@public
def oidc_sign_in(provider: str) -> Response | tuple[str, int]:
    """Go to the provider to sign in, coming back afterwards to `next` (checked on return) or home."""
    client = _configured_or_404(provider)
    return _leave_for(client, provider, purpose="sign_in", next=request.args.get("next", type=str) or "")


@bp.route("/sign-in/<any(google, microsoft):provider>/invitation")
@public
def oidc_accept_invitation(provider: str) -> Response | tuple[str, int]:
    """Accept the invitation whose link was followed with the provider's account rather than a password,
    where the invited account's school or hub allows it."""
    client = _configured_or_404(provider)
    token = _invitation()
    if token is None:
        return _link_expired()
    user = accounts.get_user(token.user_id)
    if user is None or provider not in [choice["provider"] for choice in invitation_providers(user)]:
        abort(404)
    return _leave_for(client, provider, purpose="invitation", token_id=token.id)


def _invitation() -> AccessToken | None:

    token = accounts.usable_token(session.get(accounts.SESSION_TOKEN), utcnow())
    return token if token is not None and token.purpose == "invitation" else None


def _leave_for(client: FlaskOAuth2App, provider: str, **journey: Any) -> Response | tuple[str, int]:
    """The redirect to the provider, with a fresh state and nonce that Authlib keeps (and checks on return)
    and that the session's record of the journey keeps too."""
    # From SERVICE_URL, not the request's Host header: it must be the address registered with the provider.
    redirect_uri = current_app.config["SERVICE_URL"] + url_for("auth.oidc_callback", provider=provider)
    nonce = secrets.token_urlsafe(32)
    try:
        started = client.create_authorization_url(redirect_uri, nonce=nonce)
    except (RequestException, ValueError, RuntimeError) as problem:  # discovery document unreachable or bad
        log.warning("OpenID Connect discovery for %s failed: %s", provider, type(problem).__name__)
        return _refused(provider, UNAVAILABLE, 503)
    client.save_authorize_data(redirect_uri=redirect_uri, **started)
    session[FLOW] = {"provider": provider, "state": started["state"], "nonce": nonce, **journey}
    return redirect(started["url"])


@bp.route("/sign-in/<any(google, microsoft):provider>/callback")
@public
@limiter.limit(
    lambda: str(current_app.config["SIGN_IN_RATE_LIMIT"]),
    # Only failures count, as on the password sign-in: a class signing in at once shares one address.
    deduct_when=lambda response: response.status_code != 302,
)
def oidc_callback(provider: str) -> Response | tuple[str, int]:
    """Back from the provider: check the state, swap the code for a verified ID token, then link the
    identity (accepting an invitation) or sign in with it."""
    client = _configured_or_404(provider)
    journey = session.pop(FLOW, None)
    if (
        not isinstance(journey, dict)
        or journey.get("provider") != provider
        or not secrets.compare_digest(str(request.args.get("state", "")), str(journey.get("state", "")))
    ):
        return _refused(provider, NOT_FINISHED, 400)
    if request.args.get("error"):  # turned back at the provider (cancelled, or refused there)
        return _refused(provider, NOT_FINISHED, 400, journey)
    try:
        token = client.authorize_access_token(claims_options=_claims_options(client))
    except (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError, TypeError) as problem:
        # The kind of failure only: the token and its claims are personal data.
        log.warning("OpenID Connect sign-in with %s refused: %s", provider, type(problem).__name__)
        return _refused(provider, FAILED, 400, journey)
    claims = token.get("userinfo")
    if not claims or not secrets.compare_digest(str(claims.get("nonce", "")), journey["nonce"]):
        return _refused(provider, FAILED, 400, journey)
    if journey.get("purpose") == "invitation":
        return _link(provider, journey, claims)
    return _sign_in(provider, journey, claims)


def _claims_options(client: FlaskOAuth2App) -> dict[str, Any]:
    """What the ID token must say: issued by the provider of the discovery document, for this client.

    Microsoft's multi-tenant document names its issuer with a "{tenantid}" placeholder; each school's
    tokens carry their tenant (`tid`), and the issuer must be the placeholder filled with it.
    """
    issuer = str(client.load_server_metadata().get("issuer", ""))
    options: dict[str, Any] = {
        "aud": {"essential": True, "value": client.client_id},
        "sub": {"essential": True},
    }
    if "{tenantid}" in issuer:

        def from_tenant(claims: dict[str, Any], value: Any) -> bool:
            tenant = claims.get("tid")
            return isinstance(tenant, str) and bool(tenant) and value == issuer.replace("{tenantid}", tenant)

        options["iss"] = {"essential": True, "validate": from_tenant}
    else:
        options["iss"] = {"essential": True, "value": issuer}
    return options


def _verified_email(provider: str, claims: dict[str, Any]) -> str | None:
    """The ID token's email address if the provider vouches for it: Google's `email_verified`, or, for
    Microsoft, whose `email` a tenant's admin can set to anything, its `xms_edov` (the address's domain
    is verified as the tenant's own), an optional claim the app registration must ask for."""
    email = claims.get("email")
    if not isinstance(email, str) or not email:
        return None
    if claims.get("email_verified") is True:
        return email.strip().lower()
    if provider == "microsoft" and claims.get("xms_edov") is True:
        return email.strip().lower()
    return None


def _school_managed(provider: str, claims: dict[str, Any], policy: SignInPolicy | None) -> bool:
    """Whether the account is one the school runs, so the school's switching it off ends it here too.

    Anyone can make a personal Google account with a school address (Google verifies the address by
    email), so a Google account must carry `hd`, the Workspace domain that manages it, and it must be one
    the policy allows. Every Microsoft account this service accepts is a tenant's (its issuer says which).
    """
    if provider != "google":
        return True
    managed_by = claims.get("hd")
    return isinstance(managed_by, str) and policy is not None and managed_by.lower() in (policy.domains or [])


def _link(provider: str, journey: dict[str, Any], claims: dict[str, Any]) -> Response | tuple[str, int]:
    """Accept the invitation with this identity, if the token shows it is the invited person's."""
    now = utcnow()
    token = accounts.usable_token(journey.get("token_id"), now)
    if token is None or token.purpose != "invitation":
        return _link_expired()
    user = accounts.get_user(token.user_id)
    assert user is not None  # a token's user is deleted with it
    email = _verified_email(provider, claims)
    if email is None:
        return _refused(provider, UNVERIFIED, 403, journey, user)
    if email != user.email.strip().lower():
        return _refused(provider, OTHER_ADDRESS, 403, journey, user, email=user.email)
    policy = identities.policy_for_user(user)
    if not identities.allows(policy, provider, user.email):
        return _refused(provider, NOT_ALLOWED, 403, journey, user)
    if not _school_managed(provider, claims, policy):
        return _refused(provider, PERSONAL, 403, journey, user)
    try:
        with transaction():
            linked = identities.link_by_invitation(token, provider, claims["iss"], claims["sub"], now)
    except (identities.IdentityTakenError, IntegrityError):  # IntegrityError: linked elsewhere at this moment
        return _refused(provider, TAKEN, 403, journey, user)
    if linked is None:  # spent in another tab, or run out, since the journey began
        return _link_expired()
    session.clear()  # nothing from before sign-in survives into the new session
    login_user(linked)
    vouch(linked)  # the school's provider checked the person: no two-step code here
    flash(f"Your {LABELS[provider]} account is connected and you are signed in", "success")
    return redirect(url_for(HOME[linked.role]))


def _sign_in(provider: str, journey: dict[str, Any], claims: dict[str, Any]) -> Response | tuple[str, int]:
    """Sign in the account this identity is linked to, while its school or hub still allows it."""
    identity = identities.find_identity(claims["iss"], claims["sub"])
    if identity is None or identity.provider != provider:
        return _refused(provider, UNKNOWN, 403, journey)
    user = accounts.get_user(identity.user_id)
    assert user is not None  # an identity is deleted with its user
    policy = identities.policy_for_user(user)
    if not user.active or not identities.allows(policy, provider, user.email):
        return _refused(provider, NOT_ALLOWED, 403, journey, user)
    if not _school_managed(provider, claims, policy):
        return _refused(provider, PERSONAL, 403, journey, user)
    with transaction():
        identities.record_use(identity, utcnow())
        record_sign_in(user, method=provider)  # as a password sign-in: older sessions end, audited
    session.clear()  # nothing from before sign-in survives into the new session
    login_user(user)
    vouch(user)  # the school's provider checked the person: no two-step code here
    back = return_path(journey.get("next") or None, user.role)
    return redirect(back or url_for(HOME[user.role]))


def _refused(
    provider: str,
    message: str,
    status: int,
    journey: dict[str, Any] | None = None,
    user: User | None = None,
    **values: str,
) -> tuple[str, int]:
    """The page saying why not; a refusal for a known account is audited (which reason, never the claims),
    so the school can see someone tried."""
    if user is not None:
        with transaction():
            audit(None, "school_account_refused", "user", user.id, provider=provider, reason=REASONS[message])
    text = message.format(label=LABELS.get(provider, "your account"), **values)
    invitation = bool(journey and journey.get("purpose") == "invitation")
    return render_template("auth/oidc_refused.html", message=text, invitation=invitation), status


def _link_expired() -> tuple[str, int]:
    return render_template("accounts/link_expired.html"), 404
