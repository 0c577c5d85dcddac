"""Settings per environment, chosen by APP_ENV; the only module that reads os.environ."""

from __future__ import annotations

import os
from pathlib import Path

from config.celery import celery_settings

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("APP_VAR_DIR", ROOT / "var"))


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style URLs name the dialect "postgres", which SQLAlchemy 2 no longer accepts.
    return url.replace("postgres://", "postgresql://", 1)


def _embedded_broker() -> str:
    return f"sqla+sqlite:///{VAR / 'broker.sqlite'}"


class Config:
    """What every environment shares."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{VAR / 'app.sqlite'}")
    # Database errors end up in logs; their bound parameters could be someone's name or postcode.
    SQLALCHEMY_ENGINE_OPTIONS = {"hide_parameters": True}
    BROKER_URL = os.environ.get("REDIS_URL") or _embedded_broker()
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session, which sign-out ends
    SERVICE_NAME = "Arrange work experience"
    VAR_DIR = str(VAR)
    MATCHER_CACHE_DIR = os.environ.get("MATCHER_CACHE_DIR", "")

    @property
    def CELERY(self) -> dict[str, object]:  # noqa: N802 - Flask reads upper-case keys
        return celery_settings(self.BROKER_URL)


class Development(Config):
    """The embedded default: SQLite and an SQLite-file broker, nothing to install."""

    DEBUG = True
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")


class Test(Config):
    """Tests: a database of their own; the broker is unreachable unless a test names one."""

    TESTING = True
    SECRET_KEY = "test-only"
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{VAR / 'test.sqlite'}")
    # An unplanned enqueue must fail loudly rather than vanish into a real queue.
    BROKER_URL = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:1/0")


class Production(Config):
    """Production refuses to start without its secrets."""

    SESSION_COOKIE_SECURE = True

    def __init__(self) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"Production needs {' and '.join(missing)} set in the environment")


ENVIRONMENTS = {"development": Development, "test": Test, "production": Production}


def get_config(name: str | None = None) -> Config:
    """The settings for APP_ENV (default development)."""
    name = name or os.environ.get("APP_ENV", "development")
    try:
        return ENVIRONMENTS[name]()
    except KeyError:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {name!r}") from None
