"""Demo data: a careers hub in Greater Manchester, its schools, students and employers, and a login per role.

Everything is made up except the postcodes, which are real ones of the named districts drawn reproducibly
from the ONS postcode directory (matcher.postcodes), so distances and travel limits behave as they would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import cycle

import click
from flask import current_app
from sqlalchemy import func, select

from matcher.people import KINDS, ROUTES
from matcher.postcodes import PostcodeIndex
from web.dao.base import transaction
from web.dao.users import hash_password, new_session_token
from web.demo_data import EMPLOYERS, FIRST_NAMES, HUB, LAST_NAMES, ROUTE_DETAILS, SCHOOLS, SUPERVISORS
from web.extensions import db
from web.models import Employer, ExperienceRecord, Hub, Opportunity, Preference, School, Student, User

SEED = 2026
STUDENTS_PER_SCHOOL = 100
DEMO_PASSWORD = "demo-only-password"
LOGINS = {
    "hub_admin": "hub.admin@example.org",
    "careers_leader": "careers.leader@example.org",
    "employer": "employer@example.org",
    "student": "student@example.org",
}
DEMO_EMPLOYER = "Northern Quarter Digital"
DISADVANTAGED_SHARE = 0.2
SEND_SHARE = 0.12


@dataclass(frozen=True)
class Seeded:
    """What seed() made (or found)."""

    created: bool
    hub_id: int


def seed(if_empty: bool = False) -> Seeded:
    """Add the demo hub and print its logins; with if_empty, do nothing when the database has any hub."""
    existing = db.session.scalar(select(Hub.id).order_by(Hub.id).limit(1))
    if existing is not None and (if_empty or _demo_users_exist()):
        click.echo("The database already has data: no demo data added.")
        return Seeded(created=False, hub_id=existing)
    postcodes = PostcodeIndex.load(current_app.config.get("MATCHER_CACHE_DIR") or None)
    rng = random.Random(SEED)
    with transaction():
        hub = Hub(**HUB)
        db.session.add(hub)
        db.session.flush()
        schools = _schools(hub, postcodes)
        employers = _employers(hub, postcodes, rng)
        opportunities = _opportunities(employers, rng)
        students = _students(schools, postcodes, rng)
        _experience(students, rng)
        _preferences(students, opportunities, rng)
        _users(hub, schools[0], employers, students)
    _print_logins(hub)
    return Seeded(created=True, hub_id=hub.id)


def _demo_users_exist() -> bool:
    return bool(
        db.session.scalar(select(func.count()).select_from(User).where(User.email.in_(LOGINS.values())))
    )


def _schools(hub: Hub, postcodes: PostcodeIndex) -> list[School]:
    schools = [
        School(
            hub_id=hub.id,
            name=name,
            urn=urn,
            phase=phase,
            postcode=postcodes.in_district(districts[0], 1, seed=SEED + n)[0],
        )
        for n, (name, urn, phase, districts) in enumerate(SCHOOLS)
    ]
    db.session.add_all(schools)
    db.session.flush()
    return schools


def _employers(hub: Hub, postcodes: PostcodeIndex, rng: random.Random) -> list[Employer]:
    today = date.today()
    employers = []
    for n, (name, route, district, status) in enumerate(EMPLOYERS):
        vetted = status == "approved"
        employers.append(
            Employer(
                hub_id=hub.id,
                name=name,
                route=route,
                postcode=postcodes.in_district(district, 1, seed=SEED + 100 + n)[0],
                status=status,
                insurer="Made-up Mutual Insurance (demo)" if vetted else "",
                insurance_cover=10_000_000 if vetted else None,
                insurance_expires=today + timedelta(days=rng.randint(60, 700)),
                last_checked_on=today - timedelta(days=rng.randint(1, 200)) if vetted else None,
                next_check_due=today + timedelta(days=rng.randint(30, 300)) if vetted else None,
                contact_name=SUPERVISORS[n % len(SUPERVISORS)],
                contact_email=f"contact{n + 1}@employer.example",
                risk_assessment_on_file=vetted,
                risk_assessment_summary=(
                    "Students are supervised at all times by a named member of staff; "
                    "hazards are explained at induction and protective equipment is provided where needed."
                    if vetted
                    else ""
                ),
                supervisor_name=SUPERVISORS[n % len(SUPERVISORS)],
            )
        )
    db.session.add_all(employers)
    db.session.flush()
    return employers


# kind -> (days spanned, hours a day, year groups, minimum age, capacity range)
_KIND_SHAPE: dict[str, tuple[int, str, list[int], int, tuple[int, int]]] = {
    "work_experience": (5, "7", [10, 11], 14, (2, 4)),
    "job_shadowing": (2, "6", [10, 11, 12], 14, (1, 3)),
    "mentoring": (42, "1", [10, 11, 12], 14, (3, 6)),
    "insight_day": (1, "6", [10, 11, 12], 14, (8, 15)),
    # 45 days of 7 hours: the 315 hours a T Level industry placement needs.
    "t_level_placement": (63, "7", [12], 16, (1, 2)),
}


def _opportunities(employers: list[Employer], rng: random.Random) -> list[Opportunity]:
    """Two published opportunities per approved employer (four for the first four); pending ones a draft."""
    kinds = cycle(KINDS)
    first_monday = date.today() + timedelta(days=28 - date.today().weekday() + 7)
    opportunities = []
    for n, employer in enumerate(employers):
        if employer.status != "approved":
            count, status = 1, "draft"
        else:
            count, status = (4 if n < 4 else 2), "published"
        for _ in range(count):
            kind = next(kinds)
            opportunities.append(_opportunity(employer, kind, status, first_monday, rng))
    db.session.add_all(opportunities)
    db.session.flush()
    return [opportunity for opportunity in opportunities if opportunity.status == "published"]


def _opportunity(
    employer: Employer, kind: str, status: str, first_monday: date, rng: random.Random
) -> Opportunity:
    details = ROUTE_DETAILS[employer.route]
    role = rng.choice(details["roles"])  # type: ignore[arg-type]
    days, hours, year_groups, min_age, (low, high) = _KIND_SHAPE[kind]
    start = first_monday + timedelta(weeks=rng.randint(0, 10), days=0 if days >= 5 else rng.randint(0, 3))
    remote = kind == "mentoring" and rng.random() < 0.6
    title = {
        "work_experience": f"{role.capitalize()} work experience week",
        "job_shadowing": f"Shadow a {role}",
        "mentoring": f"Online mentoring with a {role}" if remote else f"Mentoring with a {role}",
        "insight_day": f"Insight day: {ROUTES[employer.route].lower()} at {employer.name}",
        "t_level_placement": f"T Level industry placement: {role}",
    }[kind]
    description = (
        f"{KINDS[kind]} with {employer.name}. You will spend time with our {role}s, {details['tasks']}. "
        f"A named supervisor looks after you throughout and gives you feedback at the end."
    )
    return Opportunity(
        employer_id=employer.id,
        kind=kind,
        title=title,
        description=description,
        route=employer.route,
        pathway=rng.choice(("technical", "technical", "both", "academic")),
        postcode=None if remote else employer.postcode,
        remote=remote,
        capacity=rng.randint(low, high),
        start_date=start,
        end_date=start + timedelta(days=days - 1),
        hours_per_day=Decimal(hours),
        year_groups=year_groups,
        min_age=min_age,
        accessibility_notes=rng.choice(
            ("", "Step-free access and an accessible toilet.", "Quiet room available for breaks.")
        ),
        status=status,
    )


def _date_of_birth(year_group: int, rng: random.Random) -> date:
    """A birthday that puts a pupil in this year group in the current English school year."""
    today = date.today()
    school_year = today.year if today.month >= 9 else today.year - 1
    # Year 7 pupils are 11 on 1 September: born between 1 September and 31 August 12 and 11 years before.
    first = date(school_year - year_group - 5, 9, 1)
    return first + timedelta(days=rng.randint(0, 364))


def _students(schools: list[School], postcodes: PostcodeIndex, rng: random.Random) -> list[Student]:
    students = []
    routes = list(ROUTES)
    for n, school in enumerate(schools):
        districts = SCHOOLS[n][3]
        per_district = -(-STUDENTS_PER_SCHOOL // len(districts))
        homes = [
            code
            for k, district in enumerate(districts)
            for code in postcodes.in_district(district, per_district, seed=SEED + 10 * n + k)
        ]
        rng.shuffle(homes)
        for home in homes[:STUDENTS_PER_SCHOOL]:
            year_group = rng.choice((10, 10, 11, 11, 12))
            chosen = rng.sample(routes, rng.choice((1, 1, 2, 2, 3)))
            likes = [rng.choice(ROUTE_DETAILS[route]["likes"]) for route in chosen]  # type: ignore[arg-type]
            students.append(
                Student(
                    school_id=school.id,
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    year_group=year_group,
                    date_of_birth=_date_of_birth(year_group, rng),
                    postcode=home,
                    disadvantaged=rng.random() < DISADVANTAGED_SHARE,
                    send=rng.random() < SEND_SHARE,
                    routes=chosen,
                    statement=f"I am interested in {' and '.join(likes)}." if rng.random() < 0.85 else "",
                    pathway_interest=rng.choice(("technical", "academic", "both", "both")),
                    max_travel_km=float(rng.choice((5, 8, 10, 10, 15, 20))),
                    # Each family's address is made up, so consent links land in the development outbox.
                    parent_email=f"parent{len(students) + 1}@families.example",
                )
            )
    db.session.add_all(students)
    db.session.flush()
    return students


def _experience(students: list[Student], rng: random.Random) -> None:
    """About a quarter already have a workplace experience, and most an employer encounter."""
    today = date.today()
    records = []
    for student in students:
        if student.year_group >= 11 and rng.random() < 0.35:
            records.append(
                ExperienceRecord(
                    student_id=student.id,
                    benchmark="6",
                    kind="work_experience",
                    title=rng.choice(("Work experience week", "Work experience at a family business")),
                    on_date=today - timedelta(days=rng.randint(120, 500)),
                    hours=Decimal("35"),
                )
            )
        if rng.random() < 0.6:
            records.append(
                ExperienceRecord(
                    student_id=student.id,
                    benchmark="5",
                    **dict(
                        zip(
                            ("kind", "title"),
                            rng.choice(
                                (
                                    ("careers_fair", "Careers fair"),
                                    ("employer_talk", "Employer talk in assembly"),
                                    ("workplace_visit", "Visit to a local employer"),
                                )
                            ),
                            strict=True,
                        )
                    ),
                    on_date=today - timedelta(days=rng.randint(20, 300)),
                    hours=Decimal(rng.choice(("1", "2", "3"))),
                )
            )
    db.session.add_all(records)


def _preferences(students: list[Student], opportunities: list[Opportunity], rng: random.Random) -> None:
    """Most students rank up to five opportunities they may take, their own routes first."""
    preferences = []
    for n, student in enumerate(students):
        if n > 0 and rng.random() >= 0.65:  # the demo student (first) always has choices
            continue
        open_to = [
            opportunity for opportunity in opportunities if student.year_group in opportunity.year_groups
        ]
        liked = [opportunity for opportunity in open_to if opportunity.route in student.routes]
        others = [opportunity for opportunity in open_to if opportunity.route not in student.routes]
        picks = rng.sample(liked, min(len(liked), rng.randint(1, 4)))
        picks += rng.sample(others, rng.randint(0 if picks else 1, 5 - len(picks)))
        preferences += [
            Preference(student_id=student.id, opportunity_id=opportunity.id, rank=rank)
            for rank, opportunity in enumerate(picks, start=1)
        ]
    db.session.add_all(preferences)


def _users(hub: Hub, school: School, employers: list[Employer], students: list[Student]) -> None:
    # One hash for all the demo logins: argon2 is slow on purpose, and they share the one public password.
    password_hash = hash_password(DEMO_PASSWORD)
    employer = next(employer for employer in employers if employer.name == DEMO_EMPLOYER)
    student = students[0]
    links = {
        "hub_admin": ("Hana Admin", {"hub_id": hub.id}),
        "careers_leader": ("Carys Leader", {"school_id": school.id}),
        "employer": ("Ed Employer", {"employer_id": employer.id}),
        "student": (f"{student.first_name} {student.last_name}", {"student_id": student.id}),
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


def _print_logins(hub: Hub) -> None:
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
    click.echo(f"Added the demo hub {hub.name!r}: {made}.")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for role, email in LOGINS.items():
        click.echo(f"  {role.replace('_', ' '):<15} {email}")
    click.echo(
        "These are demo-only accounts with a published password: never load demo data on a real service."
    )
