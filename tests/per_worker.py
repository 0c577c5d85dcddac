"""Imported first by tests/conftest.py: under pytest-xdist (`pytest -n 2`) it gives each worker process its
own services before config.settings reads the environment."""

from __future__ import annotations

import os
from pathlib import Path


def own_services(worker: str) -> None:
    """Under pytest-xdist (`-n 2`), each worker process gets files, a database and a Redis database of its own
    (gw0 and gw1 never share a row or a rate-limit count), chosen before config.settings reads them."""
    number = int(worker.removeprefix("gw"))
    root = Path(os.environ.get("APP_VAR_DIR", Path(__file__).resolve().parents[1] / "var"))
    os.environ["APP_VAR_DIR"] = str(root / f"test-{worker}")
    database = os.environ.get("DATABASE_URL", "")
    if database.startswith("postgres"):
        from sqlalchemy import create_engine, make_url, text

        shared = make_url(database)
        own = shared.set(database=f"{shared.database}_{worker}")
        with create_engine(shared, isolation_level="AUTOCOMMIT").connect() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
            )
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{own.database}"'))
        os.environ["DATABASE_URL"] = own.render_as_string(hide_password=False)
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        base, _, index = redis_url.rpartition("/")
        os.environ["REDIS_URL"] = f"{base}/{(int(index or 0) - number - 1) % 16}"


if os.environ.get("PYTEST_XDIST_WORKER"):
    own_services(os.environ["PYTEST_XDIST_WORKER"])
