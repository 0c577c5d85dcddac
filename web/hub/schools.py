"""The hub admin's schools and colleges: list, add, change, and invite their careers leaders."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from web.auth.roles import owned_or_404, role_required
from web.dao import accounts
from web.dao import schools as dao
from web.dao.base import transaction
from web.hub import bp
from web.hub.forms import InviteForm, SchoolForm, urn_taken
from web.models import School

ALREADY_HAS_ACCOUNT = "This email address already has an account. Ask them to sign in instead"


def _own_school(school_id: int) -> School:
    school: School = owned_or_404(dao.get_school(school_id), hub_id=current_user.hub_id)
    return school


@bp.route("/schools")
@role_required("hub_admin")
def schools() -> str:
    """The hub's schools and colleges, with how many careers leaders each has."""
    hub_id = current_user.hub_id
    return render_template(
        "hub/schools.html",
        schools=dao.schools_of_hub(hub_id),
        leaders=dao.leader_counts(hub_id),
        phases=dao.PHASES,
    )


@bp.route("/schools/new", methods=["GET", "POST"])
@role_required("hub_admin")
def new_school() -> Response | str:
    """Add a school or college to the hub."""
    form = SchoolForm(hub_id=current_user.hub_id)
    if form.validate_on_submit():
        try:
            with transaction():
                school = dao.add_school(current_user.hub_id, current_user.id, **form.values())
        except IntegrityError:
            _urn_taken_meanwhile(form)
        else:
            flash(f"{school.name} added. Now invite its careers leader", "success")
            return redirect(url_for("hub.school", school_id=school.id))
    return render_template("hub/school_form.html", form=form, school=None)


@bp.route("/schools/<int:school_id>/edit", methods=["GET", "POST"])
@role_required("hub_admin")
def edit_school(school_id: int) -> Response | str:
    """Change a school's URN, name, postcode or phase."""
    school = _own_school(school_id)
    form = SchoolForm(school=school, hub_id=current_user.hub_id)
    if not form.is_submitted():
        form.fill_from(school)
    if form.validate_on_submit():
        try:
            with transaction():
                dao.update_school(school, current_user.id, **form.values())
        except IntegrityError:
            school = _own_school(school_id)
            _urn_taken_meanwhile(form)
        else:
            flash("School updated", "success")
            return redirect(url_for("hub.school", school_id=school.id))
    return render_template("hub/school_form.html", form=form, school=school)


def _urn_taken_meanwhile(form: SchoolForm) -> None:
    # Another admin saved a school with this URN between the check and the save.
    owner = dao.school_with_urn(form.urn.data)
    form.urn.errors = [urn_taken(owner, current_user.hub_id) if owner else "Enter a different URN"]


@bp.route("/schools/<int:school_id>", methods=["GET", "POST"])
@role_required("hub_admin")
def school(school_id: int) -> Response | str:
    """A school's details and careers leaders, and inviting another careers leader."""
    school = _own_school(school_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            with transaction():
                accounts.invite(form.email.data, "careers_leader", school.id, current_user.id, form.name.data)
        except accounts.AccountError as problem:
            form.email.errors = [str(problem)]
        except IntegrityError:  # the address was given an account a moment ago
            form.email.errors = [ALREADY_HAS_ACCOUNT]
        else:
            flash(f"Invitation sent to {form.email.data.strip().lower()}", "success")
            return redirect(url_for("hub.school", school_id=school.id))
        school = _own_school(school_id)
    return render_template(
        "hub/school.html",
        school=school,
        form=form,
        leaders=dao.careers_leaders(school.id),
        phases=dao.PHASES,
    )


@bp.route("/schools/<int:school_id>/leaders/<int:user_id>/deactivate", methods=["POST"])
@role_required("hub_admin")
def deactivate_leader(school_id: int, user_id: int) -> Response:
    """Deactivate one of the school's careers leaders (one who has left, say): their sessions end at once."""
    return _set_leader_active(school_id, user_id, False)


@bp.route("/schools/<int:school_id>/leaders/<int:user_id>/reactivate", methods=["POST"])
@role_required("hub_admin")
def reactivate_leader(school_id: int, user_id: int) -> Response:
    """Let a deactivated careers leader of the school sign in again."""
    return _set_leader_active(school_id, user_id, True)


def _set_leader_active(school_id: int, user_id: int, active: bool) -> Response:
    school = _own_school(school_id)
    leader = dao.careers_leader(school.id, user_id)
    if leader is None:
        abort(404)
    if leader.active != active:
        with transaction():
            accounts.set_active(leader, active, current_user.id)
    flash(f"{leader.email} {'can sign in again' if active else 'is deactivated'}", "success")
    return redirect(url_for("hub.school", school_id=school.id, _anchor="leaders-table"))
