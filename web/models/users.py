"""People who sign in: each has one role and belongs to one hub, school, employer or student record."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ColumnElement, ForeignKey, String, or_, select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, column_property, mapped_column

from web.extensions import db
from web.models.base import ROLES, TOKEN_PURPOSES, one_of, utcnow
from web.models.identities import SignInIdentity


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    """A signed-in person: hub admin, careers leader, employer user or student."""

    __table_args__ = (
        one_of("role", ROLES, "role"),
        # Each role is tied to exactly the record it acts for, so ownership checks have something to check.
        CheckConstraint(
            "(role = 'hub_admin' AND hub_id IS NOT NULL)"
            " OR (role = 'careers_leader' AND school_id IS NOT NULL)"
            " OR (role = 'employer' AND employer_id IS NOT NULL)"
            " OR (role = 'student' AND student_id IS NOT NULL)",
            name="role_link",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # Empty until an invited person sets a password: nothing verifies against it, so they cannot sign in.
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hub.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    # A fresh token at every sign-in and sign-out: the session cookie carries it, so rotating it
    # ends every older session of this user.
    session_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    # Whether a Google or Microsoft account is connected: read with the row (one EXISTS on an indexed column),
    # so lists of accounts (a team, a school's pupils, a hub's release) ask nothing more per person.
    has_school_account: Mapped[bool] = column_property(
        select(SignInIdentity.id)
        .where(SignInIdentity.user_id == id)
        .correlate_except(SignInIdentity)
        .exists()
    )

    @hybrid_property
    def joined(self) -> bool:
        """Whether they took up their invitation: chose a password, or connected a school account (a pupil
        who signs in with Google or Microsoft never has a password)."""
        return bool(self.password_hash) or self.has_school_account

    @joined.inplace.expression
    @classmethod
    def _joined(cls) -> ColumnElement[bool]:
        return or_(cls.password_hash != "", cls.has_school_account)

    def get_id(self) -> str:
        return self.session_token


class SignInGuard(db.Model):  # type: ignore[name-defined,misc]
    """Wrong passwords in a row for one email address, and how long it is locked.

    Kept per address, whether or not an account has it, so a locked account and an address nobody uses
    answer alike; only a SHA-256 of the address is stored.
    """

    email_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]


class AccessToken(db.Model):  # type: ignore[name-defined,misc]
    """A single-use link that lets one person set a password: an invitation or a password reset.

    The link's secret is an HMAC of the salt under the app's SECRET_KEY (web/dao/tokens.py), so the email can
    be written when it is sent; the database keeps the salt and a SHA-256 of the secret, never the secret.
    """

    __table_args__ = (one_of("purpose", TOKEN_PURPOSES, "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(12))
    salt: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
