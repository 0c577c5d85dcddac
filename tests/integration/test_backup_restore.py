"""A PostgreSQL backup restores: a dump taken while a round runs and an email is mid-send (its worker waiting
on the SMTP server), restored as the README says into a fresh database and upgraded to head, holds every row;
and once a new worker and beat run on it, the round finishes and each email arrives exactly once.

The first stack is lost after the dump (its workers killed, its broker emptied), as in a disaster; the second
runs on the restored database only. PostgreSQL and Redis only (the README's backup is pg_dump's).
"""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from flask import Flask
from sqlalchemy import Engine, create_engine, make_url, select, text

from config.celery import MATCHING_QUEUE, NOTIFICATIONS_QUEUE
from tests import db as factories
from tests.integration.conftest import BIN, ROOT, Stack, _broker_url, _purge, launch, stack_env
from tests.integration.test_faults import _school_with_places
from tests.smtp import SmtpServer
from web.emails import SEND_TASK
from web.extensions import db
from web.models import MatchRound, Notification, RetentionRun
from web.models.base import utcnow

FIRST, HELD = "sent.before@example.org", "mid.send@example.org"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


def _libpq(url: str) -> str:
    """The URL as pg_dump and psql take it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(*command: str, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(command[:2])} failed:\n{done.stderr[-3000:]}"


def _keys(engine: Engine) -> dict[str, set[tuple[Any, ...]]]:
    """Every table's primary keys."""
    found = {}
    with engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            columns = list(table.primary_key.columns)
            found[table.name] = {tuple(row) for row in connection.execute(select(*columns))}
    return found


def _email(hub_id: int, to: str, key: str, days: int) -> int:
    """A retention notice email (its run `days` on) queued to this address."""
    on = utcnow().date() + timedelta(days=days)
    run = RetentionRun(hub_id=hub_id, on_date=on, kind="notice", counts={"pupil": 1})
    db.session.add(run)
    db.session.flush()
    message = Notification(
        idempotency_key=key, recipient=to, template="retention_notice", about={"run_id": run.id}
    )
    db.session.add(message)
    db.session.commit()
    return message.id


def _status(engine: Engine, table: str, row_id: int) -> str:
    with engine.connect() as connection:
        return str(connection.scalar(text(f"SELECT status FROM {table} WHERE id = :id"), {"id": row_id}))


def test_a_dump_taken_mid_round_and_mid_send_restores_every_row_and_sends_each_email_once(
    app: Flask, smtp: SmtpServer, tmp_path: Path
) -> None:
    source = app.config["SQLALCHEMY_DATABASE_URI"]
    if not source.startswith("postgresql"):
        pytest.skip("The README's backup is PostgreSQL's pg_dump (`make test-postgres` runs this)")
    broker = _broker_url("redis", tmp_path)  # skips without REDIS_URL
    _purge(broker)
    school = _school_with_places()
    first = _email(school.hub_id, FIRST, "backup:first", 7)
    held = _email(school.hub_id, HELD, "backup:held", 8)
    match_round = factories.create_round(school, enqueued_at=utcnow())
    env = {**stack_env(app, broker), **smtp.settings()}
    sender = Celery(broker=broker)
    dump = tmp_path / "backup.dump"
    restored_url = make_url(source).set(database=f"{make_url(source).database}_restored")
    restored_db = restored_url.render_as_string(hide_password=False)
    _fresh_database(restored_url, create=True)

    (tmp_path / "lost").mkdir()
    (tmp_path / "restored").mkdir()
    with contextlib.contextmanager(launch)(broker, app, tmp_path / "lost", env) as lost:
        _lost_stack_mid_work(lost, sender, smtp, first, held, match_round.id)
        before = _keys(db.engine)
        # The backup, as the README's production section gives it.
        _run("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", _libpq(source))
        for name in ("worker one", "worker two"):
            lost.kill(name)
    smtp.inbox.let_go()
    _purge(broker)  # the broker went with the rest

    _run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_libpq(restored_db)}", str(dump))
    restored_env = {**env, "DATABASE_URL": restored_db}
    _run(str(BIN / "flask"), "db", "upgrade", env=restored_env)
    restored = create_engine(restored_db)
    try:
        after = _keys(restored)
        missing = {table: before[table] - after[table] for table in before if before[table] - after[table]}
        assert missing == {}
        assert _status(restored, "match_round", match_round.id) == "running"
        assert _status(restored, "notification", held) == "sending"

        with contextlib.contextmanager(launch)(
            broker, app, tmp_path / "restored", restored_env, workers=("worker",), beat=True
        ) as resumed:
            resumed.wait_for(
                lambda: _status(restored, "match_round", match_round.id) == "succeeded",
                90,
                "the round to finish",
            )
            resumed.wait_for(lambda: _status(restored, "notification", held) == "sent", 60, "the held email")
            assert len(smtp.inbox.to(HELD)) == 1
        assert len(smtp.inbox.to(FIRST)) == 1  # sent before the dump, not again after it
        assert _status(restored, "notification", first) == "sent"
    finally:
        restored.dispose()
        _fresh_database(restored_url, create=False)
        sender.close()


def _lost_stack_mid_work(
    lost: Stack, sender: Celery, smtp: SmtpServer, first: int, held: int, round_id: int
) -> None:
    """Two workers: one sends the first email, then holds the round mid-way; the other waits on the SMTP
    server with the second email."""
    lost.start_worker("worker one", TEST_ROUND_PAUSE_SECONDS="120")
    lost.start_worker("worker two", TEST_ROUND_PAUSE_SECONDS="120")
    sender.send_task(SEND_TASK, args=[first], queue=NOTIFICATIONS_QUEUE)
    smtp.inbox.wait_for(FIRST)
    lost.wait_for(lambda: _status(db.engine, "notification", first) == "sent", 30, "the first email's status")
    sender.send_task("matching.run_round", args=[round_id], queue=MATCHING_QUEUE)
    lost.wait_for(lambda: _round_running(round_id), 60, "the round to be running")
    smtp.inbox.hold(HELD)
    sender.send_task(SEND_TASK, args=[held], queue=NOTIFICATIONS_QUEUE)
    lost.wait_for(
        lambda: _status(db.engine, "notification", held) == "sending", 30, "the email to be mid-send"
    )


def _round_running(round_id: int) -> bool:
    db.session.expire_all()
    found = db.session.get(MatchRound, round_id)
    return bool(found and found.status == "running" and found.progress > 0)


def _fresh_database(url: Any, create: bool) -> None:
    """Drop the database the URL names (its connections too) and, if asked, make it again, empty."""
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        if create:
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    server.dispose()
