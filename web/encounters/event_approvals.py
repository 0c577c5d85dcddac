"""The careers leader's event places: approve or turn down the places the hub's allocation proposed for
their pupils (no pupil or parent hears before), and record that an invited pupil cannot come."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.dao import event_places as dao
from web.dao.base import transaction
from web.encounters import bp, event_emails
from web.encounters.event_forms import PlacesForm
from web.fields import ConfirmForm


@bp.route("/school/events")
@role_required("careers_leader")
def school_events() -> str:
    """The places proposed for the school's pupils, to approve or turn down, and those already invited."""
    proposed = dao.places_of_school(current_user.school_id, ("proposed",))
    return render_template(
        "encounters/school_events.html",
        proposed=proposed,
        invited=dao.places_of_school(current_user.school_id, ("invited", "attended", "absent")),
        form=PlacesForm([place.place_id for place in proposed]),
        confirm=ConfirmForm(),
    )


@bp.route("/school/events/decide", methods=["POST"])
@role_required("careers_leader")
def decide_event_places() -> Response | str:
    """Approve the ticked places (each pupil is invited, and their parent or carer told) or turn them down
    (each seat goes to the next on its waitlist)."""
    proposed = dao.places_of_school(current_user.school_id, ("proposed",))
    form = PlacesForm([place.place_id for place in proposed])
    if not form.validate_on_submit():
        return render_template(
            "encounters/school_events.html",
            proposed=proposed,
            invited=dao.places_of_school(current_user.school_id, ("invited", "attended", "absent")),
            form=form,
            confirm=ConfirmForm(),
        )
    with transaction():
        if form.approve.data:
            ids = dao.approve(current_user.school_id, current_user.id, form.places.data)
            event_emails.send_invitations(ids)
        else:
            ids = dao.reject(current_user.school_id, current_user.id, form.places.data)
    done = "approved: the pupils are invited" if form.approve.data else "turned down"
    flash(f"{len(ids)} place{'' if len(ids) == 1 else 's'} {done}", "success")
    return redirect(url_for("encounters.school_events"))


@bp.route("/school/events/places/<int:place_id>/decline", methods=["POST"])
@role_required("careers_leader")
def decline_event_place(place_id: int) -> Response:
    """An invited pupil cannot come: the seat goes to the next on the slot's waitlist."""
    if ConfirmForm().validate_on_submit():
        with transaction():
            declined = dao.decline(current_user.school_id, current_user.id, place_id)
        flash(
            "Place given up: the next pupil waiting is proposed"
            if declined
            else "That place cannot be given up",
            "success" if declined else "important",
        )
    return redirect(url_for("encounters.school_events"))
