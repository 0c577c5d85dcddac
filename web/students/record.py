"""The student's own record: encounters, workplace experiences, hours toward the guarantee and a T Level's
industry placement, and a reflection on each completed placement."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.dao import entitlements, ledger
from web.dao import records as dao
from web.dao import schools as schools_dao
from web.dao import students as students_dao
from web.dao.base import transaction
from web.dates import london_today
from web.planner.entitlements import in_words
from web.students import bp
from web.students.record_forms import ReflectionForm


@bp.route("/record")
@role_required("student")
def record() -> str:
    """Encounters and experiences on the student's record, their hours, and placements to reflect on."""
    records = dao.records_of(current_user.student_id)
    encounters = [record for record in records if record.benchmark == "5"]
    student = students_dao.get_student(current_user.student_id)
    school = schools_dao.get_school(student.school_id) if student else None
    if student is None or school is None:
        abort(404)
    owed, ended = ledger.pupil_ledger(student, entitlements.targets_of(school.hub_id), london_today())
    return render_template(
        "students/record.html",
        owed=owed,
        ended=ended,
        in_words=in_words,
        encounters=encounters,
        providers=sum(record.kind == "technical_provider" for record in encounters),
        experiences=[record for record in records if record.benchmark == "6"],
        hours=dao.experience_hours(records),
        guarantee=dao.GUARANTEE_HOURS,
        t_level=dao.t_level_progress(current_user.student_id),
        completed=dao.completed_placements(current_user.student_id),
    )


@bp.route("/record/placements/<int:allocation_id>/reflection", methods=["GET", "POST"])
@role_required("student")
def reflection(allocation_id: int) -> Response | str:
    """Write or change the student's reflection on one of their completed placements."""
    placement = dao.completed_placement(current_user.student_id, allocation_id)
    if placement is None:
        abort(404)
    form = ReflectionForm()
    if form.validate_on_submit():
        with transaction():
            dao.save_reflection(allocation_id, current_user.id, form.comment.data, form.rating_value)
        flash("Your reflection has been saved", "success")
        return redirect(url_for("students.record"))
    if not form.is_submitted() and placement.reflection is not None:
        form.comment.data = placement.reflection.comment
        form.rating.data = str(placement.reflection.rating or "")
    return render_template("students/record_reflection.html", form=form, placement=placement)
