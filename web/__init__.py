"""The web application: create_app() builds it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from celery import Celery, Task
from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from config.settings import Config, get_config


def create_app(config: Config | None = None) -> Flask:
    """Build the Flask app for the given settings (default: from APP_ENV)."""
    app = Flask(__name__)
    app.config.from_object(config or get_config())
    _templates(app)

    from web.extensions import csrf, db, limiter, login_manager, mail, migrate

    if app.config["TRUSTED_PROXY_HOPS"]:
        # The client's own address, for the sign-in limits, is in X-Forwarded-For behind a load balancer.
        hops = app.config["TRUSTED_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    db.init_app(app)
    migrate.init_app(app, db, directory=_migrations_dir(), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_pragmas)

    from govuk_frontend_wtf.main import WTFormsHelpers

    WTFormsHelpers(app)
    celery_init_app(app)
    app.url_map.converters["int"] = RecordId
    _blueprints(app)
    _errors(app)
    from web import security

    security.register(app)
    _commands(app)
    return app


class RecordId(IntegerConverter):
    """URL ids: whole numbers that fit the database's integer ids; anything bigger is a 404, not a 500."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def _migrations_dir() -> str:
    return str(Path(__file__).resolve().parent.parent / "migrations")


def _templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("web"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # The web app and the worker write the same file: WAL lets readers through, the timeout waits
    # out a writer instead of failing, and SQLite only enforces foreign keys when asked.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def celery_init_app(app: Flask) -> Celery:
    """Bind a Celery app whose tasks run inside this Flask app's context."""

    class FlaskTask(Task):  # type: ignore[misc]
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    import workers.encounter_tasks  # noqa: F401 - registers the tasks with this app
    import workers.matching_tasks  # noqa: F401
    import workers.notification_tasks  # noqa: F401
    import workers.planner_tasks  # noqa: F401
    import workers.privacy_tasks  # noqa: F401
    import workers.schedule_tasks  # noqa: F401

    return celery_app


def _blueprints(app: Flask) -> None:
    from web import (
        accounts,
        auth,
        careers,
        employers,
        encounters,
        hub,
        parents,
        planner,
        privacy,
        reports,
        students,
    )

    for package in (
        accounts,
        auth,
        careers,
        employers,
        encounters,
        hub,
        parents,
        planner,
        privacy,
        students,
        reports,
    ):
        package.register(app)
    if app.config["OUTBOX_PAGE"]:
        from web.outbox import bp as outbox_bp

        app.register_blueprint(outbox_bp)


def _errors(app: Flask) -> None:
    from web import errors, navigation

    errors.register(app)
    navigation.register(app)


def _commands(app: Flask) -> None:
    from web.commands import register

    register(app)
