"""Accounts: following an emailed link (invitation or password reset) to set a password, and asking for
a reset link. Each organisation's team is in web/accounts/team.py."""

from __future__ import annotations

import hashlib
import logging
import re
import time
from typing import Any

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import login_user
from werkzeug.wrappers import Response

from web.accounts import (
    bp,
    emails,  # noqa: F401 - registers the invitation and reset emails
)
from web.accounts.forms import PasswordForm, ResetForm
from web.auth import oidc
from web.auth.roles import public
from web.auth.views import HOME
from web.dao import accounts, tokens
from web.dao.base import transaction
from web.extensions import limiter
from web.models import User
from web.models.base import utcnow

# The link's token moves from the URL into the session at once, so it is not left in the browser's history
# or sent onward as a referrer.
SESSION_TOKEN = accounts.SESSION_TOKEN
# A reset request answers after at least this long, whether or not it found an account and queued an
# email, so the time taken does not tell anyone which addresses have accounts.
RESET_ANSWER_SECONDS = 0.25
SAVED = {"invitation": "Your password is saved and you are signed in", "reset": "Your new password is saved"}


def _account_rate_limit() -> str:
    return str(current_app.config["ACCOUNT_RATE_LIMIT"])


def _reset_address() -> str:
    """The email address a reset is asked for, as accounts are looked up by it (trimmed, any case)."""
    return str(request.form.get("email", "")).strip().lower()


def _reset_address_key() -> str:
    # Hashed, so no address is kept in the rate limiter's store; counted alike whether or not an account
    # has it, so being limited says nothing about who has one.
    return "reset-address:" + hashlib.sha256(_reset_address().encode()).hexdigest()


@bp.route("/link/<string:token>")
@public
def link(token: str) -> Response | tuple[str, int]:
    """An emailed link: remember its token, then ask for a password on a page without it in the address."""
    now = utcnow()
    found = tokens.find(token, "invitation", now) or tokens.find(token, "reset", now)
    if found is None or accounts.usable_token(found.id, now) is None:
        return _link_expired()
    session[SESSION_TOKEN] = found.id
    return redirect(url_for("accounts.set_password"))


@bp.route("/password", methods=["GET", "POST"])
@public
@limiter.limit(
    _account_rate_limit,
    methods=["POST"],
    # Only failures count: a class accepting its invitations at once shares its school's one address.
    deduct_when=lambda response: response.status_code != 302,
)
def set_password() -> Response | str | tuple[str, int]:
    """Choose a password with the link followed: shown on GET, and only a valid POST spends the link."""
    token = accounts.usable_token(session.get(SESSION_TOKEN), utcnow())
    if token is None:
        return _link_expired()
    user = _user(token.user_id)
    form = PasswordForm(email=user.email)
    # A pupil who signs in with their school's account never has a password (web/auth/oidc.py).
    password_allowed = oidc.may_choose_password(user)
    if password_allowed and form.validate_on_submit():
        with transaction():
            chosen = accounts.choose_password(token.id, form.password.data or "", utcnow())
        if chosen is None:  # spent in another tab, or run out, since the page was shown
            return _link_expired()
        session.clear()  # nothing from before sign-in survives into the new session
        login_user(chosen)
        flash(SAVED[token.purpose], "success")
        return redirect(url_for(HOME[chosen.role]))
    return render_template(
        "accounts/set_password.html",
        form=form,
        user=user,
        purpose=token.purpose,
        password_allowed=password_allowed,
        # "Continue with Google" and the like, where the account's school or hub allows it.
        sign_in_with=oidc.invitation_providers(user) if token.purpose == "invitation" else [],
    )


@bp.route("/reset", methods=["GET", "POST"])
@public
@limiter.limit(_account_rate_limit, methods=["POST"])
# Per address asked for too, so nobody fills one person's inbox with links from many network addresses.
@limiter.limit(
    lambda: str(current_app.config["RESET_ADDRESS_RATE_LIMIT"]),
    key_func=_reset_address_key,
    methods=["POST"],
    exempt_when=lambda: not _reset_address(),  # nothing typed: the form asks for an address, no email
)
def reset() -> str:
    """Ask for a password reset link; the answer is the same whether or not the address has an account,
    and so is the limit on how often one address may be asked for."""
    form = ResetForm()
    if form.validate_on_submit():
        started = time.monotonic()
        with transaction():
            accounts.request_reset(form.email.data or "")
        time.sleep(max(0.0, RESET_ANSWER_SECONDS - (time.monotonic() - started)))
        return render_template("accounts/reset_sent.html")
    return render_template("accounts/reset.html", form=form)


@bp.after_request
def _not_cached(response: Response) -> Response:
    # The password page shows whose account it is, before anyone is signed in: keep it out of caches too.
    response.headers["Cache-Control"] = "no-store"
    return response


def _user(user_id: int) -> User:
    user = accounts.get_user(user_id)
    assert user is not None  # a token's user is deleted with it
    return user


def _link_expired() -> tuple[str, int]:
    session.pop(SESSION_TOKEN, None)
    return render_template("accounts/link_expired.html"), 404


class HideLinkTokens(logging.Filter):
    """Takes the secret out of emailed links' paths in access logs (Werkzeug's and gunicorn's): until the
    link is used, whoever reads the log could use it."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.pattern = re.compile(re.escape(prefix) + r"[^\s?#\"']+")
        self.replacement = prefix + "[hidden]"

    def hide(self, value: Any) -> Any:
        """The value with any link's secret replaced, if it is a string."""
        return self.pattern.sub(self.replacement, value) if isinstance(value, str) else value

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.hide(record.msg)
        if isinstance(record.args, dict):  # gunicorn's access log passes its atoms as a mapping
            record.args = {key: self.hide(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(self.hide(value) for value in record.args)
        return True


# The access logs, and the app's own logger, where Flask writes "Exception on <path>" for an unhandled error.
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access", "web")


@bp.record_once
def _hide_link_tokens_in_access_logs(state: BlueprintSetupState) -> None:
    hide_link_secrets(f"{state.url_prefix or ''}/link/")


def hide_link_secrets(prefix: str) -> None:
    """Hide what follows `prefix` in paths written to the access logs and the app's log, once per prefix."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(
            isinstance(found, HideLinkTokens) and found.replacement == prefix + "[hidden]"
            for found in logger.filters
        ):
            logger.addFilter(HideLinkTokens(prefix))
