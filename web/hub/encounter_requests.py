"""The hub admin's encounter requests: every open request of the hub's schools, with how many offers fit
each and how many organisations have answered, a page at a time."""

from __future__ import annotations

from datetime import date

from flask import render_template, url_for
from flask_login import current_user

from matcher.people import ROUTES
from web import paging
from web.auth.roles import role_required
from web.careers.encounter_request_forms import PLACES
from web.dao import encounter_requests as dao
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
    )
