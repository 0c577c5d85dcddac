"""Single-use links (invitations and password resets): issued, found by their secret, used once.

A link's secret is HMAC-SHA256 of a random 256-bit salt under the app's SECRET_KEY. The database keeps the
salt and a SHA-256 of the secret, so someone who reads the database cannot use a link, while the email that
carries the link can be written when it is sent, by any worker, as often as it is retried.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, select, update

from web.extensions import db
from web.models import AccessToken
from web.models.base import utcnow

MAX_SECRET_LENGTH = 100  # a secret is 43 characters; anything much longer is not one of ours


def _secret(salt: str, purpose: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"{purpose}:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def expire_all(user_id: int, purpose: str | None = None) -> None:
    """Stop every unused link of this user (of one purpose, or all) working, in the caller's transaction."""
    conditions = [AccessToken.user_id == user_id, AccessToken.used_at.is_(None)]
    if purpose is not None:
        conditions.append(AccessToken.purpose == purpose)
    db.session.execute(
        update(AccessToken)
        .where(*conditions)
        .values(expires_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def issue(user_id: int, purpose: str, lifetime: timedelta, created_by_id: int | None) -> AccessToken:
    """A new link for this user and purpose, in the caller's transaction, so only the newest email counts:
    an invitation (perhaps to a corrected address) ends every earlier link, a reset earlier resets."""
    now = utcnow()
    expire_all(user_id, None if purpose == "invitation" else purpose)
    salt = secrets.token_hex(32)
    token = AccessToken(
        user_id=user_id,
        purpose=purpose,
        salt=salt,
        token_hash=_hash(_secret(salt, purpose)),
        expires_at=now + lifetime,
        created_by_id=created_by_id,
        created_at=now,
    )
    db.session.add(token)
    db.session.flush()
    return token


def secret_of(token: AccessToken) -> str:
    """The secret that goes in the token's link (computed, never stored)."""
    return _secret(token.salt, token.purpose)


def get(token_id: int) -> AccessToken | None:
    """The token with this id."""
    return db.session.get(AccessToken, token_id)


def find(secret: str, purpose: str, now: datetime) -> AccessToken | None:
    """The unused, unexpired token of this purpose whose secret this is; None for anything else."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    token = db.session.scalar(select(AccessToken).where(AccessToken.token_hash == _hash(secret)))
    if token is None or token.purpose != purpose or token.used_at is not None or token.expires_at <= now:
        return None
    return token


def use(token_id: int, now: datetime) -> bool:
    """Spend the token, once: False if it was used or had expired meanwhile (a second tab, say)."""
    result = db.session.execute(
        update(AccessToken)
        .where(AccessToken.id == token_id, AccessToken.used_at.is_(None), AccessToken.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(cast(CursorResult[Any], result).rowcount)


def secret_for(salt: str, purpose: str) -> str:
    """The secret for a salt and purpose (for other single-use links, such as a parent's consent link)."""
    return _secret(salt, purpose)


def hash_of(secret: str) -> str:
    """What the database keeps of a secret."""
    return _hash(secret)
