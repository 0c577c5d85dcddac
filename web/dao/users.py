"""Users and sign-in."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update

from web.dao.base import audit
from web.extensions import db
from web.models import User

_hasher = PasswordHasher()
# Verifying against this when no user matches costs the same time, so timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("no such user")


def hash_password(password: str) -> str:
    """An argon2id hash (argon2 has no length limit to truncate at)."""
    return _hasher.hash(password)


def new_session_token() -> str:
    """A fresh random session token."""
    return secrets.token_urlsafe(32)


def get_user_by_session_token(token: str) -> User | None:
    """The active user whose current session token this is."""
    return db.session.scalar(select(User).where(User.session_token == token, User.active.is_(True)))


def get_user_by_email(email: str) -> User | None:
    """The user with this email, ignoring case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


@dataclass(frozen=True)
class SignIn:
    """What a sign-in attempt came to: the user if it succeeded; whether the account (if any) is locked."""

    user: User | None
    known: bool  # an active account has this email: never shown to the person signing in
    locked: bool = False


def authenticate(email: str, password: str, now: datetime, allowed: int, lockout: timedelta) -> SignIn:
    """Check the credentials. The allowed-th wrong password in a row locks the account until now + lockout,
    and while it is locked even the right password is refused; a success clears the count."""
    user = get_user_by_email(email)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        matches = True
    except (VerificationError, InvalidHashError):
        matches = False
    if user is None or not user.active:
        return SignIn(None, known=False)
    if user.locked_until is not None and user.locked_until > now:
        return SignIn(None, known=True, locked=True)
    if not matches:
        return SignIn(None, known=True, locked=_count_failure(user.id, now, allowed, lockout))
    user.failed_sign_ins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return SignIn(user, known=True)


def _count_failure(user_id: int, now: datetime, allowed: int, lockout: timedelta) -> bool:
    # Counted in the database, so guesses sent in parallel to several processes all count.
    failures = db.session.scalar(
        update(User)
        .where(User.id == user_id)
        .values(failed_sign_ins=User.failed_sign_ins + 1)
        .returning(User.failed_sign_ins)
        .execution_options(synchronize_session=False)
    )
    if failures is None or failures < allowed:
        return False
    locked = db.session.execute(
        update(User)
        .where(User.id == user_id, User.failed_sign_ins >= allowed)
        .values(failed_sign_ins=0, locked_until=now + lockout)
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount:  # type: ignore[attr-defined]
        audit(None, "account_locked", "user", user_id, failures=allowed)
    return True


def rotate_session_token(user: User) -> None:
    """End every existing session of this user (called at sign-in and sign-out)."""
    user.session_token = new_session_token()


def create_user(email: str, password: str, role: str, **links: int | str | None) -> User:
    """Add a user to the session (the caller's transaction commits it)."""
    user = User(
        email=email.strip().lower(),
        password_hash=hash_password(password),
        role=role,
        session_token=new_session_token(),
        **links,
    )
    db.session.add(user)
    return user
