"""Benchmark a hub-wide event allocation end to end: read from the database, allocate, explain, store.

    python -m bench.event_season [--database-url URL] [--repeat 1] [--keep]

Seeds `flask seed-demo`'s generator at hub scale (200 schools of 175 Year 9 pupils: 35,000) into a database
of its own (a new SQLite file under /tmp by default, or the PostgreSQL database --database-url names,
created if missing, which must have no tables or hold a season this benchmark kept with --keep), then adds
bench/events.py's season as open events: 300 events of 40 slots (12,000), each school taking part in the
events its pupils list there; a fair is visited once a period (max_slots its periods), an interview day
once. Then, in a fresh process each time (so the peak memory is the allocation's own), it starts an
allocation as the hub's page does and runs the worker's task on it as a function, printing seconds per
stage (read, engine, explain, save) and end to end, with the peak resident memory, against 5 s and 1 GB.

Unlike bench/events.py, whose pupils list 10 to 30 slots each, every pupil here may take every stand of
their school's events, as the product offers them (scored by route fit); the worker hands the engine each
event's stands at the same time as one session, so a pupil lists a fair's periods, not its 40 stands.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.hub import ROOT, _app, _create_database, _peak_mb, drop_database

SCRATCH = Path("/tmp/bench-event-season")
TARGET_SECONDS, TARGET_MB = 5.0, 1024.0
SCHOOLS, PUPILS = 200, 175
INTERVIEW_ROUTES = (
    "digital",
    "engineering-and-manufacturing",
    "health-and-science",
    "construction-and-the-built-environment",
)


def main() -> None:
    """Seed (or reuse) the season, time the allocation in fresh processes, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--database-url", help="a PostgreSQL database of its own (default: SQLite file)")
    parser.add_argument("--repeat", type=int, default=1, help="time the allocation this many times")
    parser.add_argument("--keep", action="store_true", help="leave the seeded season for the next run")
    parser.add_argument("--step", choices=("prepare", "allocate", "drop"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        steps: dict[str, Callable[[], dict[str, Any]]] = {
            "prepare": _prepare,
            "allocate": _allocate,
            "drop": _drop,
        }
        print("RESULT " + json.dumps(steps[args.step]()), flush=True)
        return
    url = args.database_url or f"sqlite:///{SCRATCH / 'season.sqlite'}"
    SCRATCH.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": url, "APP_VAR_DIR": str(SCRATCH / "var"), "APP_ENV": "development"}
    env.pop("REDIS_URL", None)
    dialect = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"Event season benchmark on {dialect}, {os.cpu_count()} cores")
    prepared = _child("prepare", env)
    how = f"seeded in {prepared['seconds']:.1f} s" if prepared["seeded"] else "kept from an earlier run"
    print(
        f"{prepared['pupils']:,} pupils of {prepared['schools']} schools, {prepared['events']} open events, "
        f"{prepared['slots']:,} slots, {prepared['places']:,} places ({how})"
    )
    try:
        for _ in range(args.repeat):
            _print(_child("allocate", env))
    finally:
        if not args.keep:
            _child("drop", env)


def _child(step: str, env: dict[str, str]) -> dict[str, Any]:
    """Run one step in a new Python process and return what it reported."""
    command = [sys.executable, "-m", "bench.event_season", "--step", step]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    results = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not results:
        sys.exit(f"The {step} step failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(results[-1].removeprefix("RESULT "))
    return result


def _print(result: dict[str, Any]) -> None:
    print(
        f"Allocation ({result['status']}): {result['pupils']:,} pupils, {result['pairs']:,} pairs they may "
        f"take, {result['proposed']:,} places proposed, {result['waitlisted']:,} waiting"
    )
    for name, seconds in result["stages"].items():
        print(f"  {name:<10}{seconds:7.2f} s")
    engine = ", ".join(f"{name} {seconds:.2f}" for name, seconds in result["engine"].items())
    print(f"  (engine: {engine})")
    total, peak = result["seconds"], result["peak_mb"]
    met = "met" if total <= TARGET_SECONDS and peak <= TARGET_MB else "NOT met"
    print(f"  {'end to end':<10}{total:7.2f} s   peak {peak:.0f} MB   target <= 5 s, < 1 GB: {met}")


def _prepare() -> dict[str, Any]:
    """Create the database if missing, build its tables, seed the hub and add the season's events."""
    from flask_migrate import upgrade
    from sqlalchemy import func, inspect, select

    from web.demo import Size, seed
    from web.extensions import db
    from web.models import EncounterEvent, EventSlot, School, Student

    app = _app()
    _create_database(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.app_context():
        started = time.perf_counter()
        tables = set(inspect(db.engine).get_table_names())
        seeded = not tables
        if seeded:
            upgrade()
            hub_id = seed(size=Size(SCHOOLS, PUPILS, (9,), 100)).hub_id
            _add_season(hub_id)
        elif "event_slot" not in tables or not db.session.scalar(select(func.count()).select_from(EventSlot)):
            sys.exit("That database already has tables: give the benchmark an empty database of its own")
        count = {
            name: db.session.scalar(select(func.count()).select_from(model).where(*where))
            for name, model, where in (
                ("schools", School, ()),
                ("pupils", Student, ()),
                ("events", EncounterEvent, (EncounterEvent.status == "open",)),
                ("slots", EventSlot, ()),
            )
        }
        places = db.session.scalar(select(func.sum(EventSlot.capacity)))
    return {"seeded": seeded, "seconds": time.perf_counter() - started, "places": places, **count}


def _add_season(hub_id: int) -> None:
    """bench/events.py's season as the hub's open events, from a fortnight on (core inserts, one commit)."""
    import numpy as np
    from sqlalchemy import insert, select, text

    from bench.events import make_season
    from web.extensions import db
    from web.models import EncounterEvent, EventSchool, EventSlot, School

    season = make_season(0, SCHOOLS, PUPILS)
    school_ids = list(
        db.session.scalars(select(School.id).where(School.hub_id == hub_id).order_by(School.id))
    )
    start = datetime.combine(date.today() + timedelta(days=14), datetime.min.time())
    n_events = int(season.slot_event.max()) + 1
    first = np.searchsorted(season.slot_event, np.arange(n_events))
    events = []
    for e in range(n_events):
        slots = slice(first[e], first[e + 1] if e + 1 < n_events else season.n_slots)
        periods = np.unique(season.slot_start[slots]).size
        interview = bool(season.event_one_each[e])
        events.append(
            {
                "hub_id": hub_id,
                "title": f"{'Mock interviews' if interview else 'Careers fair'} {e + 1}",
                "format": "mock_interviews" if interview else "careers_fair",
                "route": INTERVIEW_ROUTES[e % len(INTERVIEW_ROUTES)] if interview else None,
                "pathway": "both",
                "held_on": (start + timedelta(minutes=int(season.slot_start[slots.start]))).date(),
                "venue": "Manchester Central, Windmill Street",
                "year_groups": [9],
                "max_slots": 1 if interview else periods,
                "status": "open",
            }
        )
    event_ids = [
        db.session.execute(insert(EncounterEvent).values(row)).inserted_primary_key[0] for row in events
    ]
    db.session.execute(
        insert(EventSlot.__table__),
        [
            {
                "event_id": event_ids[int(season.slot_event[j])],
                "label": f"Stand {j % 40 + 1}",
                "starts_at": start + timedelta(minutes=int(season.slot_start[j])),
                "ends_at": start + timedelta(minutes=int(season.slot_end[j])),
                "capacity": int(season.capacity[j]),
                "invite_limit": int(season.capacity[j]),
                "places_taken": 0,
            }
            for j in range(season.n_slots)
        ],
    )
    # A school takes part in the events its pupils list slots of.
    school_of_entry = season.pupil_school[np.repeat(np.arange(season.n_pupils), np.diff(season.pref_ptr))]
    pairs = np.unique(school_of_entry.astype(np.int64) * n_events + season.slot_event[season.pref_slot])
    db.session.execute(
        insert(EventSchool.__table__),
        [
            {"event_id": event_ids[int(p % n_events)], "school_id": school_ids[int(p // n_events)]}
            for p in pairs
        ],
    )
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def _allocate() -> dict[str, Any]:
    """Put the season back to unallocated, start an allocation and run the worker's task on it."""
    from sqlalchemy import delete, func, select, update

    import web.dao.events as events_dao
    from web.dao.base import transaction
    from web.extensions import db
    from web.models import EncounterEvent, EventAllocation, EventPlace, EventSlot, Hub, User
    from workers.encounter_tasks import allocate_events

    app = _app()
    with app.app_context():
        with transaction():
            db.session.execute(delete(EventPlace))
            db.session.execute(delete(EventAllocation))
            db.session.execute(update(EventSlot).values(places_taken=0, invite_limit=EventSlot.capacity))
            db.session.execute(update(EncounterEvent).values(status="open"))
        _vacuum()
        hub_id = db.session.scalar(select(Hub.id))
        with transaction():
            user_id = db.session.scalar(select(User.id).where(User.role == "hub_admin"))
            allocation = events_dao.start_allocation(hub_id, user_id)
            assert allocation is not None
            allocation_id = allocation.id
        marks: dict[int, float] = {}
        set_stage = events_dao.set_stage

        def noting(allocation_id: int, claim: str, progress: int, stage: str) -> bool:
            marks[progress] = time.perf_counter()
            return set_stage(allocation_id, claim, progress, stage)

        events_dao.set_stage = noting  # the task calls it through the module, as here
        started = time.perf_counter()
        allocate_events.run(allocation_id)
        finished = time.perf_counter()
        done = db.session.get(EventAllocation, allocation_id)
        assert done is not None
        metrics = done.metrics or {}
        engine = metrics.get("seconds", {})
        counts = dict(
            db.session.execute(select(EventPlace.status, func.count()).group_by(EventPlace.status)).all()
        )
    allocating = marks.get(90, finished) - marks.get(50, finished)
    return {
        "status": done.status if not done.error else f"{done.status}: {done.error}",
        "pupils": metrics.get("pupils", 0),
        "pairs": metrics.get("pairs", 0),
        "proposed": counts.get("proposed", 0),
        "waitlisted": counts.get("waitlisted", 0),
        "seconds": finished - started,
        "stages": {
            "read": marks.get(50, finished) - started,
            "engine": sum(engine.values()),
            "explain": allocating - sum(engine.values()),
            "save": finished - marks.get(90, finished),
        },
        "engine": engine,
        "peak_mb": _peak_mb(),
    }


def _vacuum() -> None:
    from sqlalchemy import text

    from web.extensions import db

    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM FULL event_place"))
            connection.execute(text("VACUUM ANALYZE"))


def _drop() -> dict[str, Any]:
    drop_database(SCRATCH)
    return {}


if __name__ == "__main__":
    main()
