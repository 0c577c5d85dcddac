"""The hub admin's reports: the hub total, a page of its schools at a time, and each school's report."""

from __future__ import annotations

from dataclasses import replace
from math import ceil

from flask import abort, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web import paging
from web.auth.roles import role_required
from web.dao import hub as hub_dao
from web.dao import reports as dao
from web.dao.reports import Scope
from web.fields import whole_number
from web.models import School
from web.reports import bp, csv
from web.reports.forms import FilterForm
from web.reports.report import Figures, schools_chart, schools_table
from web.reports.views import (
    REPORT_RULE,
    SLUGS,
    csv_download,
    csv_name,
    draw_report,
    filter_args,
    filter_form,
    report_page,
    report_rule,
    scope_of,
)

SCHOOLS_PER_PAGE = 25
SCHOOLS_CSV = "schools"


def _hub_id() -> int:
    return int(current_user.hub_id)


def _own_school(school_id: int) -> School:
    school = dao.school_in_hub(school_id, _hub_id())
    if school is None:
        abort(404)
    return school


def _page_number(last: int) -> int:
    number = whole_number(request.args.get("page"), 6) or 1
    return min(max(number, 1), max(last, 1))


@bp.route("/hub/reports")
@role_required("hub_admin")
def hub() -> str:
    """The hub's figures for an academic year and year group, and its schools' figures, a page at a time."""
    form = filter_form()
    scope = scope_of(form, _hub_id())
    asked_page = whole_number(request.args.get("page"), 6) or 1
    return report_page(
        "Hub reports", form, ("hub", scope, form.chosen_name, asked_page), lambda: _draw_hub(form, scope)
    )


def _draw_hub(form: FilterForm, scope: Scope) -> str:
    matching = dao.count_schools(_hub_id(), form.chosen_name)
    pages = ceil(matching / SCHOOLS_PER_PAGE)
    page = _page_number(pages)
    schools = dao.schools_page(_hub_id(), form.chosen_name, page, SCHOOLS_PER_PAGE)
    figures = Figures(scope)
    rows = figures.school_rows(schools)
    caption = f"{matching} {'school' if matching == 1 else 'schools'}"
    if form.chosen_name:
        caption += f" with '{form.chosen_name}' in the name"
    table = schools_table(rows, caption)
    for row, school in zip(table.rows, schools, strict=True):
        row[0] = replace(row[0], href=url_for("reports.hub_school", school_id=school.id, **filter_args(form)))
    return draw_report(
        "reports/hub_content.html",
        form,
        scope,
        "reports.hub_csv",
        hub=hub_dao.get_hub(_hub_id()),
        figures=figures,
        schools_table=table,
        schools_chart=schools_chart(rows),
        schools_csv=url_for("reports.hub_csv", report=SCHOOLS_CSV, **filter_args(form, with_name=True)),
        pagination=_pagination(page, pages, form),
    )


def _pagination(page: int, pages: int, form: FilterForm) -> dict[str, object]:
    """GOV.UK pagination: the first and last pages, this one and its neighbours, ellipses between."""
    args = filter_args(form, with_name=True)

    def link(number: int) -> str:
        return url_for("reports.hub", page=number, **args) + "#schools"

    return paging.pagination(page, pages, link, "Pages of schools")


@bp.route(f"/hub/reports/{report_rule(*SLUGS, SCHOOLS_CSV)}")
@role_required("hub_admin")
def hub_csv(report: str) -> Response:
    """One of the hub's reports as a CSV file; the schools report lists every school the name filter finds."""
    form = filter_form()
    scope = scope_of(form, _hub_id())
    if report != SCHOOLS_CSV:
        return csv_download(scope, report, "hub")
    schools = dao.schools_page(_hub_id(), form.chosen_name, 1, None)
    table = schools_table(Figures(scope).school_rows(schools), "Schools")
    return csv.download(table, csv_name(scope, report, "hub"))


@bp.route("/hub/reports/schools/<int:school_id>")
@role_required("hub_admin")
def hub_school(school_id: int) -> str:
    """One of the hub's schools' reports, as its careers leaders see it."""
    school = _own_school(school_id)
    form = filter_form()
    scope = scope_of(form, _hub_id(), school.id)
    return report_page(
        f"Reports for {school.name}",
        form,
        ("hub-school", scope, form.chosen_name),
        lambda: draw_report(
            "reports/school_content.html",
            form,
            scope,
            "reports.hub_school_csv",
            school=school,
            csv_values={"school_id": school.id},
        ),
        back=url_for("reports.hub", **filter_args(form)),
    )


@bp.route(f"/hub/reports/schools/<int:school_id>/{REPORT_RULE}")
@role_required("hub_admin")
def hub_school_csv(school_id: int, report: str) -> Response:
    """One of a school's reports as a CSV file."""
    school = _own_school(school_id)
    return csv_download(scope_of(filter_form(), _hub_id(), school.id), report, f"school-{school.urn}")
