"""Signing in, with a lock on guessing: the allowed-th wrong password in a row locks an email address.

The count is kept per address in the database, whether or not an account has the address, so a locked
account, an unknown address and a deactivated account answer alike and nothing on the page tells them apart.
Every check is part of an UPDATE, so guesses sent in parallel to many processes cannot pass the limit, and a
right password sent during a lock is refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, or_, select, update

from web.dao.base import audit, insert_into
from web.dao.users import get_user_by_email, password_matches
from web.extensions import db
from web.models import SignInGuard, User


@dataclass(frozen=True)
class SignIn:
    """What an attempt came to: the user if it succeeded, else whether the address is locked."""

    user: User | None
    locked: bool = False


def authenticate(email: str, password: str, now: datetime, allowed: int, lockout: timedelta) -> SignIn:
    """Check the credentials against the address's lock (in the caller's transaction)."""
    user = get_user_by_email(email)
    key = _key(email)
    if password_matches(user, password) and user is not None and user.active:
        return SignIn(user) if _clear(key, now) else SignIn(None, locked=True)
    return SignIn(None, locked=_count_failure(key, now, allowed, lockout, user))


def _key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _unlocked(now: datetime) -> Any:
    return or_(SignInGuard.locked_until.is_(None), SignInGuard.locked_until <= now)


def _clear(key: str, now: datetime) -> bool:
    """A right password: clear the count unless the address is locked; False if it is."""
    cleared = db.session.execute(
        update(SignInGuard)
        .where(SignInGuard.email_hash == key, _unlocked(now))
        .values(failures=0, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], cleared).rowcount:
        return True
    locked_until = db.session.scalar(select(SignInGuard.locked_until).where(SignInGuard.email_hash == key))
    return locked_until is None or locked_until <= now  # no row: never failed


def _count_failure(key: str, now: datetime, allowed: int, lockout: timedelta, user: User | None) -> bool:
    """A wrong password: count it unless the address is locked; True if it is locked now."""
    counted = (
        insert_into(SignInGuard)
        .values(email_hash=key, failures=1, locked_until=None)
        .on_conflict_do_update(
            index_elements=[SignInGuard.email_hash],
            set_={"failures": SignInGuard.failures + 1, "locked_until": None},
            where=_unlocked(now),
        )
        .returning(SignInGuard.failures)
    )
    failures = db.session.scalar(counted)
    if failures is None:  # the conflict's condition failed: locked already
        return True
    if failures < allowed:
        return False
    locked = db.session.execute(
        update(SignInGuard)
        .where(SignInGuard.email_hash == key, SignInGuard.failures >= allowed)
        .values(failures=0, locked_until=now + lockout)
        .execution_options(synchronize_session=False)
    )
    if user is not None and cast(CursorResult[Any], locked).rowcount:
        audit(None, "account_locked", "user", user.id, failures=allowed)
    return True


def clear_lock(email: str) -> None:
    """Forget the wrong passwords counted against this address, and any lock on it (in the caller's
    transaction): whoever followed a link emailed to the address has shown it is theirs."""
    db.session.execute(
        update(SignInGuard)
        .where(SignInGuard.email_hash == _key(email))
        .values(failures=0, locked_until=None)
        .execution_options(synchronize_session=False)
    )
