"""Accounts by invitation: inviting someone creates their account, without a password, and emails them a
single-use link to choose one. Invitations, resets and deactivation all live here."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from web.dao import tokens
from web.dao.base import audit
from web.dao.users import create_user, get_user_by_email, rotate_session_token
from web.emails import notify
from web.extensions import db
from web.models import User

# The record each role acts for: an invitation names the same one for the person it invites.
LINKS = {
    "hub_admin": "hub_id",
    "careers_leader": "school_id",
    "employer": "employer_id",
    "student": "student_id",
}


class AccountError(Exception):
    """Something about an account that cannot be done; the message is for the person asking."""


def invite(email: str, role: str, record_id: int, invited_by_id: int | None, name: str = "") -> User:
    """Invite someone to act for a hub, school, employer or student record: their account (made now, with no
    password) and an emailed link to choose one, valid for INVITATION_DAYS. Inviting someone again who has
    not accepted sends a fresh link; an address that has an account already cannot be invited."""
    link = LINKS[role]
    user = get_user_by_email(email)
    if user is not None and (user.password_hash or user.role != role or getattr(user, link) != record_id):
        raise AccountError("This email address already has an account. Ask them to sign in instead")
    if user is None:
        user = create_user(email, None, role, name=name.strip(), **{link: record_id})
        db.session.flush()  # its id, for the token
    lifetime = timedelta(days=current_app.config["INVITATION_DAYS"])
    token = tokens.issue(user.id, "invitation", lifetime, invited_by_id)
    notify(f"invitation:{token.id}", "invitation", user.email, token_id=token.id)
    audit(invited_by_id, "user_invited", "user", user.id, role=role)
    return user


def request_reset(email: str) -> None:
    """Email a password reset link to the account with this address, if there is an active one; the caller
    says the same thing whether or not there is, so nobody learns who has an account."""
    user = get_user_by_email(email)
    if user is None or not user.active:
        return
    lifetime = timedelta(hours=current_app.config["RESET_HOURS"])
    token = tokens.issue(user.id, "reset", lifetime, None)
    notify(f"password-reset:{token.id}", "password_reset", user.email, token_id=token.id)
    audit(user.id, "password_reset_requested", "user", user.id)


def set_active(user: User, active: bool, by_id: int) -> None:
    """Deactivate (ending every session the person has, at once) or reactivate an account."""
    user.active = active
    rotate_session_token(user)
    audit(by_id, "user_reactivated" if active else "user_deactivated", "user", user.id)
