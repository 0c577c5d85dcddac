"""Two-step sign-in for staff: authenticator secrets, the codes they make, and recovery codes.

The secret is kept encrypted (Fernet, under a key derived from SECRET_KEY), so a copy of the database alone
cannot make codes; recovery codes are kept as an HMAC under another key derived from it, so one cannot be
worked back from the database either. A code is accepted once: the row keeps the last time step accepted,
and claiming a step is one conditional UPDATE, so the same code sent twice at once still signs in once.
Wrong codes count against the same lock as wrong passwords (web/dao/sign_in.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, cast

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import CursorResult, delete, func, or_, select, update

from web.dao import sign_in
from web.dao.base import audit
from web.dao.users import rotate_session_token
from web.extensions import db
from web.models import School, SignInGuard, TwoStep, TwoStepRecoveryCode, User

logger = logging.getLogger(__name__)

# The roles asked for a second step: they see every pupil of a school or a hub.
STAFF = ("hub_admin", "careers_leader")
# Codes one step either side of now are accepted too: a phone's clock a little fast or slow still works.
DRIFT_STEPS = 1
RECOVERY_CODES = 10
# No 0/o, 1/l/i: the codes are copied by hand. 31 letters, 10 of them: about 50 bits, behind the lock.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_LENGTH = 10
ACCEPTED, WRONG, USED, LOCKED = "accepted", "wrong", "used", "locked"


class TwoStepError(Exception):
    """A secret that cannot be read (SECRET_KEY changed since it was set up)."""


@dataclass(frozen=True)
class Check:
    """What a code came to: ACCEPTED, WRONG, USED (right, but already accepted) or LOCKED; for a recovery
    code, how many unused ones are left."""

    outcome: str
    remaining: int = 0

    @property
    def accepted(self) -> bool:
        return self.outcome == ACCEPTED


@cache
def _keys(secret_key: str) -> tuple[Fernet, bytes]:
    def derive(purpose: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret_key.encode())

    return Fernet(base64.urlsafe_b64encode(derive(b"two-step secret"))), derive(b"two-step recovery code")


def _fernet() -> Fernet:
    return _keys(current_app.config["SECRET_KEY"])[0]


def _recovery_hash(user_id: int, code: str) -> str:
    key = _keys(current_app.config["SECRET_KEY"])[1]
    return hmac.new(key, f"{user_id}:{code}".encode(), hashlib.sha256).hexdigest()


def secret_of(state: TwoStep) -> str:
    """The authenticator's secret, decrypted (never logged, never stored in the clear)."""
    try:
        return _fernet().decrypt(state.secret_encrypted.encode()).decode()
    except InvalidToken:
        raise TwoStepError("the two-step secret cannot be decrypted with this SECRET_KEY") from None


def get(user_id: int) -> TwoStep | None:
    """The user's authenticator, set up or being set up."""
    return db.session.get(TwoStep, user_id)


def is_on(user_id: int) -> bool:
    """Whether the user has a confirmed authenticator, so sign-in asks for a code."""
    state = get(user_id)
    return state is not None and state.confirmed_at is not None


def asked_of(user: User) -> bool:
    """Whether this person could be asked for two-step at all: staff who sign in with a password."""
    return user.role in STAFF and bool(user.password_hash)


def start_set_up(user: User) -> str | None:
    """The secret to show on the set-up page (in the caller's transaction): a new one, or the one shown
    before and not yet confirmed, so reloading the page keeps what was scanned; None if already on."""
    state = get(user.id)
    if state is not None and state.confirmed_at is not None:
        return None
    if state is not None:
        try:
            return secret_of(state)
        except TwoStepError:
            db.session.delete(state)  # unreadable and never confirmed: start afresh
            db.session.flush()
    secret = pyotp.random_base32()
    db.session.add(TwoStep(user_id=user.id, secret_encrypted=_fernet().encrypt(secret.encode()).decode()))
    db.session.flush()
    return secret


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    """The otpauth:// address a QR code carries, naming the service and the account in the app."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def clean_code(code: str) -> str:
    """A typed code without the spaces and hyphens people put in, in lower case."""
    return "".join(code.split()).replace("-", "").lower()


def _step_of(secret: str, code: str, now: datetime) -> int | None:
    """The time step (now's, or one either side) whose code this is, or None."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now.replace(tzinfo=UTC))
    nearest_first = sorted(
        range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1), key=lambda s: abs(s - current)
    )
    for step in nearest_first:
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def confirm_set_up(user: User, code: str, now: datetime) -> list[str] | None:
    """Turn two-step on if the code is the app's (in the caller's transaction): the new recovery codes,
    to be shown once; None for a wrong code, or if there is nothing being set up."""
    state = get(user.id)
    if state is None or state.confirmed_at is not None:
        return None
    step = _step_of(secret_of(state), clean_code(code), now)
    if step is None:
        return None
    state.confirmed_at = now
    state.last_step = step
    codes = _new_recovery_codes(user.id, now)
    audit(user.id, "two_step_set_up", "user", user.id)
    return codes


def _new_recovery_codes(user_id: int, now: datetime) -> list[str]:
    db.session.execute(delete(TwoStepRecoveryCode).where(TwoStepRecoveryCode.user_id == user_id))
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODES)
    ]
    db.session.add_all(
        TwoStepRecoveryCode(user_id=user_id, code_hash=_recovery_hash(user_id, code), created_at=now)
        for code in codes
    )
    db.session.flush()
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def _locked(user: User, now: datetime) -> bool:
    until = db.session.scalar(
        select(SignInGuard.locked_until).where(SignInGuard.email_hash == sign_in._key(user.email))
    )
    return until is not None and until > now


def _failed(user: User, outcome: str, now: datetime, allowed: int, lockout: timedelta) -> Check:
    """Count a wrong or used code against the address, as a wrong password is counted."""
    locked = sign_in._count_failure(sign_in._key(user.email), now, allowed, lockout, user)
    return Check(LOCKED if locked else outcome)


def _passed(user: User, now: datetime) -> bool:
    """Clear the address's count of failures, as a right password does; False if it is locked now."""
    return sign_in._clear(sign_in._key(user.email), now)


def check_code(user: User, code: str, now: datetime, allowed: int, lockout: timedelta) -> Check:
    """Check a code from the user's authenticator (in the caller's transaction), spending its time step."""
    state = get(user.id)
    if state is None or state.confirmed_at is None:
        return Check(WRONG)
    if _locked(user, now):
        return Check(LOCKED)
    try:
        secret = secret_of(state)
    except TwoStepError:
        # Set up under another SECRET_KEY: no code can be right, and none is counted as a guess. A hub
        # admin resets it (README, Production).
        logger.warning("A two-step secret cannot be decrypted: SECRET_KEY has changed since it was set up")
        return Check(WRONG)
    step = _step_of(secret, clean_code(code), now)
    if step is None:
        return _failed(user, WRONG, now, allowed, lockout)
    claimed = db.session.execute(
        update(TwoStep)
        .where(
            TwoStep.user_id == user.id,
            TwoStep.confirmed_at.is_not(None),
            or_(TwoStep.last_step.is_(None), TwoStep.last_step < step),
        )
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    if not cast(CursorResult[Any], claimed).rowcount:
        return _failed(user, USED, now, allowed, lockout)
    return Check(ACCEPTED) if _passed(user, now) else Check(LOCKED)


def check_recovery_code(user: User, code: str, now: datetime, allowed: int, lockout: timedelta) -> Check:
    """Check and spend one of the user's recovery codes (in the caller's transaction)."""
    if not is_on(user.id):
        return Check(WRONG)
    if _locked(user, now):
        return Check(LOCKED)
    cleaned = clean_code(code)
    spent = db.session.execute(
        update(TwoStepRecoveryCode)
        .where(
            TwoStepRecoveryCode.user_id == user.id,
            TwoStepRecoveryCode.code_hash == _recovery_hash(user.id, cleaned),
            TwoStepRecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if not cast(CursorResult[Any], spent).rowcount:
        return _failed(user, WRONG, now, allowed, lockout)
    if not _passed(user, now):
        return Check(LOCKED)
    remaining = unused_recovery_codes(user.id)
    audit(user.id, "two_step_recovery_code_used", "user", user.id, remaining=remaining)
    return Check(ACCEPTED, remaining)


def unused_recovery_codes(user_id: int) -> int:
    """How many of the user's recovery codes are still unused."""
    return db.session.scalar(
        select(func.count())
        .select_from(TwoStepRecoveryCode)
        .where(TwoStepRecoveryCode.user_id == user_id, TwoStepRecoveryCode.used_at.is_(None))
    )


def _remove(user_id: int) -> None:
    db.session.execute(delete(TwoStepRecoveryCode).where(TwoStepRecoveryCode.user_id == user_id))
    db.session.execute(delete(TwoStep).where(TwoStep.user_id == user_id))
    db.session.expire_all()


def turn_off(user: User) -> None:
    """The user turns their own two-step off (in the caller's transaction)."""
    _remove(user.id)
    audit(user.id, "two_step_turned_off", "user", user.id)


def reset_for(leader: User, by: User | None) -> None:
    """A hub admin resets a careers leader's two-step (a lost phone), or the service's operator anyone's
    (`flask reset-two-step`, by None), in the caller's transaction: the authenticator and recovery codes go,
    and every session the person had ends, so whoever holds the old phone and a session is signed out too."""
    _remove(leader.id)
    rotate_session_token(leader)
    audit(by.id if by else None, "two_step_reset", "user", leader.id)


def careers_leader_in_hub(user_id: int, hub_id: int) -> User | None:
    """The careers leader with this id if their school is in this hub; None for anyone else."""
    return db.session.scalar(
        select(User)
        .join(School, School.id == User.school_id)
        .where(User.id == user_id, User.role == "careers_leader", School.hub_id == hub_id)
    )


def careers_leaders_of_hub(hub_id: int) -> list[tuple[User, str, bool]]:
    """Every careers leader of the hub's schools, with their school's name and whether two-step is on,
    by school then name."""
    rows = db.session.execute(
        select(User, School.name, TwoStep.confirmed_at.is_not(None))
        .join(School, School.id == User.school_id)
        .outerjoin(TwoStep, TwoStep.user_id == User.id)
        .where(User.role == "careers_leader", School.hub_id == hub_id)
        .order_by(School.name, User.name, User.email)
    )
    return [(user, school, bool(on)) for user, school, on in rows]
