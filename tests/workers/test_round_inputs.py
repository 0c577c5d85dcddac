"""What a round reads: its students and places as the engine's records, read by set-based queries."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from matcher.people import Opportunity as Place
from matcher.people import Student as Pupil
from tests import db as factories
from web.dao.rounds import top_up_now
from web.extensions import db
from web.models import ExperienceRecord, Hub, MatchRound, School
from workers.round_inputs import RoundInputs, load_round_inputs, policy_for


def today() -> date:
    return date.today()


def start() -> date:
    return today() + timedelta(days=60)


def born() -> date:
    return today() - timedelta(days=365 * 15)


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    """A school of a hub with a neighbour school, students in every situation a round looks at, and the
    hub's mentoring places: open, nearly full, remote, lapsed, draft, started, found by a student, early."""
    school = factories.create_school()
    hub = db.session.get(Hub, school.hub_id)
    neighbour = factories.create_school(hub)
    employer = factories.create_employer(hub)
    lapsed = factories.create_employer(hub, insurance_expires=today() - timedelta(days=1))
    mentoring = {"kind": "mentoring", "start_date": start(), "end_date": start() + timedelta(days=41)}
    places = {
        "open": factories.create_opportunity(employer, title="Open", capacity=3, places_taken=1, **mentoring),
        "remote": factories.create_opportunity(
            employer, title="Online", remote=True, postcode=None, capacity=2, max_per_school=1, **mentoring
        ),
        "refused": factories.create_opportunity(employer, title="Turned down", **mentoring),
    }
    for title, fields in {
        "Insurance ran out": {"employer": lapsed},
        "Draft": {"status": "draft"},
        "Started": {"start_date": today(), "end_date": today() + timedelta(days=41)},
        "Found by a student": {"self_found": True},
        "Too early": {"start_date": today() + timedelta(days=10), "end_date": today() + timedelta(days=51)},
        "Another hub": {"employer": factories.create_employer()},
    }.items():
        owner = fields.pop("employer", employer)
        factories.create_opportunity(owner, title=title, **{**mentoring, **fields})
    held_week = factories.create_opportunity(employer, title="Held week", kind="work_experience")
    earlier = factories.create_round(school, status="succeeded")

    def pupil(name: str, at: School = school, **fields: Any) -> Any:
        return factories.create_student(at, first_name=name, date_of_birth=born(), **fields)

    students = {
        "ranked": pupil("Ranked", routes=["digital", "care-services"], disadvantaged=True, send=True),
        "busy": pupil("Busy", postcode="M13 9PL", max_travel_km=20.0),
        "waiting": pupil("Waiting"),
        "refused": pupil("Refused", available_from=start(), available_until=start() + timedelta(days=90)),
        "recorded": pupil("Recorded", year_group=11, pathway_interest="technical", statement=""),
        "holding": pupil("Holding"),
        "neighbour": pupil("Neighbour", neighbour),
        "leaver": pupil("Leaver", left_on=today() - timedelta(days=1)),
        "sixth form": pupil("Sixth", year_group=12),
    }
    factories.create_preference(students["ranked"], places["remote"], rank=1)
    factories.create_preference(students["ranked"], places["open"], rank=2)
    factories.create_allocation(earlier, students["busy"], held_week, status="accepted")
    factories.create_allocation(earlier, students["waiting"], places["open"], status="offered")
    factories.create_allocation(earlier, students["refused"], places["refused"], status="declined")
    factories.create_allocation(earlier, students["holding"], places["refused"], status="confirmed")
    db.session.add(
        ExperienceRecord(
            student_id=students["recorded"].id,
            benchmark="6",
            title="Week at a bakery",
            on_date=date(2025, 6, 1),
        )
    )
    db.session.commit()
    return {
        "school": school,
        "employer": employer,
        "places": places,
        "held_week": held_week,
        "students": students,
    }


def _round(world: dict[str, Any], **fields: Any) -> MatchRound:
    policy = {"year_groups": [10, 11], "starts_from": (start() - timedelta(days=7)).isoformat()}
    return factories.create_round(world["school"], kind="mentoring", policy=policy, **fields)


def _read(match_round: MatchRound) -> RoundInputs:
    return load_round_inputs(match_round, policy_for(match_round), today())


def test_a_rounds_students_are_the_engines_records_with_their_rankings_busy_days_and_refusals(
    world: dict[str, Any],
) -> None:
    inputs = _read(_round(world))

    students, places, school = world["students"], world["places"], world["school"]
    by_id = {int(student.id): student for student in inputs.students}
    # Holding a placement of the kind, waiting on an offer of it, left, or out of the year groups: not here.
    assert set(by_id) == {students[name].id for name in ("ranked", "busy", "refused", "recorded")}
    assert [int(student.id) for student in inputs.students] == sorted(by_id)  # the engine numbers them so
    assert by_id[students["ranked"].id] == Pupil(
        id=str(students["ranked"].id),
        school=str(school.id),
        year_group=10,
        date_of_birth=born(),
        postcode="M14 5TP",
        max_travel_km=15.0,
        routes=("digital", "care-services"),
        statement="I like building websites and games and want to learn software engineering.",
        pathway_interest="both",
        disadvantaged=True,
        send=True,
        has_workplace_experience=False,
        busy=(),
        ranked=(str(places["remote"].id), str(places["open"].id)),
        refused=(),
    )
    held = world["held_week"]
    busy = by_id[students["busy"].id]
    assert (busy.postcode, busy.max_travel_km, busy.has_workplace_experience) == ("M13 9PL", 20.0, True)
    assert busy.busy == ((held.start_date, held.end_date),)
    refused = by_id[students["refused"].id]
    assert refused.refused == (str(places["refused"].id),)
    # Days outside a student's availability count as busy.
    until = start() + timedelta(days=90)
    assert refused.busy == ((date.min, start() - timedelta(days=1)), (until + timedelta(days=1), date.max))
    recorded = by_id[students["recorded"].id]
    assert (recorded.year_group, recorded.has_workplace_experience, recorded.statement) == (11, True, "")
    assert inputs.ranks == {
        (students["ranked"].id, places["remote"].id): 1,
        (students["ranked"].id, places["open"].id): 2,
    }
    assert inputs.left_out == {
        "holding": 1,
        "waiting": 1,
        "lapsed": 1,
        "by_school": {str(school.id): {"holding": 1, "waiting": 1}},
    }


def test_a_rounds_places_are_the_engines_records_with_the_seats_still_free(world: dict[str, Any]) -> None:
    inputs = _read(_round(world))

    places = world["places"]
    assert [place.id for place in inputs.opportunities] == [
        str(places[name].id) for name in ("open", "remote", "refused")
    ]
    online = places["remote"]
    assert inputs.opportunities[1] == Place(
        id=str(online.id),
        kind="mentoring",
        title="Online",
        description="Spend a week with our software team building and testing a web app.",
        route="digital",
        pathway="technical",
        postcode=None,
        remote=True,
        capacity=2,
        start=start(),
        end=start() + timedelta(days=41),
        year_groups=(10, 11),
        min_age=14,
        max_per_school=1,
    )
    # Three seats, one taken and one offered: one left. The confirmed student holds a seat the count of
    # places taken already shows (the factory does not keep it), so only offers and proposals count here.
    assert [place.capacity for place in inputs.opportunities] == [1, 2, 2]
    assert inputs.pathways() == ["technical", "technical", "technical"]


def test_a_hub_wide_round_reads_every_school_of_the_hub(world: dict[str, Any]) -> None:
    school_round = _read(_round(world))
    hub_round = _read(_round(world, school_id=None))

    neighbour = str(world["students"]["neighbour"].id)
    assert neighbour not in {student.id for student in school_round.students}
    assert {student.id for student in hub_round.students} == {
        neighbour,
        *(student.id for student in school_round.students),
    }
    assert hub_round.opportunities == school_round.opportunities


def test_a_round_reads_with_a_few_bound_values_however_many_students_it_covers(
    world: dict[str, Any],
) -> None:
    """SQLite takes a few thousand bound values a statement at most: a hub-wide round of 35,000 students
    must select them by its scope, never by a list of their ids."""
    for _ in range(30):
        factories.create_student(world["school"], date_of_birth=born())
    hub_round = _round(world, school_id=None)
    sizes: list[int] = []

    def count(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        sizes.append(len(parameters))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        inputs = _read(hub_round)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)

    assert len(inputs.students) == 35
    assert sizes and max(sizes) < 15


def test_a_top_up_counts_the_seats_and_students_a_round_would_read_now(world: dict[str, Any]) -> None:
    match_round = _round(world)
    full = factories.create_opportunity(
        world["employer"],
        title="Overbooked",
        kind="mentoring",
        capacity=1,
        places_taken=1,
        start_date=start(),
        end_date=start() + timedelta(days=41),
    )
    factories.create_allocation(
        factories.create_round(world["school"], status="succeeded"),
        world["students"]["sixth form"],
        full,
        status="proposed",
    )

    now = top_up_now(match_round, today())

    inputs = _read(match_round)
    # Open 3 - 1 taken - 1 offered, online 2, turned down 2; overbooked 1 - 1 - 1 counts as none.
    assert now.free_seats == 5 == sum(place.capacity for place in inputs.opportunities)
    assert now.unplaced == 4 == len(inputs.students)
