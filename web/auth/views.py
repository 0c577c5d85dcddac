"""Sign in and sign out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from web.auth.forms import SignInForm
from web.auth.roles import public, role_required
from web.dao.base import audit, transaction
from web.dao.users import authenticate, get_user_by_session_token, rotate_session_token
from web.extensions import login_manager
from web.models.base import ROLES

bp = Blueprint("auth", __name__)

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


@bp.route("/")
@public
def index() -> Response:
    """Send people to their role's home page, or to sign in."""
    if current_user.is_authenticated:
        return redirect(url_for(HOME[current_user.role]))
    return redirect(url_for("auth.sign_in"))


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in() -> Response | str:
    """Sign in with email and password."""
    form = SignInForm()
    if form.validate_on_submit():
        with transaction():
            user = authenticate(form.email.data or "", form.password.data or "")
            if user is not None:
                rotate_session_token(user)
                audit(user.id, "sign_in", "user", user.id)
        if user is None:
            form.email.errors.append("Enter a correct email address and password")
        else:
            session.clear()  # nothing from before sign-in survives into the new session
            login_user(user)
            return redirect(url_for(HOME[user.role]))
    return render_template("auth/sign_in.html", form=form)


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
