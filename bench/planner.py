"""Benchmark the year planner on a whole hub: one term planned and stored end to end.

    python -m bench.planner [--database-url URL] [--repeat 1] [--keep]

Seeds `flask seed-demo`'s generator at hub scale (200 schools x 7 year groups x 175 pupils: 245,000, in
tutor groups, with their records) into a database of its own (a new SQLite file under /tmp by default, or
the PostgreSQL database --database-url names, created if missing, which must have no tables or hold a hub
this benchmark kept with --keep), then 20,000 encounter offers of every format from its organisations (a
tenth of them for whole tutor groups), available all year. Then, in a fresh process each time (so the peak
memory is the plan's own), it starts a plan of next term as the hub's page does and runs the worker's task
on it as a function, printing seconds per stage (read, engine, explain, save) and end to end with the peak
resident memory, against 30 s and 2 GB, and the coverage per group beside the first-come baseline's, run
afterwards on the same inputs (web/planner/planning.py's greedy).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.hub import ROOT, _app, _create_database, _peak_mb, drop_database

SCRATCH = Path("/tmp/bench-planner")
TARGET_SECONDS, TARGET_MB = 30.0, 2048.0
SCHOOLS, PUPILS, YEARS = 200, 175, tuple(range(7, 14))
OFFERS = 20_000
GROUPS = {
    "all": "all short",
    "at_risk": "at risk",
    "priority": "disadvantaged/SEND",
    "no_experience": "no experience",
}
# (format, smallest group, largest, hours, whole group, share of offers)
FORMATS = (
    ("careers_talk", 30, 200, "1", False, 0.25),
    ("mock_interviews", 5, 20, "2", False, 0.1),
    ("cv_workshop", 10, 30, "2", False, 0.1),
    ("workplace_visit", 10, 30, "3", False, 0.15),
    ("workplace_visit", 20, 30, "3", True, 0.1),
    ("workplace_project", 4, 8, "18", False, 0.1),
    ("technical_talk", 30, 150, "1", False, 0.12),
    ("taster_day", 10, 25, "6", False, 0.08),
)


def main() -> None:
    """Seed (or reuse) the hub, time the plan in fresh processes, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--database-url", help="a PostgreSQL database of its own (default: SQLite file)")
    parser.add_argument("--repeat", type=int, default=1, help="time the plan this many times")
    parser.add_argument("--keep", action="store_true", help="leave the seeded hub for the next run")
    parser.add_argument("--step", choices=("prepare", "plan", "drop"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(
            "RESULT " + json.dumps({"prepare": _prepare, "plan": _plan, "drop": _drop}[args.step]()),
            flush=True,
        )
        return
    url = args.database_url or f"sqlite:///{SCRATCH / 'planner.sqlite'}"
    SCRATCH.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": url, "APP_VAR_DIR": str(SCRATCH / "var"), "APP_ENV": "development"}
    env.pop("REDIS_URL", None)
    dialect = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"Year planner benchmark on {dialect}, {os.cpu_count()} cores")
    prepared = _child("prepare", env)
    how = f"seeded in {prepared['seconds']:.0f} s" if prepared["seeded"] else "kept from an earlier run"
    pupils, schools, offers = prepared["pupils"], prepared["schools"], prepared["offers"]
    print(f"{pupils:,} pupils of {schools} schools, {offers:,} offers ({how})")
    try:
        for _ in range(args.repeat):
            _print(_child("plan", env))
    finally:
        if not args.keep:
            _child("drop", env)


def _child(step: str, env: dict[str, str]) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.planner", "--step", step]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    results = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not results:
        sys.exit(f"The {step} step failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(results[-1].removeprefix("RESULT "))
    return result


def _print(result: dict[str, Any]) -> None:
    metrics = result["metrics"]
    places, sessions = metrics.get("places", 0), metrics.get("sessions", 0)
    print(f"Plan ({result['status']}): {places:,} places in {sessions:,} sessions")
    for name, seconds in metrics.get("seconds", {}).items():
        print(f"  {name:<10}{seconds:7.2f} s")
    total, peak = result["seconds"], result["peak_mb"]
    met = "met" if total <= TARGET_SECONDS and peak <= TARGET_MB else "NOT met"
    print(f"  {'end to end':<10}{total:7.2f} s   peak {peak:.0f} MB   target <= 30 s, < 2 GB: {met}")
    baseline = metrics.get("baseline", {})
    print(
        f"  Coverage (pupils short given a place; share of need covered)   vs first-come baseline "
        f"({baseline.get('places', 0):,} places)"
    )
    for key, label in GROUPS.items():
        ours, theirs = metrics.get(key, {}), baseline.get(key, {})
        given, short, covered = ours.get("given", 0), ours.get("short", 0), 100 * ours.get("covered", 0)
        their_given, their_covered = theirs.get("given", 0), 100 * theirs.get("covered", 0)
        print(
            f"    {label:<20}{given:>8,} of {short:>8,}  {covered:5.1f}%"
            f"   | {their_given:>8,}  {their_covered:5.1f}%"
        )


def _prepare() -> dict[str, Any]:
    """Create the database if missing, build its tables, seed the hub and add the offers."""
    from flask_migrate import upgrade
    from sqlalchemy import func, inspect, select

    from web.demo import Size, seed
    from web.extensions import db
    from web.models import EncounterOffer, School, Student

    app = _app()
    _create_database(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.app_context():
        started = time.perf_counter()
        tables = set(inspect(db.engine).get_table_names())
        seeded = not tables
        if seeded:
            upgrade()
            seed(size=Size(SCHOOLS, PUPILS, YEARS, 100))
            _add_offers()
        elif "term_plan" not in tables:
            sys.exit("That database already has tables: give the benchmark an empty database of its own")
        counts = {
            name: db.session.scalar(select(func.count()).select_from(model))
            for name, model in (("schools", School), ("pupils", Student), ("offers", EncounterOffer))
        }
    return {"seeded": seeded, "seconds": time.perf_counter() - started, **counts}


def _add_offers() -> None:
    """OFFERS offers spread over the hub's approved organisations, of FORMATS in their shares."""
    from sqlalchemy import insert, select

    from web.dao.base import transaction
    from web.extensions import db
    from web.models import Employer, EncounterOffer

    rng = random.Random(7)
    organisations = db.session.execute(
        select(Employer.id, Employer.kind).where(Employer.status == "approved")
    ).all()
    employers = [row.id for row in organisations if row.kind == "employer"]
    providers = [row.id for row in organisations if row.kind != "employer"] or employers
    today = date.today()
    rows = []
    for format_, smallest, largest, hours, whole, share in FORMATS:
        for _ in range(round(OFFERS * share)):
            low = rng.randint(7, 12)
            days = 3 if format_ == "workplace_project" else 1
            rows.append(
                {
                    "employer_id": rng.choice(
                        providers if format_ in ("technical_talk", "taster_day") else employers
                    ),
                    "format": format_,
                    "route": "digital",
                    "pathway": "both",
                    "year_groups": [low, low + 1],
                    "group_min": smallest,
                    "group_max": largest,
                    "hours": Decimal(hours),
                    "days": days,
                    "whole_group": whole,
                    "staff_places": 2 if whole else 0,
                    "location": "workplace"
                    if format_ in ("workplace_visit", "workplace_project")
                    else "school",
                    "travel_km": rng.choice((10, 15, 25)),
                    "available_from": today,
                    "available_until": today + timedelta(days=365),
                    "per_term": rng.randint(1, 3),
                    "status": "offered",
                }
            )
    with transaction():
        db.session.execute(insert(EncounterOffer), rows)


def _plan() -> dict[str, Any]:
    """Start a plan of next term as the hub's page does and run the worker's task on it."""
    from sqlalchemy import delete, select

    from web.dao import plans as dao
    from web.dao.base import transaction
    from web.extensions import db
    from web.models import Hub, TermPlan, User
    from web.planner.planning import greedy
    from web.planner.terms import coming_terms
    from workers.plan_inputs import load_plan_inputs
    from workers.planner_tasks import coverage, make_plan

    app = _app()
    with app.app_context():
        with transaction():
            db.session.execute(delete(TermPlan))
        _vacuum()
        hub_id = db.session.scalar(select(Hub.id).order_by(Hub.id))
        year, term = coming_terms(date.today())[1]
        with transaction():
            user_id = db.session.scalar(select(User.id).where(User.role == "hub_admin"))
            plan = dao.start_plan(hub_id, year, term, 0, user_id)
            assert plan is not None
            plan_id = plan.id
        started = time.perf_counter()
        make_plan.run(plan_id)
        finished = time.perf_counter()
        done = db.session.get(TermPlan, plan_id)
        assert done is not None
        metrics = dict(done.metrics or {})
        # The baseline, on the same inputs, after the timing: first come, first served.
        inputs = load_plan_inputs(done, date.today())
        metrics["baseline"] = coverage(inputs, greedy(inputs.pupils, inputs.offers))
        return {
            "status": done.status if not done.error else f"{done.status}: {done.error}",
            "metrics": metrics,
            "seconds": finished - started,
            "peak_mb": _peak_mb(),
        }


def _vacuum() -> None:
    """On PostgreSQL, clear the last run's 600,000 deleted items before the timing, as bench.event_season
    does its places: a hub deletes one plan at a time, and autovacuum clears it long before the next."""
    from sqlalchemy import text

    from web.extensions import db

    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE plan_item, plan_session, term_plan"))


def _drop() -> dict[str, Any]:
    drop_database(SCRATCH)
    return {}


if __name__ == "__main__":
    main()
