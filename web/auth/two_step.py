"""Two-step sign-in for staff: the code page after a right password, the recovery-code page, setting up an
authenticator app and turning it off. A hub admin's reset of a careers leader's is in two_step_admin.py; the
waiting sign-in and the check before every request are in two_step_session.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import segno
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from web.auth import bp
from web.auth.return_to import return_path
from web.auth.roles import role_required
from web.auth.two_step_forms import CodeForm, RecoveryForm
from web.auth.two_step_session import check_second_step, mark_verified, pending_sign_in
from web.auth.views import HOME, enter, record_sign_in, sign_in_limit
from web.dao import two_step as dao
from web.dao.base import transaction
from web.models import User
from web.models.base import utcnow

bp.before_app_request(check_second_step)

WRONG_CODE = "The code is not right. Enter the code your authenticator app shows now"
USED_CODE = "That code has already been used. Wait for your app to show a new code, then enter it"
WRONG_RECOVERY = "That recovery code is not right or has been used. Enter another of your recovery codes"
LOCKED = (
    "You have entered a wrong code or password too many times. Wait {minutes} minutes, then sign in again"
)
FEW_LEFT = 3  # recovery codes left at which someone is told to set two-step up again


def _lock_settings() -> tuple[int, timedelta]:
    config = current_app.config
    return config["SIGN_IN_FAILURES_ALLOWED"], timedelta(minutes=config["SIGN_IN_LOCKOUT_MINUTES"])


def _problem(check: dao.Check, wrong: str) -> str:
    if check.outcome == dao.LOCKED:
        return LOCKED.format(minutes=current_app.config["SIGN_IN_LOCKOUT_MINUTES"])
    return USED_CODE if check.outcome == dao.USED else wrong


def _finish(
    user: User, form: CodeForm | RecoveryForm, checker: Callable[..., dao.Check], kind: str, wrong: str
) -> Response | None:
    """Sign in with the code if it is right, exactly as a password alone does; None (and the field's
    error) if not."""
    with transaction():
        check = checker(user, form.code.data or "", utcnow(), *_lock_settings())
        if check.accepted:
            record_sign_in(user, two_step=kind)
    if not check.accepted:
        form.code.errors.append(_problem(check, wrong))
        return None
    response = enter(user)
    mark_verified(user)
    if kind == "recovery_code":
        if check.remaining < FEW_LEFT:
            flash(
                f"You have {check.remaining} recovery codes left. Turn two-step sign-in off and set it up "
                "again, or ask your hub admin to reset it, to get new ones",
                "important",
            )
        else:
            flash(f"You have {check.remaining} recovery codes left", "important")
    return response


@bp.route("/sign-in/code", methods=["GET", "POST"])
@pending_sign_in
@sign_in_limit()
def two_step_code(user: User) -> Response | str:
    """After a right password: the code from the authenticator app finishes signing in."""
    form = CodeForm()
    if form.validate_on_submit():
        done = _finish(user, form, dao.check_code, "code", WRONG_CODE)
        if done is not None:
            return done
    return render_template("auth/two_step_code.html", form=form, next=request.args.get("next", type=str))


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@pending_sign_in
@sign_in_limit()
def two_step_recovery(user: User) -> Response | str:
    """After a right password, without the phone: one of the recovery codes finishes signing in."""
    form = RecoveryForm()
    if form.validate_on_submit():
        done = _finish(user, form, dao.check_recovery_code, "recovery_code", WRONG_RECOVERY)
        if done is not None:
            return done
    return render_template("auth/two_step_recovery.html", form=form, next=request.args.get("next", type=str))


def _qr_code(uri: str) -> Markup:
    """The otpauth address as an inline SVG QR code (an image with a name, for screen readers)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, title="QR code for your authenticator app")
    return Markup(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))  # noqa: S704 - segno's SVG


def _back_home() -> str:
    back = return_path(request.args.get("next", type=str), current_user.role)
    return back or url_for(HOME[current_user.role])


@bp.route("/two-step/set-up", methods=["GET", "POST"])
@role_required(*dao.STAFF)
def two_step_set_up() -> Response | str:
    """Set up an authenticator app: its secret (as a QR code and as text), a first code to prove the app
    has it, then the recovery codes, shown once."""
    if not dao.asked_of(current_user):
        flash("You sign in with your school's account, which has its own checks", "important")
        return redirect(url_for("accounts.team"))
    with transaction():
        secret = dao.start_set_up(current_user)
    if secret is None:
        flash("Two-step sign-in is already on for your account", "important")
        return redirect(url_for("accounts.team"))
    form = CodeForm()
    if form.validate_on_submit():
        with transaction():
            codes = dao.confirm_set_up(current_user, form.code.data or "", utcnow())
        if codes is not None:
            mark_verified(current_user)
            return render_template("auth/two_step_recovery_codes.html", codes=codes, onward=_back_home())
        form.code.errors.append(WRONG_CODE)
    uri = dao.provisioning_uri(secret, current_user.email, current_app.config["SERVICE_NAME"])
    return render_template(
        "auth/two_step_set_up.html",
        form=form,
        secret=dao.grouped(secret),
        qr_code=_qr_code(uri),
        required=current_app.config["TWO_STEP_REQUIRED"],
    )


@bp.route("/two-step/turn-off", methods=["GET", "POST"])
@role_required(*dao.STAFF)
@sign_in_limit()
def two_step_turn_off() -> Response | str:
    """Turn two-step off (where it is not required), with a code from the app to show it is the owner."""
    if current_app.config["TWO_STEP_REQUIRED"]:
        flash("Two-step sign-in is required for your account, so you cannot turn it off", "important")
        return redirect(url_for("accounts.team"))
    if not dao.is_on(current_user.id):
        return redirect(url_for("accounts.team"))
    form = CodeForm()
    if form.validate_on_submit():
        with transaction():
            check = dao.check_code(current_user, form.code.data or "", utcnow(), *_lock_settings())
            if check.accepted:
                dao.turn_off(current_user)
        if check.accepted:
            flash("Two-step sign-in is off. You now sign in with your password alone", "success")
            return redirect(url_for("accounts.team"))
        form.code.errors.append(_problem(check, WRONG_CODE))
    return render_template("auth/two_step_turn_off.html", form=form)


@bp.app_template_global("two_step_state")
def two_step_state() -> dict[str, Any] | None:
    """For the team page: whether the signed-in person's two-step is on and whether they may turn it off;
    None for those never asked (students, employers, staff who sign in with their school's account)."""
    if not current_user.is_authenticated or not dao.asked_of(current_user):
        return None
    return {"on": dao.is_on(current_user.id), "required": current_app.config["TWO_STEP_REQUIRED"]}
