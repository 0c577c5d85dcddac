"""Hub admin pages: the overview here; schools and employers in their own modules on the same blueprint."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user

from matcher.people import KINDS, ROUTES
from web import paging
from web.auth.roles import role_required
from web.dao import hub as hub_dao
from web.dao import waiting
from web.dates import london_today
from web.hub import (
    bp,
    emails,  # noqa: F401 - registers the vetting and insurance emails
)
from web.hub.forms import SchoolSearchForm


@bp.route("/")
@role_required("hub_admin")
def overview() -> str:
    """The hub at a glance: what waits on its admins (employers to check, rounds to release), a page of
    its schools (found by name or URN), employers by status and those waiting for a decision,
    opportunities and matching rounds."""
    hub_id = current_user.hub_id
    hub = hub_dao.get_hub(hub_id)
    if hub is None:
        abort(404)
    form = SchoolSearchForm(request.args)
    form.validate()
    search = form.words()
    matching = hub_dao.count_schools(hub_id, search)
    pages = paging.page_count(matching)
    page = paging.asked_page(pages)

    def link(number: int) -> str:
        return url_for("hub.overview", page=number, **({"q": search} if search else {})) + "#schools"

    return render_template(
        "hub/overview.html",
        hub=hub,
        form=form,
        search=search,
        matching=matching,
        any_schools=bool(matching) or (bool(search) and hub_dao.count_schools(hub_id) > 0),
        schools=hub_dao.school_summaries(hub_id, search, page, paging.PER_PAGE),
        page=page,
        per_page=paging.PER_PAGE,
        pagination=paging.pagination(page, pages, link, "Pages of schools"),
        waiting=hub_dao.employers_waiting(hub_id),
        to_do=waiting.for_hub(hub_id, london_today()),
        employer_counts=hub_dao.employer_status_counts(hub_id),
        opportunities=hub_dao.opportunity_tallies(hub_id),
        rounds=hub_dao.latest_rounds(hub_id),
        route_labels=ROUTES,
        kind_labels=KINDS,
    )
