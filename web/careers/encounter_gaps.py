"""Encounters this year: per year group, who of the school's current students has had no employer
encounter this academic year (a list to filter, page and download), and provider encounters against the
28 February deadlines, with the pupils at risk of missing the next one."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from werkzeug.wrappers import Response

from web import paging
from web.auth.roles import role_required
from web.careers import bp
from web.dao import encounter_gaps as dao
from web.dao import rounds as rounds_dao
from web.dates import academic_year_of, london_today
from web.fields import ChoiceField, Form, whole_number
from web.models import School
from web.reports import csv
from web.reports.figures import Cell, Table

YEARS = {"": "All year groups", **{str(year): f"Year {year}" for year in range(7, 15)}}
GROUPS = {
    "": "All pupils",
    "disadvantaged": "Disadvantaged",
    "send": "SEND",
    "no_experience": "No workplace experience yet",
}
CSV_HEAD = ["UPN", "First name", "Last name", "Year group", "Disadvantaged", "SEND", "Workplace experience"]


def _select(label: str, choices: dict[str, str]) -> ChoiceField:
    return ChoiceField(label, choices, f"Select {label.lower()}", widget=GovSelect())


class GapFilterForm(Form):
    """Which pupils with no encounter this year to list (sent by GET, so a filtered list can be kept)."""

    class Meta(Form.Meta):
        csrf = False  # changes nothing

    year = _select("Year group", YEARS)
    group = _select("Group", GROUPS)

    def filters(self) -> dao.Filters:
        """What the list was asked to show; a value not on a list is no filter."""
        year = self.year.data if self.year.data in YEARS else ""
        group = self.group.data if self.group.data in GROUPS else ""
        return dao.Filters(year_group=whole_number(year, 2), group=group)


def _query_values(filters: dao.Filters) -> dict[str, Any]:
    values = {"year": str(filters.year_group or ""), "group": filters.group}
    return {name: value for name, value in values.items() if value}


def _school() -> School:
    school = rounds_dao.get_school(int(current_user.school_id))
    if school is None:
        abort(404)
    return school


@bp.route("/encounters/this-year")
@role_required("careers_leader")
def encounter_gaps() -> str:
    """Pupils with and without an encounter this year by year group and group, those with none (50 a
    page), and provider encounters against their deadlines with the pupils at risk."""
    today = london_today()
    school = _school()
    form = GapFilterForm(request.args)
    filters = form.filters()
    shown = _query_values(filters)
    matching = dao.count_without(school, today, filters)
    pages = paging.page_count(matching)
    page = paging.asked_page(pages)
    risky = dao.count_at_risk(school, today)
    risk_pages = paging.page_count(risky)
    risk_page = paging.asked_page(risk_pages, request.args.get("risk_page"))

    def link(number: int) -> str:
        return url_for("careers.encounter_gaps", page=number, **shown) + "#without"

    def risk_link(number: int) -> str:
        return url_for("careers.encounter_gaps", risk_page=number, **shown) + "#at-risk"

    return render_template(
        "careers/encounter_gaps.html",
        school=school,
        year=academic_year_of(today),
        gaps=dao.gaps(school, today),
        form=form,
        filtered=bool(shown),
        listed=dao.without(school, today, filters, page, paging.PER_PAGE),
        matching=matching,
        first_shown=(page - 1) * paging.PER_PAGE + 1,
        pagination=paging.pagination(page, pages, link, "Pages of pupils with no encounter"),
        csv_url=url_for("careers.encounter_gaps_csv", **shown),
        at_risk=dao.at_risk(school, today, risk_page, paging.PER_PAGE),
        risky=risky,
        risk_pagination=paging.pagination(risk_page, risk_pages, risk_link, "Pages of pupils at risk"),
        within_weeks=dao.AT_RISK_WITHIN.days // 7,
        deadline_of=lambda year_group: dao.provider_deadline(year_group, today),
    )


@bp.route("/encounters/this-year.csv")
@role_required("careers_leader")
def encounter_gaps_csv() -> Response:
    """The pupils with no encounter this year, as filtered, as a CSV file."""
    today = london_today()
    filters = GapFilterForm(request.args).filters()
    pupils = dao.without(_school(), today, filters, 1, None)
    table = Table("no-encounter", "Pupils with no encounter this year", CSV_HEAD)
    for pupil in pupils:
        student = pupil.student
        cells: list[str | int] = [
            student.upn or "",
            student.known_as,
            student.last_name,
            student.year_group,
            _yes(student.disadvantaged),
            _yes(student.send),
            _yes(pupil.experienced),
        ]
        table.rows.append([Cell(cell, "text") if isinstance(cell, str) else Cell(cell) for cell in cells])
    year = academic_year_of(today)
    group = f"-year-{filters.year_group}" if filters.year_group else ""
    group += f"-{filters.group.replace('_', '-')}" if filters.group else ""
    return csv.download(table, f"no-encounter-{year}-to-{year + 1}{group}.csv")


def _yes(value: bool) -> str:
    return "Yes" if value else "No"
