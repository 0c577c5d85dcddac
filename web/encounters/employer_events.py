"""An organisation's events: those where it runs a slot, each with its register."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from web.auth.roles import role_required
from web.dao import events as dao
from web.encounters import bp


@bp.route("/employer/events")
@role_required("employer")
def employer_events() -> str:
    """The events where the organisation runs slots, soonest first, each linking to its register."""
    return render_template(
        "encounters/employer_events.html", events=dao.events_run_by(current_user.employer_id)
    )
