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


# Rows in each INSERT on SQLite: within the fewest variables SQLite is built to take (32,766 since 3.32).
SQLITE_ROWS_PER_INSERT = 500


def insert_many(table: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert these rows (values in the columns' order) in the session's transaction in as few statements
    as the database allows: COPY on PostgreSQL, INSERTs of many rows on SQLite (each row its own statement
    would cost a statement's start per row). Values are stored as SQLAlchemy would store them."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    store = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]
    names = ", ".join(f'"{name}"' for name in columns)
    if dialect.name == "postgresql":
        cursor = connection.connection.cursor()
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = "(" + ", ".join("?" * len(columns)) + ")"
    statement = f'INSERT INTO "{table.name}" ({names}) VALUES '
    for first in range(0, len(rows), SQLITE_ROWS_PER_INSERT):
        chunk = rows[first : first + SQLITE_ROWS_PER_INSERT]
        values: list[Any] = []
        for row in chunk:
            values += [value if to is None else to(value) for to, value in zip(store, row, strict=True)]
        connection.exec_driver_sql(statement + ", ".join([marks] * len(chunk)), tuple(values))


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
