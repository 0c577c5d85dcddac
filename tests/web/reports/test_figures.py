"""The reports' figures on the small world of tests/web/reports/world.py, worked out by hand there."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import event

from tests.web.reports import world as worlds
from tests.web.reports.conftest import TODAY
from web.dao.reports import Counts, Scope, latest_birthday
from web.dates import academic_year_of, age_on
from web.extensions import db
from web.reports.figures import BENCHMARK_5, BENCHMARK_6, group_values
from web.reports.placement_figures import outcome_values, total_placements
from web.reports.report import REPORTS, Figures, school_values


def _figures(world: worlds.World, **scope: object) -> Figures:
    values = {"hub_id": world.hub.id, "year": 2026, "today": TODAY, **scope}
    return Figures(Scope(**values))  # type: ignore[arg-type]


@pytest.fixture
def world(app: Flask) -> worlds.World:
    return worlds.build()


def test_academic_years_start_in_september() -> None:
    assert academic_year_of(date(2026, 8, 31)) == 2025
    assert academic_year_of(date(2026, 9, 1)) == 2026
    assert Scope(hub_id=1, year=2025, today=TODAY).as_of == date(2026, 8, 31)
    assert Scope(hub_id=1, year=2026, today=TODAY).as_of == TODAY


def test_benchmark_5_counts_this_years_encounters_for_each_group(world: worlds.World) -> None:
    groups = _figures(world).groups
    # students, encounters this year, students with one: the leaver left before the year and the other hub's
    # student is another hub's.
    assert [(c.students, c.encounters, c.with_encounter) for c in groups.values()] == [
        (6, 7, 5),  # all
        (2, 2, 1),  # disadvantaged: dis and both
        (2, 2, 1),  # SEND: send and both
        (3, 3, 3),  # other: older, young, beswick
    ]
    values = group_values(BENCHMARK_5, groups)
    assert values["all"]["with_encounter_share"] == pytest.approx(5 / 6)
    assert values["disadvantaged_gap"]["with_encounter_share"] == pytest.approx(-0.5)
    assert values["send_gap"]["encounters_per_student"] == pytest.approx(0.0)
    assert "students" not in values["send_gap"]  # counts have no gap


def test_benchmark_6_counts_experiences_by_16_and_18_meaningful_and_hours(world: worlds.World) -> None:
    groups = _figures(world).groups
    every = groups["all"]
    # send and older are 16 or over and each had an experience before 16; only older is 18, and had a
    # further one at 16.
    assert (every.aged_16, every.by_16, every.aged_18, every.by_18) == (2, 2, 1, 1)
    # This year: send's (not meaningful) and beswick's (meaningful).
    assert (every.experiences, every.meaningful) == (2, 1)
    # To date: dis 30, send 55, older 22, beswick 40; only send has 50 or more.
    assert (every.hours, every.reached_hours) == (Decimal("147"), 1)
    values = group_values(BENCHMARK_6, groups)
    assert values["all"]["hours_per_student"] == pytest.approx(24.5)
    assert values["disadvantaged"]["by_16_share"] is None  # nobody disadvantaged is 16 yet
    assert values["disadvantaged_gap"]["by_16_share"] is None
    assert values["send"]["by_16_share"] == 1.0
    assert values["send_gap"]["meaningful_share"] == pytest.approx(-1.0)
    assert values["send_gap"]["hours_per_student"] == pytest.approx(27.5 - 62 / 3)
    assert values["other"]["by_18_share"] == 1.0


def test_provider_encounters_count_only_those_in_the_students_current_pair_of_years(
    world: worlds.World,
) -> None:
    groups = _figures(world).groups
    # Years 8-9: young (one) and both (none); 10-11: dis and beswick (none); 12-13: send (two this year)
    # and older (one in Year 12; the one in Year 11 is another pair's).
    assert (groups["all"].band_students, groups["all"].band_met) == ([2, 2, 2], [0, 0, 1])
    assert (groups["send"].band_students, groups["send"].band_met) == ([1, 0, 1], [0, 0, 1])
    assert (groups["other"].band_students, groups["other"].band_met) == ([1, 1, 1], [0, 0, 0])


def test_placements_count_offers_fills_and_outcomes_by_pathway(world: worlds.World) -> None:
    figures = _figures(world)
    pathways = figures.pathways
    assert {p: (found.offered, found.filled) for p, found in pathways.items()} == {
        "technical": (3, 2),
        "academic": (3, 1),
        "both": (0, 0),
    }
    assert outcome_values(total_placements(pathways.values())) == {
        "offered": 6,
        "filled": 3,
        "completed": 1,
        "declined": 1,
        "expired": 1,
        "no_show": 1,
    }


def test_employers_engaged_by_route_count_each_employer_once(world: worlds.World) -> None:
    figures = _figures(world)
    rows = {row.route: row for row in figures.engagement.routes}
    assert set(rows) == {"digital", "construction-and-the-built-environment"}  # not the other hub's
    digital = rows["digital"]
    assert (digital.employers_offering, digital.employers_hosting, digital.offered, digital.filled) == (
        1,
        1,
        3,
        2,
    )
    table = figures.table("routes")
    assert [cell.value for cell in table.rows[-1]] == ["All routes", 2, 2, 6, 3]


def test_a_school_scope_counts_only_that_school(world: worlds.World) -> None:
    figures = _figures(world, school_id=world.school_2.id)
    assert figures.groups["all"].students == 1
    assert figures.groups["all"].encounters == 1
    assert total_placements(figures.pathways.values()).offered == 1


def test_each_schools_row_comes_from_the_hubs_figures(world: worlds.World) -> None:
    figures = _figures(world)
    rows = figures.school_rows([world.school_1, world.school_2])
    ardwick = school_values(rows[0][1], rows[0][2])
    assert (ardwick["students"], ardwick["places_offered"], ardwick["places_filled"]) == (5, 5, 2)
    assert ardwick["with_encounter_share"] == pytest.approx(4 / 5)
    beswick = school_values(rows[1][1], rows[1][2])
    assert (beswick["students"], beswick["hours_per_student"], beswick["meaningful_share"]) == (1, 40.0, 1.0)


def test_a_school_with_no_students_has_no_shares(world: worlds.World) -> None:
    values = school_values(Counts(), total_placements([]))
    assert values["with_encounter_share"] is None and values["students"] == 0


def test_an_earlier_year_works_year_groups_back_and_includes_that_years_leavers(world: worlds.World) -> None:
    figures = _figures(world, year=2025)
    every = figures.groups["all"]
    # 2025 to 2027: everyone on roll now plus the leaver; dis's, the leaver's and older's provider
    # encounter fall in that year.
    assert (every.students, every.encounters, every.with_encounter) == (7, 3, 3)
    assert (every.experiences, every.meaningful) == (1, 1)  # dis's week on 1 July 2026
    year_11 = _figures(world, year=2025, year_group=11).groups["all"]
    assert (year_11.students, year_11.encounters) == (2, 1)  # send and the leaver, then in Year 11


def test_a_year_group_filter_counts_only_that_year_group(world: worlds.World) -> None:
    figures = _figures(world, year_group=10)
    assert (figures.groups["all"].students, figures.groups["all"].encounters) == (2, 3)  # dis and beswick
    assert total_placements(figures.pathways.values()).offered == 2


def test_the_hub_figures_take_the_same_few_queries_however_many_schools(world: worlds.World) -> None:
    statements: list[str] = []
    schools = [world.school_1, world.school_2]
    assert world.hub.id and all(school.id for school in schools)  # loaded now, not while counting

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        figures = _figures(world)
        for slug in REPORTS:
            figures.table(slug)
            figures.chart(slug)
        figures.school_rows(schools)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    # Benchmarks (with encounters by year group and the provider deadlines), the records' pathways,
    # placements, employers engaged, pupils' answers after events (with no answers, no names to look up)
    # and events' no-shows: one query each, not one per school or student.
    assert len(statements) == 6


@pytest.mark.parametrize(
    ("day", "born"),
    [
        (date(2026, 12, 4), date(2010, 12, 4)),
        (date(2028, 2, 29), date(2012, 2, 29)),
        (date(2027, 2, 28), date(2011, 2, 28)),
    ],
)
def test_the_latest_birthday_of_a_16_year_old_agrees_with_age_on(day: date, born: date) -> None:
    assert latest_birthday(day, 16) == born
    assert age_on(born, day) == 16
    assert age_on(born + timedelta(days=1), day) == 15
    assert age_on(date(2008, 2, 29), date(2024, 2, 28)) == 15  # a leap-day birthday comes on 1 March
