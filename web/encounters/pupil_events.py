"""A pupil's own event places: where and when they are invited, what they went to, and where they wait."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from web.auth.roles import role_required
from web.dao import event_feedback
from web.dao import event_places as dao
from web.encounters import bp
from web.models.encounters import ALL_FORMATS


@bp.route("/student/events")
@role_required("student")
def pupil_events() -> str:
    """The pupil's event places, soonest first; those they went to ask how it went."""
    return render_template(
        "encounters/pupil_events.html",
        places=dao.places_of_pupil(current_user.student_id),
        answered=event_feedback.answered_places(current_user.student_id),
        formats=ALL_FORMATS,
    )
