"""A pupil's record seen from data protection: its hold (a school's reason to keep it whole) and its erasure,
for the careers leader of the pupil's school and the admin of its hub."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.dao import erasure, holds
from web.dao.base import transaction
from web.extensions import db
from web.fields import ConfirmForm
from web.models import Student
from web.models.base import utcnow
from web.privacy import bp
from web.privacy import retention as retention_views
from web.privacy.forms import ERASURE_REASONS, EraseForm, FindPupilForm, HoldForm

STAFF = ("careers_leader", "hub_admin")


def staff_pupil(student_id: int) -> Student:
    """The pupil, if the signed-in careers leader's school or hub admin's hub holds them; 404 otherwise, so an
    id tells nobody whether such a pupil exists."""
    student = db.session.get(Student, student_id)
    if student is not None:
        if current_user.role == "careers_leader" and student.school_id == current_user.school_id:
            return student
        if current_user.role == "hub_admin" and holds.in_hub(student, current_user.hub_id):
            return student
    abort(404)


def _page(student: Student, form: HoldForm) -> str:
    return render_template(
        "privacy/pupil.html",
        student=student,
        hold=holds.hold_of(student.id),
        views=holds.views(student.id),
        form=form,
        button=ConfirmForm(),
    )


@bp.route("/privacy/pupils/<int:student_id>")
@role_required(*STAFF)
def pupil(student_id: int) -> str:
    """The pupil's hold, subject access and erasure, and who has been shown their data."""
    return _page(staff_pupil(student_id), HoldForm())


@bp.route("/privacy/pupils/<int:student_id>/hold", methods=["POST"])
@role_required(*STAFF)
def hold(student_id: int) -> Response | str:
    """Put the pupil's record on hold: nothing erases or anonymises it until the hold is lifted."""
    student = staff_pupil(student_id)
    form = HoldForm()
    if student.anonymised_at is None and form.validate_on_submit():
        with transaction():
            holds.put_on_hold(student.id, form.reason.data, current_user.id)
        flash("The record is on hold", "success")
        return redirect(url_for("privacy.pupil", student_id=student.id))
    return _page(student, form)


@bp.route("/privacy/pupils/<int:student_id>/hold/lift", methods=["POST"])
@role_required(*STAFF)
def lift_hold(student_id: int) -> Response:
    """Lift the hold: the retention schedule and erasure apply again."""
    student = staff_pupil(student_id)
    if ConfirmForm().validate_on_submit():
        with transaction():
            holds.lift(student.id, current_user.id)
        flash("The hold is lifted", "success")
    return redirect(url_for("privacy.pupil", student_id=student.id))


@bp.route("/privacy/pupils/<int:student_id>/erase", methods=["GET", "POST"])
@role_required(*STAFF)
def erase(student_id: int) -> Response | str:
    """Erase the pupil: everything that identifies them goes in one transaction, or nothing does."""
    student = staff_pupil(student_id)
    form = EraseForm()
    refused = None
    if form.validate_on_submit():
        try:
            with transaction():
                erasure.erase(student, current_user.id, form.reason.data, utcnow())
        except erasure.ErasureError as problem:
            refused = str(problem)
        else:
            flash("The pupil has been erased", "success")
            return redirect(url_for("privacy.pupil", student_id=student.id))
    return render_template(
        "privacy/erase.html",
        student=student,
        form=form,
        refused=refused,
        hold=holds.hold_of(student.id),
        reasons=ERASURE_REASONS,
    )


@bp.route("/hub/data-protection/find", methods=["POST"])
@role_required("hub_admin")
def find_pupil() -> Response | str:
    """Go to the data protection page of the hub's pupil with this UPN, to hold, erase or answer a request."""
    form = FindPupilForm()
    if form.validate_on_submit():
        found = holds.find_in_hub(current_user.hub_id, form.upn.data)
        if found is not None:
            return redirect(url_for("privacy.pupil", student_id=found))
        form.upn.errors.append("No pupil of your hub's schools has that UPN")
    return retention_views.hub_page(form)
