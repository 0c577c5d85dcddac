"""Placements the school's students found themselves: the careers leader approves them or asks for changes."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.careers import (
    bp,
    emails,  # noqa: F401 - registers the emails these pages send
)
from web.careers.record_forms import OwnPlacementDecisionForm
from web.dao import own_placements as dao
from web.dao.base import transaction


@bp.route("/own-placements")
@role_required("careers_leader")
def own_placements() -> str:
    """The placements the school's students proposed, those waiting for a decision first."""
    return render_template(
        "careers/own_placements.html", rows=dao.school_proposals(int(current_user.school_id))
    )


@bp.route("/own-placements/<int:placement_id>", methods=["GET", "POST"])
@role_required("careers_leader")
def own_placement(placement_id: int) -> Response | str:
    """One proposal: its details, and approve it or ask the student for changes."""
    found = dao.get_for_school(placement_id, int(current_user.school_id))
    if found is None:
        abort(404)
    placement, student = found
    form = OwnPlacementDecisionForm()
    if placement.status == "proposed" and form.validate_on_submit():
        note = form.note.data or ""
        try:
            with transaction():
                seen = form.seen_version()
                if form.decision.data == "approve":
                    done, allocation_id = dao.approve(placement.id, current_user.id, note, seen)
                else:
                    done = dao.ask_for_changes(placement.id, current_user.id, note, seen)
        except dao.OwnPlacementError as problem:
            flash(str(problem), "important")
            return redirect(url_for("careers.own_placement", placement_id=placement.id))
        if not done:
            flash(
                "The student has changed this placement, or it has been decided already. Check it again",
                "important",
            )
        elif form.decision.data == "changes":
            flash("The student has been asked for changes", "success")
        elif allocation_id is None:
            flash(
                "Approved. The placement goes ahead once the hub approves the employer. A new employer has "
                "been invited to register and give its safeguarding evidence",
                "success",
            )
        else:
            flash("Approved. The placement is now on the student's record of placements", "success")
        return redirect(url_for("careers.own_placement", placement_id=placement.id))
    form.seen.data = placement.updated_at.isoformat()
    return render_template("careers/own_placement.html", placement=placement, student=student, form=form)
