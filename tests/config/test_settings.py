"""Settings per environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.celery import celery_settings
from config.settings import Development, Production, _database_url, _embedded_broker, get_config

PRODUCTION = {
    "SECRET_KEY": "s" * 40,
    "DATABASE_URL": "postgresql://db.example/service",
    "MAIL_SERVER": "smtp.example",
    "SERVICE_URL": "https://work-experience.example",
}


def test_production_refuses_to_start_without_its_secrets_mail_server_and_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in PRODUCTION:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY, DATABASE_URL, MAIL_SERVER, SERVICE_URL"):
        Production()


def test_production_starts_with_them_and_has_no_outbox_page(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    settings = get_config("production")
    assert isinstance(settings, Production)
    assert settings.OUTBOX_PAGE is False


def test_without_database_url_the_database_is_an_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert _database_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite"


def test_heroku_style_postgres_urls_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://db.example/service")
    assert _database_url("sqlite://") == "postgresql://db.example/service"


def test_the_embedded_broker_is_kombus_sqlalchemy_transport_on_a_sqlite_file() -> None:
    assert _embedded_broker().startswith("sqla+sqlite:///")


def test_the_embedded_broker_settings_carry_a_message_through(tmp_path: Path) -> None:
    from kombu import Connection

    url = f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}"
    settings = celery_settings(url, str(tmp_path / "celerybeat-schedule"), {"matching.repair_rounds": 60})
    options = settings.get("broker_transport_options", {})
    with Connection(url, transport_options=options) as connection:
        queue = connection.SimpleQueue("matching")
        queue.put({"round_id": 1})
        assert queue.get(timeout=5).payload == {"round_id": 1}
        queue.close()


def test_unknown_environment_is_named() -> None:
    with pytest.raises(RuntimeError, match="'staging'"):
        get_config("staging")


def test_development_has_a_secret_for_local_use_only() -> None:
    assert Development().SECRET_KEY


def test_database_errors_keep_their_parameters_out_of_logs(app: object) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from web.extensions import db

    with pytest.raises(IntegrityError) as raised:
        db.session.execute(
            text("INSERT INTO hub (id, name, area) VALUES (:id, :name, NULL)"), {"id": 1, "name": "Jo Bloggs"}
        )
    db.session.rollback()
    assert "Jo Bloggs" not in str(raised.value)


def test_passwords_are_hashed_with_rfc_9106_parameters_outside_tests() -> None:
    from argon2 import profiles

    for settings in (Development(), Production.__new__(Production)):
        parameters = getattr(profiles, settings.PASSWORD_HASH_PROFILE)
        assert (parameters.time_cost, parameters.memory_cost) == (3, 64 * 1024)
