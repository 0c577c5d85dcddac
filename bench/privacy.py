"""Benchmark the privacy work on the hub benchmark's database: the nightly retention run, and what the access
log costs a page.

    python -m bench.privacy [--database-url URL] [--leavers 0.2] [--repeat 30]

Seeds the hub benchmark's hub (200 schools of 175 pupils: 35,000) into a database of its own (a new SQLite
file under /tmp by default, or the empty PostgreSQL database --database-url names, created if missing) and
dropped afterwards. Then:

1. Dates moved forward: a share of the pupils (--leavers) left the school 800 days ago, past the two years the
   schedule keeps leavers, and 200,000 access-log rows are spread over the last two years. The nightly task
   (workers/privacy_tasks.apply_retention, called as a function) writes the week's notice and anonymises or
   deletes what is due; it prints the seconds of each and what it did. A second run the same day is timed
   too: it finds the day's rows and does nothing.
2. The access log's cost per page: a careers leader's students list (50 pupils a page) and one pupil's page,
   drawn through the test client --repeat times each with the log and without it (its after-request hook
   taken off), alternating, in this process; it prints the median milliseconds of each and the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.hub import _create_database, _peak_mb, drop_database

SCRATCH = Path("/tmp/bench-privacy")
SCHOOLS, PUPILS = 200, 175
LOG_ROWS = 200_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument(
        "--database-url", help="an empty PostgreSQL database of its own (default: SQLite file)"
    )
    parser.add_argument("--leavers", type=float, default=0.2, help="share of pupils who left 800 days ago")
    parser.add_argument("--repeat", type=int, default=30, help="draws of each page, with and without the log")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{SCRATCH / 'privacy.sqlite'}"
    SCRATCH.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    os.environ.update({"DATABASE_URL": url, "APP_VAR_DIR": str(SCRATCH / "var"), "APP_ENV": "development"})
    os.environ.pop("REDIS_URL", None)
    dialect = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"Privacy benchmark on {dialect}, {os.cpu_count()} cores")
    from web import create_app

    app = create_app()
    _create_database(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with app.app_context():
            hub_id = _seed(args.leavers)
            _retention(hub_id)
        _pages(app, args.repeat)
    finally:
        drop_database(SCRATCH)


def _seed(leavers: float) -> int:
    from flask_migrate import upgrade
    from sqlalchemy import insert, inspect, select, update

    from web.demo import Size, seed
    from web.extensions import db
    from web.models import AccessLog, Student, User

    if inspect(db.engine).get_table_names():
        sys.exit("That database already has tables: give the benchmark an empty database of its own")
    started = time.perf_counter()
    upgrade()
    hub_id = seed(size=Size(SCHOOLS, PUPILS, (10,), 100)).hub_id
    ids = list(db.session.scalars(select(Student.id).order_by(Student.id)))
    leaving = ids[:: max(1, round(1 / leavers))] if leavers > 0 else []
    left_on = date.today() - timedelta(days=800)
    for start in range(0, len(leaving), 1000):
        db.session.execute(
            update(Student).where(Student.id.in_(leaving[start : start + 1000])).values(left_on=left_on)
        )
    viewer = db.session.scalar(select(User.id).where(User.role == "careers_leader"))
    now = datetime.now()
    rows = [
        {
            "user_id": viewer,
            "student_id": ids[n % len(ids)],
            "page": "careers.student",
            "at": now - timedelta(hours=n % 17_520),
        }
        for n in range(LOG_ROWS)
    ]
    for start in range(0, len(rows), 20_000):
        db.session.execute(insert(AccessLog), rows[start : start + 20_000])
    db.session.commit()
    print(
        f"{len(ids):,} pupils of {SCHOOLS} schools, {len(leaving):,} of them left 800 days ago, "
        f"{LOG_ROWS:,} access-log rows over two years (seeded in {time.perf_counter() - started:.1f} s)"
    )
    return hub_id


def _retention(hub_id: int) -> None:
    from sqlalchemy import select

    from web.extensions import db
    from web.models import RetentionRun
    from workers import privacy_tasks

    for label in ("first run of the night", "second run, same night"):
        started = time.perf_counter()
        privacy_tasks.apply_retention()
        seconds = time.perf_counter() - started
        print(f"Nightly retention task, {label}: {seconds:.2f} s")
    for run in db.session.scalars(
        select(RetentionRun).where(RetentionRun.hub_id == hub_id).order_by(RetentionRun.kind)
    ):
        done = ", ".join(f"{kind} {count:,}" for kind, count in run.counts.items() if count) or "nothing"
        print(f"  {run.kind:<8}{run.seconds:6.2f} s  for {run.on_date}: {done}")
    print(f"  peak memory {_peak_mb():.0f} MB")


def _pages(app: Any, repeat: int) -> None:
    from flask import url_for
    from sqlalchemy import select

    from web.extensions import db
    from web.models import Student, User
    from web.privacy import access_log

    with app.app_context():
        leader = db.session.scalar(select(User).where(User.role == "careers_leader"))
        pupil = db.session.scalar(select(Student.id).where(Student.school_id == leader.school_id))
        token = leader.session_token
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    hooks = app.after_request_funcs.setdefault(None, [])
    with app.test_request_context():
        pages = {
            "students list": url_for("careers.students"),
            "pupil's page": url_for("careers.student", student_id=pupil),
        }
    print(f"Access log cost per page (median ms of {repeat}, careers leader, test client):")
    print(
        "  the page is sent before the log is written (when the server closes the response); 'closed' adds it"
    )
    for name, path in pages.items():
        times: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
        for n in range(repeat * 2 + 2):
            logged = n % 2 == 0
            if logged and access_log._write not in hooks:
                hooks.append(access_log._write)
            if not logged and access_log._write in hooks:
                hooks.remove(access_log._write)
            started = time.perf_counter()
            response = client.get(path)
            sent = time.perf_counter()
            response.close()
            closed = time.perf_counter()
            assert response.status_code == 200, response.status_code
            if n >= 2:  # the first of each is warming up
                times[logged].append(((sent - started) * 1000, (closed - started) * 1000))
        sent_with, closed_with = (statistics.median(t[i] for t in times[True]) for i in (0, 1))
        sent_without, closed_without = (statistics.median(t[i] for t in times[False]) for i in (0, 1))
        print(
            f"  {name:<14} sent: without {sent_without:5.1f}, with {sent_with:5.1f} "
            f"(ratio {sent_with / sent_without:.3f});  closed: without {closed_without:5.1f}, "
            f"with {closed_with:5.1f} (ratio {closed_with / closed_without:.3f})"
        )
    if access_log._write not in hooks:
        hooks.append(access_log._write)


if __name__ == "__main__":
    main()
