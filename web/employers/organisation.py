"""Your organisation: an employer's status with its careers hub, what the hub said, and the contact details
and safeguarding evidence the employer keeps current."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.dao import hub as hub_dao
from web.dao import vetting
from web.dao.base import transaction
from web.employers import bp
from web.employers.organisation_forms import OrganisationForm
from web.employers.views import cannot_publish, own_employer
from web.hub import emails  # noqa: F401 - registers the emails this page's changes send


@bp.route("/organisation")
@role_required("employer")
def organisation() -> str:
    """The employer's status, the hub's reason, what is missing, and its details and evidence."""
    employer = own_employer()
    today = date.today()
    return render_template(
        "employers/organisation.html",
        employer=employer,
        hub=hub_dao.get_hub(employer.hub_id),
        cannot_publish=cannot_publish(employer, today),
        warnings=vetting.warnings(employer, today),
    )


@bp.route("/organisation/edit", methods=["GET", "POST"])
@role_required("employer")
def edit_organisation() -> Response | str:
    """Change the contact details and safeguarding evidence; the hub re-checks changed evidence."""
    employer = own_employer()
    form = OrganisationForm(employer=employer)
    if not form.is_submitted():
        form.fill_from(employer)
    if form.validate_on_submit():
        with transaction():
            update = vetting.update_own_details(employer, current_user.id, date.today(), **form.values())
        if not update.changed:
            flash("Nothing has changed", "success")
        elif update.recheck:
            flash(
                "Your details are saved. We have told your careers hub, which will check your evidence again",
                "success",
            )
        else:
            flash("Your details are saved", "success")
        return redirect(url_for("employers.organisation"))
    return render_template("employers/organisation_form.html", form=form, employer=employer)
