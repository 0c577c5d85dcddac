"""The careers leader's reports: their own school's figures, and nobody else's."""

from __future__ import annotations

from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.dao import rounds as rounds_dao
from web.reports import bp
from web.reports.views import (
    REPORT_RULE,
    csv_download,
    draw_report,
    filter_form,
    report_page,
    scope_of,
)


@bp.route("/school/reports")
@role_required("careers_leader")
def school() -> str:
    """The school's figures for an academic year and year group."""
    school = rounds_dao.get_school(int(current_user.school_id))
    form = filter_form()
    scope = scope_of(form, school.hub_id, school.id)
    return report_page(
        f"Reports for {school.name}",
        form,
        ("school", scope, form.chosen_name),
        lambda: draw_report("reports/school_content.html", form, scope, "reports.school_csv", school=school),
    )


@bp.route(f"/school/reports/{REPORT_RULE}")
@role_required("careers_leader")
def school_csv(report: str) -> Response:
    """One of the school's reports as a CSV file."""
    school = rounds_dao.get_school(int(current_user.school_id))
    return csv_download(scope_of(filter_form(), school.hub_id, school.id), report, f"school-{school.urn}")
