"""An organisation's events: those where it runs a slot, each with its register and, once held, two
questions about how it went; and whom it has met this academic year, with what those pupils said."""

from __future__ import annotations

from datetime import date

from flask import render_template
from flask_login import current_user

from web.auth.roles import role_required
from web.dao import event_feedback
from web.dao import events as dao
from web.dates import academic_year_of, london_today
from web.encounters import bp
from web.reports.encounter_figures import SUPPRESS_UNDER


@bp.route("/employer/events")
@role_required("employer")
def employer_events() -> str:
    """The events where the organisation runs slots, soonest first, and its reach this year."""
    today = london_today()
    year = academic_year_of(today)
    return render_template(
        "encounters/employer_events.html",
        events=dao.events_run_by(current_user.employer_id),
        today=today,
        reach=event_feedback.reach(current_user.employer_id, date(year, 9, 1), date(year + 1, 8, 31)),
        enough=SUPPRESS_UNDER,
    )
