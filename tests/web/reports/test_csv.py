"""CSV downloads: every report downloads, and nothing in one can run as a spreadsheet formula."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests import db as factories
from tests.web.reports import world as worlds
from tests.web.reports.helpers import csv_rows
from web.reports.csv import csv_value, safe_text, table_csv
from web.reports.figures import Cell, Table
from web.reports.report import REPORTS

FORMULAS = ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\tTAB", "\rCR", '=HYPERLINK("http://x","y")']


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_could_be_a_formula_starts_with_an_apostrophe(text: str) -> None:
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("text", ["Ardwick Academy", "1 = 1", "", "'quoted", "St. Mary's"])
def test_other_text_is_left_alone(text: str) -> None:
    assert safe_text(text) == text


def test_numbers_stay_numbers_and_shares_are_percentages() -> None:
    assert csv_value(Cell(-0.125, "share", gap=True)) == -12.5
    assert csv_value(Cell(2 / 3, "average")) == 0.67
    assert csv_value(Cell(12, "count")) == 12
    assert csv_value(Cell(None, "share")) == ""
    assert csv_value(Cell(None, "share", suppressed=True)) == "[c]"


def test_every_text_cell_of_a_table_is_made_safe() -> None:
    rows = [
        [Cell("-Evil", "label"), Cell(0.5, "share"), Cell(3)],
        [Cell("@Row", "label"), Cell(0.25, "share"), Cell(None)],
    ]
    table = Table("x", "X", ["=Name", "Share", "+Count"], rows)
    assert table_csv(table) == "'=Name,Share (%),'+Count\r\n'-Evil,50.0,3\r\n'@Row,25.0,\r\n"


def test_a_schools_name_that_is_a_formula_is_escaped_in_the_download(app: Flask, sign_in_as: Any) -> None:
    hub = factories.create_hub()
    for name in FORMULAS:
        factories.create_school(hub, name=name)
    admin = sign_in_as(factories.create_user_for("hub_admin", hub))
    response = admin.client.get(admin.url("reports.hub_csv", report="schools"))
    assert response.mimetype == "text/csv"
    rows = csv_rows(response.data)
    names = sorted(row[0] for row in rows[1:])
    assert names == sorted("'" + name for name in FORMULAS)
    # Nothing in any cell starts a formula, unless it is a number.
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")) and (
                not cell.startswith("-") or _number(cell)
            ), cell


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("report", list(REPORTS))
def test_every_report_downloads_as_csv_named_for_what_it_covers(
    app: Flask, sign_in_as: Any, report: str
) -> None:
    world = worlds.build()
    admin = sign_in_as(factories.create_user_for("hub_admin", world.hub))
    response = admin.client.get(admin.url("reports.hub_csv", report=report, year=2025, year_group=11))
    assert response.status_code == 200
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="{report}-2025-to-2026-year-11-hub.csv"'
    )
    rows = csv_rows(response.data)
    assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows)
    leader = sign_in_as(factories.create_user_for("careers_leader", world.school_1))
    mine = leader.client.get(leader.url("reports.school_csv", report=report))
    assert f"-school-{world.school_1.urn}.csv" in mine.headers["Content-Disposition"]


def test_the_gap_in_a_download_is_a_negative_number(app: Flask, sign_in_as: Any) -> None:
    world = worlds.build()
    admin = sign_in_as(factories.create_user_for("hub_admin", world.hub))
    rows = csv_rows(admin.client.get(admin.url("reports.hub_csv", report="benchmark-5")).data)
    share = next(row for row in rows if row[0] == "Share with at least one encounter (%)")
    assert share == [
        "Share with at least one encounter (%)",
        "83.3",
        "50.0",
        "50.0",
        "100.0",
        "-50.0",
        "-50.0",
    ]
