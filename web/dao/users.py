"""Users and sign-in."""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.sql.elements import ColumnElement

from web.extensions import db
from web.models import User


@cache
def _hashers(profile: str) -> tuple[PasswordHasher, str]:
    # The hasher for an argon2-cffi profile (RFC 9106's low-memory one unless the tests ask for the cheapest),
    # and a hash to verify against when no user matches, so the time taken does not reveal accounts.
    hasher = PasswordHasher.from_parameters(getattr(profiles, profile))
    return hasher, hasher.hash("no such user")


def _hasher() -> PasswordHasher:
    return _hashers(current_app.config["PASSWORD_HASH_PROFILE"])[0]


def hash_password(password: str) -> str:
    """An argon2id hash (argon2 has no length limit to truncate at)."""
    return _hasher().hash(password)


def new_session_token() -> str:
    """A fresh random session token."""
    return secrets.token_urlsafe(32)


def get_user_by_session_token(token: str) -> User | None:
    """The active user whose current session token this is."""
    return db.session.scalar(select(User).where(User.session_token == token, User.active.is_(True)))


def password_matches(user: User | None, password: str) -> bool:
    """Whether the password is the user's; with no user it still takes as long, and is False."""
    hasher, dummy = _hashers(current_app.config["PASSWORD_HASH_PROFILE"])
    try:
        hasher.verify(user.password_hash if user else dummy, password)
    except (VerificationError, InvalidHashError):
        return False
    if user is not None and hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user is not None


def get_user_by_email(email: str) -> User | None:
    """The user with this email, ignoring case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def set_password(user: User, password: str) -> None:
    """Give the user a new password and end every session they had (in the caller's transaction)."""
    user.password_hash = hash_password(password)
    rotate_session_token(user)


def rotate_session_token(user: User) -> None:
    """End every existing session of this user (called at sign-in and sign-out)."""
    user.session_token = new_session_token()


def create_user(email: str, password: str | None, role: str, **links: int | str | None) -> User:
    """Add a user to the session (the caller's transaction commits it); with no password, the person
    cannot sign in until they set one through an invitation."""
    user = User(
        email=email.strip().lower(),
        password_hash=hash_password(password) if password else "",
        role=role,
        session_token=new_session_token(),
        **links,
    )
    db.session.add(user)
    return user


def reachable(*conditions: ColumnElement[bool]) -> list[User]:
    """The users matching these conditions who can act on a message: active, and signed up (a password, or
    a school account connected)."""
    query = select(User).where(*conditions, User.active.is_(True), User.joined).order_by(User.id)
    return list(db.session.scalars(query))


def reachable_leaders(school_id: int) -> list[User]:
    """The school's careers leaders who can act on a message."""
    return reachable(User.role == "careers_leader", User.school_id == school_id)
