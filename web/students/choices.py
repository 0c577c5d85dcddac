"""Opportunities open to the student, and their ranked choices (up to six)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web import paging
from web.auth.roles import role_required
from web.dao import students as dao
from web.dao.base import transaction
from web.fields import whole_number
from web.students import bp
from web.students.forms import OpportunityFilterForm
from web.students.views import own_student


@bp.route("/opportunities")
@role_required("student")
def opportunities() -> str:
    """The opportunities open to the student, those that suit them best first, a page at a time, narrowed
    by the filters asked for in the query string; each marked if already chosen."""
    student = own_student()
    form = OpportunityFilterForm(request.args)
    form.validate()
    asked = whole_number(request.args.get("page"), 6) or 1
    found = dao.opportunities_page(student, dao.today(), form.filters(), asked)
    if form.distance.data and not form.distance.errors and not found.located:
        form.distance.errors = ["Add your home postcode to your interests to find places by distance"]
    return render_template(
        "students/opportunities.html",
        form=form,
        found=found,
        student=student,
        pagination=_pagination(found, form.args()),
        chosen=dao.chosen_ids(student.id),
        max_choices=dao.MAX_CHOICES,
    )


def _pagination(found: dao.OpportunityPage, args: dict[str, Any]) -> dict[str, object]:
    """GOV.UK pagination: the first and last pages, this one and its neighbours, ellipses between."""

    def link(number: int) -> str:
        return url_for("students.opportunities", page=number, **args) + "#opportunities"

    return paging.pagination(found.page, found.pages, link, "Pages of opportunities")


@bp.route("/opportunities/<int:opportunity_id>")
@role_required("student")
def opportunity(opportunity_id: int) -> str:
    """One opportunity open to the student, with a button to add it to their choices."""
    student = own_student()
    found = dao.open_opportunity(student, opportunity_id, dao.today())
    if found is None:
        abort(404)
    opportunity, employer_name = found
    return render_template(
        "students/opportunity.html",
        opportunity=opportunity,
        employer_name=employer_name,
        chosen=opportunity.id in dao.chosen_ids(student.id),
    )


@bp.route("/opportunities/<int:opportunity_id>/choose", methods=["POST"])
@role_required("student")
def add_choice(opportunity_id: int) -> Response:
    """Add an opportunity as the student's last choice."""
    student = own_student()
    try:
        with transaction():
            opportunity = dao.add_choice(student, opportunity_id, dao.today(), current_user.id)
            title = opportunity.title
    except dao.ChoiceError as problem:
        flash(str(problem), "problem")
        return redirect(url_for("students.opportunities"))
    flash(f"{title} has been added to your choices", "success")
    return redirect(url_for("students.choices"))


@bp.route("/choices")
@role_required("student")
def choices() -> str:
    """The student's choices in order, to move up, move down or remove."""
    student = own_student()
    today = dao.today()
    rows = [
        (preference, opportunity, name, dao.open_opportunity(student, opportunity.id, today) is not None)
        for preference, opportunity, name in dao.choices(student.id)
    ]
    return render_template("students/choices.html", rows=rows, max_choices=dao.MAX_CHOICES)


def _change(action: str, opportunity_id: int) -> Response:
    student = own_student()
    try:
        with transaction():
            if action == "remove":
                dao.remove_choice(student.id, opportunity_id, current_user.id)
            else:
                dao.move_choice(student.id, opportunity_id, -1 if action == "up" else 1, current_user.id)
    except dao.ChoiceError as problem:
        flash(str(problem), "problem")
    else:
        if action == "remove":
            flash("The opportunity has been removed from your choices", "success")
    return redirect(url_for("students.choices"))


@bp.route("/choices/<int:opportunity_id>/up", methods=["POST"])
@role_required("student")
def move_choice_up(opportunity_id: int) -> Response:
    """Move a choice one place up."""
    return _change("up", opportunity_id)


@bp.route("/choices/<int:opportunity_id>/down", methods=["POST"])
@role_required("student")
def move_choice_down(opportunity_id: int) -> Response:
    """Move a choice one place down."""
    return _change("down", opportunity_id)


@bp.route("/choices/<int:opportunity_id>/remove", methods=["POST"])
@role_required("student")
def remove_choice(opportunity_id: int) -> Response:
    """Remove a choice; the others close up."""
    return _change("remove", opportunity_id)
