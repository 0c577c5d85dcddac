"""A careers leader's decisions on a round's proposals: all at once, or one at a time, each asking first."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.careers import bp, proposals
from web.careers.forms import RejectForm, RespondByForm
from web.careers.views import _listed, _own_round, _school_id, _share_page
from web.dao import allocations as allocations_dao
from web.dao import hub_rounds
from web.dao.base import transaction
from web.dao.reach import Reached
from web.dates import london_today
from web.fields import ConfirmForm
from web.rounds.listing import Listing
from web.rounds.sent import sent_message

ALREADY_DECIDED = "This proposal has already been decided"


@bp.route("/rounds/<int:round_id>/approve-all", methods=["GET", "POST"])
@role_required("careers_leader")
def approve_all(round_id: int) -> Response | str:
    """Ask, then approve every proposed allocation of a round and offer them to the students."""
    match_round = _own_round(round_id)
    if hub_rounds.holds_offers(match_round):
        return _approve_share(match_round)
    form = RespondByForm()
    if form.validate_on_submit():
        with transaction():
            sent = allocations_dao.approve_all(
                match_round.id, _school_id(), current_user.id, form.respond_by.data
            )
        flash(sent_message(sent) if sent.offered else "Nothing left to approve", "success")
        return redirect(url_for("careers.round_detail", round_id=match_round.id))
    waiting = len(allocations_dao.proposed_ids(match_round.id, _school_id()))
    if not waiting:
        flash("Nothing left to approve", "important")
        return redirect(url_for("careers.round_detail", round_id=match_round.id))
    if not form.is_submitted():
        form.respond_by.data = allocations_dao.default_respond_by(london_today())
    return render_template("careers/approve_all.html", match_round=match_round, waiting=waiting, form=form)


def _approve_share(match_round) -> Response | str:  # type: ignore[no-untyped-def]
    """Ask, then approve this school's undecided proposals in a hub-wide round not yet released."""
    form = ConfirmForm()
    if form.validate_on_submit():
        with transaction():
            if not hub_rounds.lock_round(match_round.id):  # released meanwhile: offer them as a school's
                flash(
                    "The hub released this round's offers meanwhile. Check the proposals again", "important"
                )
                return redirect(url_for("careers.round_detail", round_id=match_round.id))
            n = allocations_dao.approve_share(match_round.id, _school_id(), current_user.id)
        flash(
            f"{n} {'proposal' if n == 1 else 'proposals'} approved. Students are told when the hub releases "
            "the offers"
            if n
            else "Nothing left to approve",
            "success",
        )
        return redirect(url_for("careers.round_detail", round_id=match_round.id))
    waiting = len(allocations_dao.proposed_ids(match_round.id, _school_id()))
    if not waiting:
        flash("Nothing left to approve", "important")
        return redirect(url_for("careers.round_detail", round_id=match_round.id))
    return render_template("careers/approve_share.html", match_round=match_round, waiting=waiting, form=form)


@bp.route("/allocations/<int:allocation_id>/approve", methods=["GET", "POST"])
@role_required("careers_leader")
def approve_allocation(allocation_id: int) -> Response | str:
    """Ask (who, where, the respond-by date), then approve one proposed allocation and offer it to the
    student at once; or, in a hub-wide round the hub has not released yet, ask, then approve it to be
    offered at the release (the hub chooses the date then)."""
    allocation, match_round, listed = _proposal_to_decide(allocation_id)
    if allocation.status != "proposed":
        flash(ALREADY_DECIDED, "info")
        return proposals.back_to_row(allocation, listed)
    asks_date = not hub_rounds.holds_offers(match_round)
    form = RespondByForm() if asks_date else ConfirmForm()
    if not form.validate_on_submit():
        if asks_date and not form.is_submitted():
            form.respond_by.data = allocations_dao.default_respond_by(london_today())
        asked = proposals.question(allocation, listed)
        return render_template("careers/approve_one.html", form=form, asks_date=asks_date, **asked)
    # Released meanwhile (so no date was asked): offered at once, to answer in the usual time.
    respond_by = form.respond_by.data if asks_date else allocations_dao.default_respond_by(london_today())
    held: list[bool] = []
    sent: list[Reached] = []

    def approve(allocation_id: int, user_id: int) -> bool:
        # Decided inside the transaction, after any release at the same moment: then it is offered at once.
        held.append(match_round is not None and hub_rounds.lock_round(match_round.id))
        if held[-1]:
            return allocations_dao.approve(allocation_id, user_id)
        sent.append(allocations_dao.approve_and_offer(allocation_id, user_id, respond_by) or Reached())
        return bool(sent[-1].offered)

    def done() -> str:
        if held and held[-1]:
            return "Approved. The student is told when the hub releases the offers"
        return sent_message(sent[-1])

    return _decide(allocation, listed, approve, done)


@bp.route("/allocations/<int:allocation_id>/reject", methods=["GET", "POST"])
@role_required("careers_leader")
def reject_allocation(allocation_id: int) -> Response | str:
    """Ask why, then reject one proposed allocation; the reason is kept in the audit trail."""
    allocation, _, listed = _proposal_to_decide(allocation_id)
    if allocation.status != "proposed":
        flash(ALREADY_DECIDED, "info")
        return proposals.back_to_row(allocation, listed)
    form = RejectForm()
    if not form.validate_on_submit():
        asked = proposals.question(allocation, listed)
        return render_template("careers/reject_one.html", form=form, **asked)

    def reject(allocation_id: int, user_id: int) -> bool:
        return allocations_dao.reject(allocation_id, user_id, form.reason.data, form.note.data or "")

    return _decide(allocation, listed, reject, "Proposal rejected")


def _proposal_to_decide(allocation_id: int):  # type: ignore[no-untyped-def]
    """One of the school's allocations in a round the school sees (else 404), its round, and the list of
    proposals it is being decided from (to go back to)."""
    allocation = allocations_dao.get_allocation_for_school(allocation_id, _school_id())
    if allocation is None or allocation.round_id is None:
        abort(404)
    return allocation, _own_round(allocation.round_id), _listed()


def _decide(allocation, listed: Listing, decide, done) -> Response:  # type: ignore[no-untyped-def]
    """Make one decision (decide(allocation id, user id) says whether it did), say how it went, and go back
    to the list of proposals it was made from, at its row."""
    # Its place on the page before deciding: a filter ("undecided") may leave it out afterwards.
    ids = [row.id for row in _share_page(allocation.round_id, listed).rows]
    at = ids.index(allocation.id) if allocation.id in ids else None
    with transaction():
        changed = decide(allocation.id, current_user.id)
    if changed:
        flash(done() if callable(done) else done, "success")
    elif allocations_dao.get_allocation_for_school(allocation.id, _school_id()).status == "proposed":
        flash(
            "This placement has closed or starts too soon to be answered, so it cannot be offered",
            "important",
        )
    else:
        flash(ALREADY_DECIDED, "info")
    return proposals.back_to_row(allocation, listed, at)
