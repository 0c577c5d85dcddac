"""Demo data: a careers hub in Greater Manchester, its schools, students and employers, and a login per role.

Everything is made up except the postcodes, which are real ones of the named districts drawn reproducibly
from the ONS postcode directory (matcher.postcodes), so distances and travel limits behave as they would.

By default it is the small hub `make run` shows: three schools of 100 students and forty employers. Given a
Size it is a hub of any size for the hub benchmark (200 schools of 175 Year 10 students and 12,000 places,
say): the other schools and employers are spread over Greater Manchester (web.demo.area). Rows go in with one
insert statement per table (an executemany of plain dicts), so a hub of 35,000 students seeds in seconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from itertools import cycle
from typing import Any

import click
from flask import current_app
from sqlalchemy import func, insert, select, text

from matcher.people import KINDS, ROUTES
from matcher.postcodes import PostcodeIndex
from web.dao.base import transaction
from web.dao.users import hash_password, new_session_token
from web.demo import encounter_requests, encounters, events, planner, provider_access, provider_requests
from web.demo import students as people
from web.demo.area import Conurbation
from web.demo.data import EMPLOYERS, HUB, ON_THE_DAY, ROUTE_DETAILS, SCHOOLS, SUPERVISORS, Size
from web.extensions import db
from web.models import (
    Employer,
    EncounterOffer,
    ExperienceRecord,
    Hub,
    Opportunity,
    Preference,
    School,
    Student,
    User,
)
from web.models.provider_access import ProviderAccessPolicy

SEED = 2026
DEMO_PASSWORD = "demo-only-password"
LOGINS = {
    "hub_admin": "hub.admin@example.org",
    "careers_leader": "careers.leader@example.org",
    "employer": "employer@example.org",
    "student": "student@example.org",
}
DEMO_EMPLOYER = "Northern Quarter Digital"
# A larger hub's employers offer six places each on average.
OPPORTUNITIES_PER_EMPLOYER = 6

Row = dict[str, Any]


@dataclass(frozen=True)
class Seeded:
    """What seed() made (or found)."""

    created: bool
    hub_id: int


def seed(if_empty: bool = False, size: Size | None = None) -> Seeded:
    """Add the demo hub and print its logins; with if_empty, do nothing when the database has any hub."""
    size = size or Size()
    existing = db.session.scalar(select(Hub.id).order_by(Hub.id).limit(1))
    if existing is not None and (if_empty or _demo_users_exist()):
        click.echo("The database already has data: no demo data added.")
        return Seeded(created=False, hub_id=existing)
    postcodes = PostcodeIndex.load(current_app.config.get("MATCHER_CACHE_DIR") or None)
    rng = random.Random(SEED)
    # What only a larger hub draws comes from a generator of its own, so the small demo stays as it was.
    more = random.Random(SEED + 1)
    area = Conurbation(postcodes, SEED) if size != Size() else None
    with transaction():
        [hub_id] = _insert(Hub, [dict(HUB)])
        schools = _schools(hub_id, postcodes, size, area, more)
        _insert_only(ProviderAccessPolicy, provider_access.policies(schools, date.today()))
        employers = _employers(hub_id, postcodes, size, area, rng, more)
        providers = encounters.providers(hub_id, postcodes, date.today(), SEED)
        _insert(Employer, providers)
        _insert_only(EncounterOffer, encounters.offers(employers + providers, date.today()))
        provider_requests.add(schools[0], providers, date.today())
        encounter_requests.add(schools[0], date.today())
        opportunities = _opportunities(employers, size, rng)
        students = people.students(schools, postcodes, size, area, rng, more, SEED)
        _insert(Student, students)
        _insert_only(ExperienceRecord, people.experience(students, rng))
        ranked = people.preferences(students, opportunities, schools, employers, postcodes, size, rng)
        _insert_only(Preference, ranked)
        _users(hub_id, schools[0], employers, students)
        db.session.flush()
        leader = db.session.scalar(select(User.id).where(User.email == LOGINS["careers_leader"]))
        demo_employer = next(employer for employer in employers if employer["name"] == DEMO_EMPLOYER)
        events.add(hub_id, schools, demo_employer, students, leader, date.today())
    if db.session.get_bind().dialect.name == "postgresql":
        # Fresh statistics, as after any bulk load: without them PostgreSQL plans for near-empty tables.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    if size == Size():
        # The small demo's planner at work; a larger hub is the benchmarks', which plan terms themselves.
        planner.add(hub_id, schools[0]["id"], date.today())
    _print_logins()
    return Seeded(created=True, hub_id=hub_id)


def _insert(model: type[Any], rows: list[Row]) -> list[int]:
    """Insert the rows in one executemany statement, each with a new id (set on the row); return the ids.

    The ids are taken first (from the table's sequence on PostgreSQL; past the largest on SQLite, whose
    write lock this transaction holds from its first insert) because a multi-row INSERT ... RETURNING in
    parameter order is slow on both: row by row on SQLite, and psycopg parses each batch's long text again.
    """
    if not rows:
        return []
    table = model.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        sequence = select(func.nextval(func.pg_get_serial_sequence(table.name, "id")))
        ids = list(db.session.scalars(sequence.select_from(func.generate_series(1, len(rows)))))
    else:
        first = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
        ids = list(range(first, first + len(rows)))
    for row, new_id in zip(rows, ids, strict=True):
        row["id"] = new_id
    db.session.execute(insert(table), rows)
    return ids


def _insert_only(model: type[Any], rows: list[Row]) -> None:
    """Insert rows nothing else refers to, in one executemany statement."""
    if rows:
        db.session.execute(insert(model.__table__), rows)


def _demo_users_exist() -> bool:
    return bool(
        db.session.scalar(select(func.count()).select_from(User).where(User.email.in_(LOGINS.values())))
    )


def _schools(
    hub_id: int, postcodes: PostcodeIndex, size: Size, area: Conurbation | None, more: random.Random
) -> list[Row]:
    """The named schools, then (for a larger hub) invented ones across Greater Manchester."""
    schools = [
        {
            "hub_id": hub_id,
            "name": name,
            "urn": urn,
            "phase": phase,
            "postcode": postcodes.in_district(districts[0], 1, seed=SEED + n)[0],
        }
        for n, (name, urn, phase, districts) in enumerate(SCHOOLS[: size.schools])
    ]
    taken = {name for name, *_ in SCHOOLS}
    for n in range(len(schools), size.schools):
        assert area is not None
        name, postcode = area.school(taken, more)
        phase = "all_through" if more.random() < 0.1 else "secondary"
        # Made-up URNs follow the named schools' (9xxxxx are not issued to schools).
        schools.append(
            {"hub_id": hub_id, "name": name, "urn": str(990101 + n), "phase": phase, "postcode": postcode}
        )
    _insert(School, schools)
    return schools


def _employers(
    hub_id: int,
    postcodes: PostcodeIndex,
    size: Size,
    area: Conurbation | None,
    rng: random.Random,
    more: random.Random,
) -> list[Row]:
    """The named employers, then enough invented, vetted ones for the opportunities asked for."""
    employers = [
        _employer(
            hub_id,
            n,
            (name, route, postcodes.in_district(district, 1, seed=SEED + 100 + n)[0], status),
            rng,
        )
        for n, (name, route, district, status) in enumerate(EMPLOYERS)
    ]
    vetted = sum(employer["status"] == "approved" for employer in employers)
    wanted = -(-(size.opportunities or 0) // OPPORTUNITIES_PER_EMPLOYER)
    taken = {employer["name"] for employer in employers}
    routes = cycle(ROUTES)
    for n in range(len(employers), len(employers) + max(0, wanted - vetted)):
        assert area is not None
        route = next(routes)
        name, postcode = area.employer(route, taken, more)
        employers.append(_employer(hub_id, n, (name, route, postcode, "approved"), more))
    _insert(Employer, employers)
    return employers


def _employer(hub_id: int, n: int, named: tuple[str, str, str, str], rng: random.Random) -> Row:
    name, route, postcode, status = named
    today = date.today()
    vetted = status == "approved"
    return {
        "hub_id": hub_id,
        "name": name,
        "route": route,
        "postcode": postcode,
        "status": status,
        "insurer": "Made-up Mutual Insurance (demo)" if vetted else "",
        "insurance_cover": 10_000_000 if vetted else None,
        "insurance_expires": today + timedelta(days=rng.randint(60, 700)),
        "last_checked_on": today - timedelta(days=rng.randint(1, 200)) if vetted else None,
        "next_check_due": today + timedelta(days=rng.randint(30, 300)) if vetted else None,
        "contact_name": SUPERVISORS[n % len(SUPERVISORS)],
        "contact_email": f"contact{n + 1}@employer.example",
        "risk_assessment_on_file": vetted,
        "risk_assessment_summary": (
            "Students are supervised at all times by a named member of staff; "
            "hazards are explained at induction and protective equipment is provided where needed."
            if vetted
            else ""
        ),
        "supervisor_name": SUPERVISORS[n % len(SUPERVISORS)],
    }


# kind -> (days spanned, hours a day, year groups, minimum age, capacity range)
_KIND_SHAPE: dict[str, tuple[int, str, list[int], int, tuple[int, int]]] = {
    "work_experience": (5, "7", [10, 11], 14, (2, 4)),
    "job_shadowing": (2, "6", [10, 11, 12], 14, (1, 3)),
    "mentoring": (42, "1", [10, 11, 12], 14, (3, 6)),
    "insight_day": (1, "6", [10, 11, 12], 14, (8, 15)),
    # 45 days of 7 hours: the 315 hours a T Level industry placement needs.
    "t_level_placement": (63, "7", [12], 16, (1, 2)),
}


# kind -> (arrive, finish): each day long enough for the kind's hours a day above, with a break.
_DAY_TIMES = {
    "work_experience": (time(9), time(16, 30)),
    "job_shadowing": (time(9, 30), time(16)),
    "mentoring": (time(15, 30), time(16, 30)),
    "insight_day": (time(9, 30), time(16)),
    "t_level_placement": (time(9), time(16, 30)),
}
_NO_DETAILS: Row = {
    "address": "",
    "arrival_time": None,
    "finish_time": None,
    "ask_for": "",
    "dress_code": "",
    "what_to_bring": "",
    "lunch": "",
    "travel": "",
}


def _on_the_day(employer: Row, kind: str, remote: bool) -> Row:
    """The practical details for the day, for the few employers that give them (web.demo.data.ON_THE_DAY)."""
    given = ON_THE_DAY.get(employer["name"])
    if given is None or remote:
        return _NO_DETAILS
    arrive, finish = _DAY_TIMES[kind]
    where = {name: text for name, text in given.items() if name != "ask_at"}
    ask_for = f"{employer['supervisor_name']} {given['ask_at']}"
    return {**_NO_DETAILS, **where, "arrival_time": arrive, "finish_time": finish, "ask_for": ask_for}


def _opportunities(employers: list[Row], size: Size, rng: random.Random) -> list[Row]:
    """Published opportunities from the vetted employers (two each, four for the first four, unless a number
    is asked for), of the kinds the hub's year groups can take; a pending employer has one draft."""
    years = {10, 11, 12} if size.students_per_year is None else set(size.year_groups)
    kinds = cycle([kind for kind in KINDS if years & set(_KIND_SHAPE[kind][2])] or list(KINDS))
    first_monday = date.today() + timedelta(days=28 - date.today().weekday() + 7)
    vetted = [n for n, employer in enumerate(employers) if employer["status"] == "approved"]
    if size.opportunities is None:
        published = {n: 4 if n < 4 else 2 for n in vetted}
    else:
        each, extra = divmod(size.opportunities, len(vetted))
        published = {n: each + (k < extra) for k, n in enumerate(vetted)}
    opportunities = []
    for n, employer in enumerate(employers):
        count, status = (published[n], "published") if n in published else (1, "draft")
        for _ in range(count):
            opportunities.append(_opportunity(employer, next(kinds), status, first_monday, rng))
    _insert(Opportunity, opportunities)
    return [opportunity for opportunity in opportunities if opportunity["status"] == "published"]


def _a(role: str) -> str:
    """'an accountant', 'a hairdresser': the demo's roles all sound as they are spelt."""
    return f"{'an' if role[0] in 'aeiou' else 'a'} {role}"


def _opportunity(employer: Row, kind: str, status: str, first_monday: date, rng: random.Random) -> Row:
    details = ROUTE_DETAILS[employer["route"]]
    role = rng.choice(details["roles"])  # type: ignore[arg-type]
    days, hours, year_groups, min_age, (low, high) = _KIND_SHAPE[kind]
    start = first_monday + timedelta(weeks=rng.randint(0, 10), days=0 if days >= 5 else rng.randint(0, 3))
    remote = kind == "mentoring" and rng.random() < 0.6
    name = employer["name"]
    title = {
        "work_experience": f"{role.capitalize()} work experience week",
        "job_shadowing": f"Shadow {_a(role)}",
        "mentoring": f"Online mentoring with {_a(role)}" if remote else f"Mentoring with {_a(role)}",
        "insight_day": f"Insight day: {ROUTES[employer['route']].lower()} at {name}",
        "t_level_placement": f"T Level industry placement: {role}",
    }[kind]
    description = (
        f"{KINDS[kind]} with {name}. You will spend time with our {role}s, {details['tasks']}. "
        f"A named supervisor looks after you throughout and gives you feedback at the end."
    )
    return {
        "employer_id": employer["id"],
        "kind": kind,
        "title": title,
        "description": description,
        "route": employer["route"],
        "pathway": rng.choice(("technical", "technical", "both", "academic")),
        "postcode": None if remote else employer["postcode"],
        "remote": remote,
        "capacity": rng.randint(low, high),
        "start_date": start,
        "end_date": start + timedelta(days=days - 1),
        "hours_per_day": Decimal(hours),
        "year_groups": year_groups,
        "min_age": min_age,
        "accessibility_notes": rng.choice(
            ("", "Step-free access and an accessible toilet.", "Quiet room available for breaks.")
        ),
        "status": status,
        **_on_the_day(employer, kind, remote),
    }


def _users(hub_id: int, school: Row, employers: list[Row], students: list[Row]) -> None:
    # One hash for all the demo logins: argon2 is slow on purpose, and they share the one public password.
    password_hash = hash_password(DEMO_PASSWORD)
    employer = next(employer for employer in employers if employer["name"] == DEMO_EMPLOYER)
    student = students[0]
    links = {
        "hub_admin": ("Hana Admin", {"hub_id": hub_id}),
        "careers_leader": ("Carys Leader", {"school_id": school["id"]}),
        "employer": ("Ed Employer", {"employer_id": employer["id"]}),
        "student": (f"{student['first_name']} {student['last_name']}", {"student_id": student["id"]}),
    }
    db.session.add_all(
        User(
            email=LOGINS[role],
            name=name,
            password_hash=password_hash,
            role=role,
            session_token=new_session_token(),
            **link,
        )
        for role, (name, link) in links.items()
    )


def _print_logins() -> None:
    counts = {
        "schools": School,
        "students": Student,
        "employers": Employer,
        "opportunities": Opportunity,
    }
    made = ", ".join(
        f"{db.session.scalar(select(func.count()).select_from(model))} {label}"
        for label, model in counts.items()
    )
    click.echo(f"Added the demo hub {HUB['name']!r}: {made}.")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for role, email in LOGINS.items():
        click.echo(f"  {role.replace('_', ' '):<15} {email}")
    click.echo(
        "These are demo-only accounts with a published password: never load demo data on a real service."
    )
