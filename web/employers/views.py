"""Employer pages: their opportunities, and who is coming to each."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from matcher.people import KINDS, PATHWAYS, ROUTES
from web.auth.roles import owned_or_404, role_required
from web.dao import hosting as hosting_dao
from web.dao import opportunities as dao
from web.dao import vetting, waiting
from web.dao.base import audit, transaction
from web.dates import long_date
from web.employers import bp
from web.employers.forms import NO_PLACES_PUBLISHED, OpportunityForm, capacity_below_taken
from web.employers.hosting_forms import CloseWithMessageForm
from web.fields import ConfirmForm
from web.models import Employer, Opportunity
from web.models.base import utcnow

# What students who said yes are told about when it changes: they and their parents may then withdraw.
TOLD_OF = ("start_date", "end_date", "hours_per_day", "remote", "postcode")

# Why an employer who is not approved cannot publish yet, by their status.
CANNOT_PUBLISH = {
    "pending": "Your careers hub has not approved your organisation yet. You can create drafts now and "
    "publish them once the hub has checked your safeguarding details.",
    "suspended": "Your careers hub has suspended your organisation, so you cannot publish opportunities. "
    "Contact your careers hub to find out why.",
}


EXPIRED = (
    "Your employers' liability insurance ran out on {day}, so you cannot publish opportunities. Renew it, "
    "then update your evidence on the Your organisation page"
)
CHECK_DUE = (
    "Your careers hub needs to check your safeguarding evidence before you can publish opportunities. "
    "It has been told; you can publish once it has recorded its check"
)
NOT_CURRENT = (
    "Your safeguarding evidence is not up to date, so you cannot publish opportunities. Check it on the "
    "Your organisation page, or contact your careers hub"
)


def cannot_publish(employer: Employer, today: date) -> str | None:
    """Why the employer cannot publish now, in their words; None if they can. Publishing needs the hub's
    approval and evidence that is still current (the same rule matching rounds use)."""
    reason = CANNOT_PUBLISH.get(employer.status)
    if reason or vetting.is_current(employer, today):
        return reason
    expires = employer.insurance_expires
    if expires is not None and expires < today:
        return EXPIRED.format(day=long_date(expires))
    if employer.next_check_due is None or employer.next_check_due <= today:
        return CHECK_DUE
    return NOT_CURRENT


def own_employer() -> Employer:
    """The signed-in employer user's organisation."""
    employer = dao.get_employer(current_user.employer_id)
    assert employer is not None  # the user row's foreign key guarantees it
    return employer


def _own_opportunity(opportunity_id: int) -> Opportunity:
    opportunity: Opportunity = owned_or_404(
        dao.get_opportunity(opportunity_id), employer_id=current_user.employer_id
    )
    return opportunity


@bp.route("/opportunities")
@role_required("employer")
def opportunities() -> str:
    """The employer's home: students ready for it to confirm, and its opportunities with their status and
    places taken."""
    employer = own_employer()
    return render_template(
        "employers/opportunities.html",
        opportunities=dao.list_opportunities_for_employer(employer.id),
        cannot_publish=cannot_publish(employer, date.today()),
        ready=waiting.ready_to_confirm(employer.id),
    )


@bp.route("/opportunities/new", methods=["GET", "POST"])
@role_required("employer")
def new_opportunity() -> Response | str:
    """Create an opportunity, saved as a draft."""
    form = OpportunityForm()
    if form.validate_on_submit():
        with transaction():
            opportunity = dao.create_opportunity(current_user.employer_id, **form.fields_to_save())
            audit(current_user.id, "opportunity_created", "opportunity", opportunity.id)
        flash("Opportunity saved as a draft", "success")
        return redirect(url_for("employers.opportunity", opportunity_id=opportunity.id))
    return render_template("employers/opportunity_form.html", form=form, opportunity=None)


@bp.route("/opportunities/<int:opportunity_id>/edit", methods=["GET", "POST"])
@role_required("employer")
def edit_opportunity(opportunity_id: int) -> Response | str:
    """Change a draft or published opportunity."""
    opportunity = _own_opportunity(opportunity_id)
    if opportunity.status not in dao.EDITABLE_STATUSES:
        return _cannot_edit(opportunity)
    form = OpportunityForm(opportunity=opportunity)
    if not form.is_submitted():
        form.fill_from(opportunity)
    if form.validate_on_submit():
        fields = form.fields_to_save()
        changed = sorted(name for name, value in fields.items() if getattr(opportunity, name) != value)
        told_of = opportunity.status == "published" and bool(set(changed) & set(TOLD_OF))
        holding = hosting_dao.holders(opportunity.id) if told_of else []
        if holding and request.form.get("confirm_change") != "yes":
            return _confirm_change(opportunity, form, len(holding))
        with transaction():
            saved = dao.update_opportunity(opportunity.id, **fields)
            if saved:
                audit(current_user.id, "opportunity_updated", "opportunity", opportunity.id, fields=changed)
                if told_of:  # whoever holds a place now, even one accepted since the warning
                    hosting_dao.tell_of_change(opportunity.id, f"{utcnow():%Y%m%d%H%M%S%f}")
        if saved:
            flash("Opportunity updated", "success")
            return redirect(url_for("employers.opportunity", opportunity_id=opportunity.id))
        # A place was accepted, or the opportunity published or closed, while the form was open: say
        # which, save nothing.
        opportunity = _own_opportunity(opportunity_id)
        if opportunity.status not in dao.EDITABLE_STATUSES:
            return _cannot_edit(opportunity)
        published_empty = opportunity.status == "published" and fields["capacity"] == 0
        form.capacity.errors = [
            NO_PLACES_PUBLISHED if published_empty else capacity_below_taken(opportunity.places_taken)
        ]
    return render_template("employers/opportunity_form.html", form=form, opportunity=opportunity)


def _confirm_change(opportunity: Opportunity, form: OpportunityForm, holding: int) -> str:
    # The answers go round again as hidden fields, so confirming saves exactly what was checked.
    answers = [(name, value) for name, value in request.form.items(multi=True) if name != "confirm_change"]
    return render_template(
        "employers/confirm_change.html", opportunity=opportunity, form=form, answers=answers, holding=holding
    )


def _cannot_edit(opportunity: Opportunity) -> Response:
    page = render_template("employers/cannot_edit.html", opportunity=opportunity)
    return Response(page, status=409)


@bp.route("/opportunities/<int:opportunity_id>")
@role_required("employer")
def opportunity(opportunity_id: int) -> str:
    """One opportunity, with what can be done to it next."""
    opportunity = _own_opportunity(opportunity_id)
    employer = own_employer()
    return render_template(
        "employers/opportunity.html",
        opportunity=opportunity,
        form=None,
        button=ConfirmForm(),
        cannot_publish=cannot_publish(employer, date.today()),
        editable=opportunity.status in dao.EDITABLE_STATUSES,
        publishable=opportunity.status in dao.PUBLISHABLE_STATUSES,
        closable=opportunity.status in dao.CLOSABLE_STATUSES,
    )


@bp.route("/opportunities/<int:opportunity_id>/publish", methods=["POST"])
@role_required("employer")
def publish_opportunity(opportunity_id: int) -> Response:
    """Publish a draft so matching rounds can offer it."""
    opportunity = _own_opportunity(opportunity_id)
    today = date.today()
    reason = cannot_publish(own_employer(), today)
    if reason:
        flash(reason, "important")
    elif opportunity.status not in dao.PUBLISHABLE_STATUSES:
        flash(f"This opportunity is {opportunity.status}, so it cannot be published", "important")
    elif opportunity.start_date <= today:
        flash("Change the start date to a date in the future before you publish", "important")
    elif opportunity.capacity < 1:
        flash("Change the capacity to 1 or more before you publish", "important")
    else:
        with transaction():
            published = dao.publish_opportunity(opportunity.id, today)
            if published:
                audit(current_user.id, "opportunity_published", "opportunity", opportunity.id)
        if published:
            flash("Opportunity published", "success")
        else:
            flash("The opportunity could not be published", "important")
    return redirect(url_for("employers.opportunity", opportunity_id=opportunity.id))


CLOSED_MESSAGE = "The employer has closed this opportunity"


@bp.route("/opportunities/<int:opportunity_id>/close", methods=["GET", "POST"])
@role_required("employer")
def close_opportunity(opportunity_id: int) -> Response | str:
    """Ask, then close an opportunity to new students (students already coming still come)."""
    opportunity = _own_opportunity(opportunity_id)
    if opportunity.status not in dao.CLOSABLE_STATUSES:
        flash("This opportunity is already closed", "important")
        return redirect(url_for("employers.opportunity", opportunity_id=opportunity.id))
    # Students who said yes are told why their placements are cancelled, so closing then asks for a message.
    holding = hosting_dao.holders(opportunity.id)
    button = CloseWithMessageForm() if holding else ConfirmForm()
    if button.validate_on_submit():
        with transaction():
            if dao.close_opportunity(opportunity.id):
                audit(current_user.id, "opportunity_closed", "opportunity", opportunity.id)
                # Whoever said yes before the close (even since this page was shown) is cancelled and told;
                # placements already under way are left to finish.
                message = button.message.data if holding else CLOSED_MESSAGE
                hosting_dao.cancel_all(opportunity.id, current_user.id, message)
        flash("Opportunity closed", "success")
        return redirect(url_for("employers.opportunity", opportunity_id=opportunity.id))
    return render_template(
        "employers/close.html", opportunity=opportunity, button=button, form=button, holding=len(holding)
    )


@bp.route("/opportunities/<int:opportunity_id>/students")
@role_required("employer")
def students_coming(opportunity_id: int) -> str:
    """Students who said yes: first name, school, year group, status, and only what a parent shared."""
    opportunity = _own_opportunity(opportunity_id)
    return render_template(
        "employers/students_coming.html",
        opportunity=opportunity,
        students=hosting_dao.list_incoming(opportunity.id),
    )


@bp.context_processor
def _labels() -> dict[str, object]:
    return {"kinds": KINDS, "routes": ROUTES, "pathways": PATHWAYS}
