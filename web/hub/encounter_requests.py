"""The hub admin's encounter requests: every open request of the hub's schools, with how many offers fit
each and how many organisations have answered, a page at a time; and the hub's brokering: the engine
proposes an offer for each request nobody has answered, the hub admin approves or sets aside each
proposal, and the organisation is asked to confirm."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from matcher.people import ROUTES
from web import paging
from web.auth.roles import role_required
from web.careers import encounter_request_emails  # noqa: F401 - registers the emails these pages send
from web.careers.encounter_request_forms import PLACES
from web.dao import encounter_matches as matches
from web.dao import encounter_requests as dao
from web.dao.base import transaction
from web.hub import bp


@bp.route("/encounter-requests")
@role_required("hub_admin")
def encounter_requests() -> str:
    """The hub's open encounter requests, soonest first, with the offers that fit and the answers."""
    matching = dao.hub_open_count(current_user.hub_id)
    pages = paging.page_count(matching)
    page = paging.asked_page(pages)

    def link(number: int) -> str:
        return url_for("hub.encounter_requests", page=number) + "#encounter-requests"

    return render_template(
        "hub/encounter_requests.html",
        rows=dao.hub_open_page(current_user.hub_id, date.today(), page=page, per_page=paging.PER_PAGE),
        matching=matching,
        page=page,
        pages=pages,
        per_page=paging.PER_PAGE,
        pagination=paging.pagination(page, pages, link, "Pages of encounter requests"),
        routes=ROUTES,
        where=PLACES,
        proposals=matches.hub_matches(current_user.hub_id),
    )


@bp.route("/encounter-requests/propose", methods=["POST"])
@role_required("hub_admin")
def propose_encounter_matches() -> Response:
    """Have the engine propose an offer for each open request that no organisation has answered."""
    try:
        with transaction():
            proposed = matches.propose(current_user.hub_id, current_user.id, date.today())
    except IntegrityError:  # another admin's proposals for the same requests were saved a moment before
        flash(
            "Someone else proposed matches at the same moment. Look at theirs, or propose again", "important"
        )
        return redirect(url_for("hub.encounter_requests") + "#proposals")
    if proposed:
        flash(
            f"The engine proposed {proposed} {'match' if proposed == 1 else 'matches'}: approve each to ask "
            "the organisation",
            "success",
        )
    else:
        flash(
            "No open request that nobody has answered has an offer that fits it with room this term", "info"
        )
    return redirect(url_for("hub.encounter_requests") + "#proposals")


@bp.route("/encounter-matches/<int:match_id>/<any(approve, reject):decision>", methods=["POST"])
@role_required("hub_admin")
def decide_encounter_match(match_id: int, decision: str) -> Response:
    """Approve a proposal (its organisation is asked to confirm) or set it aside."""
    with transaction():
        done = (matches.approve if decision == "approve" else matches.reject)(
            match_id, current_user.hub_id, current_user.id
        )
    if not done:
        if not matches.hub_owns(match_id, current_user.hub_id):
            abort(404)
        flash("This proposal was decided already", "important")
        return redirect(url_for("hub.encounter_requests") + "#proposals")
    flash(
        "Approved: the organisation is asked to confirm" if decision == "approve" else "Set aside", "success"
    )
    return redirect(url_for("hub.encounter_requests") + "#proposals")
