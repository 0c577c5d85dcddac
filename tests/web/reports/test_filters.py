"""The report pages' filters: academic year, year group and (for the hub's schools) a name and a page."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.reports import world as worlds
from tests.web.reports.helpers import table_rows


@pytest.fixture
def world(app: Flask) -> worlds.World:
    return worlds.build()


@pytest.fixture
def admin(world: worlds.World, sign_in_as: Any) -> ClientRequest:
    return sign_in_as(factories.create_user_for("hub_admin", world.hub))


def _students(page: Any) -> str:
    return table_rows(page, "benchmark-5-table")["Students"][0]


def test_the_page_shows_this_academic_year_for_every_year_group_by_default(admin: ClientRequest) -> None:
    page = admin.get("reports.hub")
    assert page.select_one("#year option[selected]")["value"] == "2026"
    assert page.select_one("#year_group option[selected]")["value"] == "all"
    assert "2026 to 2027, all year groups" in page.get_text()
    assert _students(page) == "6"


def test_an_earlier_year_and_a_year_group_change_the_figures(admin: ClientRequest) -> None:
    page = admin.get("reports.hub", year=2025, year_group=11)
    assert "2025 to 2026, Year 11" in page.get_text()
    assert _students(page) == "2"  # send and the leaver were in Year 11 then
    assert table_rows(page, "benchmark-5-table")["Encounters this year"][0] == "1"
    # The downloads ask for the same figures.
    link = page.select_one("a[href*='benchmark-5.csv']")["href"]
    assert "year=2025" in link and "year_group=11" in link


def test_a_year_group_on_a_school_report(world: worlds.World, sign_in_as: Any) -> None:
    leader = sign_in_as(factories.create_user_for("careers_leader", world.school_1))
    assert _students(leader.get("reports.school", year_group=10)) == "1"  # dis


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"year": "2019"}, "Select an academic year from the list"),
        ({"year": "2027"}, "Select an academic year from the list"),
        ({"year": "twenty"}, "Select an academic year from the list"),
        ({"year_group": "6"}, "Select a year group from the list"),
        ({"year_group": "1e3"}, "Select a year group from the list"),
        ({"name": "x" * 101}, "School name must be 100 characters or fewer"),
    ],
)
def test_a_value_not_on_the_list_says_so_and_shows_the_default(
    admin: ClientRequest, args: dict[str, str], message: str
) -> None:
    page = admin.get("reports.hub", **args)
    assert page.title.text.startswith("Error: ")
    assert message in page.select_one(".govuk-error-summary").get_text()
    assert _students(page) == "6"


def test_odd_values_never_break_a_page(admin: ClientRequest, world: worlds.World) -> None:
    for query in (
        "year=%00",
        "year_group=%00&name=%00",
        "name=%25%25",
        "page=-1",
        "page=99999999999",
        "page=x",
    ):
        for path in ("/hub/reports", f"/hub/reports/schools/{world.school_1.id}", "/hub/reports/schools.csv"):
            assert admin.client.get(f"{path}?{query}").status_code == 200, (path, query)


def test_the_schools_table_filters_by_name_and_pages_by_25(app: Flask, sign_in_as: Any) -> None:
    hub = factories.create_hub()
    for n in range(30):
        factories.create_school(hub, name=f"Academy {n:02d}")
    factories.create_school(hub, name="St Mary's 100% Girls")
    factories.create_school(hub, name="St Mary_s Boys")
    admin = sign_in_as(factories.create_user_for("hub_admin", hub))
    first = table_rows(admin.get("reports.hub"), "schools-table")
    assert len(first) == 25 and list(first)[0] == "Academy 00"
    page_2 = admin.get("reports.hub", page=2)
    assert list(table_rows(page_2, "schools-table")) == [f"Academy {n}" for n in range(25, 30)] + [
        "St Mary's 100% Girls",
        "St Mary_s Boys",
    ]
    assert page_2.select_one(".govuk-pagination__prev a")["href"].startswith("/hub/reports?page=1")
    # A percent sign or underscore is looked for as itself, not as a wildcard.
    assert list(table_rows(admin.get("reports.hub", name="100%"), "schools-table")) == [
        "St Mary's 100% Girls"
    ]
    assert list(table_rows(admin.get("reports.hub", name="mary_s"), "schools-table")) == ["St Mary_s Boys"]
    assert admin.get("reports.hub", name="nowhere").select_one("#schools-table").name == "p"
    # A page past the end shows the last page.
    assert list(table_rows(admin.get("reports.hub", page=9), "schools-table")) == list(
        table_rows(page_2, "schools-table")
    )


def test_many_pages_of_schools_show_ellipses_not_every_page(app: Flask, sign_in_as: Any) -> None:
    hub = factories.create_hub()
    for n in range(25 * 9):
        factories.create_school(hub, name=f"School {n:03d}")
    admin = sign_in_as(factories.create_user_for("hub_admin", hub))
    page = admin.get("reports.hub", page=5)
    items = [item.get_text(strip=True) for item in page.select(".govuk-pagination__item")]
    assert items == ["1", "⋯", "4", "5", "6", "⋯", "9"]
    assert page.select_one(".govuk-pagination__item--current").get_text(strip=True) == "5"
