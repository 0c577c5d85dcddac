"""Two-step sign-in in the session: a right password waiting for its code, and the check before every
request that a staff member's session has been through the second step.

A password that is right for someone with two-step does not sign them in: the session keeps only their user
id and when the wait ends, so until a code is accepted they are nobody to every page. Any other way into a
signed-in session (a password reset link signs its user in) is caught before the next request: a staff
member with two-step whose session has not passed a code is signed out and asked for one; with
TWO_STEP_REQUIRED, one without two-step goes to its set-up page before anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from web.dao import two_step as dao
from web.extensions import db
from web.models import User

F = TypeVar("F", bound=Callable[..., Any])

PENDING = "two_step_pending"
# The session token of the sign-in that passed the second step: a session from before it never counts.
VERIFIED = "two_step_verified"
# Pages a session that has not been through the second step may still use.
OPEN = {
    "static",
    "auth.sign_in",
    "auth.sign_out",
    "auth.two_step_code",
    "auth.two_step_recovery",
    "auth.two_step_set_up",
}
TIMED_OUT = "Your sign-in timed out. Sign in again"


def _now() -> int:
    return int(datetime.now(UTC).timestamp())


def asked_for_code(user: User) -> bool:
    """Whether a right password for this user must be followed by a code before they are signed in."""
    return dao.asked_of(user) and dao.is_on(user.id)


def await_code(user: User) -> None:
    """Keep a right password's sign-in waiting for its code: the user's id and when the wait ends, and
    nothing from before."""
    session.clear()
    minutes = current_app.config["TWO_STEP_PENDING_MINUTES"]
    session[PENDING] = {"user_id": user.id, "until": _now() + int(timedelta(minutes=minutes).total_seconds())}


def pending_user() -> User | None:
    """The user whose sign-in waits for a code, if the wait has not ended and they are still asked."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    user_id, until = pending.get("user_id"), pending.get("until")
    if not isinstance(user_id, int) or not isinstance(until, int) or until <= _now():
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or not asked_for_code(user):
        return None
    return user


def mark_verified(user: User) -> None:
    """This session has been through the second step (or set it up just now)."""
    session[VERIFIED] = user.session_token


def vouch(user: User) -> None:
    """For sign-ins that need no code: the school's own identity provider (OpenID Connect) checked the
    person, with its own second step. Call after login_user."""
    mark_verified(user)


def pending_sign_in(view: F) -> F:
    """Let through only a sign-in waiting for its code (the view gets its user); anyone else signs in.

    The roles are those asked for a code, so the guard test knows whom the page is for."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        user = pending_user()
        if user is None:
            if session.pop(PENDING, None) is not None:
                flash(TIMED_OUT, "important")
            return redirect(url_for("auth.sign_in"))
        return view(user, *args, **kwargs)

    checked.allowed_roles = dao.STAFF  # type: ignore[attr-defined]
    return checked  # type: ignore[return-value]


def _here() -> str | None:
    """The page asked for, to come back to after the second step (GET only: a post is not repeatable)."""
    return request.full_path.rstrip("?") if request.method == "GET" else None


def check_second_step() -> Response | None:
    """Before every request: a staff session that has not been through the second step asks for it."""
    if request.endpoint in OPEN or not current_user.is_authenticated:
        return None
    if not dao.asked_of(current_user) or session.get(VERIFIED) == current_user.session_token:
        return None
    if dao.is_on(current_user.id):
        user = current_user._get_current_object()
        logout_user()
        await_code(user)
        return redirect(url_for("auth.two_step_code", next=_here()))
    if current_app.config["TWO_STEP_REQUIRED"]:
        return redirect(url_for("auth.two_step_set_up", next=_here()))
    return None
