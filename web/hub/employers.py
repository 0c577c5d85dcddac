"""The hub admin's employers: the list with what each is missing, and the vetting page for one employer,
where the hub records its check of the safeguarding evidence and approves, asks for changes or suspends."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from matcher.people import ROUTES
from web import paging
from web.auth.roles import owned_or_404, role_required
from web.dao import hub as hub_dao
from web.dao import vetting as dao
from web.dao.base import transaction
from web.hub import bp
from web.hub.forms import CHECK_LABELS, DECISION_LABELS, CheckForm, DecisionForm, EmployerSearchForm
from web.models import Employer
from web.models.base import EMPLOYER_STATUSES
from web.models.organisations import ORGANISATION_KINDS

DECIDED = {
    "approve": "{name} is approved. We have emailed its users",
    "changes": "You have asked {name} for changes. We have emailed its users",
    "suspend": "{name} is suspended. We have emailed its users",
}


def _own_employer(employer_id: int) -> Employer:
    employer: Employer = owned_or_404(dao.get_employer(employer_id), hub_id=current_user.hub_id)
    return employer


@bp.route("/employers")
@role_required("hub_admin")
def employers() -> str:
    """The hub's employers and providers with their kind, vetting status and what is missing, a page at a
    time, filtered by status and kind and found by name."""
    status = request.args.get("status", type=str)
    status = status if status in EMPLOYER_STATUSES else None
    form = EmployerSearchForm(request.args)
    form.validate()
    search = form.words()
    kind = request.args.get("kind", type=str)
    kind = kind if kind in ORGANISATION_KINDS else None
    today = date.today()
    counts = hub_dao.employer_status_counts(current_user.hub_id, search, kind)
    pages = paging.page_count(counts[status] if status else sum(counts.values()))
    page = paging.asked_page(pages)
    listed = hub_dao.employers_page(current_user.hub_id, status, search, page, paging.PER_PAGE, kind)
    kept = {name: value for name, value in (("status", status), ("q", search), ("kind", kind)) if value}

    def link(number: int) -> str:
        return url_for("hub.employers", page=number, **kept) + "#employers-table"

    return render_template(
        "hub/employers.html",
        form=form,
        employers=listed,
        missing={
            employer.id: dao.problems(employer, today) + dao.warnings(employer, today) for employer in listed
        },
        status=status,
        search=search,
        counts=counts,
        page=page,
        pages=pages,
        per_page=paging.PER_PAGE,
        pagination=paging.pagination(page, pages, link, "Pages of employers"),
        routes=ROUTES,
        kind=kind,
        kinds=ORGANISATION_KINDS,
    )


@bp.route("/employers/<int:employer_id>", methods=["GET", "POST"])
@role_required("hub_admin")
def employer(employer_id: int) -> Response | str:
    """An employer's details and safeguarding evidence, and the hub's decision on it."""
    employer = _own_employer(employer_id)
    today = date.today()
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            with transaction():
                dao.decide(employer, form.decision.data, form.reason.data or "", current_user.id, today)
        except dao.VettingError as problem:
            form.decision.errors = [str(problem)]
            employer = _own_employer(employer_id)
        else:
            flash(DECIDED[form.decision.data].format(name=employer.name), "success")
            return redirect(url_for("hub.employer", employer_id=employer.id))
    return render_template(
        "hub/employer.html",
        employer=employer,
        form=form,
        problems=dao.problems(employer, today),
        warnings=dao.warnings(employer, today),
        current=dao.is_current(employer, today),
        decision_labels=DECISION_LABELS,
        routes=ROUTES,
        kinds=ORGANISATION_KINDS,
    )


@bp.route("/employers/<int:employer_id>/check", methods=["GET", "POST"])
@role_required("hub_admin")
def employer_check(employer_id: int) -> Response | str:
    """Record the employer's safeguarding evidence as checked, and the dates of this check and the next; a
    change to evidence already recorded is shown (saved -> new) to confirm before it is saved."""
    employer = _own_employer(employer_id)
    form = CheckForm()
    if not form.is_submitted():
        form.fill_from(employer)
        if form.last_checked_on.data is None or form.last_checked_on.data < date.today():
            form.last_checked_on.data = date.today()  # the usual answer: the check being recorded is today's
    elif "edit" not in request.form and form.validate_on_submit():
        values = form.values()
        changes = dao.check_changes(employer, values)
        seen = dao.evidence_seen(employer)
        if dao.replaces_evidence(changes) and request.form.get("confirm") != seen:
            return render_template(
                "hub/employer_check_confirm.html",
                employer=employer,
                changes=changes,
                labels=CHECK_LABELS,
                seen=seen,
                # A confirmation of evidence that has changed since: the changes are shown again.
                moved="confirm" in request.form,
                answers=[
                    (key, value)
                    for key, value in request.form.items(multi=True)
                    if key not in ("csrf_token", "confirm", "edit", "submit")
                ],
            )
        with transaction():
            changed = dao.record_check(employer, current_user.id, **values)
        flash("Check recorded" if changed else "Nothing has changed", "success")
        return redirect(url_for("hub.employer", employer_id=employer.id))
    return render_template("hub/employer_check.html", form=form, employer=employer)
