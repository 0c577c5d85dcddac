"""Hub-wide rounds: the hub admin starts one over the whole pool (or a what-if of two drafts), follows each
school's decisions on its share, and releases the approved proposals to students as offers."""

from __future__ import annotations

import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from matcher.people import KINDS, ROUTES
from web.auth.roles import role_required
from web.careers.forms import RespondByForm
from web.careers.reasons import left_out
from web.dao import hub_rounds, what_if
from web.dao import rounds as rounds_dao
from web.dao.allocations import default_respond_by
from web.dao.base import audit, transaction
from web.dates import london_today, long_date
from web.fields import ConfirmForm, whole_number
from web.hub import bp
from web.models import MatchRound
from web.rounds import comparison
from web.rounds import pages as round_pages
from web.rounds.forms import (
    MECHANISM_CHOICES,
    SEED_MAX,
    HubSettingsForm,
    StartHubRoundForm,
    WhatIfScopeForm,
    decide_by_default,
)
from web.rounds.listing import Listing
from web.rounds.sent import sent_message

ONE_AT_A_TIME = "A hub-wide round is already waiting or running. Wait for it to finish, or cancel it"


@bp.context_processor
def _labels() -> dict[str, object]:
    return {"KINDS": KINDS, "MECHANISMS": dict(MECHANISM_CHOICES)}


def _hub_id() -> int:
    return int(current_user.hub_id)


def _own_round(round_id: int) -> MatchRound:
    """A hub-wide round of this hub (a school's own rounds are its careers leaders')."""
    return _owned(rounds_dao.get_round(round_id))


def _owned(match_round: MatchRound | None) -> MatchRound:
    if match_round is None or match_round.hub_id != _hub_id() or match_round.school_id is not None:
        abort(404)
    return match_round


@bp.route("/rounds", methods=["GET", "POST"])
@role_required("hub_admin")
def rounds() -> str | Response:
    """The hub's hub-wide rounds and drafts, and the form that starts a round over the whole pool."""
    form = StartHubRoundForm()
    if form.validate_on_submit():
        try:
            with transaction():
                match_round = rounds_dao.add_round(
                    hub_id=_hub_id(),
                    school_id=None,
                    kind=form.kind_value,
                    mechanism=form.mechanism.data,
                    seed=form.seed.data or 0,
                    policy=form.policy(form.scope()),
                    decide_by=form.decide_by.data,
                    created_by_id=current_user.id,
                )
                audit(current_user.id, "round_started", "match_round", match_round.id)
        except IntegrityError:
            flash(ONE_AT_A_TIME, "important")
            return redirect(url_for("hub.rounds"))
        round_id = match_round.id
        round_pages.enqueue(round_id)
        return redirect(url_for("hub.round_detail", round_id=round_id))
    if not form.is_submitted():
        form.decide_by.data = decide_by_default(london_today())
    listed = hub_rounds.hub_rounds(_hub_id())
    counts = rounds_dao.allocation_counts([r.id for r in listed])
    return render_template("hub/rounds.html", form=form, rounds=listed, counts=counts)


def _int_arg(name: str, default: int | None = None) -> int | None:
    number = whole_number(request.args.get(name))
    return default if number is None else number


@bp.route("/rounds/<int:round_id>")
@role_required("hub_admin")
def round_detail(round_id: int) -> str | Response:
    """A hub-wide round: progress while it runs; then each school's share and decisions a page at a time,
    the proposals a page at a time (filtered by school, decision and route), and the release."""
    match_round = _own_round(round_id)
    if match_round.draft and match_round.status == "succeeded":
        return redirect(url_for("hub.compare", round_id=match_round.id))
    context: dict[str, object] = {}
    if match_round.status == "succeeded":
        progress = hub_rounds.school_progress(match_round)
        name = request.args.get("name", "").strip()[:100]
        shown = [row for row in progress if name.lower() in row.school.name.lower()]
        if request.args.get("undecided") == "yes":
            shown = [row for row in shown if not row.decided]
        listed = Listing.asked(request.args)
        context = {
            "schools": hub_rounds.page_of(
                shown, _int_arg("schools_page", 1) or 1, hub_rounds.SCHOOLS_PER_PAGE
            ),
            "totals": hub_rounds.totals(progress),
            "all_schools": [row.school for row in progress],
            "filters": {
                "name": name,
                "school": listed.school,
                "standing": listed.standing,
                "route": listed.route,
            },
            "proposals": hub_rounds.proposals_page(
                match_round.id,
                school_id=listed.school,
                standing=listed.standing,
                route=listed.route,
                page=listed.page,
                per_page=hub_rounds.PER_PAGE,
            ),
            "blocker": hub_rounds.release_blocker(match_round, progress, london_today()),
            "summary": comparison.outcome_rows(match_round, match_round),
        }
    return render_template(
        "hub/round.html",
        match_round=match_round,
        routes=ROUTES,
        button=ConfirmForm(),
        left_out_words=left_out,
        **context,
    )


@bp.route("/rounds/<int:round_id>/status")
@role_required("hub_admin")
def round_status(round_id: int) -> Response:
    """A round's status, progress and stage as JSON, for the page to poll while it runs."""
    return round_pages.status_response(_own_round(round_id))


@bp.route("/rounds/<int:round_id>/cancel", methods=["POST"])
@role_required("hub_admin")
def cancel_round(round_id: int) -> Response:
    """Cancel a hub-wide round or draft that is waiting or running."""
    return round_pages.cancel(_own_round(round_id), "hub.round_detail")


@bp.route("/rounds/<int:round_id>/top-up", methods=["POST"])
@role_required("hub_admin")
def top_up_round(round_id: int) -> Response:
    """Start a top-up of a released hub-wide round over the seats free now and the students still unplaced:
    same settings, a new lottery number and a new decide-by day; schools decide and the hub releases again."""
    match_round = _own_round(round_id)
    if match_round.status != "succeeded" or match_round.draft or match_round.released_at is None:
        flash("Only a round whose offers have been released can be topped up", "important")
        return redirect(url_for("hub.round_detail", round_id=match_round.id))
    return round_pages.top_up(
        match_round, "hub.round_detail", ONE_AT_A_TIME, decide_by_default(london_today())
    )


@bp.route("/rounds/<int:round_id>/release", methods=["GET", "POST"])
@role_required("hub_admin")
def release_round(round_id: int) -> str | Response:
    """Ask for the respond-by date, then offer every approved proposal of the round to its student."""
    match_round = _own_round(round_id)
    back = redirect(url_for("hub.round_detail", round_id=match_round.id))
    progress = hub_rounds.school_progress(match_round)
    blocker = hub_rounds.release_blocker(match_round, progress, london_today())
    if blocker:
        flash(blocker, "important")
        return back
    form = RespondByForm()
    if form.validate_on_submit():
        with transaction():
            released = hub_rounds.release(
                match_round.id, current_user.id, form.respond_by.data, london_today()
            )
        if released is None:
            flash("The offers of this round have already been released", "important")
        else:
            flash(sent_message(*released), "success")
        return back
    if not form.is_submitted():
        form.respond_by.data = default_respond_by(london_today())
    totals = hub_rounds.totals(progress)
    return render_template("hub/release.html", match_round=match_round, totals=totals, form=form)


@bp.route("/what-if", methods=["GET", "POST"])
@role_required("hub_admin")
def what_if_start() -> str | Response:
    """Run a hub-wide round as two drafts under two settings, to compare before anyone hears."""
    scope, first, second = WhatIfScopeForm(), HubSettingsForm(prefix="a"), HubSettingsForm(prefix="b")
    if scope.validate_on_submit() & first.validate_on_submit() & second.validate_on_submit():
        shared = {
            "hub_id": _hub_id(),
            "school_id": None,
            "kind": scope.kind_value,
            "seed": scope.seed.data or secrets.randbelow(SEED_MAX + 1),
            "created_by_id": current_user.id,
        }
        ids = round_pages.start_drafts(scope, first, second, shared)
        round_pages.enqueue(*ids)
        return redirect(url_for("hub.compare", round_id=ids[0]))
    return round_pages.what_if_page(
        scope, first, second, url_for("hub.what_if_start"), url_for("hub.rounds"), hub_wide=True
    )


@bp.route("/rounds/<int:round_id>/compare")
@role_required("hub_admin")
def compare(round_id: int) -> str | Response:
    """The two drafts of a what-if side by side: settings, then what each would do; keep one."""
    one, two = what_if.pair(_own_round(round_id))
    if two is None or not one.draft:
        return redirect(url_for("hub.round_detail", round_id=one.id))
    _owned(two)
    names = hub_rounds.school_names(_hub_id())
    return round_pages.compare_page(one, two, names, "hub")


@bp.route("/rounds/<int:round_id>/keep", methods=["POST"])
@role_required("hub_admin")
def keep_round(round_id: int) -> Response:
    """Keep this draft: its proposals go to each school to decide; the other draft is deleted."""
    match_round = _own_round(round_id)
    try:
        with transaction():
            kept = what_if.keep(
                match_round.id, current_user.id, london_today(), decide_by_default(london_today())
            )
    except what_if.WhatIfError as problem:
        flash(str(problem), "important")
        return redirect(url_for("hub.compare", round_id=match_round.id))
    if kept is None:
        flash("Only a finished draft can be kept", "important")
        return redirect(url_for("hub.rounds"))
    waiting_for = f"schools to decide by {long_date(decide_by_default(london_today()))}"
    flash(round_pages.kept_message(kept, waiting_for), "success")
    return redirect(url_for("hub.round_detail", round_id=match_round.id))
