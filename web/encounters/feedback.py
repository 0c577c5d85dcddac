"""Feedback after an event: a pupil's three answers about a place they went to, and an organisation's two
about an event where it ran slots. Each is saved once and changed as often as they like."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.dao import event_feedback as dao
from web.dao.base import transaction
from web.dates import london_today
from web.encounters import bp
from web.encounters.feedback_forms import OrganisationFeedbackForm, PupilFeedbackForm


@bp.route("/student/events/places/<int:place_id>/feedback", methods=["GET", "POST"])
@role_required("student")
def pupil_feedback(place_id: int) -> Response | str:
    """Three questions about a place the pupil went to (the register says so)."""
    place = dao.attended_place(place_id, current_user.student_id)
    if place is None:
        abort(404)
    form = PupilFeedbackForm()
    if not form.is_submitted() and place.answers is not None:
        form.fill_from(place.answers)
    if form.validate_on_submit():
        with transaction():
            dao.save_pupil_feedback(place.place_id, current_user.id, **form.answers())
        flash("Thank you: your answers help make the next one better", "success")
        return redirect(url_for("encounters.pupil_events"))
    return render_template("encounters/pupil_feedback.html", place=place, form=form)


@bp.route("/employer/events/<int:event_id>/feedback", methods=["GET", "POST"])
@role_required("employer")
def organisation_feedback(event_id: int) -> Response | str:
    """Two questions about an event where the organisation ran slots, from its day on."""
    event = dao.event_run_by(event_id, current_user.employer_id)
    if event is None:
        abort(404)
    if event.held_on > london_today():
        flash("You can tell us how it went once the event has happened", "important")
        return redirect(url_for("encounters.employer_events"))
    form = OrganisationFeedbackForm()
    saved = dao.organisation_answers(event.id, current_user.employer_id)
    if not form.is_submitted() and saved is not None:
        form.fill_from(saved)
    if form.validate_on_submit():
        with transaction():
            dao.save_organisation_feedback(
                event.id, current_user.employer_id, current_user.id, **form.answers()
            )
        flash("Thank you for your feedback", "success")
        return redirect(url_for("encounters.employer_events"))
    return render_template("encounters/organisation_feedback.html", event=event, form=form)
