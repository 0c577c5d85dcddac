"""Providers' requests for access to the school: the careers leader reads each, then grants it or refuses it
for one of the published policy's reasons; the provider is emailed either way."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import owned_or_404, role_required
from web.careers import bp
from web.careers.provider_request_forms import GrantForm, RefuseForm
from web.dao import provider_access
from web.dao import provider_requests as dao
from web.dao.base import transaction
from web.dao.vetting import get_employer
from web.employers import provider_request_emails  # noqa: F401 - registers the emails these pages send
from web.models import ProviderAccessRequest
from web.models.organisations import ORGANISATION_KINDS

PUBLISH_FIRST = (
    "Publish your provider access policy before you refuse a request: a refusal gives one of its reasons"
)


def _school_id() -> int:
    return int(current_user.school_id)


def _own_request(access_request_id: int) -> ProviderAccessRequest:
    found: ProviderAccessRequest = owned_or_404(dao.get_request(access_request_id), school_id=_school_id())
    return found


def _answered(access_request: ProviderAccessRequest) -> Response:
    flash(f"This request is {dao.STATUS_WORDS[access_request.status]}, so it cannot be answered", "important")
    return redirect(url_for("careers.provider_request", access_request_id=access_request.id))


def _page(template: str, access_request: ProviderAccessRequest, **context: object) -> str:
    provider = get_employer(access_request.provider_id)
    assert provider is not None  # by its foreign key
    offer = dao.offer_of(access_request)
    return render_template(
        template,
        access_request=access_request,
        provider=provider,
        offer=offer,
        kinds=ORGANISATION_KINDS,
        **context,
    )


@bp.route("/provider-requests")
@role_required("careers_leader")
def provider_requests() -> str:
    """Providers' requests to the school: those waiting for an answer first, soonest visit first."""
    return render_template(
        "careers/provider_requests.html", rows=dao.requests_to_school(_school_id()), kinds=ORGANISATION_KINDS
    )


@bp.route("/provider-requests/<int:access_request_id>")
@role_required("careers_leader")
def provider_request(access_request_id: int) -> str:
    """One request: who asks, when, for whom, their message; grant or refuse it while it waits."""
    return _page("careers/provider_request.html", _own_request(access_request_id))


@bp.route("/provider-requests/<int:access_request_id>/grant", methods=["GET", "POST"])
@role_required("careers_leader")
def grant_provider_request(access_request_id: int) -> Response | str:
    """Ask, then grant the request; the provider is emailed."""
    access_request = _own_request(access_request_id)
    if access_request.status != dao.WAITING:
        return _answered(access_request)
    if access_request.visit_date < date.today():
        flash("The visit date has passed, so this request cannot be granted. You can refuse it", "important")
        return redirect(url_for("careers.provider_request", access_request_id=access_request.id))
    form = GrantForm()
    if form.validate_on_submit():
        with transaction():
            done = dao.grant(
                access_request.id, _school_id(), current_user.id, form.note.data or "", date.today()
            )
        if not done:  # answered or withdrawn in another tab a moment ago
            return _answered(_own_request(access_request_id))
        flash("Request granted. We have emailed the provider", "success")
        return redirect(url_for("careers.provider_request", access_request_id=access_request.id))
    return _page("careers/provider_request_grant.html", access_request, form=form)


@bp.route("/provider-requests/<int:access_request_id>/refuse", methods=["GET", "POST"])
@role_required("careers_leader")
def refuse_provider_request(access_request_id: int) -> Response | str:
    """Ask, then refuse the request for one of the policy's reasons; the provider is emailed the reason.
    A school with no published policy has no reasons to give, so it publishes one first."""
    access_request = _own_request(access_request_id)
    if access_request.status != dao.WAITING:
        return _answered(access_request)
    policy = provider_access.policy_of(_school_id())
    form = RefuseForm(grounds=policy.refusal_grounds if policy else [])
    if policy is None:
        if form.is_submitted():
            flash(PUBLISH_FIRST, "important")
            return redirect(url_for("careers.provider_request", access_request_id=access_request.id))
        return _page("careers/provider_request_refuse.html", access_request, form=None)
    if form.validate_on_submit():
        with transaction():
            done = dao.refuse(
                access_request.id, _school_id(), current_user.id, form.reason.data, form.note.data or ""
            )
        if not done:
            return _answered(_own_request(access_request_id))
        flash("Request refused. We have emailed the provider with your reason", "success")
        return redirect(url_for("careers.provider_request", access_request_id=access_request.id))
    return _page("careers/provider_request_refuse.html", access_request, form=form)
