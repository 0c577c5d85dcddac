"""The student's offers: see why they were matched, accept or decline, and withdraw before the start."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.dao import consent, placements
from web.dao import offers as dao
from web.dao.base import transaction
from web.dao.students import today
from web.fields import ConfirmForm
from web.models.base import HOLDING_STATUSES
from web.students import (
    bp,
    emails,  # noqa: F401 - registers the offer and placement emails
)

FULL_MESSAGE = "Sorry, this placement is now full"


def _own_offer_or_404(allocation_id: int) -> tuple:  # type: ignore[type-arg]
    found = dao.student_offer(current_user.student_id, allocation_id, today())
    if found is None:
        abort(404)
    return found


@bp.route("/offers")
@role_required("student")
def offers() -> str:
    """The student's offers waiting for an answer, then earlier ones as history."""
    rows = dao.student_offers(current_user.student_id, today())
    return render_template(
        "students/offers.html",
        waiting=[row for row in rows if row[3]],
        history=[row for row in rows if not row[3]],
    )


@bp.route("/offers/<int:allocation_id>")
@role_required("student")
def offer(allocation_id: int) -> str:
    """One offer: the placement, why it was matched, and accept or decline."""
    allocation, opportunity, employer_name, can_answer = _own_offer_or_404(allocation_id)
    return render_template(
        "students/offer.html",
        allocation=allocation,
        opportunity=opportunity,
        employer_name=employer_name,
        can_answer=can_answer,
        can_withdraw=dao.can_withdraw(allocation, opportunity, today()),
        # The practical details (the full address among them) are shown only once the student has said yes.
        said_yes=allocation.status in HOLDING_STATUSES,
    )


@bp.route("/offers/<int:allocation_id>/accept", methods=["POST"])
@role_required("student")
def accept_offer(allocation_id: int) -> Response:
    """Accept an offer, taking a place if one is left."""
    _own_offer_or_404(allocation_id)
    try:
        with transaction():
            seated = dao.accept_offer(allocation_id, current_user.student_id, current_user.id, today())
    except dao.OfferError as problem:
        flash(str(problem), "problem")
        return redirect(url_for("students.offer", allocation_id=allocation_id))
    if not seated:
        flash(FULL_MESSAGE, "problem")
        return redirect(url_for("students.offer", allocation_id=allocation_id))
    flash(f"You have accepted this placement. {_next_step(allocation_id)}", "success")
    return redirect(url_for("students.offer", allocation_id=allocation_id))


def _next_step(allocation_id: int) -> str:
    """What the placement waits for now that it is accepted: a parent's consent (under 18 on its first
    day), asked for by email or, with no parent email on record, by the careers leader; else the employer."""
    if not placements.allocation_needs_consent(allocation_id):
        return "The employer will now confirm it"
    asked = consent.for_allocation(allocation_id)
    how = (
        "We have emailed them a link"
        if asked is not None and asked.sent_at is not None
        else "Your careers leader will ask them"
    )
    return f"It now waits for your parent or carer to agree to it. {how}, then the employer confirms it"


@bp.route("/offers/<int:allocation_id>/decline", methods=["GET", "POST"])
@role_required("student")
def decline_offer(allocation_id: int) -> Response | str:
    """Ask, then decline an offer: it cannot be undone."""
    return _ask_then(
        allocation_id,
        dao.decline_offer,
        "You have declined this offer",
        "students/decline.html",
        still_open=lambda allocation, opportunity, can_answer: can_answer,
    )


@bp.route("/offers/<int:allocation_id>/withdraw", methods=["GET", "POST"])
@role_required("student")
def withdraw(allocation_id: int) -> Response | str:
    """Ask, then withdraw from a placement the student said yes to, before it starts."""
    return _ask_then(
        allocation_id,
        dao.withdraw,
        "You have withdrawn from this placement",
        "students/withdraw.html",
        still_open=lambda allocation, opportunity, _: dao.can_withdraw(allocation, opportunity, today()),
        closed="You cannot withdraw from this placement",
    )


def _ask_then(
    allocation_id: int, act, done: str, template: str, still_open, closed: str = ""
) -> Response | str:  # type: ignore[no-untyped-def]
    """The confirm page of a step that cannot be undone (declining, withdrawing), and the step once
    confirmed; the offer page instead (saying `closed`, if given) when the step is no longer open."""
    allocation, opportunity, employer_name, can_answer = _own_offer_or_404(allocation_id)
    button = ConfirmForm()
    if request.method == "POST" and button.validate_on_submit():
        try:
            with transaction():
                act(allocation_id, current_user.student_id, current_user.id, today())
        except dao.OfferError as problem:
            flash(str(problem), "problem")
        else:
            flash(done, "success")
        return redirect(url_for("students.offer", allocation_id=allocation_id))
    if not still_open(allocation, opportunity, can_answer):
        if closed:
            flash(closed, "problem")
        return redirect(url_for("students.offer", allocation_id=allocation_id))
    return render_template(
        template, allocation=allocation, opportunity=opportunity, employer_name=employer_name, button=button
    )
