"""The encounter reports: pupils with and without an encounter this year by year group and group (small
counts held back in the hub's own figures), provider encounters against the 28 February deadlines, and the
technical and academic share of encounters; on the pages, in the CSV downloads and in the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from tests import db as factories
from tests.web.reports.helpers import csv_rows
from web.dao.reports import Counts, Scope
from web.dates import academic_year_of
from web.models import Hub, School, Student
from web.reports.encounter_figures import group_rows
from web.reports.report import Figures


@dataclass
class World:
    hub: Hub
    other_hub: Hub
    school: School
    beswick: School
    today: date

    @property
    def start(self) -> date:
        return date(academic_year_of(self.today), 9, 1)


def _pupils(school: School, n: int, **fields: Any) -> list[Student]:
    return [factories.create_student(school, **fields) for _ in range(n)]


def _talk(student: Student, on: date, kind: str = "employer_talk", **fields: Any) -> None:
    factories.create_record(student, on_date=on, kind=kind, **fields)


@pytest.fixture
def world(app: Flask, fixed_today: date) -> World:
    """Ardwick: Year 10, ten other pupils (five with an encounter this year: on its first day, today and
    in between; one on the day before it began, one after today, one with only a workplace experience)
    and five disadvantaged pupils, each with one; Year 9, one SEND pupil with none. Beswick: two other Year
    10 pupils, each with one. Another hub: 23 pupils with encounters this year."""
    hub, other_hub = factories.create_hub(name="Hub A"), factories.create_hub(name="Hub B")
    school = factories.create_school(hub, name="Ardwick Academy")
    beswick = factories.create_school(hub, name="Beswick High")
    world = World(hub, other_hub, school, beswick, fixed_today)
    start = world.start
    other = _pupils(school, 10, year_group=10)
    for pupil, day in zip(other, [start, fixed_today, *[start + timedelta(days=30)] * 3], strict=False):
        _talk(pupil, day)
    _talk(other[5], start - timedelta(days=1))
    _talk(other[6], fixed_today + timedelta(days=1))
    _talk(other[7], start, kind="work_experience", benchmark="6")
    for pupil in _pupils(school, 5, year_group=10, disadvantaged=True):
        _talk(pupil, start + timedelta(days=10))
    _pupils(school, 1, year_group=9, send=True, send_status="K")
    for pupil in _pupils(beswick, 2, year_group=10):
        _talk(pupil, start + timedelta(days=5))
    elsewhere = factories.create_school(other_hub, name="Elsewhere College")
    for pupil in _pupils(elsewhere, 20, year_group=10) + _pupils(elsewhere, 3, year_group=9, send=True):
        _talk(pupil, start + timedelta(days=5))
    return world


def _figures(world: World, today: date | None = None, **scope: Any) -> Figures:
    today = today or world.today
    return Figures(Scope(hub_id=world.hub.id, year=academic_year_of(today), today=today, **scope))


def _rows(figures: Figures) -> dict[tuple[int | None, str], tuple[Any, ...]]:
    return {
        (row.year_group, row.group): (row.pupils, row.with_encounter, row.without, row.suppressed)
        for row in figures.group_rows
    }


def test_a_schools_encounters_by_year_group_count_only_this_academic_year_to_today(world: World) -> None:
    rows = _rows(_figures(world, school_id=world.school.id))
    # pupils, with an encounter, with none, held back (never in a school's own figures)
    assert rows[(10, "other")] == (10, 5, 5, False)
    assert rows[(10, "disadvantaged")] == (5, 5, 0, False)
    assert rows[(10, "all")] == (15, 10, 5, False)
    assert rows[(9, "send")] == (1, 0, 1, False)
    assert rows[(None, "all")] == (16, 10, 6, False)
    assert (7, "all") not in rows  # a year group with nobody in it has no rows


def test_a_year_group_filter_shows_that_year_group_alone(world: World) -> None:
    rows = _rows(_figures(world, year_group=10))
    assert {year_group for year_group, _ in rows} == {10}
    assert rows[(10, "all")] == (17, 12, 5, False)


def test_the_gap_is_a_groups_share_minus_other_pupils_in_the_same_year_group(world: World) -> None:
    rows = {(row.year_group, row.group): row for row in _figures(world, school_id=world.school.id).group_rows}
    assert rows[(10, "disadvantaged")].gap == pytest.approx(1.0 - 0.5)
    assert rows[(10, "send")].gap is None  # no SEND pupils in Year 10
    assert rows[(None, "send")].gap == pytest.approx(0.0 - 0.5)
    assert rows[(10, "other")].gap is None and rows[(10, "all")].gap is None


def test_the_hubs_figures_hold_back_counts_from_1_to_4_and_never_count_another_hub(world: World) -> None:
    figures = _figures(world)
    rows = _rows(figures)
    assert rows[(10, "all")] == (17, 12, 5, False)  # not the other hub's 20
    assert rows[(10, "disadvantaged")] == (5, 5, 0, False)  # 5 and 0 are shown
    assert rows[(9, "send")][3] and rows[(9, "all")][3]  # one pupil
    assert rows[(None, "all")] == (18, 12, 6, False)
    found = {(row.year_group, row.group): row for row in figures.group_rows}
    assert found[(None, "send")].gap_suppressed  # worked out from a row held back
    assert found[(10, "disadvantaged")].gap == pytest.approx(1 - 7 / 12)


def test_a_row_is_held_back_when_any_of_its_counts_is_under_5() -> None:
    counts = {
        (11, False, False): Counts(students=9, with_encounter=4),
        (12, False, False): Counts(students=10, with_encounter=5),
        (13, False, False): Counts(students=4, with_encounter=0),
    }
    held = {(row.year_group, row.group): row.suppressed for row in group_rows(counts, suppress=True)}
    assert (held[(11, "other")], held[(12, "other")], held[(13, "other")]) == (True, False, True)
    assert not any(row.suppressed for row in group_rows(counts, suppress=False))


def _table(page: BeautifulSoup, table_id: str) -> list[list[str]]:
    table = page.select_one(f"table#{table_id}")
    assert table is not None, f"no table #{table_id}"
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")] for row in table.select("tbody tr")
    ]


def test_the_hub_page_shows_c_for_held_back_figures_and_the_schools_page_shows_them(
    world: World, sign_in_as: Any
) -> None:
    admin = sign_in_as(factories.create_user_for("hub_admin", world.hub))
    hub_rows = _table(admin.get("reports.hub"), "encounters-by-year-table")
    assert ["Year 9", "SEND", "[c]", "[c]", "[c]", "[c]", "[c]"] in hub_rows
    assert ["Year 10", "Disadvantaged", "5", "5", "0", "100.0%", "+41.7 points"] in hub_rows
    leader = sign_in_as(factories.create_user_for("careers_leader", world.school))
    page = leader.get("reports.school")
    assert ["Year 9", "SEND", "1", "0", "1", "0.0%", "–"] in _table(page, "encounters-by-year-table")
    assert page.select_one("svg#encounters-by-year-chart title").text.startswith("Share with an encounter")


def test_the_downloads_hold_back_in_the_hub_only_and_nothing_in_them_is_a_formula(
    world: World, sign_in_as: Any
) -> None:
    admin = sign_in_as(factories.create_user_for("hub_admin", world.hub))
    hub = csv_rows(admin.client.get(admin.url("reports.hub_csv", report="encounters-by-year")).data)
    assert hub[0][:3] == ["Year group", "Group", "Pupils"]
    assert ["Year 9", "SEND", "[c]", "[c]", "[c]", "[c]", "[c]"] in hub
    assert ["All year groups", "Other pupils", "12", "7", "5", "58.3", ""] in hub
    gap = next(row for row in hub if row[:2] == ["All year groups", "Disadvantaged"])[-1]
    assert float(gap) == pytest.approx(100 * (1 - 7 / 12), abs=0.05)
    school = admin.client.get(
        admin.url("reports.hub_school_csv", school_id=world.school.id, report="encounters-by-year")
    )
    assert ["Year 9", "SEND", "1", "0", "1", "0.0", ""] in csv_rows(school.data)
    for row in hub + csv_rows(school.data):
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            assert not cell.startswith("-") or float(cell) < 0, cell


def test_the_api_gives_the_year_group_figures_held_back_in_the_hubs_and_not_a_schools(
    app: Flask, world: World
) -> None:
    _, secret = factories.create_api_key(world.hub)
    client, headers = app.test_client(), {"Authorization": f"Bearer {secret}"}
    hub = client.get(f"/api/v1/hubs/{world.hub.id}/reports/benchmarks", headers=headers).get_json()
    rows = {(row["year_group"], row["group"]): row for row in hub["encounters_by_year_group"]}
    assert rows[(9, "send")] == {
        "year_group": 9,
        "group": "send",
        "pupils": None,
        "with_encounter": None,
        "without_encounter": None,
        "with_encounter_share": None,
        "gap": None,
        "suppressed": True,
    }
    assert rows[(10, "disadvantaged")]["gap"] == round(1 - 7 / 12, 4)
    assert (rows[(None, "all")]["pupils"], rows[(None, "all")]["with_encounter"]) == (18, 12)
    path = f"/api/v1/hubs/{world.hub.id}/schools/{world.school.id}/reports"
    school = client.get(path, headers=headers).get_json()
    send = next(r for r in school["encounters_by_year_group"] if (r["year_group"], r["group"]) == (9, "send"))
    assert (send["pupils"], send["without_encounter"], send["suppressed"]) == (1, 1, False)


@pytest.fixture
def providers(app: Flask, fixed_today: date) -> World:
    """Ardwick's provider encounters, by year group this academic year: Year 8, one pupil with two (one
    after 28 February) and one with one; Year 9: two this year, one last year and one this year, one only,
    and one in October and one on 1 March; Year 13, one with none. Another hub: a Year 9 pupil with two."""
    hub, other_hub = factories.create_hub(), factories.create_hub()
    school = factories.create_school(hub)
    world = World(hub, other_hub, school, factories.create_school(hub), fixed_today)
    start = world.start
    october, march = start + timedelta(days=30), date(start.year + 1, 3, 1)
    encounters = {
        8: [[october, march], [october]],
        9: [[october, october], [start - timedelta(days=30), october], [october], [october, march]],
        13: [[]],
    }
    for year_group, pupils in encounters.items():
        for days in pupils:
            pupil = factories.create_student(school, year_group=year_group)
            for day in days:
                _talk(pupil, day, kind="technical_provider")
    theirs = factories.create_student(factories.create_school(other_hub), year_group=9)
    _talk(theirs, october, kind="technical_provider")
    _talk(theirs, october, kind="technical_provider")
    return world


def _deadlines(figures: Figures) -> dict[str, tuple[Any, ...]]:
    return {
        f"{row.band}-{row.year_group}": (row.deadline, row.passed, row.pupils, row.met, row.short)
        for row in figures.deadline_rows
    }


def test_each_year_groups_deadline_is_28_february_of_its_pairs_later_year(providers: World) -> None:
    year = academic_year_of(providers.today)
    rows = _deadlines(_figures(providers))
    assert rows["(8, 9)-8"] == (date(year + 2, 2, 28), False, 2, 0, 2)  # nobody has two yet
    assert rows["(8, 9)-9"] == (date(year + 1, 2, 28), False, 4, 2, 2)  # not the other hub's pupil
    assert rows["(8, 9)-None"] == (None, None, 6, 2, 4)
    assert rows["(12, 13)-13"] == (date(year + 1, 2, 28), False, 1, 0, 1)
    assert rows["(10, 11)-None"][2:] == (0, 0, 0)


def test_once_a_deadline_has_passed_only_encounters_by_then_count(providers: World) -> None:
    later = date(academic_year_of(providers.today) + 1, 3, 10)
    figures = _figures(providers, today=later)
    rows = _deadlines(figures)
    # Year 9's deadline has passed: 1 March's encounter is too late. Year 8's is a year off: it counts.
    assert rows["(8, 9)-9"][1:] == (True, 4, 2, 2)
    assert rows["(8, 9)-8"][1:] == (False, 2, 1, 1)
    # The providers report still counts every encounter so far in the pair of years.
    assert figures.groups["all"].band_met[0] == 4


def test_a_year_group_filter_shows_only_its_deadline(providers: World) -> None:
    rows = _deadlines(_figures(providers, year_group=9))
    assert list(rows) == ["(8, 9)-9"]


def test_the_deadlines_on_the_page_in_the_download_and_in_the_api(
    app: Flask, providers: World, sign_in_as: Any
) -> None:
    year = academic_year_of(providers.today)
    leader = sign_in_as(factories.create_user_for("careers_leader", providers.school))
    row = ["Year 9", f"28 February {year + 1}", "No", "4", "2", "2", "50.0%"]
    assert row in _table(leader.get("reports.school"), "provider-deadlines-table")
    download = leader.client.get(leader.url("reports.school_csv", report="provider-deadlines"))
    assert row[:-1] + ["50.0"] in csv_rows(download.data)
    _, secret = factories.create_api_key(providers.hub)
    body = app.test_client().get(
        f"/api/v1/hubs/{providers.hub.id}/reports/benchmarks", headers={"Authorization": f"Bearer {secret}"}
    )
    year_9 = next(r for r in body.get_json()["provider_deadlines"] if r["year_group"] == 9)
    assert year_9 == {
        "years": "years_8_9",
        "year_group": 9,
        "deadline": f"{year + 1}-02-28",
        "deadline_passed": False,
        "pupils": 4,
        "two_or_more": 2,
        "short_of_two": 2,
        "two_or_more_share": 0.5,
    }


def test_encounters_count_by_the_pathway_their_record_says_this_year_only(
    app: Flask, fixed_today: date, sign_in_as: Any
) -> None:
    hub, other_hub = factories.create_hub(), factories.create_hub()
    school = factories.create_school(hub)
    start = date(academic_year_of(fixed_today), 9, 1)
    pupil = factories.create_student(school, year_group=11)
    _talk(pupil, start)  # an employer talk: not known
    _talk(pupil, start, kind="technical_provider")  # technical
    _talk(pupil, start - timedelta(days=1), kind="technical_provider")  # last year's
    opportunity = factories.create_opportunity(factories.create_employer(hub), pathway="academic")
    allocation = factories.create_allocation(
        factories.create_round(school), pupil, opportunity, status="completed"
    )
    _talk(pupil, start, kind="work_experience", benchmark="6", allocation_id=allocation.id)  # academic
    _talk(pupil, start, kind="t_level_placement", benchmark="6")  # technical
    _talk(pupil, start, kind="work_experience", benchmark="6")  # not known
    theirs = factories.create_student(factories.create_school(other_hub))
    _talk(theirs, start, kind="technical_provider")
    world = World(hub, other_hub, school, school, fixed_today)
    values = {
        pathway: (found["encounters"], found["experiences"])
        for pathway, found in _api_body(app, world)["encounter_pathways"].items()
    }
    assert values == {"technical": (1, 1), "academic": (0, 1), "both": (0, 0), "not_known": (1, 1)}
    admin = sign_in_as(factories.create_user_for("hub_admin", hub))
    rows = _table(admin.get("reports.hub"), "encounter-pathways-table")
    assert rows[0] == ["Technical (T Levels, apprenticeships)", "1", "50.0%", "1", "33.3%"]
    assert rows[-1] == ["All pathways", "2", "–", "3", "–"]


def _api_body(app: Flask, world: World) -> Any:
    _, secret = factories.create_api_key(world.hub)
    response = app.test_client().get(
        f"/api/v1/hubs/{world.hub.id}/reports/benchmarks", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200
    return response.get_json()
