"""Benchmark a hub-wide matching round end to end, and (with --pages) the round and report pages under load.

    python -m bench.hub [--database-url URL] [--schools 200] [--students-per-year 175]
                                [--opportunities 12000] [--repeat 1] [--pages] [--keep]

Seeds a hub of that size (`flask seed-demo`'s generator: real Greater Manchester postcodes, Year 10, 60%
ranking six places) into a database of its own: a new SQLite file under /tmp by default, or the PostgreSQL
database --database-url names (created if missing). That database must have no tables, or hold a hub this
benchmark left there with --keep (then it is reused, not seeded again). Then, in a fresh process each time
(so the peak memory is the round's own), it makes a hub-wide round of every kind and calls the round task
as a function, as a worker would, and prints seconds per stage (read, candidates, scores, allocation,
save) and end to end, with the process's peak resident memory; then draws the demo pupil's pages
(Opportunities with filters, Choices, Offers) and the hub admin's overview and employers list one request at a
time (bench/student_pages.py), against under 100 ms and 300 kB a page.

--pages (PostgreSQL only) then serves the app with gunicorn (2 workers) and loads the careers leader's
round page of a school round and the hub report page with locust (bench/pages.py, headless, 50
users), next to a hello-world Flask app under the same gunicorn settings (bench/serving.py).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = Path("/tmp/bench-hub")
STAGES = {
    "Finding opportunities each student can take": "candidates",
    "Scoring each possible match": "scores",
    "Allocating places": "allocation",
    "Saving proposals": "save",
}
ROUND_TARGET_SECONDS = 5.0
ROUND_TARGET_MB = 1024.0


def main() -> None:
    """Seed, time the round in fresh processes, optionally load the pages, and print the figures."""
    args = _arguments()
    if args.step:
        # A child process: one step, its result as one JSON line on stdout.
        print("RESULT " + json.dumps(_steps()[args.step](args)), flush=True)
        return
    url = args.database_url or f"sqlite:///{SCRATCH / 'hub.sqlite'}"
    if args.pages and not url.startswith("postgresql"):
        sys.exit("--pages needs --database-url of a PostgreSQL database (gunicorn with 2 workers shares it)")
    SCRATCH.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": url, "APP_VAR_DIR": str(SCRATCH / "var"), "APP_ENV": "development"}
    env.pop("REDIS_URL", None)
    dialect = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"Hub benchmark on {dialect}, {os.cpu_count()} cores")
    prepared = _child("prepare", args, env)
    if prepared["seeded"]:
        print(
            f"Seeded {prepared['students']:,} students of {prepared['schools']} schools and "
            f"{prepared['opportunities']:,} published opportunities in {prepared['seconds']:.1f} s "
            f"(peak {prepared['peak_mb']:.0f} MB)"
        )
    else:
        kept = f"{prepared['students']:,} students, {prepared['schools']} schools"
        print(f"Reused the hub kept earlier: {kept}")
    try:
        for _ in range(args.repeat):
            _print_round(_child("round", args, env))
        print("Pages drawn afresh, one request at a time (the pupil's, then the hub admin's):")
        print(_child("pages", args, env)["printed"], end="")
        if args.pages:
            from bench.serving import run_pages

            run_pages(args, env, _child)
    finally:
        if not args.keep:
            _child("drop", args, env)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--database-url", help="a PostgreSQL database of its own (default: SQLite file)")
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--students-per-year", type=int, default=175)
    parser.add_argument("--opportunities", type=int, default=12000)
    parser.add_argument("--repeat", type=int, default=1, help="time the round this many times")
    parser.add_argument(
        "--school-share", action="store_true", help="give each school a fair share (the hub form's default)"
    )
    parser.add_argument("--pages", action="store_true", help="load the pages too (PostgreSQL)")
    parser.add_argument("--users", type=int, default=50, help="locust users (with --pages)")
    parser.add_argument("--run-time", type=int, default=20, help="seconds per locust run (with --pages)")
    parser.add_argument("--keep", action="store_true", help="leave the seeded hub for the next run")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    return parser.parse_args()


def _child(step: str, args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    """Run one step in a new Python process and return what it reported."""
    command = [sys.executable, "-m", "bench.hub", "--step", step, *_size_arguments(args)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    results = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not results:
        sys.exit(f"The {step} step failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(results[-1].removeprefix("RESULT "))
    return result


def _size_arguments(args: argparse.Namespace) -> list[str]:
    return [
        f"--schools={args.schools}",
        f"--students-per-year={args.students_per_year}",
        f"--opportunities={args.opportunities}",
        *(["--school-share"] if args.school_share else []),
    ]


def _print_round(result: dict[str, Any]) -> None:
    stages = result["stages"]
    print(
        f"Hub-wide round: {result['students']:,} students x {result['opportunities']:,} opportunities, "
        f"{result['candidates']:,} candidate pairs, {result['proposals']:,} proposals ({result['status']})"
    )
    for name in ("read", *STAGES.values()):
        print(f"  {name:<12}{stages[name]:7.2f} s")
    total, peak = result["seconds"], result["peak_mb"]
    met = "met" if total <= ROUND_TARGET_SECONDS and peak <= ROUND_TARGET_MB else "NOT met"
    target = f"target <= {ROUND_TARGET_SECONDS:.0f} s, < {ROUND_TARGET_MB / 1024:.0f} GB"
    print(f"  {'end to end':<12}{total:7.2f} s   peak {peak:.0f} MB   {target}: {met}")


def _app() -> Any:
    # Imported here: the settings read DATABASE_URL when first imported, which the parent sets for us.
    from web import create_app

    return create_app()


def _prepare(args: argparse.Namespace) -> dict[str, Any]:
    """Create the database if missing, build its tables and seed the hub, or reuse a hub kept earlier."""
    from flask_migrate import upgrade
    from sqlalchemy import func, inspect, select

    from web.demo import Size, seed
    from web.extensions import db
    from web.models import Hub, Opportunity, School, Student

    app = _app()
    _create_database(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        started = time.perf_counter()
        seeded = not tables
        if seeded:
            upgrade()
            seed(size=Size(args.schools, args.students_per_year, (10,), args.opportunities))
        elif not _kept_hub(tables):
            sys.exit(
                "That database already has tables: give the benchmark an empty database of its own "
                "(it seeds its hub there and drops it afterwards), or one it kept with --keep."
            )
        _vacuum()
        count = {
            name: db.session.scalar(select(func.count()).select_from(model).where(*where))
            for name, model, where in (
                ("schools", School, ()),
                ("students", Student, ()),
                ("opportunities", Opportunity, (Opportunity.status == "published",)),
                ("hubs", Hub, ()),
            )
        }
    return {"seeded": seeded, "seconds": time.perf_counter() - started, "peak_mb": _peak_mb(), **count}


def _pages(args: argparse.Namespace) -> dict[str, Any]:
    """Draw the pupil's and the hub admin's pages on the seeded hub (bench/student_pages.py), one
    request at a time through the test client, and hand back the figures printed."""
    from bench.student_pages import draw_pages

    app = _app()
    app.config["WTF_CSRF_ENABLED"] = False  # it signs in by posting the form itself
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        met = draw_pages(app, repeat=5)
    return {"printed": printed.getvalue(), "met": met}


def _create_database(url: str) -> None:
    """Create the PostgreSQL database the URL names if it does not exist yet (SQLite makes its file)."""
    from sqlalchemy import create_engine, make_url, text
    from sqlalchemy.exc import OperationalError

    target = make_url(url)
    if target.get_backend_name() != "postgresql":
        return
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        connection = server.connect()
    except OperationalError as error:
        where = target.render_as_string(hide_password=True)
        sys.exit(f"PostgreSQL is not answering at {where}: {error.orig}")
    with connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        )
        if not exists:
            quoted = server.dialect.identifier_preparer.quote(str(target.database))
            connection.execute(text(f"CREATE DATABASE {quoted}"))
    server.dispose()


def _kept_hub(tables: set[str]) -> bool:
    """Whether the database holds just the demo hub (kept by an earlier run), and so may be reused."""
    from sqlalchemy import func, select

    from web.demo import LOGINS
    from web.demo.data import HUB
    from web.extensions import db
    from web.models import Hub, User

    if "hub" not in tables or "user" not in tables:
        return False
    hubs = list(db.session.scalars(select(Hub.name)))
    users = db.session.scalar(select(func.count()).select_from(User))
    return hubs == [HUB["name"]] and users == len(LOGINS)


def _round(args: argparse.Namespace) -> dict[str, Any]:
    """Make a hub-wide round of every kind and run the round task on it as a function, timing its stages."""
    from sqlalchemy import delete, func, select

    from web.dao.base import transaction
    from web.dao.rounds import add_round
    from web.extensions import db
    from web.models import Allocation, Hub, MatchRound
    from web.postcodes import postcode_index
    from workers.matching_tasks import run_round
    from workers.round_inputs import default_policy

    app = _app()
    with app.app_context():
        # A worker has the postcode directory open already (once per process), so this round does too.
        postcode_index().locate(["M1 1AD"])
        with transaction():
            db.session.execute(delete(MatchRound))  # an earlier run's round would hold every student
            hub_id = db.session.scalar(select(Hub.id))
            policy = {**default_policy(), "school_share": args.school_share}
            round_id = add_round(hub_id=hub_id, school_id=None, kind=None, policy=policy, seed=1).id
        stages = _StageClock()
        logging.getLogger("workers.matching_tasks").addHandler(stages)
        logging.getLogger("workers.matching_tasks").setLevel(logging.DEBUG)
        started = time.time()
        run_round.run(round_id)
        finished = time.time()
        done = db.session.get(MatchRound, round_id)
        assert done is not None
        proposals = db.session.scalar(
            select(func.count()).select_from(Allocation).where(Allocation.round_id == round_id)
        )
        metrics = done.metrics or {}
        result = {
            "status": done.status if not done.error else f"{done.status}: {done.error}",
            "students": metrics.get("students", 0),
            "opportunities": metrics.get("opportunities", 0),
            "candidates": metrics.get("candidates", 0),
            "proposals": proposals,
            "seconds": finished - started,
            "stages": stages.seconds(started, finished),
            "peak_mb": _peak_mb(),
        }
        with transaction():
            db.session.execute(delete(MatchRound).where(MatchRound.id == round_id))
        _vacuum()
    return result


def _vacuum() -> None:
    """Clear away an earlier run's deleted proposals and refresh PostgreSQL's statistics: the next round
    then starts from the database a hub would have, not one whose allocation indexes are full of dead
    entries from the runs before (a scan of the empty table then took a tenth of a second)."""
    from sqlalchemy import text

    from web.extensions import db

    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM FULL allocation"))
            connection.execute(text("VACUUM ANALYZE"))


class _StageClock(logging.Handler):
    """Notes when the round task says each stage began."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.began: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        stage = str(record.args[-1]) if isinstance(record.args, tuple) and record.args else ""
        if stage in STAGES:
            self.began[STAGES[stage]] = record.created

    def seconds(self, started: float, finished: float) -> dict[str, float]:
        """Seconds per stage: reading is everything before the first stage began."""
        marks = [("read", started), *((name, self.began[name]) for name in STAGES.values())]
        ends = [when for _, when in marks[1:]] + [finished]
        return {name: end - begin for (name, begin), end in zip(marks, ends, strict=True)}


def _drop(args: argparse.Namespace) -> dict[str, Any]:
    """Remove the benchmark's hub."""
    drop_database(SCRATCH)
    return {}


def drop_database(scratch: Path) -> None:
    """Drop every table (PostgreSQL) or delete the file (SQLite) of DATABASE_URL, and scratch's var folder."""
    from sqlalchemy import text

    from web.extensions import db

    app = _app()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            db.engine.dispose()
            Path(str(db.engine.url.database)).unlink(missing_ok=True)
    shutil.rmtree(scratch / "var", ignore_errors=True)


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


STEPS = ("prepare", "round", "pages", "school-round", "drop")


def _steps() -> dict[str, Callable[[argparse.Namespace], dict[str, Any]]]:
    from bench.serving import school_round

    return {
        "prepare": _prepare,
        "round": _round,
        "pages": _pages,
        "school-round": school_round,
        "drop": _drop,
    }


if __name__ == "__main__":
    main()
