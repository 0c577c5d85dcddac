"""What-if for a careers leader: the school's round as two drafts under two settings, compared, one kept."""

from __future__ import annotations

import secrets

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import owned_or_404, role_required
from web.careers import bp
from web.careers.views import _school_id
from web.dao import round_deadlines, what_if
from web.dao import rounds as rounds_dao
from web.dao.base import transaction
from web.dates import london_today, long_date
from web.models import MatchRound
from web.rounds import pages as round_pages
from web.rounds.forms import SEED_MAX, SettingsForm, WhatIfScopeForm


def _own_draft(round_id: int) -> MatchRound:
    return owned_or_404(rounds_dao.get_round(round_id), school_id=_school_id())  # type: ignore[no-any-return]


@bp.route("/what-if", methods=["GET", "POST"])
@role_required("careers_leader")
def what_if_start() -> str | Response:
    """Run the school's round as two drafts under two settings, to compare before any student hears."""
    school = rounds_dao.get_school(_school_id())
    if school is None:
        abort(404)
    scope, first, second = WhatIfScopeForm(), SettingsForm(prefix="a"), SettingsForm(prefix="b")
    if scope.validate_on_submit() & first.validate_on_submit() & second.validate_on_submit():
        shared = {
            "hub_id": school.hub_id,
            "school_id": school.id,
            "kind": scope.kind_value,
            "seed": scope.seed.data or secrets.randbelow(SEED_MAX + 1),
            "created_by_id": current_user.id,
        }
        ids = round_pages.start_drafts(scope, first, second, shared)
        round_pages.enqueue(*ids)
        return redirect(url_for("careers.compare", round_id=ids[0]))
    return round_pages.what_if_page(
        scope, first, second, url_for("careers.what_if_start"), url_for("careers.rounds"), hub_wide=False
    )


@bp.route("/rounds/<int:round_id>/compare")
@role_required("careers_leader")
def compare(round_id: int) -> str | Response:
    """The school's two drafts side by side: settings, then what each would do; keep one."""
    one, two = what_if.pair(_own_draft(round_id))
    if two is None or not one.draft:
        return redirect(url_for("careers.round_detail", round_id=one.id))
    _own_draft(two.id)
    school = rounds_dao.get_school(_school_id())
    return round_pages.compare_page(one, two, {school.id: school.name} if school else {}, "careers")


@bp.route("/rounds/<int:round_id>/keep", methods=["POST"])
@role_required("careers_leader")
def keep_round(round_id: int) -> Response:
    """Keep this draft: its proposals wait for approval as a round's do; the other draft is deleted."""
    match_round = _own_draft(round_id)
    try:
        with transaction():
            decide_by = round_deadlines.default_decide_by(match_round, london_today())
            kept = what_if.keep(match_round.id, current_user.id, london_today(), decide_by)
    except what_if.WhatIfError as problem:
        flash(str(problem), "important")
        return redirect(url_for("careers.compare", round_id=match_round.id))
    if kept is None:
        flash("Only a finished draft can be kept", "important")
        return redirect(url_for("careers.rounds"))
    flash(round_pages.kept_message(kept, f"your approval by {long_date(decide_by)}"), "success")
    return redirect(url_for("careers.round_detail", round_id=match_round.id))
