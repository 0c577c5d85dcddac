"""Two-step sign-in for staff: each person's authenticator secret and their single-use recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import utcnow


class TwoStep(db.Model):  # type: ignore[name-defined,misc]
    """A staff member's TOTP authenticator: its secret, encrypted (web/dao/two_step.py), and the last time
    step whose code was accepted, so no code works twice.

    A row without confirmed_at is being set up: its secret is on the set-up page but no code has proved the
    app holds it yet, so it is not asked for at sign-in.
    """

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    # Fernet's token for a 32-character base32 secret is 140 characters.
    secret_encrypted: Mapped[str] = mapped_column(String(255))
    confirmed_at: Mapped[datetime | None]
    # A 30-second step count since 1970; any 32-bit integer would do until 2106, BigInteger to be sure.
    last_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TwoStepRecoveryCode(db.Model):  # type: ignore[name-defined,misc]
    """One single-use recovery code, for when the phone is lost: only an HMAC of it is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
