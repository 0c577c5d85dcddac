"""The hub admin's encounter offers: every offer its employers and providers have made, filtered by format,
route and kind of organisation, a page at a time; and the mentors' enhanced DBS checks, which a mentoring
programme needs before any school's request fits it."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from matcher.people import ROUTES
from web import paging
from web.auth.roles import role_required
from web.dao import encounter_offers as dao
from web.dao.base import transaction
from web.hub import bp
from web.hub.forms import DbsForm
from web.models.encounters import ALL_FORMATS
from web.models.organisations import ORGANISATION_KINDS


def _asked(name: str, allowed: dict[str, str]) -> str | None:
    value = request.args.get(name, type=str)
    return value if value in allowed else None


@bp.route("/encounter-offers")
@role_required("hub_admin")
def encounter_offers() -> str:
    """The hub's encounter offers with their organisations, offered first, filtered and paged."""
    filters = {
        "format": _asked("format", ALL_FORMATS),
        "route": _asked("route", ROUTES),
        "kind": _asked("kind", ORGANISATION_KINDS),
    }
    matching = dao.hub_offer_count(current_user.hub_id, **filters)
    pages = paging.page_count(matching)
    page = paging.asked_page(pages)
    kept = {name: value for name, value in filters.items() if value}

    def link(number: int) -> str:
        return url_for("hub.encounter_offers", page=number, **kept) + "#encounter-offers"

    return render_template(
        "hub/encounter_offers.html",
        offers=dao.hub_offers_page(current_user.hub_id, **filters, page=page, per_page=paging.PER_PAGE),
        filters=filters,
        filtered=bool(kept),
        matching=matching,
        page=page,
        pages=pages,
        per_page=paging.PER_PAGE,
        pagination=paging.pagination(page, pages, link, "Pages of encounter offers"),
        formats=ALL_FORMATS,
        routes=ROUTES,
        kinds=ORGANISATION_KINDS,
    )


@bp.route("/encounter-offers/<int:offer_id>/dbs", methods=["GET", "POST"])
@role_required("hub_admin")
def record_dbs_check(offer_id: int) -> Response | str:
    """Record the enhanced DBS check of a mentoring programme's mentor, which schools' requests need."""
    found = dao.hub_mentoring_offer(offer_id, current_user.hub_id)
    if found is None:
        abort(404)
    offer, organisation = found
    form = DbsForm()
    if form.validate_on_submit():
        with transaction():
            dao.record_dbs_check(offer, current_user.id, form.mentor.data, form.issued_on.data, date.today())
        flash(f"DBS check recorded for {organisation.name}'s mentoring programme", "success")
        return redirect(url_for("hub.encounter_offers", format="mentoring_programme") + "#encounter-offers")
    return render_template("hub/dbs_check.html", form=form, offer=offer, organisation=organisation)
