"""Fixtures: the app on a migrated database, and one signed-in client per role returning parsed HTML."""

from __future__ import annotations

import contextvars
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ["APP_ENV"] = "test"

import pytest
from bs4 import BeautifulSoup
from flask import Flask, url_for
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import exists, literal, select, text, union_all

import tests.per_worker  # noqa: F401 - before anything reads the settings
from tests import db as factories


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    """One app for the session, its database built by the migrations (not create_all)."""
    from flask_migrate import upgrade

    from web import create_app
    from web.extensions import db

    os.makedirs(os.environ.get("APP_VAR_DIR", "var"), exist_ok=True)
    app = create_app()
    app.test_client_class = IsolatedClient
    with app.app_context():
        _drop_everything(db)
        upgrade()
        yield app
        db.session.remove()


@pytest.fixture(scope="session")
def sqlite_stack(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """gunicorn and a Celery worker on the tests' database and a SQLite-file broker, started once for the
    integration and the browser tests (tests/integration/conftest.py)."""
    from tests.integration.conftest import launch, stack_env

    where = tmp_path_factory.mktemp("stack")
    broker = f"sqla+sqlite:///{where / 'broker.sqlite'}"
    yield from launch(broker, app, where, stack_env(app, broker), workers=("worker",))


def _drop_everything(db: Any) -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        # A new file: a run cut short can leave tables that refer to ones already dropped.
        db.engine.dispose()
        Path(db.engine.url.database).unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def handed_over(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Ids of emails handed to the notifications queue after a commit, recorded instead of sent to the
    (unreachable) test broker; tests.mail.deliver_queued() sends them as the worker would."""
    handed: list[int] = []
    monkeypatch.setattr("web.emails.hand_over", handed.extend)
    return handed


@pytest.fixture(autouse=True)
def _clean_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test leaves empty tables behind (tests that never touched the app skip this)."""
    yield
    # Checked after the test, so fixtures it asked for by name (getfixturevalue) count too.
    if "app" not in request.fixturenames:
        return
    from web import cache
    from web.extensions import db, limiter

    limiter.reset()  # sign-in counts live outside the database (in Redis when it is configured)
    cache.clear()  # ids start again from 1: a kept page must not outlive its test
    shutil.rmtree(request.getfixturevalue("app").config["MAIL_FILE_PATH"], ignore_errors=True)
    db.session.rollback()
    with db.engine.begin() as connection:
        # DELETE, not TRUNCATE: on tables a test left nearly empty it is a tenth of the time (TRUNCATE makes
        # every table's files anew), a minute and a half over the PostgreSQL run. Only the tables that have
        # rows, found in one query: most tests touch a few of the sixty.
        tables = db.metadata.sorted_tables
        checks = [select(literal(table.name)).where(exists().select_from(table)) for table in tables]
        filled = set(connection.scalars(union_all(*checks)))
        for table in reversed(tables):
            if table.name in filled:
                connection.execute(table.delete())
        if connection.dialect.name == "postgresql":  # ids from 1 again, as SQLite gives them
            # Those that gave an id since their last restart, rolled-back inserts included.
            used = "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' AND last_value > 0"
            restarts = [f'ALTER SEQUENCE "{name}" RESTART' for name in connection.scalars(text(used))]
            if restarts:
                connection.exec_driver_sql("; ".join(restarts))
    db.session.remove()


class IsolatedClient(FlaskClient):
    """A test client whose every request runs as in production, apart from the test's own app context.

    Flask reuses an app context that is already pushed (the test's own), which would share the db
    session and `g` (where Flask-Login keeps the user) between requests. An empty contextvars context
    gives each request its own; the test's session is then expired so it sees what the request saved.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        from flask.globals import _cv_app

        from web.extensions import db

        if _cv_app.get(None) is None:  # already isolated: a redirect being followed
            return super().open(*args, **kwargs)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()
        return response


class ClientRequest:
    """A test client that signs requests with a CSRF token and returns pages as parsed HTML."""

    def __init__(self, client: FlaskClient, app: Flask) -> None:
        self.client = client
        self.app = app
        self._raw_csrf = secrets.token_hex(20)
        self.csrf_token = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(self._raw_csrf)

    def url(self, endpoint: str, **values: Any) -> str:
        with self.app.test_request_context():
            return url_for(endpoint, **values)

    def get(self, endpoint: str, _expected_status: int = 200, **values: Any) -> BeautifulSoup:
        response = self.client.get(self.url(endpoint, **values))
        response.close()  # as a server does once the page is sent (the access log writes then)
        assert response.status_code == _expected_status, response.get_data(as_text=True)[:2000]
        return BeautifulSoup(response.get_data(as_text=True), "html.parser")

    def post(
        self,
        endpoint: str,
        data: dict[str, Any] | None = None,
        _expected_status: int = 302,
        _follow: bool = False,
        **values: Any,
    ) -> BeautifulSoup:
        with self.client.session_transaction() as session:
            session["csrf_token"] = self._raw_csrf  # sign-in clears the session; put the token back
        payload = {"csrf_token": self.csrf_token, **(data or {})}
        response = self.client.post(self.url(endpoint, **values), data=payload, follow_redirects=_follow)
        response.close()
        assert response.status_code == _expected_status, response.get_data(as_text=True)[:2000]
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        page.location = response.headers.get("Location")  # type: ignore[attr-defined]
        return page


def _signed_in(app: Flask, user: Any) -> ClientRequest:
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.session_token
        session["_fresh"] = True
    return ClientRequest(client, app)


@pytest.fixture
def client_request(app: Flask) -> ClientRequest:
    """Nobody signed in."""
    return ClientRequest(app.test_client(), app)


@pytest.fixture
def hub_admin_request(app: Flask) -> ClientRequest:
    """A hub admin of a fresh hub; the user is at .user."""
    return _as("hub_admin", app)


@pytest.fixture
def careers_leader_request(app: Flask) -> ClientRequest:
    """A careers leader of a fresh school; the user is at .user."""
    return _as("careers_leader", app)


@pytest.fixture
def employer_request(app: Flask) -> ClientRequest:
    """An employer user of a fresh, approved employer; the user is at .user."""
    return _as("employer", app)


@pytest.fixture
def student_request(app: Flask) -> ClientRequest:
    """A student of a fresh school; the user is at .user."""
    return _as("student", app)


def _as(role: str, app: Flask) -> ClientRequest:
    user = factories.create_user_for(role)
    request = _signed_in(app, user)
    request.user = user  # type: ignore[attr-defined]
    return request


@pytest.fixture
def sign_in_as(app: Flask):  # type: ignore[no-untyped-def]
    """sign_in_as(user) gives a ClientRequest signed in as that user."""
    return lambda user: _signed_in(app, user)
