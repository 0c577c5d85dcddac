"""Student pages: home and interests here; choices and offers in their own modules on the same blueprint."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.dao import offers as offers_dao
from web.dao import students as dao
from web.dao.base import transaction
from web.models import Student
from web.students import bp
from web.students.display import helpers
from web.students.forms import PATHWAY_HINTS, InterestsForm

bp.context_processor(helpers)


def own_student() -> Student:
    """The signed-in student's own record (404 if the account has lost it)."""
    student = dao.get_student(current_user.student_id)
    if student is None:
        abort(404)
    return student


@bp.route("/")
@role_required("student")
def home() -> str:
    """What to do next, and the student's record of encounters and experiences."""
    student = own_student()
    return render_template(
        "students/home.html",
        student=student,
        has_interests=bool(student.routes or student.statement),
        choice_count=len(dao.chosen_ids(student.id)),
        offers_waiting=offers_dao.count_answerable(student.id, dao.today()),
        next_respond_by=offers_dao.next_respond_by(student.id, dao.today()),
        records=dao.experience_records(student.id),
    )


@bp.route("/interests", methods=["GET", "POST"])
@role_required("student")
def interests() -> Response | str:
    """The student's interests, pathway, home postcode, travel limit and availability."""
    student = own_student()
    form = InterestsForm()
    if form.validate_on_submit():
        with transaction():
            dao.save_interests(student, current_user.id, **form.values())
        flash("Your interests have been saved", "success")
        return redirect(url_for("students.home"))
    if not form.is_submitted():
        form.fill_from(student)
    return render_template("students/interests.html", form=form, pathway_hints=PATHWAY_HINTS)
