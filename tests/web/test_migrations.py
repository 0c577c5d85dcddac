"""Guard: the database the migrations build is the one the models describe (on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import MetaData, create_engine, make_url, select, text

from config.settings import Test
from tests import db as factories
from web import create_app
from web.dao import round_claims
from web.dao import rounds as rounds_dao
from web.dao.base import transaction
from web.extensions import db
from web.models import Allocation, Hub, MatchRound
from web.models.base import utcnow


def _differ(context, inspected, column, inspected_default, default, rendered_default):  # type: ignore[no-untyped-def]
    # Alembic's SQLite comparison unquotes every reflected default but the empty string (its pattern
    # wants a character), read as "''" or, in a table rebuilt by a batch migration, "('')"; anything
    # else is left to Alembic (None).
    if inspected_default in ("''", "('')") and rendered_default in ("", "''"):
        return False
    return None


def test_the_migrations_build_exactly_what_the_models_describe(app: Flask) -> None:
    # Types and server defaults too: bulk inserts (COPY, executemany) get only what the database applies.
    options = {"compare_type": True, "compare_server_default": _differ}
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts=options), db.metadata)
    assert differences == []


@pytest.fixture
def blank_database(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """An app on a database of its own (a SQLite file, or a sibling PostgreSQL database), left empty."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "postgresql":
        own = url.set(database=f"{url.database}_migrations")
        with create_engine(url, isolation_level="AUTOCOMMIT").connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{own.database}"'))
            connection.execute(text(f'CREATE DATABASE "{own.database}"'))
        uri = own.render_as_string(hide_password=False)
    else:
        uri = f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    config = Test()
    config.SQLALCHEMY_DATABASE_URI = uri
    other = create_app(config)
    with other.app_context():
        yield other
        db.session.remove()
        db.engine.dispose()
    # create_app made the other app's Celery the current one; tasks called as tasks would run in its context.
    app.extensions["celery"].set_current()
    app.extensions["celery"].set_default()


def test_the_upgrade_frees_rounds_stranded_before_it_and_keeps_the_furthest_of_double_offers(
    blank_database: Flask,
) -> None:
    upgrade(revision="0001")
    long_ago = utcnow() - timedelta(hours=2)
    day = date.today() + timedelta(days=30)
    stamps = {"created_at": long_ago}
    student = {
        **stamps,
        "school_id": 1,
        "first_name": "A",
        "last_name": "B",
        "year_group": 10,
        "date_of_birth": date(2011, 1, 1),
        "postcode": "M1 1AD",
        "disadvantaged": False,
        "send": False,
        "routes": [],
        "statement": "",
        "pathway_interest": "both",
        "max_travel_km": 10,
        "updated_at": long_ago,
    }
    match_round = {**stamps, "hub_id": 1, "mechanism": "optimal", "policy": {}, "seed": 0, "progress": 5}
    match_round |= {"stage": "s", "error": "", "metrics": {}}
    # The double offer: student 1 offered, then proposed again; student 2 accepted, then offered again.
    allocations = [(1, 1, 3, "offered"), (2, 1, 1, "proposed"), (3, 2, 3, "accepted"), (4, 2, 1, "offered")]
    rows = {
        "hub": [{**stamps, "id": 1, "name": "Hub", "area": "Area"}],
        "school": [
            {"id": 1, "hub_id": 1, "urn": "100001", "name": "S", "postcode": "M1 1AD", "phase": "secondary"}
        ],
        "employer": [
            {
                **stamps,
                "id": 1,
                "hub_id": 1,
                "name": "E",
                "route": "digital",
                "postcode": "M1 1AD",
                "status": "approved",
                "risk_assessment_on_file": True,
                "risk_assessment_summary": "",
                "supervisor_name": "",
            }
        ],
        "opportunity": [
            {
                **stamps,
                "id": 1,
                "employer_id": 1,
                "kind": "work_experience",
                "title": "T",
                "description": "D",
                "route": "digital",
                "pathway": "both",
                "postcode": "M1 1AD",
                "remote": False,
                "capacity": 5,
                "places_taken": 1,
                "start_date": day,
                "end_date": day,
                "hours_per_day": 7,
                "year_groups": [10],
                "min_age": 14,
                "accessibility_notes": "",
                "status": "published",
                "updated_at": long_ago,
            }
        ],
        "student": [{**student, "id": 1}, {**student, "id": 2}],
        "match_round": [
            {**match_round, "id": 1, "school_id": 1, "status": "running"},
            {**match_round, "id": 2, "school_id": 1, "status": "running"},
            {**match_round, "id": 3, "school_id": 1, "status": "succeeded"},
            {**match_round, "id": 4, "school_id": None, "status": "queued"},
        ],
        "allocation": [
            {
                **stamps,
                "id": i,
                "student_id": s,
                "round_id": r,
                "opportunity_id": 1,
                "score": 1.0,
                "status": status,
            }
            | {"explanation": {}}
            for i, s, r, status in allocations
        ],
    }
    with db.engine.begin() as connection:
        tables = MetaData()
        tables.reflect(connection)
        for name, values in rows.items():
            connection.execute(tables.tables[name].insert(), values)

    upgrade()

    rounds = {r.id: r.status for r in db.session.scalars(select(MatchRound))}
    assert rounds == {1: "failed", 2: "running", 3: "succeeded", 4: "queued"}
    stale_before = utcnow() - timedelta(minutes=5)
    assert [round_id for round_id, _, _ in round_claims.abandoned_rounds(stale_before)] == [2]
    assert round_claims.unsent_rounds(stale_before) == [4]
    # Rebuilding tables (SQLite's batch mode) must not cascade into the rows that refer to them.
    statuses = dict(db.session.execute(select(Allocation.id, Allocation.status)).all())
    assert statuses == {1: "offered", 2: "expired", 3: "accepted", 4: "expired"}


def test_a_schema_built_from_the_models_takes_a_bulk_insert_of_proposals(
    blank_database: Flask,
) -> None:
    # PostgreSQL COPYs proposals in, so the database itself must fill what the rows leave out (ended_reason).
    db.create_all()
    school = factories.create_school()
    place = factories.create_opportunity(factories.create_employer(db.session.get(Hub, school.hub_id)))
    student = factories.create_student(school)
    match_round = factories.create_round(school)
    proposal = {
        "student_id": student.id,
        "opportunity_id": place.id,
        "score": 1.0,
        "rank": 1,
        "explanation": {},
    }

    with transaction():
        assert rounds_dao.add_proposals(match_round.id, [proposal]) == 1

    assert db.session.scalars(select(Allocation.ended_reason)).all() == [""]
