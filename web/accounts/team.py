"""Each organisation's team: the hub admins of a hub, the careers leaders of a school, the users of an
employer. Anyone in the team sees it, invites colleagues, sends an invitation again, and deactivates or
reactivates a colleague; only their own organisation's people, and every change is audited."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.accounts import bp
from web.accounts.emails import organisation
from web.accounts.forms import InviteForm
from web.auth.roles import role_required
from web.dao import accounts
from web.dao.base import transaction
from web.dao.opportunities import get_employer
from web.fields import ConfirmForm
from web.models import User

TEAM_ROLES = accounts.TEAM_ROLES
# Why an employer's users cannot invite colleagues yet, by the employer's status.
CANNOT_INVITE = {
    "pending": "Your careers hub has not approved your organisation yet. You can invite colleagues once it "
    "has checked your safeguarding details.",
    "suspended": "Your careers hub has suspended your organisation, so you cannot invite colleagues. "
    "Contact your careers hub to find out why.",
}
TEAM_NAMES = {"hub_admin": "hub admins", "careers_leader": "careers leaders", "employer": "users"}


def _cannot_invite() -> str | None:
    """Why the signed-in person cannot invite anyone, or None if they can."""
    if current_user.role != "employer":
        return None
    employer = get_employer(current_user.employer_id)
    return CANNOT_INVITE.get(employer.status if employer else "pending")


def _colleague(user_id: int) -> User:
    """Someone in the signed-in person's own team (themselves included); anyone else is a 404."""
    user = accounts.colleague(current_user, user_id)
    if user is None:
        abort(404)
    return user


def _who(user: User) -> str:
    return user.name or user.email


@bp.route("/team")
@role_required(*TEAM_ROLES)
def team() -> str:
    """The people in the signed-in person's organisation, with their status and what can be done."""
    members = accounts.team_of(current_user)
    return render_template(
        "accounts/team.html",
        members=[(member, accounts.status(member)) for member in members],
        organisation=organisation(current_user),
        team_name=TEAM_NAMES[current_user.role],
        cannot_invite=_cannot_invite(),
    )


@bp.route("/team/invite", methods=["GET", "POST"])
@role_required(*TEAM_ROLES)
def invite() -> Response | str:
    """Invite a colleague to act for the same organisation, in the same role."""
    if _cannot_invite():
        return redirect(url_for("accounts.team"))  # the team page says why
    form = InviteForm()
    if form.validate_on_submit():
        email, name = form.email.data or "", form.name.data or ""
        role = current_user.role
        record_id = getattr(current_user, accounts.LINKS[role])
        try:
            with transaction():
                accounts.invite(email, role, record_id, current_user.id, name)
        except accounts.AccountError as problem:
            form.email.errors.append(str(problem))
        else:
            flash(f"We have sent an invitation to {email.strip().lower()}", "success")
            return redirect(url_for("accounts.team"))
    return render_template("accounts/invite.html", form=form)


@bp.route("/team/<int:user_id>/resend", methods=["POST"])
@role_required(*TEAM_ROLES)
def resend(user_id: int) -> Response:
    """Send a colleague who has not accepted a fresh invitation; the link they had stops working."""
    user = _colleague(user_id)
    if _cannot_invite():
        return redirect(url_for("accounts.team"))
    try:
        with transaction():
            accounts.resend_invitation(user, current_user.id)
    except accounts.AccountError as problem:
        flash(str(problem), "important")
    else:
        flash(f"We have sent a new invitation to {user.email}", "success")
    return redirect(url_for("accounts.team"))


@bp.route("/team/<int:user_id>/deactivate", methods=["GET", "POST"])
@role_required(*TEAM_ROLES)
def deactivate(user_id: int) -> Response | str:
    """Ask, then deactivate a colleague: they are signed out at once and cannot sign in until reactivated."""
    user = _colleague(user_id)
    if user.id == current_user.id:
        flash("You cannot deactivate your own account", "important")
        return redirect(url_for("accounts.team"))
    if not user.active:
        flash(f"{_who(user)}'s account is already deactivated", "important")
        return redirect(url_for("accounts.team"))
    button = ConfirmForm()
    if button.validate_on_submit():
        try:
            with transaction():
                accounts.deactivate_colleague(user, current_user.id)
        except accounts.AccountError as problem:
            flash(str(problem), "important")
        else:
            flash(f"{_who(user)}'s account is deactivated", "success")
        return redirect(url_for("accounts.team"))
    return render_template("accounts/deactivate.html", user=user, button=button)


@bp.route("/team/<int:user_id>/reactivate", methods=["POST"])
@role_required(*TEAM_ROLES)
def reactivate(user_id: int) -> Response:
    """Let a deactivated colleague sign in again."""
    user = _colleague(user_id)
    with transaction():
        accounts.reactivate_colleague(user, current_user.id)
    flash(f"{_who(user)}'s account is active again", "success")
    return redirect(url_for("accounts.team"))
