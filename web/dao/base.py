"""The one transaction helper and the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from web.extensions import db
from web.models import AuditEvent


def insert_into(model: Any) -> Any:
    """An INSERT in the database's own dialect, which can say what to do on a conflict (ON CONFLICT)."""
    return (sqlite if db.session.get_bind().dialect.name == "sqlite" else postgresql).insert(model)


@contextmanager
def transaction() -> Iterator[None]:
    """Commit everything done inside, or nothing: no half-saved forms or rounds."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def audit(user_id: int | None, action: str, record_type: str, record_id: int, **detail: Any) -> None:
    """Record an action in the current transaction (detail must hold no personal data)."""
    db.session.add(
        AuditEvent(
            user_id=user_id, action=action, record_type=record_type, record_id=record_id, detail=detail
        )
    )
