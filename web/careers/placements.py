"""The school's placements after a yes: consent status for each, sending the parent's link again,
recording consent given on paper, and withdrawing a student when they or their parent ask."""

from __future__ import annotations

from datetime import datetime, time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web import paging
from web.auth.roles import role_required
from web.careers import bp
from web.careers.placement_forms import PaperConsentForm, WithdrawForm
from web.dao import consent as consent_dao
from web.dao import offers as offers_dao
from web.dao.base import transaction
from web.dates import london_today
from web.fields import ConfirmForm
from web.models.base import utcnow
from web.parents import emails  # noqa: F401 - registers the consent emails these pages send

STATUS_LABELS = {
    "offered": "Offered: waiting for an answer",
    "accepted": "Accepted",
    "consented": "Consent given",
    "confirmed": "Confirmed",
    "completed": "Completed",
    "no_show": "Did not attend",
    "withdrawn": "Withdrawn",
    "employer_declined": "Declined by employer",
    "cancelled": "Cancelled",
    "consent_refused": "Consent refused",
    "consent_expired": "Consent ran out",
}
# What the list can show: what each placement waits for, then each status after a yes.
SHOWN = {
    "waiting_student": "Waiting for the student's answer",
    "waiting_consent": "Waiting for a parent's or carer's consent",
    "waiting_employer": "Waiting for the employer to confirm",
    **{status: label for status, label in STATUS_LABELS.items() if status != "offered"},
}


def _school_id() -> int:
    return int(current_user.school_id)


def _placement(allocation_id: int) -> consent_dao.Placement:
    found = consent_dao.school_placement(allocation_id, _school_id())
    if found is None:
        abort(404)
    return found


@bp.route("/placements")
@role_required("careers_leader")
def placements() -> str:
    """The school's placements after a yes, with consent status, 50 a page; or those waiting for the
    student's answer, a parent's consent or the employer, or those of one status."""
    status = request.args.get("status", "")
    if status not in SHOWN:
        status = ""
    matching = consent_dao.count_school_placements(_school_id(), status or None)
    pages = paging.page_count(matching)
    page = paging.asked_page(pages)

    def link(number: int) -> str:
        return url_for("careers.placements", page=number, **({"status": status} if status else {}))

    return render_template(
        "careers/placements.html",
        rows=consent_dao.school_placements(_school_id(), status or None, page, paging.PER_PAGE),
        matching=matching,
        page=page,
        per_page=paging.PER_PAGE,
        pagination=paging.pagination(page, pages, link, "Pages of placements"),
        status=status,
        shown=SHOWN,
        status_labels=STATUS_LABELS,
        consent_words=consent_dao.STATUS_WORDS,
    )


@bp.route("/placements/<int:allocation_id>")
@role_required("careers_leader")
def placement(allocation_id: int) -> str:
    """One placement: who, where, when, its status and the parent's consent."""
    return _page(_placement(allocation_id), PaperConsentForm(formdata=None))


def _page(found: consent_dao.Placement, form: PaperConsentForm, withdraw: WithdrawForm | None = None) -> str:
    return render_template(
        "careers/placement.html",
        placement=found,
        status_labels=STATUS_LABELS,
        consent_words=consent_dao.STATUS_WORDS,
        recorded_by=consent_dao.recorded_by(found.consent) if found.consent else None,
        form=form,
        button=ConfirmForm(formdata=None),
        withdraw=withdraw or WithdrawForm(formdata=None),
        can_withdraw=offers_dao.can_withdraw(found.allocation, found.opportunity, london_today()),
    )


@bp.route("/placements/<int:allocation_id>/send-consent-link", methods=["POST"])
@role_required("careers_leader")
def send_consent_link(allocation_id: int) -> Response:
    """Send the parent a new consent link; the old one stops working."""
    found = _placement(allocation_id)
    if ConfirmForm().validate_on_submit():
        with transaction():
            sent = consent_dao.resend(found.allocation.id, current_user.id, utcnow())
        if sent:
            flash("A new consent link has been sent. The old link no longer works", "success")
        else:
            flash(
                "This placement is not waiting for consent from a parent or carer with an email address",
                "important",
            )
    return redirect(url_for("careers.placement", allocation_id=allocation_id))


@bp.route("/placements/<int:allocation_id>/paper-consent", methods=["POST"])
@role_required("careers_leader")
def paper_consent(allocation_id: int) -> Response | str:
    """Record consent a parent or carer gave on paper: the placement moves on as if they used the link."""
    found = _placement(allocation_id)
    form = PaperConsentForm()
    if not form.validate_on_submit():
        return _page(found, form)
    try:
        with transaction():
            recorded = consent_dao.record_on_paper(
                found.allocation.id, form.answer(), current_user.id, datetime.combine(form.day, time(12))
            )
            if not recorded:
                raise consent_dao.LinkGoneError()
    except consent_dao.LinkGoneError:
        flash("This placement is not waiting for consent", "important")
    else:
        flash("Consent given on paper is recorded", "success")
    return redirect(url_for("careers.placement", allocation_id=allocation_id))


@bp.route("/placements/<int:allocation_id>/withdraw", methods=["POST"])
@role_required("careers_leader")
def withdraw_placement(allocation_id: int) -> Response | str:
    """Withdraw a student from a placement before it starts, when they or their parent ask (a parent has
    no account, and their consent link is spent): the seat is freed and the employer told."""
    found = _placement(allocation_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _page(found, PaperConsentForm(formdata=None), form)
    try:
        with transaction():
            offers_dao.withdraw(
                found.allocation.id,
                found.allocation.student_id,
                current_user.id,
                london_today(),
                f"Withdrawn by the school: {form.reason.data}",
            )
    except offers_dao.OfferError:
        flash("This placement cannot be withdrawn from: it has started or has already ended", "important")
    else:
        flash("The student is withdrawn and the employer has been told. The place is free again", "success")
    return redirect(url_for("careers.placement", allocation_id=allocation_id))
