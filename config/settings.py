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
    # The largest request body: a school's MIS export is at most 2 MB; anything far bigger gets the 413 page
    # before the form (and its CSRF check) parses it.
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    SERVICE_NAME = "Arrange work experience"
    # A running round's worker writes a heartbeat this often; one silent for ROUND_STALE_SECONDS has died,
    # and the repair task, run every ROUND_REPAIR_SECONDS, gives its round to another worker. The solver
    # can hold the GIL for tens of seconds on a national round, so the stale limit is generous.
    ROUND_HEARTBEAT_SECONDS = 10.0
    ROUND_STALE_SECONDS = 120.0
    ROUND_REPAIR_SECONDS = 60.0
    # A round whose worker died this many times is failed rather than tried again.
    ROUND_MAX_ATTEMPTS = 3
    # An event allocation takes seconds: one queued or running this long lost its message or its worker, and
    # the repair task (every EVENT_REPAIR_SECONDS) sends it again.
    EVENT_STALE_SECONDS = 300.0
    EVENT_REPAIR_SECONDS = 60.0
    # Tests only: a running round or event allocation waits this long after its first stage, so a test can
    # kill its worker.
    ROUND_PAUSE_SECONDS = 0.0
    # Sign-in: wrong passwords in a row before an email address is locked, and for how long (counted in the
    # database); failed sign-ins a minute and an hour from one network address (counted by Flask-Limiter,
    # in Redis when there is one, so every process shares the count). Only failures count against an
    # address, because a school's pupils share one.
    # argon2id's parameters, from argon2-cffi's profiles: RFC 9106's low-memory choice (64 MiB, 3 passes).
    PASSWORD_HASH_PROFILE = "RFC_9106_LOW_MEMORY"
    SIGN_IN_FAILURES_ALLOWED = 10
    SIGN_IN_LOCKOUT_MINUTES = 15
    SIGN_IN_RATE_LIMIT = "30 per minute;300 per hour"
    # Registering an organisation: every post from one network address counts, as each one that succeeds
    # makes an account and emails the hub, and each says whether an email address has an account.
    REGISTER_RATE_LIMIT = "10 per minute;50 per hour"
    # Asking for a password reset link (every request counts: each one sends an email) and choosing a
    # password with an emailed link (only failures count, as for sign-in), per network address.
    ACCOUNT_RATE_LIMIT = "10 per minute;50 per hour"
    # Reset links asked for one email address, from any network address (account or not, alike).
    RESET_ADDRESS_RATE_LIMIT = "5 per hour;10 per day"
    API_RATE_LIMIT = "120 per minute"  # per key, on the reports API
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_KEY_PREFIX = "arrange-work-experience"
    RATELIMIT_HEADERS_ENABLED = True
    # Redis away: count in this process's memory rather than fail every sign-in.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Behind a load balancer, how many proxies' X-Forwarded-For to trust for the client's address.
    TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))
    # Where people reach the service: emailed links start with it.
    SERVICE_URL = os.environ.get("SERVICE_URL", "http://127.0.0.1:5000").rstrip("/")
    # Email: SMTP when MAIL_SERVER is set (production must set it); otherwise each message is written to
    # var/outbox/, listed on the development-only page /dev/outbox, so every emailed link can be followed.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_BACKEND = "smtp" if MAIL_SERVER else "file"
    MAIL_FILE_PATH = str(VAR / "outbox")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "true" if MAIL_PORT == 587 else "false") == "true"
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "true" if MAIL_PORT == 465 else "false") == "true"
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_FROM", "Arrange work experience <no-reply@localhost>")
    MAIL_TIMEOUT = 30
    OUTBOX_PAGE = not MAIL_SERVER
    # An email that cannot go is tried again, backing off from a minute to three hours, for this long after
    # it was written, then marked not delivered (failed) with the kind of failure; one left "sending" by a
    # worker that died, or whose task was lost, is sent again after NOTIFICATION_STALE_SECONDS.
    NOTIFICATION_GIVE_UP_HOURS = 24.0
    NOTIFICATION_STALE_SECONDS = 600.0
    NOTIFICATION_REPAIR_SECONDS = 300.0
    # Single-use links: an invitation lasts a week, a password reset a day.
    INVITATION_DAYS = 7
    RESET_HOURS = 24
    # Sign-in with a school's Google or Microsoft accounts (OpenID Connect, web/auth/oidc.py): a provider
    # whose client id is unset is not offered. Each provider's discovery document can be pointed elsewhere
    # (the tests run a provider of their own). Microsoft's "organizations" document serves every school's
    # tenant; its redirect URI (and Google's) is SERVICE_URL + /sign-in/<provider>/callback.
    OIDC_GOOGLE_CLIENT_ID = os.environ.get("OIDC_GOOGLE_CLIENT_ID", "")
    OIDC_GOOGLE_CLIENT_SECRET = os.environ.get("OIDC_GOOGLE_CLIENT_SECRET", "")
    OIDC_GOOGLE_METADATA_URL = os.environ.get(
        "OIDC_GOOGLE_METADATA_URL", "https://accounts.google.com/.well-known/openid-configuration"
    )
    OIDC_MICROSOFT_CLIENT_ID = os.environ.get("OIDC_MICROSOFT_CLIENT_ID", "")
    OIDC_MICROSOFT_CLIENT_SECRET = os.environ.get("OIDC_MICROSOFT_CLIENT_SECRET", "")
    OIDC_MICROSOFT_METADATA_URL = os.environ.get(
        "OIDC_MICROSOFT_METADATA_URL",
        "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration",
    )
    # Seconds to wait for a provider's discovery document, keys or token endpoint before giving up.
    OIDC_TIMEOUT_SECONDS = 10.0
    # Two-step sign-in (web/auth/two_step.py): whether every hub admin and careers leader who signs in with a
    # password must set up an authenticator before anything else (production: yes; elsewhere staff may set
    # it up from their team page), and how long a right password waits for its code before signing in again.
    TWO_STEP_REQUIRED = False
    TWO_STEP_PENDING_MINUTES = 10
    VAR_DIR = str(VAR)
    MATCHER_CACHE_DIR = os.environ.get("MATCHER_CACHE_DIR", "")
    HSTS_MAX_AGE = 0  # seconds browsers must use HTTPS only; 0 sends no Strict-Transport-Security
    # How old report figures may be (web/cache.py); 0 computes them on every request.
    REPORT_CACHE_SECONDS = float(os.environ.get("REPORT_CACHE_SECONDS", "120"))
    # A careers leader's round page keeps its drawn proposals while their decisions stay the same, and at
    # most this long (a student's or placement's new name shows within it).
    ROUND_PAGE_CACHE_SECONDS = float(os.environ.get("ROUND_PAGE_CACHE_SECONDS", "60"))

    @property
    def CELERY(self) -> dict[str, object]:  # noqa: N802 - Flask reads upper-case keys
        return celery_settings(
            self.BROKER_URL,
            str(Path(self.VAR_DIR) / "celerybeat-schedule"),
            {
                "matching.repair_rounds": self.ROUND_REPAIR_SECONDS,
                "schedule.repair_event_allocations": self.EVENT_REPAIR_SECONDS,
                "schedule.repair_term_plans": self.EVENT_REPAIR_SECONDS,
                "notifications.repair": self.NOTIFICATION_REPAIR_SECONDS,
                "schedule.consent_reminders": 3600.0,
                "schedule.insurance_reminders": 3600.0,
                "schedule.offer_deadlines": 900.0,
                "schedule.purge_imports": 3600.0,
                "schedule.decision_deadlines": 86400.0,
                "schedule.event_notices": 3600.0,
                # Nightly in effect: the run for a day is written once, so the later runs of a day do nothing.
                "privacy.apply_retention": 3600.0,
                "privacy.purge_bundles": 3600.0,
            },
        )


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
    # Seconds, not minutes, so the fault tests see a dead worker's round finished quickly.
    ROUND_HEARTBEAT_SECONDS = 0.5
    ROUND_STALE_SECONDS = 3.0
    ROUND_REPAIR_SECONDS = 1.0
    EVENT_STALE_SECONDS = 5.0
    EVENT_REPAIR_SECONDS = 5.0
    ROUND_PAUSE_SECONDS = float(os.environ.get("TEST_ROUND_PAUSE_SECONDS", "0"))
    API_RATE_LIMIT = "100000 per minute"  # the schema-driven tests call fast (test_api.py tests the limit)
    # A password hash takes 0.16 s with the real parameters and a thousand tests make users: the cheapest
    # profile keeps argon2id (its format is tested) without the cost.
    PASSWORD_HASH_PROFILE = "CHEAPEST"
    NOTIFICATION_STALE_SECONDS = 3.0
    NOTIFICATION_REPAIR_SECONDS = 1.0
    REPORT_CACHE_SECONDS = 0.0  # figures straight after each change (tests/web/reports/test_cache.py: on)
    ROUND_PAGE_CACHE_SECONDS = 0.0  # likewise (tests/web/careers/test_round_page_cache.py: on)
    MAIL_FILE_PATH = str(VAR / "test-outbox")
    # No real provider from the environment: the sign-in tests configure the one they start.
    OIDC_GOOGLE_CLIENT_ID = ""
    OIDC_MICROSOFT_CLIENT_ID = ""


class Production(Config):
    """Production refuses to start without its secrets."""

    SESSION_COOKIE_SECURE = True
    # Production is served over HTTPS only; a year is what browsers' HSTS preload lists ask for.
    HSTS_MAX_AGE = 365 * 24 * 3600

    OUTBOX_PAGE = False  # never, whatever the mail settings: it would show everyone's messages
    # Staff accounts reach every pupil of a school or hub: a password alone is not enough here.
    TWO_STEP_REQUIRED = True

    def __init__(self) -> None:
        needed = ("SECRET_KEY", "DATABASE_URL", "MAIL_SERVER", "SERVICE_URL")
        missing = [name for name in needed if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"Production needs {', '.join(missing)} set in the environment")


ENVIRONMENTS = {"development": Development, "test": Test, "production": Production}


def get_config(name: str | None = None) -> Config:
    """The settings for APP_ENV (default development)."""
    name = name or os.environ.get("APP_ENV", "development")
    try:
        return ENVIRONMENTS[name]()
    except KeyError:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {name!r}") from None
