"""Placements a student found themselves: propose one, see what the careers leader decided, change it when
asked, or withdraw it before a decision."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.dao import own_placements as dao
from web.dao.base import transaction
from web.dao.students import today
from web.fields import ConfirmForm
from web.models import OwnPlacement
from web.students import bp
from web.students.record_forms import OwnPlacementForm
from web.students.views import own_student


def _form() -> OwnPlacementForm:
    student = own_student()
    employers = {
        employer.id: employer.name for employer in dao.approved_employers(dao.hub_of_student(student))
    }
    return OwnPlacementForm(employers=employers, date_of_birth=student.date_of_birth, today=today())


def _own_or_404(placement_id: int) -> OwnPlacement:
    placement = dao.get_for_student(placement_id, current_user.student_id)
    if placement is None:
        abort(404)
    return placement


@bp.route("/own-placements")
@role_required("student")
def own_placements() -> str:
    """The placements the student has proposed, and what happened to each."""
    return render_template(
        "students/own_placements.html", placements=dao.student_proposals(current_user.student_id)
    )


@bp.route("/own-placements/new", methods=["GET", "POST"])
@role_required("student")
def propose_own_placement() -> Response | str:
    """Propose a placement the student found themselves, for their careers leader to approve."""
    form = _form()
    if form.validate_on_submit():
        with transaction():
            placement = dao.propose(own_student(), current_user.id, **form.values())
        flash("Your placement has been sent to your careers leader", "success")
        return redirect(url_for("students.own_placement", placement_id=placement.id))
    return render_template("students/own_placement_form.html", form=form, placement=None)


@bp.route("/own-placements/<int:placement_id>")
@role_required("student")
def own_placement(placement_id: int) -> str:
    """One proposal: its details, its status and the careers leader's note."""
    placement = _own_or_404(placement_id)
    return render_template(
        "students/own_placement.html",
        placement=placement,
        can_change=placement.status in dao.OPEN_STATUSES,
        button=ConfirmForm(),
    )


@bp.route("/own-placements/<int:placement_id>/change", methods=["GET", "POST"])
@role_required("student")
def change_own_placement(placement_id: int) -> Response | str:
    """Change a proposal before it is decided (when the careers leader asked for changes, say)."""
    placement = _own_or_404(placement_id)
    if placement.status not in dao.OPEN_STATUSES:
        flash("This placement has been decided, so it cannot be changed", "important")
        return redirect(url_for("students.own_placement", placement_id=placement.id))
    form = _form()
    if form.validate_on_submit():
        with transaction():
            changed = dao.change(placement.id, current_user.id, **form.values())
        flash(
            "Your changes have been sent to your careers leader"
            if changed
            else "This placement has been decided, so it cannot be changed",
            "success" if changed else "important",
        )
        return redirect(url_for("students.own_placement", placement_id=placement.id))
    if not form.is_submitted():
        form.fill_from(placement)
    return render_template("students/own_placement_form.html", form=form, placement=placement)


@bp.route("/own-placements/<int:placement_id>/withdraw", methods=["POST"])
@role_required("student")
def withdraw_own_placement(placement_id: int) -> Response:
    """Withdraw a proposal before it is decided."""
    placement = _own_or_404(placement_id)
    if ConfirmForm().validate_on_submit():
        with transaction():
            withdrawn = dao.withdraw(placement.id, current_user.id)
        flash(
            "You have withdrawn this placement" if withdrawn else "This placement has been decided already",
            "success" if withdrawn else "important",
        )
    return redirect(url_for("students.own_placement", placement_id=placement.id))
