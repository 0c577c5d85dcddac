"""Hub admin pages: the overview here; schools and employers in their own modules on the same blueprint."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from matcher.people import KINDS, ROUTES
from web.auth.roles import role_required
from web.dao import hub as hub_dao
from web.hub import (
    bp,
    emails,  # noqa: F401 - registers the vetting and insurance emails
)


@bp.route("/")
@role_required("hub_admin")
def overview() -> str:
    """The hub at a glance: schools, employers, opportunities and matching rounds."""
    hub_id = current_user.hub_id
    hub = hub_dao.get_hub(hub_id)
    if hub is None:
        abort(404)
    return render_template(
        "hub/overview.html",
        hub=hub,
        schools=hub_dao.school_summaries(hub_id),
        employers=hub_dao.employers_of_hub(hub_id),
        employer_counts=hub_dao.employer_status_counts(hub_id),
        opportunities=hub_dao.opportunity_tallies(hub_id),
        rounds=hub_dao.latest_rounds(hub_id),
        route_labels=ROUTES,
        kind_labels=KINDS,
    )
