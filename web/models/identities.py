"""Sign-in with a school's own accounts (Google or Microsoft, by OpenID Connect): the identities linked to
accounts, and which providers and email domains each school (or the hub, for its own staff) allows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import utcnow

# The providers the service knows how to use; each is offered only where its client id is configured.
SIGN_IN_PROVIDERS = ("google", "microsoft")


class SignInIdentity(db.Model):  # type: ignore[name-defined,misc]
    """One provider's account (its issuer and subject, which never change) linked to one of ours.

    Linked only by following an invitation to the same email address, so nobody signs themselves up. The
    email is not kept here: the account's own address is the one the invitation was sent to.
    """

    __table_args__ = (
        UniqueConstraint("issuer", "subject"),
        # One account per provider: a second link for the same provider replaces the first.
        UniqueConstraint("user_id", "provider"),
        CheckConstraint("provider IN ('google', 'microsoft')", name="provider"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(20))
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]


class SignInPolicy(db.Model):  # type: ignore[name-defined,misc]
    """Which providers and email domains may sign in for one school (its careers leaders and pupils) or for
    one hub's own admins; exactly one of school_id and hub_id is set. No row: nothing is allowed."""

    __table_args__ = (
        CheckConstraint(
            "(school_id IS NULL AND hub_id IS NOT NULL) OR (school_id IS NOT NULL AND hub_id IS NULL)",
            name="school_or_hub",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), unique=True)
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hub.id", ondelete="CASCADE"), unique=True)
    providers: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Lower case, without "@": an address's part after the @ must be one of these exactly.
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
