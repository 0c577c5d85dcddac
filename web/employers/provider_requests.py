"""Provider access for education and training providers: ask a school of the hub for access under its
published policy, see what each school answered, and withdraw a request still waiting. Organisations of
kind "employer" are refused (403): the law gives providers, not employers, this access."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import owned_or_404, role_required
from web.dao import provider_requests as dao
from web.dao import vetting
from web.dao.base import transaction
from web.dao.schools import get_school
from web.dates import london_today
from web.employers import (
    bp,
    provider_request_emails,  # noqa: F401 - registers the emails these pages send
)
from web.employers.provider_request_forms import AccessRequestForm
from web.employers.views import own_employer
from web.fields import ConfirmForm
from web.models import Employer, ProviderAccessRequest

# Why a provider cannot ask yet, by its status; NOT_CURRENT for an approved one whose evidence is not.
CANNOT_ASK = {
    "pending": "Your careers hub has not approved your organisation yet. You can ask schools for access "
    "once the hub has checked your safeguarding details.",
    "suspended": "Your careers hub has suspended your organisation, so you cannot ask schools for access. "
    "Contact your careers hub to find out why.",
}
NOT_CURRENT = (
    "Your safeguarding evidence is not up to date, so you cannot ask schools for access. Check it on the "
    "Your organisation page, or contact your careers hub."
)


def _own_provider() -> Employer:
    employer = own_employer()
    if not dao.is_provider(employer):
        abort(403)
    return employer


def cannot_ask(provider: Employer, today: date) -> str | None:
    """Why the provider cannot send requests now; None if it can (approved, with current evidence: the
    rule for publishing opportunities and encounter offers)."""
    if vetting.is_current(provider, today):
        return None
    return CANNOT_ASK.get(provider.status, NOT_CURRENT)


def _own_request(access_request_id: int) -> ProviderAccessRequest:
    found: ProviderAccessRequest = owned_or_404(
        dao.get_request(access_request_id), provider_id=current_user.employer_id
    )
    return found


@bp.route("/provider-access")
@role_required("employer")
def provider_requests() -> str:
    """The provider's requests to schools, those waiting for an answer first."""
    provider = _own_provider()
    return render_template(
        "employers/provider_requests.html",
        rows=dao.requests_of_provider(provider.id),
        cannot_ask=cannot_ask(provider, london_today()),
    )


@bp.route("/provider-access/schools")
@role_required("employer")
def provider_access_schools() -> str:
    """The hub's schools with a published provider access policy, each with its notice and its policy."""
    provider = _own_provider()
    return render_template(
        "employers/provider_access_schools.html",
        schools=dao.schools_with_policies(provider.hub_id),
        cannot_ask=cannot_ask(provider, london_today()),
    )


@bp.route("/provider-access/schools/<int:school_id>", methods=["GET", "POST"])
@role_required("employer")
def ask_for_access(school_id: int) -> Response | str:
    """Ask the school for access: the date, year groups, pupils and visiting staff are checked against
    its policy; its careers leaders are emailed."""
    provider = _own_provider()
    found = dao.school_with_policy(provider.hub_id, school_id)
    if found is None:
        abort(404)
    school, policy = found
    today = london_today()
    reason = cannot_ask(provider, today)
    if reason:
        flash(reason, "important")
        return redirect(url_for("employers.provider_access_schools"))
    form = AccessRequestForm(policy=policy, offers=dao.offers_to_name(provider.id), today=today)
    if form.validate_on_submit():
        with transaction():
            sent = dao.ask(provider.id, school.id, current_user.id, today, **form.fields_to_save())
        if sent is None:  # suspended, or evidence ran out, since the page was read
            flash(NOT_CURRENT, "important")
            return redirect(url_for("employers.provider_access_schools"))
        flash(f"Request sent to {school.name}. We will email you when the school answers", "success")
        return redirect(url_for("employers.provider_requests"))
    return render_template("employers/provider_request_form.html", form=form, school=school, policy=policy)


@bp.route("/provider-access/<int:access_request_id>/withdraw", methods=["GET", "POST"])
@role_required("employer")
def withdraw_provider_request(access_request_id: int) -> Response | str:
    """Ask, then withdraw a request the school has not answered yet."""
    provider = _own_provider()
    access_request = _own_request(access_request_id)
    if access_request.status != dao.WAITING:
        flash(
            f"This request is {dao.STATUS_WORDS[access_request.status]}, so it cannot be withdrawn",
            "important",
        )
        return redirect(url_for("employers.provider_requests"))
    button = ConfirmForm()
    if button.validate_on_submit():
        with transaction():
            done = dao.withdraw(access_request.id, provider.id, current_user.id)
        flash(
            "Request withdrawn" if done else "The school answered this request before it could be withdrawn",
            "success" if done else "important",
        )
        return redirect(url_for("employers.provider_requests"))
    return render_template(
        "employers/provider_request_withdraw.html",
        access_request=access_request,
        school=get_school(access_request.school_id),
        button=button,
    )
