"""Check-in calls and visits a careers leader makes during one of the school's placements."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.careers import bp
from web.careers.record_forms import CHECK_IN_KINDS, CheckInForm
from web.dao import records as dao
from web.dao.base import transaction
from web.dao.students import today


@bp.route("/placements/<int:allocation_id>/check-ins", methods=["GET", "POST"])
@role_required("careers_leader")
def check_ins(allocation_id: int) -> Response | str:
    """Log a call or visit on one of the school's placements, and see those logged before."""
    placement = dao.school_placement(allocation_id, int(current_user.school_id))
    if placement is None:
        abort(404)
    form = CheckInForm(today=today())
    if placement.can_check_in and form.validate_on_submit():
        with transaction():
            logged = dao.add_check_in(
                allocation_id, current_user.id, form.kind.data, form.on_date.data, form.note.data
            )
        flash(
            "Check-in saved"
            if logged
            else "This check-in was not saved: it is saved already, or the placement has ended",
            "success" if logged else "important",
        )
        return redirect(url_for("careers.check_ins", allocation_id=allocation_id))
    return render_template(
        "careers/check_ins.html",
        form=form,
        placement=placement,
        check_ins=dao.check_ins(allocation_id),
        kinds=CHECK_IN_KINDS,
    )
