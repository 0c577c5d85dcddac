"""Time the careers leader's entitlements page for a year group of 250, drawn afresh each time.

    python -m bench.ledger [--database-url URL] [--pupils 250] [--repeat 7] [--keep]

Builds the tables with the migrations in a database of its own (a new SQLite file under /tmp by default, or
the PostgreSQL database --database-url names, created if missing, which must have no tables) and seeds one
school: --pupils Year 9 pupils, each with records over Years 7 to 9 (encounters, provider encounters and
workplace hours) and an invited place at a fair to come, in a hub of 20 schools of the same. Then, best of
--repeat runs through the test client (target: under 100 ms), beside the school's "Encounters this year"
page as the baseline, a page of the same pupils' records drawn in the same process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.registers import _app, _client, _drop

SCRATCH = Path("/tmp/bench-ledger")
TARGET_MS = 100.0
SCHOOLS = 20


def main() -> None:
    """Seed the school, time the page and the baseline, print milliseconds and their ratio."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--pupils", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="leave the database as it is afterwards")
    args = parser.parse_args()
    SCRATCH.mkdir(parents=True, exist_ok=True)
    sqlite_file = SCRATCH / "ledger.sqlite"
    url = args.database_url or f"sqlite:///{sqlite_file}"
    if not args.database_url:
        sqlite_file.unlink(missing_ok=True)
    os.environ.update(DATABASE_URL=url, APP_ENV="development", APP_VAR_DIR=str(SCRATCH / "var"))
    os.environ.pop("REDIS_URL", None)
    app = _app(url)
    with app.app_context():
        try:
            user = _seed(args.pupils)
            client = _client(app, user)
            ledger = _timed(client, "/planner/ledger?year=9", args.repeat, args.pupils)
            baseline = _timed(client, "/school/encounters/this-year?year=9", args.repeat, None)
        finally:
            if not args.keep:
                _drop(sqlite_file if not args.database_url else None)
    dialect = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"Entitlements page of a year group of {args.pupils} on {dialect}, best of {args.repeat} (median):")
    print(f"  ledger page      {ledger[0]:8.1f} ms  ({ledger[1]:.1f} ms)")
    print(f"  baseline page    {baseline[0]:8.1f} ms  ({baseline[1]:.1f} ms)  Encounters this year")
    print(f"  ratio            {ledger[0] / baseline[0]:8.2f}")
    print(f"  target < {TARGET_MS:.0f} ms: {'met' if ledger[0] < TARGET_MS else 'NOT met'}")


def _timed(client: Any, path: str, repeat: int, rows: int | None) -> tuple[float, float]:
    from web.extensions import db

    times = []
    for _ in range(repeat):
        db.session.expire_all()
        started = time.perf_counter()
        response = client.get(path)
        response.close()  # the access log is written as the response closes, as a server does
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        if rows is not None:
            assert response.data.count(b'<tr class="govuk-table__row"><th scope="row"') >= rows
    return min(times), statistics.median(times)


def _seed(pupils: int) -> Any:
    from sqlalchemy import insert

    from web.dao.users import create_user
    from web.extensions import db
    from web.models import (
        EncounterEvent,
        EventPlace,
        EventSchool,
        EventSlot,
        ExperienceRecord,
        Hub,
        School,
        Student,
    )

    hub = Hub(name="Ledger benchmark hub", area="Manchester")
    db.session.add(hub)
    db.session.flush()
    schools = [
        School(hub_id=hub.id, urn=f"9{n:05d}", name=f"School {n}", postcode="M13 9PL") for n in range(SCHOOLS)
    ]
    db.session.add_all(schools)
    db.session.flush()
    today = date.today()
    this_year = today.year if today.month >= 9 else today.year - 1
    students = [
        {
            "school_id": school.id,
            "first_name": f"Pupil{n}",
            "last_name": f"Surname{n:04d}",
            "year_group": 9,
            "date_of_birth": date(this_year - 13, 3, 1),
            "disadvantaged": n % 4 == 0,
        }
        for school in schools
        for n in range(pupils)
    ]
    db.session.execute(insert(Student), students)
    ids = db.session.scalars(db.select(Student.id).order_by(Student.id)).all()
    records = []
    for n, student_id in enumerate(ids):
        for years_ago in range(3):
            day = date(this_year - years_ago, 11, 10)
            if day > today:
                day = today
            records.append(_record(student_id, "5", "employer_talk", day, 1))
            if n % 3:
                records.append(_record(student_id, "6", "workplace_visit", day, 2 + n % 5))
        if n % 2:
            records.append(_record(student_id, "5", "technical_provider", date(this_year, 10, 1), 1))
    db.session.execute(insert(ExperienceRecord), records)
    event = EncounterEvent(
        hub_id=hub.id,
        title="Summer fair",
        format="careers_fair",
        held_on=today + timedelta(days=30),
        venue="Town hall",
        year_groups=[9],
        status="allocated",
    )
    db.session.add(event)
    db.session.flush()
    db.session.add(EventSchool(event_id=event.id, school_id=schools[0].id))
    starts = datetime.combine(event.held_on, datetime.min.time()) + timedelta(hours=10)
    slot = EventSlot(
        event_id=event.id,
        label="Stand 1",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        capacity=pupils,
        invite_limit=pupils,
        places_taken=pupils,
    )
    db.session.add(slot)
    db.session.flush()
    first_school = [sid for sid, row in zip(ids, students, strict=True) if row["school_id"] == schools[0].id]
    db.session.execute(
        insert(EventPlace),
        [
            {
                "slot_id": slot.id,
                "student_id": sid,
                "status": "invited",
                "starts_at": starts,
                "ends_at": slot.ends_at,
            }
            for sid in first_school
        ],
    )
    user = create_user(
        "bench-careers@example.org", "correct horse battery staple", "careers_leader", school_id=schools[0].id
    )
    db.session.commit()
    return user


def _record(student_id: int, benchmark: str, kind: str, day: date, hours: int) -> dict[str, Any]:
    return {
        "student_id": student_id,
        "benchmark": benchmark,
        "kind": kind,
        "title": "Talk",
        "on_date": day,
        "hours": hours,
        "created_at": datetime(2026, 1, 1),
    }


if __name__ == "__main__":
    main()
