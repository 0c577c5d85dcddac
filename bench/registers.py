"""Time saving an event's register of 250 pupils: a list uploaded, the same list again, and 250 single marks.

    python -m bench.registers [--database-url URL] [--pupils 250] [--repeat 5] [--keep]

Builds the tables with the migrations in a database of its own (a new SQLite file under /tmp by default, or
the PostgreSQL database --database-url names, created if missing, which must have no tables) and seeds one
hub: an allocated event held today, 10 slots, and --pupils invited pupils of 5 schools spread over them.
Then, best of --repeat runs each (the register put back to unmarked between runs):

  upload     the CSV of every pupil's UPN read, matched to the register and saved in one transaction, as
             the upload page does (target: under 200 ms for 250 pupils);
  re-upload  the same list again, which marks nothing;
  one by one each pupil marked present in a transaction of their own, as 250 taps would (without HTTP);
  page       the hub admin's register page, every pupil on it, drawn through the test client.

The database is dropped afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

SCRATCH = Path("/tmp/bench-registers")
TARGET_MS = 200.0
SLOTS = 10
SCHOOLS = 5


def main() -> None:
    """Seed the register, time each way of saving it, print the figures in milliseconds."""
    args = _arguments()
    SCRATCH.mkdir(parents=True, exist_ok=True)
    sqlite_file = SCRATCH / "registers.sqlite"
    url = args.database_url or f"sqlite:///{sqlite_file}"
    if not args.database_url:
        sqlite_file.unlink(missing_ok=True)
    # Read by config.settings when web is first imported, so set before it is.
    os.environ.update(DATABASE_URL=url, APP_ENV="development", APP_VAR_DIR=str(SCRATCH / "var"))
    os.environ.pop("REDIS_URL", None)
    app = _app(url)
    with app.app_context():
        try:
            figures = _run(app, args.pupils, args.repeat)
        finally:
            if not args.keep:
                _drop(sqlite_file if not args.database_url else None)
    dialect = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"Register of {args.pupils} pupils on {dialect}, best of {args.repeat} (median in brackets):")
    for name, (best, median) in figures.items():
        print(f"  {name:<11}{best:8.1f} ms  ({median:.1f} ms)")
    met = "met" if figures["upload"][0] < TARGET_MS else "NOT met"
    print(f"  upload target < {TARGET_MS:.0f} ms: {met}")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--pupils", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="leave the database as it is afterwards")
    return parser.parse_args()


def _app(url: str) -> Any:
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, inspect, make_url, text

    from web import create_app
    from web.extensions import db

    if url.startswith("postgresql"):
        wanted = make_url(url)
        with create_engine(wanted.set(database="postgres"), isolation_level="AUTOCOMMIT").connect() as server:
            found = server.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": wanted.database}
            )
            if not found:
                server.execute(text(f'CREATE DATABASE "{wanted.database}"'))
    app = create_app()
    with app.app_context():
        if inspect(db.engine).get_table_names():
            sys.exit("That database already has tables: give the benchmark an empty database of its own")
        upgrade()
    return app


def _run(app: Any, pupils: int, repeat: int) -> dict[str, tuple[float, float]]:
    from web.careers.import_csv import upn_check_letter
    from web.dao import registers as dao
    from web.dao.base import transaction
    from web.encounters.register_forms import match, read_list

    event_id, user, upns = _seed(pupils, upn_check_letter)
    scope = dao.Scope(hub_id=user.hub_id)
    listed = ("UPN\n" + "\n".join(upns) + "\n").encode()

    def upload() -> None:
        # As the upload view: read, match against the register, skip those present, save.
        entries, problems = read_list(listed)
        pupils_on = dao.pupils_on_register(scope, event_id)
        place_ids, unmatched = match(entries, pupils_on)
        assert not problems and not unmatched
        present = {pupil.place_id for pupil in pupils_on if pupil.status == "attended"}
        with transaction():
            dao.mark_present(event_id, [p for p in place_ids if p not in present], user.id)

    def one_by_one() -> None:
        for pupil in dao.pupils_on_register(scope, event_id):
            with transaction():
                dao.mark(pupil.place_id, True, user.id)

    client = _client(app, user)

    def page() -> None:
        response = client.get(f"/events/{event_id}/register")
        assert response.status_code == 200 and response.data.count(b'name="attended" value="yes"') == pupils

    figures = {
        "upload": _timed(upload, _unmark, repeat, pupils),
        "re-upload": _timed(upload, lambda: None, repeat, pupils, before=upload),
        "one by one": _timed(one_by_one, _unmark, repeat, pupils),
        "page": _timed(page, lambda: None, repeat, None),
    }
    return figures


def _timed(
    step: Callable[[], None],
    reset: Callable[[], None],
    repeat: int,
    pupils: int | None,
    before: Callable[[], None] | None = None,
) -> tuple[float, float]:
    from sqlalchemy import func, select

    from web.extensions import db
    from web.models import ExperienceRecord

    times = []
    for _ in range(repeat):
        reset()
        if before:
            before()
        db.session.expire_all()
        started = time.perf_counter()
        step()
        times.append((time.perf_counter() - started) * 1000)
        if pupils is not None:  # each pupil present has exactly one record
            assert db.session.scalar(select(func.count()).select_from(ExperienceRecord)) == pupils
    return min(times), statistics.median(times)


def _unmark() -> None:
    from sqlalchemy import delete, update

    from web.extensions import db
    from web.models import EventPlace, ExperienceRecord

    db.session.execute(delete(ExperienceRecord))
    db.session.execute(update(EventPlace).values(status="invited", marked_by_id=None))
    db.session.commit()


def _seed(pupils: int, check_letter: Callable[[str], str]) -> tuple[int, Any, list[str]]:
    from datetime import date

    from web.dao.users import create_user
    from web.extensions import db
    from web.models import EncounterEvent, EventPlace, EventSchool, EventSlot, Hub, School, Student

    hub = Hub(name="Register benchmark hub", area="Manchester")
    db.session.add(hub)
    db.session.flush()
    schools = [
        School(hub_id=hub.id, urn=f"9{n:05d}", name=f"School {n}", postcode="M13 9PL") for n in range(SCHOOLS)
    ]
    db.session.add_all(schools)
    today = date.today()
    event = EncounterEvent(
        hub_id=hub.id,
        title="Spring careers fair",
        format="careers_fair",
        held_on=today,
        venue="Town hall",
        year_groups=[9],
        status="allocated",
    )
    db.session.add(event)
    db.session.flush()
    db.session.add_all(EventSchool(event_id=event.id, school_id=school.id) for school in schools)
    per_slot = -(-pupils // SLOTS)
    starts = datetime.combine(today, datetime.min.time()) + timedelta(hours=10)
    slots = [
        EventSlot(
            event_id=event.id,
            label=f"Stand {n + 1}",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            capacity=per_slot,
            invite_limit=per_slot,
            places_taken=0,
        )
        for n in range(SLOTS)
    ]
    db.session.add_all(slots)
    db.session.flush()
    upns = []
    for n in range(pupils):
        rest = f"{n + 1:011d}1"
        upns.append(check_letter(rest) + rest)
        student = Student(
            school_id=schools[n % SCHOOLS].id,
            upn=upns[-1],
            first_name=f"Pupil{n}",
            last_name=f"Surname{n}",
            year_group=9,
            date_of_birth=today - timedelta(days=14 * 365),
        )
        db.session.add(student)
        db.session.flush()
        slot = slots[n % SLOTS]
        db.session.add(
            EventPlace(
                slot_id=slot.id,
                student_id=student.id,
                status="invited",
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
            )
        )
        slot.places_taken += 1
    user = create_user(
        "bench-hub-admin@example.org", "correct horse battery staple", "hub_admin", hub_id=hub.id
    )
    db.session.commit()
    return event.id, user, upns


def _client(app: Any, user: Any) -> Any:
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.session_token
        session["_fresh"] = True
    return client


def _drop(sqlite_file: Path | None) -> None:
    from sqlalchemy import text

    from web.extensions import db

    db.session.remove()
    if sqlite_file is not None:
        db.engine.dispose()
        sqlite_file.unlink(missing_ok=True)
        return
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))


if __name__ == "__main__":
    main()
