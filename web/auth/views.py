"""Sign in and sign out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from web.auth import bp, two_step_session
from web.auth.forms import SignInForm
from web.auth.return_to import return_path
from web.auth.roles import public, role_required
from web.dao.base import audit, transaction
from web.dao.sign_in import authenticate
from web.dao.users import get_user_by_session_token, rotate_session_token
from web.extensions import limiter, login_manager
from web.models import User
from web.models.base import ROLES, utcnow

HOME = {
    "hub_admin": "hub.overview",
    "careers_leader": "careers.students",
    "employer": "employers.opportunities",
    "student": "students.home",
}


@login_manager.user_loader
def _load_user(token: str):  # type: ignore[no-untyped-def]
    return get_user_by_session_token(token)


login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to continue"
login_manager.login_message_category = "info"

WRONG = "Enter a correct email address and password"
# The same words whether or not the account exists, so the page reveals nothing about who has one.
LOCKED = (
    "You have entered a wrong email address or password too many times. Wait {minutes} minutes, "
    "then try again"
)


@bp.route("/")
@public
def index() -> Response:
    """Send people to their role's home page, or to sign in."""
    if current_user.is_authenticated:
        return redirect(url_for(HOME[current_user.role]))
    return redirect(url_for("auth.sign_in"))


def sign_in_limit() -> Any:
    """Flask-Limiter's limit on failed sign-in posts from one network address, shared by the password page
    and the two-step code pages, so wrong codes and wrong passwords from one address add up."""
    return limiter.shared_limit(
        lambda: str(current_app.config["SIGN_IN_RATE_LIMIT"]),
        scope="sign-in",
        methods=["POST"],
        # Only failures count: a class signing in at once shares its school's one public address.
        deduct_when=lambda response: response.status_code != 302,
    )


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@sign_in_limit()
def sign_in() -> Response | str:
    """Sign in with email and password, then go back to the page asked for (`next`, a path on this site) or
    to the role's home; repeated wrong passwords lock the account for a while."""
    form = SignInForm()
    if form.validate_on_submit():
        config = current_app.config
        email = form.email.data or ""
        with transaction():
            attempt = authenticate(
                email,
                form.password.data or "",
                utcnow(),
                config["SIGN_IN_FAILURES_ALLOWED"],
                timedelta(minutes=config["SIGN_IN_LOCKOUT_MINUTES"]),
            )
            # Staff with two-step are not signed in yet: the code page finishes (web/auth/two_step.py).
            code_next = attempt.user is not None and two_step_session.asked_for_code(attempt.user)
            if attempt.user is not None and not code_next:
                record_sign_in(attempt.user)
        if attempt.user is not None and code_next:
            two_step_session.await_code(attempt.user)
            return redirect(url_for("auth.two_step_code", next=request.args.get("next", type=str)))
        if attempt.user is not None:
            return enter(attempt.user)
        message = LOCKED.format(minutes=config["SIGN_IN_LOCKOUT_MINUTES"]) if attempt.locked else WRONG
        form.email.errors.append(message)
    return render_template("auth/sign_in.html", form=form)


def record_sign_in(user: User, **detail: Any) -> None:
    """A sign-in that succeeded, in the caller's transaction: every older session of the user ends."""
    rotate_session_token(user)
    audit(user.id, "sign_in", "user", user.id, **detail)


def enter(user: User) -> Response:
    """Start the signed-in session (after record_sign_in has committed) and go back to the page asked for
    (`next`, a path on this site) or to the role's home."""
    session.clear()  # nothing from before sign-in survives into the new session
    login_user(user)
    back = return_path(request.args.get("next", type=str), user.role)
    return redirect(back or url_for(HOME[user.role]))


@bp.route("/sign-out", methods=["POST"])
@role_required(*ROLES)
def sign_out() -> Response:
    """Sign out, ending this session everywhere."""
    with transaction():
        rotate_session_token(current_user)
        audit(current_user.id, "sign_out", "user", current_user.id)
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("auth.sign_in"))
