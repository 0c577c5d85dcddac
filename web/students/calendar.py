"""A student's calendar entry for a placement they said yes to."""

from __future__ import annotations

from flask import Response, abort
from flask_login import current_user

from web import calendar
from web.auth.roles import role_required
from web.dao import hosting, opportunities
from web.students import bp


@bp.route("/placements/<int:allocation_id>/calendar.ics")
@role_required("student")
def placement_calendar(allocation_id: int) -> Response:
    """The student's own placement as an .ics download, once they have said yes: where (the full address),
    when, and what to know for the day."""
    placement = hosting.student_placement(current_user.student_id, allocation_id)
    if placement is None:
        abort(404)
    employer = hosting.employer_name(placement.opportunity_id)
    return calendar.placement(
        f"placement-{placement.allocation_id}.ics",
        f"student-placement-{placement.allocation_id}@placements",
        f"{placement.title} at {employer}",
        opportunities.get_opportunity(placement.opportunity_id),
    )
