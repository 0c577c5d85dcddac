"""The demo hub's students: made-up pupils at real postcodes, their employer encounters and what they rank.

web/demo/seed.py calls these and inserts what they return. The small demo's 300 pupils come out exactly as
they always have (the same draws from the same generator); a larger hub's
(flask seed-demo --students-per-year) are all in the year groups asked for, live near their school, and 60%
of them rank six places near it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from matcher.people import ROUTES
from matcher.postcodes import PostcodeIndex
from web.careers.import_csv import upn_check_letter
from web.demo.area import Conurbation
from web.demo.data import FIRST_NAMES, LAST_NAMES, ROUTE_DETAILS, SCHOOLS, Size

STUDENTS_PER_SCHOOL = 100
DISADVANTAGED_SHARE = 0.2
SEND_SHARE = 0.12
# A larger hub: schools differ (pupil premium runs from a tenth to nearly half of a Greater Manchester
# secondary's pupils; about one in seven has special needs), and 60% of students rank six of the places
# near their school.
DISADVANTAGED_RANGE = (0.10, 0.45)
SEND_RANGE = (0.10, 0.20)
RANKING_SHARE = 0.6
RANKED = 6
NEARBY_PLACES = 250
# Tutor groups of at most 30, lettered within each year ("10A", "10B"), as a school's MIS names them.
TUTOR_GROUP_MOST = 30
TUTOR_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"

Row = dict[str, Any]


def _date_of_birth(year_group: int, rng: random.Random) -> date:
    """A birthday that puts a pupil in this year group in the current English school year."""
    today = date.today()
    school_year = today.year if today.month >= 9 else today.year - 1
    # Year 7 pupils are 11 on 1 September: born between 1 September and 31 August 12 and 11 years before.
    first = date(school_year - year_group - 5, 9, 1)
    return first + timedelta(days=rng.randint(0, 364))


def students(  # noqa: PLR0913 - the schools, where they are, how many, the generators and their seed
    schools: list[Row],
    postcodes: PostcodeIndex,
    size: Size,
    area: Conurbation | None,
    rng: random.Random,
    more: random.Random,
    seed: int,
) -> list[Row]:
    """Each school's pupils, made up, at real postcodes: its districts' for the small demo's named schools,
    near the school in a larger hub."""
    students: list[Row] = []
    routes = list(ROUTES)
    per_year = size.students_per_year
    count = STUDENTS_PER_SCHOOL if per_year is None else per_year * len(size.year_groups)
    for n, school in enumerate(schools):
        if area is None:
            districts = SCHOOLS[n][3]
            per_district = -(-count // len(districts))
            homes = [
                code
                for k, district in enumerate(districts)
                for code in postcodes.in_district(district, per_district, seed=seed + 10 * n + k)
            ]
        else:
            homes = area.homes_near(school["postcode"], count, more)
        rng.shuffle(homes)
        shares = (DISADVANTAGED_SHARE, SEND_SHARE)
        if per_year is not None:
            shares = (more.uniform(*DISADVANTAGED_RANGE), more.uniform(*SEND_RANGE))
        for k, home in enumerate(homes[:count]):
            if per_year is None:
                year_group = rng.choice((10, 10, 11, 11, 12))
            else:
                year_group = size.year_groups[k // per_year]
            students.append(_student(school["id"], year_group, home, shares, routes, len(students), rng))
    _tutor_groups(students)
    return students


def _tutor_groups(students: list[Row]) -> None:
    """Each pupil's tutor group: a school's year split evenly into groups of up to 30, in the order the pupils
    were made (no draws from the generators, so the demo's pupils are otherwise as they always were)."""
    years: dict[tuple[int, int], list[Row]] = {}
    for student in students:
        years.setdefault((student["school_id"], student["year_group"]), []).append(student)
    for (_, year_group), pupils in years.items():
        groups = -(-len(pupils) // TUTOR_GROUP_MOST)
        for k, student in enumerate(pupils):
            group = k * groups // len(pupils)
            # A year larger than the letters go: numbered groups ("11/24") past them.
            name = TUTOR_LETTERS[group] if group < len(TUTOR_LETTERS) else f"/{group + 1}"
            student["tutor_group"] = f"{year_group}{name}"


def _student(  # noqa: PLR0913 - one pupil's school, year, home, the school's shares and a generator
    school_id: int,
    year_group: int,
    home: str,
    shares: tuple[float, float],
    routes: list[str],
    made: int,
    rng: random.Random,
) -> Row:
    chosen = rng.sample(routes, rng.choice((1, 1, 2, 2, 3)))
    likes = [rng.choice(ROUTE_DETAILS[route]["likes"]) for route in chosen]  # type: ignore[arg-type]
    return {
        "school_id": school_id,
        # A well-formed UPN, as a school's MIS gives every pupil (the 9 keeps clear of the tests' numbers).
        "upn": _upn(made),
        "first_name": rng.choice(FIRST_NAMES),
        "last_name": rng.choice(LAST_NAMES),
        "year_group": year_group,
        "date_of_birth": _date_of_birth(year_group, rng),
        "postcode": home,
        "disadvantaged": rng.random() < shares[0],
        "send": rng.random() < shares[1],
        "routes": chosen,
        "statement": f"I am interested in {' and '.join(likes)}." if rng.random() < 0.85 else "",
        "pathway_interest": rng.choice(("technical", "academic", "both", "both")),
        "max_travel_km": float(rng.choice((5, 8, 10, 10, 15, 20))),
        # Each family's address is made up, so consent links land in the development outbox.
        "parent_email": f"parent{made + 1}@families.example",
    }


def _upn(made: int) -> str:
    rest = f"9{made + 1:010d}0"
    return upn_check_letter(rest) + rest


_ENCOUNTERS = (
    ("careers_fair", "Careers fair"),
    ("employer_talk", "Employer talk in assembly"),
    ("workplace_visit", "Visit to a local employer"),
)


def experience(students: list[Row], rng: random.Random) -> list[Row]:
    """About a quarter of those past Year 10 already have a workplace experience, and most students an
    employer encounter."""
    today = date.today()
    records = []
    for student in students:
        if student["year_group"] >= 11 and rng.random() < 0.35:
            records.append(
                {
                    "student_id": student["id"],
                    "benchmark": "6",
                    "kind": "work_experience",
                    "title": rng.choice(("Work experience week", "Work experience at a family business")),
                    "on_date": today - timedelta(days=rng.randint(120, 500)),
                    "hours": Decimal("35"),
                }
            )
        if rng.random() < 0.6:
            kind, title = rng.choice(_ENCOUNTERS)
            records.append(
                {
                    "student_id": student["id"],
                    "benchmark": "5",
                    "kind": kind,
                    "title": title,
                    "on_date": today - timedelta(days=rng.randint(20, 300)),
                    "hours": Decimal(rng.choice(("1", "2", "3"))),
                }
            )
    return records


def preferences(  # noqa: PLR0913 - who ranks, what there is near whom, and how many
    students: list[Row],
    opportunities: list[Row],
    schools: list[Row],
    employers: list[Row],
    postcodes: PostcodeIndex,
    size: Size,
    rng: random.Random,
) -> list[Row]:
    """Most students rank opportunities they may take near their school, their own routes first: up to
    five each for 65% of the small demo's, six each for 60% of a larger hub's."""
    nearby = _nearby(schools, opportunities, employers, postcodes)
    open_to: dict[tuple[int, int], list[Row]] = {}
    preferences = []
    for n, student in enumerate(students):
        share = 0.65 if size.students_per_year is None else RANKING_SHARE
        if n > 0 and rng.random() >= share:  # the demo student (first) always has choices
            continue
        key = (student["school_id"], student["year_group"])
        if key not in open_to:
            open_to[key] = [place for place in nearby[key[0]] if key[1] in place["year_groups"]]
        liked = [place for place in open_to[key] if place["route"] in student["routes"]]
        picks = rng.sample(liked, min(len(liked), rng.randint(1, 4)))
        if size.students_per_year is None:
            others = [place for place in open_to[key] if place["route"] not in student["routes"]]
            picks += rng.sample(others, rng.randint(0 if picks else 1, 5 - len(picks)))
        else:
            others = [place for place in open_to[key] if place["route"] not in student["routes"]]
            picks += rng.sample(others, min(len(others), RANKED - len(picks)))
        preferences += [
            {"student_id": student["id"], "opportunity_id": place["id"], "rank": rank}
            for rank, place in enumerate(picks, start=1)
        ]
    return preferences


def _nearby(
    schools: list[Row], opportunities: list[Row], employers: list[Row], postcodes: PostcodeIndex
) -> dict[int, list[Row]]:
    """school id -> the opportunities its students choose from: every one in a small hub; in a larger
    one the NEARBY_PLACES whose employers are nearest the school (a remote one counts where its employer
    is), in the order they were made."""
    if len(opportunities) <= NEARBY_PLACES:
        return {school["id"]: opportunities for school in schools}
    where = {employer["id"]: employer["postcode"] for employer in employers}
    places = postcodes.locate([where[place["employer_id"]] for place in opportunities])[0]
    homes = postcodes.locate([school["postcode"] for school in schools])[0]
    nearby = {}
    for school, xy in zip(schools, homes, strict=True):
        squared = ((places - xy) ** 2).sum(axis=1)
        nearest = np.sort(np.argpartition(squared, NEARBY_PLACES - 1)[:NEARBY_PLACES])
        nearby[school["id"]] = [opportunities[int(k)] for k in nearest]
    return nearby
