"""A parent's or carer's link to their child's entitlements: a single-use secret that starts a session on
one device, for that child only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import utcnow


class ParentLink(db.Model):  # type: ignore[name-defined,misc]
    """One emailed link to one pupil's parent or carer (only hashes are kept, never a secret).

    As with a consent link, the emailed secret is an HMAC of the salt under SECRET_KEY, so the email can be
    written when it is sent. Using it once stores the hash of a new random key, which the parent's browser
    keeps in a cookie; the link ends when it is revoked, runs out, or the pupil leaves or changes school.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), index=True)
    # The school that sent it: a pupil who moves to another school takes no link from the old one.
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    salt: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    session_key_hash: Mapped[str | None] = mapped_column(String(64))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    expires_at: Mapped[datetime]
