"""Accounts by invitation: inviting someone creates their account, without a password, and emails them a
single-use link to choose one. Invitations, resets, choosing a password, deactivation and each
organisation's team all live here."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from web.dao import tokens
from web.dao.base import audit
from web.dao.sign_in import clear_lock
from web.dao.users import create_user, get_user_by_email, rotate_session_token, set_password
from web.emails import notify
from web.extensions import db
from web.models import AccessToken, Employer, Hub, School, User

# The record each role acts for: an invitation names the same one for the person it invites.
LINKS = {
    "hub_admin": "hub_id",
    "careers_leader": "school_id",
    "employer": "employer_id",
    "student": "student_id",
}
# The organisations whose people have a team: everyone of the same role acting for the same record.
ORGANISATIONS: dict[str, Any] = {"hub_admin": Hub, "careers_leader": School, "employer": Employer}
TEAM_ROLES = tuple(ORGANISATIONS)


ALREADY = "This email address already has an account. Ask them to sign in instead"
# The session key that holds the link being followed (an invitation or reset) between its pages.
SESSION_TOKEN = "access_token_id"


class AccountError(Exception):
    """Something about an account that cannot be done; the message is for the person asking."""


def invite(email: str, role: str, record_id: int, invited_by_id: int | None, name: str = "") -> User:
    """Invite someone to act for a hub, school, employer or student record: their account (made now, with no
    password) and an emailed link to choose one, valid for INVITATION_DAYS. Inviting someone again who has
    not accepted sends a fresh link; an address that has an account already cannot be invited."""
    link = LINKS[role]
    user = get_user_by_email(email)
    if user is not None and (user.joined or user.role != role or getattr(user, link) != record_id):
        raise AccountError(ALREADY)
    if user is not None and not user.active:
        # The email would not be sent (a deactivated account's links do nothing), so say why instead.
        raise AccountError("This person's account has been deactivated. Reactivate it before inviting them")
    if user is None:
        try:
            # A savepoint: the address taken by someone else at this moment must not spoil the transaction.
            with db.session.begin_nested():
                user = create_user(email, None, role, name=name.strip(), **{link: record_id})
                db.session.flush()  # its id, for the token; and the unique email checked now
        except IntegrityError:
            raise AccountError(ALREADY) from None
    lifetime = timedelta(days=current_app.config["INVITATION_DAYS"])
    token = tokens.issue(user.id, "invitation", lifetime, invited_by_id)
    notify(f"invitation:{token.id}", "invitation", user.email, token_id=token.id)
    audit(invited_by_id, "user_invited", "user", user.id, role=role)
    return user


def request_reset(email: str) -> None:
    """Email a password reset link to the account with this address, if there is an active one that has
    joined (a pupil only if they have a password); the caller says the same thing whether or not there is,
    so nobody learns who has an account.
    Someone invited but not yet signed up uses their invitation: a reset to the address an invitation
    was first sent to (perhaps the wrong one) must not open the account."""
    user = get_user_by_email(email)
    # Staff who joined with a school account may add a password this way; a pupil who did never has one.
    if (
        user is None
        or not user.active
        or not user.joined
        or (user.role == "student" and not user.password_hash)
    ):
        return
    lifetime = timedelta(hours=current_app.config["RESET_HOURS"])
    token = tokens.issue(user.id, "reset", lifetime, None)
    notify(f"password-reset:{token.id}", "password_reset", user.email, token_id=token.id)
    audit(user.id, "password_reset_requested", "user", user.id)


def set_active(user: User, active: bool, by_id: int) -> None:
    """Deactivate (ending every session and emailed link the person has, at once) or reactivate an account
    (old links stay dead: reactivating must not bring them back)."""
    user.active = active
    rotate_session_token(user)
    if not active:
        tokens.expire_all(user.id)
    audit(by_id, "user_reactivated" if active else "user_deactivated", "user", user.id)


def get_user(user_id: int) -> User | None:
    """The user with this id."""
    return db.session.get(User, user_id)


def usable_token(token_id: int | None, now: datetime) -> AccessToken | None:
    """The link with this id if it can still set a password: unused, in date, the newest of its kind
    (an older one is expired when a newer is issued) and for an account that is active."""
    token = tokens.get(token_id) if token_id else None
    if token is None or token.used_at is not None or token.expires_at <= now:
        return None
    user = db.session.get(User, token.user_id)
    return token if user is not None and user.active else None


def choose_password(token_id: int, password: str, now: datetime) -> User | None:
    """Spend the link and give its account this password (in the caller's transaction), ending the
    account's other sessions, its other links and any sign-in lock on its address; None, changing
    nothing, if the link cannot be used: spent meanwhile (a second tab), expired, or the account
    deactivated."""
    token = usable_token(token_id, now)
    if token is None or not tokens.use(token.id, now):
        return None
    user = db.session.get(User, token.user_id)
    assert user is not None  # usable_token found it
    set_password(user, password)
    # The password is chosen: an invitation or reset link still in the mailbox must not change it again.
    db.session.execute(
        update(AccessToken)
        .where(AccessToken.user_id == user.id, AccessToken.used_at.is_(None), AccessToken.expires_at > now)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    clear_lock(user.email)
    accepted = token.purpose == "invitation"
    audit(user.id, "invitation_accepted" if accepted else "password_reset", "user", user.id)
    return user


def status(user: User) -> str:
    """How the team page describes an account: deactivated, invited (no password yet) or active."""
    if not user.active:
        return "deactivated"
    return "active" if user.joined else "invited"


def _same_team(user: User) -> list[Any]:
    column = LINKS[user.role]
    return [User.role == user.role, getattr(User, column) == getattr(user, column)]


def team_of(user: User) -> list[User]:
    """Everyone acting for the same hub, school or employer as this user, in the same role, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(*_same_team(user))
            .order_by(User.name == "", func.lower(User.name), User.email, User.id)
        )
    )


def colleague(user: User, user_id: int) -> User | None:
    """The user with this id if they are in this user's team (themselves included), else None."""
    return db.session.scalar(select(User).where(User.id == user_id, *_same_team(user)))


def resend_invitation(user: User, by_id: int) -> None:
    """A fresh invitation link for someone who has not chosen a password; their older links stop working."""
    if user.joined:
        raise AccountError("They have already accepted their invitation")
    invite(user.email, user.role, getattr(user, LINKS[user.role]), by_id, name=user.name)


def deactivate_colleague(user: User, by_id: int) -> None:
    """Deactivate a colleague's account, ending their sessions at once; nobody can deactivate themselves
    or leave their organisation without an active person who has a password."""
    if user.id == by_id:
        raise AccountError("You cannot deactivate your own account")
    if not user.active:
        return
    _lock_organisation(user)
    others = select(func.count(User.id)).where(
        *_same_team(user), User.id != user.id, User.active.is_(True), User.joined
    )
    if not db.session.scalar(others):
        raise AccountError("You cannot deactivate the last active person in your organisation")
    set_active(user, False, by_id)


def reactivate_colleague(user: User, by_id: int) -> None:
    """Let a deactivated colleague sign in again (with the password they had, or a link if they had none)."""
    if not user.active:
        set_active(user, True, by_id)


def _lock_organisation(user: User) -> None:
    """Hold the team's organisation until the transaction ends, so two colleagues deactivating each other
    at once cannot both succeed and leave nobody: the second waits, then sees the first's change."""
    model = ORGANISATIONS[user.role]
    record_id = getattr(user, LINKS[user.role])
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite has one writer at a time, held from a transaction's first write to its end: write first.
        db.session.execute(update(model).where(model.id == record_id).values(id=model.id))
    else:
        # NO KEY UPDATE: rows that refer to the organisation (new students, say) can still be added meanwhile.
        db.session.execute(select(model.id).where(model.id == record_id).with_for_update(key_share=True))
