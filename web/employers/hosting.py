"""Hosting a placement: one incoming student, confirming or declining them, their calendar entry,
attendance and outcome, and the employer's feedback."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web import calendar
from web.auth.roles import role_required
from web.dao import hosting as dao
from web.dao import opportunities
from web.dao.base import transaction
from web.dates import london_today
from web.employers import (
    bp,
    emails,  # noqa: F401 - registers the hosting emails
)
from web.employers.hosting_forms import DeclineForm, FeedbackForm, OutcomeForm
from web.fields import ConfirmForm

STATUS_LABELS = {
    "accepted": "Waiting for parental consent",
    "consented": "Ready to confirm",
    "confirmed": "Confirmed",
    "completed": "Completed",
    "no_show": "Did not attend",
}


def status_label(placement: dao.Incoming) -> str:
    """The placement's status in the employer's words."""
    if placement.status == "accepted" and not placement.needs_consent:
        return "Ready to confirm"
    return STATUS_LABELS[placement.status]


@bp.app_template_global("placement_status")
def _placement_status(placement: dao.Incoming) -> str:
    return status_label(placement)


def _own_placement(allocation_id: int) -> dao.Incoming:
    placement = dao.get_incoming(allocation_id, current_user.employer_id)
    if placement is None:
        abort(404)
    return placement


def _back(placement: dao.Incoming) -> Response:
    return redirect(url_for("employers.placement", allocation_id=placement.allocation_id))


def _started(placement: dao.Incoming) -> bool:
    return london_today() >= placement.start_date


@bp.route("/placements/<int:allocation_id>")
@role_required("employer")
def placement(allocation_id: int) -> str:
    """One incoming student: what the employer may know, and what they can do next."""
    placement = _own_placement(allocation_id)
    started = _started(placement)
    return render_template(
        "employers/placement.html",
        placement=placement,
        button=ConfirmForm(),
        feedback=dao.get_feedback(placement.allocation_id),
        can_decline=placement.status in dao.UNDOABLE_STATUSES and not started,
        can_record=placement.status == "confirmed" and started,
        can_give_feedback=(placement.status == "confirmed" and started) or placement.status == "completed",
    )


@bp.route("/placements/<int:allocation_id>/confirm", methods=["POST"])
@role_required("employer")
def confirm_placement(allocation_id: int) -> Response:
    """Confirm the placement once consent is given (or not needed); the student and parent are told."""
    placement = _own_placement(allocation_id)
    if ConfirmForm().validate_on_submit():
        with transaction():
            confirmed = dao.confirm(placement.allocation_id, current_user.id)
        if confirmed:
            flash(f"Placement confirmed. {placement.first_name} and their school have been told", "success")
        elif placement.status == "confirmed":
            flash("This placement is already confirmed", "important")
        else:
            flash("You can confirm this placement once a parent or carer has given consent", "important")
    return _back(placement)


@bp.route("/placements/<int:allocation_id>/decline", methods=["GET", "POST"])
@role_required("employer")
def decline_placement(allocation_id: int) -> Response | str:
    """Ask why, then decline the placement: the seat is freed and the student and school are told."""
    placement = _own_placement(allocation_id)
    if placement.status not in dao.UNDOABLE_STATUSES or _started(placement):
        # Under way or over: the employer records it as completed or did not attend instead.
        flash("This placement can no longer be declined", "important")
        return _back(placement)
    form = DeclineForm()
    if form.validate_on_submit():
        with transaction():
            declined = dao.decline(placement.allocation_id, current_user.id, form.reason.data)
        if declined:
            flash(f"Placement declined. {placement.first_name} and their school have been told", "success")
        else:
            flash("This placement can no longer be declined", "important")
        return redirect(url_for("employers.students_coming", opportunity_id=placement.opportunity_id))
    return render_template("employers/decline.html", placement=placement, form=form)


@bp.route("/placements/<int:allocation_id>/calendar.ics")
@role_required("employer")
def placement_calendar(allocation_id: int) -> Response:
    """A calendar entry for a confirmed placement: the opportunity's title and the student's first name."""
    placement = _own_placement(allocation_id)
    if placement.status not in ("confirmed", "completed"):
        abort(404)
    return calendar.placement(
        f"placement-{placement.allocation_id}.ics",
        f"employer-placement-{placement.allocation_id}@placements",
        f"{placement.title}: {placement.first_name}",
        opportunities.get_opportunity(placement.opportunity_id),
    )


@bp.route("/placements/<int:allocation_id>/outcome", methods=["GET", "POST"])
@role_required("employer")
def placement_outcome(allocation_id: int) -> Response | str:
    """Once it has started: record the days and hours attended, and whether the student came."""
    placement = _own_placement(allocation_id)
    if placement.status != "confirmed" or not _started(placement):
        flash("You can record attendance for a confirmed placement once it has started", "important")
        return _back(placement)
    form = OutcomeForm(days=placement.days, hours_per_day=placement.hours_per_day)
    if form.validate_on_submit():
        days, hours = form.attendance()
        with transaction():
            saved = dao.record_outcome(
                placement.allocation_id, current_user.id, form.outcome.data, days, hours
            )
        if saved:
            flash("Attendance saved", "success")
        else:
            flash("Attendance for this placement was already recorded", "important")
        return _back(placement)
    return render_template("employers/outcome.html", placement=placement, form=form)


@bp.route("/placements/<int:allocation_id>/feedback", methods=["GET", "POST"])
@role_required("employer")
def placement_feedback(allocation_id: int) -> Response | str:
    """The employer's feedback on a placement that has started: saved once, changed as often as needed."""
    placement = _own_placement(allocation_id)
    started = placement.status == "confirmed" and _started(placement)
    if not (started or placement.status == "completed"):
        flash("You can give feedback once the placement has started", "important")
        return _back(placement)
    form = FeedbackForm()
    saved = dao.get_feedback(placement.allocation_id)
    if not form.is_submitted() and saved is not None:
        form.fill_from(saved)
    if form.validate_on_submit():
        with transaction():
            dao.save_feedback(placement.allocation_id, current_user.id, **form.answers())
        flash("Feedback saved", "success")
        return _back(placement)
    return render_template("employers/feedback.html", placement=placement, form=form)
