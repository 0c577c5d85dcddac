"""Time the hub's report page, a school's, a CSV download and the API on a hub of many schools.

    DATABASE_URL=postgresql://.../empty_db python -m bench.reports [--schools 200] [--students 1000]

Fills an EMPTY database (it refuses one with any hub in it) with one hub: --schools schools of --students
students each (Years 7 to 13, a fifth disadvantaged, a seventh SEND, a few leavers), about five encounters
and one workplace experience per student over three academic years, a third of them with technical
provider encounters, 400 employers with 2,000 opportunities and about one allocation per student. Then
prints the wall seconds of each request (the best of --repeat, after one warm-up) through the app's test
client, so templates and queries are both counted.
"""

from __future__ import annotations

import argparse
import contextvars
import os
import random
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

os.environ.setdefault("APP_ENV", "test")

BATCH = 10_000
ADMIN = "bench-admin@example.org"
STATUSES = ["offered", "accepted", "declined", "expired", "completed", "completed", "no_show", "confirmed"]
KINDS = ["employer_talk", "careers_fair", "workplace_visit", "technical_provider"]
ROUTES = ["digital", "construction-and-the-built-environment", "health-and-science", "creative-and-design"]


def _insert(model: Any, rows: list[dict[str, Any]]) -> None:
    from sqlalchemy import insert

    from web.extensions import db

    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start : start + BATCH])
    db.session.commit()


def _fill(n_schools: int, n_students: int, today: date, rng: random.Random) -> tuple[int, int]:
    """A hub with schools, students, records, employers, opportunities and allocations; (hub, school)."""
    from sqlalchemy import select

    from web.extensions import db
    from web.models import (
        Allocation,
        Employer,
        ExperienceRecord,
        Hub,
        MatchRound,
        Opportunity,
        School,
        Student,
    )

    hub = Hub(name="Benchmark hub", area="Benchmark")
    db.session.add(hub)
    db.session.commit()
    _insert(
        School,
        [
            {"hub_id": hub.id, "urn": f"9{n:05d}", "name": f"School {n:03d}", "postcode": "M1 1AD"}
            for n in range(n_schools)
        ],
    )
    schools = list(db.session.scalars(select(School.id).where(School.hub_id == hub.id)))
    student_ids: list[int] = []
    for school_id in schools:  # a school at a time, so memory stays small
        _insert(Student, [_student(school_id, today, rng) for _ in range(n_students)])
        ids = list(db.session.scalars(select(Student.id).where(Student.school_id == school_id)))
        _insert(
            ExperienceRecord, [record for student_id in ids for record in _records(student_id, today, rng)]
        )
        student_ids += ids
    _insert(
        Employer,
        [
            {"hub_id": hub.id, "name": f"Employer {n}", "route": rng.choice(ROUTES), "postcode": "M1 1AD"}
            for n in range(400)
        ],
    )
    employers = list(db.session.scalars(select(Employer.id).where(Employer.hub_id == hub.id)))
    opportunities = []
    for n in range(2000):
        start = today + timedelta(days=rng.randint(-300, 200))
        opportunities.append(
            {
                "employer_id": rng.choice(employers),
                "kind": "work_experience",
                "title": f"Opportunity {n}",
                "description": "A week in the workplace",
                "route": rng.choice(ROUTES),
                "pathway": rng.choice(["technical", "academic", "both"]),
                "postcode": "M1 1AD",
                "capacity": 1000,
                "start_date": start,
                "end_date": start + timedelta(days=4),
                "year_groups": [10, 11],
                "status": "published",
            }
        )
    _insert(Opportunity, opportunities)
    opportunity_ids = list(
        db.session.scalars(select(Opportunity.id).join(Employer).where(Employer.hub_id == hub.id))
    )
    match_round = MatchRound(hub_id=hub.id, school_id=None, status="succeeded")
    db.session.add(match_round)
    db.session.commit()
    _insert(
        Allocation,
        [
            {
                "round_id": match_round.id,
                "student_id": student_id,
                "opportunity_id": rng.choice(opportunity_ids),
                "score": 1.0,
                "status": rng.choice(STATUSES),
            }
            for student_id in student_ids
        ],
    )
    return hub.id, schools[0]


def _student(school_id: int, today: date, rng: random.Random) -> dict[str, Any]:
    year_group = rng.randint(7, 13)
    return {
        "school_id": school_id,
        "first_name": "Sam",
        "last_name": "Student",
        "year_group": year_group,
        "date_of_birth": date(today.year - year_group - 5, rng.randint(1, 12), rng.randint(1, 28)),
        "disadvantaged": rng.random() < 0.2,
        "send": rng.random() < 0.14,
        "left_on": today - timedelta(days=150) if rng.random() < 0.03 else None,
    }


def _records(student_id: int, today: date, rng: random.Random) -> list[dict[str, Any]]:
    records = []
    for _ in range(rng.randint(2, 8)):
        kind = rng.choice(KINDS) if rng.random() < 0.4 else "employer_talk"
        on = today - timedelta(days=rng.randint(0, 1000))
        records.append(_record(student_id, "5", kind, on, Decimal("1"), None))
    on = today - timedelta(days=rng.randint(0, 1000))
    records.append(
        _record(student_id, "6", "work_experience", on, Decimal(rng.randint(5, 40)), rng.random() < 0.6)
    )
    return records


def _record(
    student_id: int, benchmark: str, kind: str, on: date, hours: Decimal, meaningful: Any
) -> dict[str, Any]:
    return {
        "student_id": student_id,
        "benchmark": benchmark,
        "kind": kind,
        "title": "Benchmark record",
        "on_date": on,
        "hours": hours,
        "meaningful": meaningful,
    }


def _best(client: Any, path: str, repeat: int, **headers: str) -> float:
    """The quickest of `repeat` requests, after a warm-up; each in a context of its own, as in production
    (the benchmark's own app context would otherwise share one database session between requests)."""

    def get() -> Any:
        return contextvars.Context().run(client.get, path, headers=headers)

    get()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = get()
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    return min(times)


def _again() -> tuple[int, int, Any, str]:
    """The hub, a school and the admin an earlier run made, and a new API key."""
    from sqlalchemy import func, select

    from web.dao.reports import create_api_key
    from web.extensions import db
    from web.models import School, User

    admin = db.session.scalars(select(User).where(User.email == ADMIN)).one()
    school_id = db.session.scalar(select(func.min(School.id)).where(School.hub_id == admin.hub_id))
    _, secret = create_api_key(admin.hub_id, "Benchmark again", admin.id)
    db.session.commit()
    return admin.hub_id, int(school_id or 0), admin, secret


def main() -> None:
    """Fill the database and print each request's seconds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--students", type=int, default=1000, help="per school")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--again", action="store_true", help="time the hub an earlier run filled the database with"
    )
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import func, inspect, select

    from web import create_app
    from web.dao.reports import create_api_key
    from web.dao.users import create_user
    from web.dates import london_today
    from web.extensions import db
    from web.models import Hub

    app = create_app()
    with app.app_context():
        if args.again:
            hub_id, school_id, admin, secret = _again()
        else:
            if inspect(db.engine).has_table("hub") and db.session.scalar(
                select(func.count()).select_from(Hub)
            ):
                raise SystemExit("The database has hubs in it: give this benchmark an empty database")
            upgrade()
            started = time.perf_counter()
            hub_id, school_id = _fill(args.schools, args.students, london_today(), random.Random(args.seed))
            seconds = time.perf_counter() - started
            print(f"Filled {args.schools} schools x {args.students} students in {seconds:.1f} s")
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as connection:
                    connection.exec_driver_sql("ANALYZE")
            admin = create_user(ADMIN, None, "hub_admin", hub_id=hub_id)
            db.session.flush()
            _, secret = create_api_key(hub_id, "Benchmark", admin.id)
            db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = admin.session_token
        api = {"Authorization": f"Bearer {secret}"}
        for label, path, headers in [
            ("hub report page", "/hub/reports", {}),
            ("hub report page, Year 10, page 5 of schools", "/hub/reports?year_group=10&page=5", {}),
            ("a school's report page", f"/hub/reports/schools/{school_id}", {}),
            ("schools CSV (every school)", "/hub/reports/schools.csv", {}),
            ("Benchmark 6 CSV", "/hub/reports/benchmark-6.csv", {}),
            ("API benchmarks", f"/api/v1/hubs/{hub_id}/reports/benchmarks", api),
            ("API schools, 100 a page", f"/api/v1/hubs/{hub_id}/reports/schools?per_page=100", api),
        ]:
            print(f"{label:45} {_best(client, path, args.repeat, **headers):6.2f} s")


if __name__ == "__main__":
    main()
