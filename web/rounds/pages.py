"""What the careers leader's and the hub admin's round pages share: sending rounds to a worker, the status
JSON a running round's page polls, cancelling, topping up, starting a what-if's two drafts, the page that asks
for them, and what keeping one did."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from flask import flash, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from web.dao import round_claims, what_if
from web.dao import rounds as rounds_dao
from web.dao.base import audit, transaction
from web.dates import london_today
from web.fields import ConfirmForm
from web.models import MatchRound
from web.models.base import ACTIVE_ROUND_STATUSES
from web.rounds import comparison
from web.rounds.forms import SEED_MAX, SettingsForm, WhatIfScopeForm
from workers.matching_tasks import enqueue_round

BROKER_DOWN = "The matching service is not available. Try again later."


def enqueue(*round_ids: int) -> None:
    """Send committed rounds to a worker (only after the commit, so the worker finds them); a broker that
    is down fails them with a message the careers leader or hub admin can act on, not a server error."""
    for round_id in round_ids:
        if not enqueue_round(round_id):
            with transaction():
                round_claims.fail_round(round_id, BROKER_DOWN)


def cancel(match_round: MatchRound, detail_endpoint: str) -> Response:
    """Cancel a round that is waiting or running (nothing it proposed is kept); back to its page."""
    with transaction():
        cancelled = round_claims.cancel_round(match_round.id)
        if cancelled:
            audit(current_user.id, "round_cancelled", "match_round", match_round.id)
    flash("Matching round cancelled" if cancelled else "This round has already finished", "important")
    return redirect(url_for(detail_endpoint, round_id=match_round.id))


def top_up(
    match_round: MatchRound, detail_endpoint: str, busy: str, decide_by: date | None = None
) -> Response:
    """Start a top-up of a finished round over the seats free now and the students still unplaced: same
    scope, mechanism and policy, a new lottery number (and, hub-wide, a new day for schools to decide by).
    `busy` is the message when another round is already unfinished."""
    back = redirect(url_for(detail_endpoint, round_id=match_round.id))
    now = rounds_dao.top_up_now(match_round, london_today())
    if not now.free_seats or not now.unplaced:
        flash("There are no free places or no unplaced students for a top-up round", "important")
        return back
    try:
        with transaction():
            added = rounds_dao.add_top_up(match_round, secrets.randbelow(SEED_MAX + 1), current_user.id)
            added.decide_by = decide_by
            audit(current_user.id, "round_top_up_started", "match_round", added.id, top_up_of=match_round.id)
    except IntegrityError:
        flash(busy, "important")
        return back
    added_id = added.id
    enqueue(added_id)
    return redirect(url_for(detail_endpoint, round_id=added_id))


def status_response(match_round: MatchRound) -> Response:
    """A round's status, progress and stage as JSON, never cached."""
    response = jsonify(
        status=match_round.status,
        finished=match_round.status not in ACTIVE_ROUND_STATUSES,
        progress=match_round.progress,
        stage=match_round.stage,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def start_drafts(
    scope: WhatIfScopeForm, first: SettingsForm, second: SettingsForm, shared: dict[str, Any]
) -> tuple[int, int]:
    """Add and commit a what-if's two drafts of one scope (`shared`: hub, school, kind, seed, creator); their
    ids, to send to the worker."""
    with transaction():
        one, two = what_if.add_pair(
            shared,
            {"mechanism": first.mechanism.data, "policy": first.policy(scope.scope())},
            {"mechanism": second.mechanism.data, "policy": second.policy(scope.scope())},
        )
        audit(current_user.id, "what_if_started", "match_round", one.id, compared_with=two.id)
    return one.id, two.id


def what_if_page(
    scope: WhatIfScopeForm, first: SettingsForm, second: SettingsForm, action: str, back: str, hub_wide: bool
) -> str:
    """The form for a what-if's scope and its two drafts' settings (draft B suggests the other mechanism)."""
    if not second.is_submitted():
        second.mechanism.data = "stable"
    return render_template(
        "rounds/what_if.html",
        scope=scope,
        first=first,
        second=second,
        action=action,
        back=back,
        hub_wide=hub_wide,
    )


def kept_message(kept: what_if.Kept, waiting_for: str) -> str:
    """What keeping a draft did, for the banner."""
    are = f"{kept.proposed} proposal is" if kept.proposed == 1 else f"{kept.proposed} proposals are"
    message = f"Draft kept: {are} waiting for {waiting_for}"
    if kept.dropped:
        was = "was" if kept.dropped == 1 else "were"
        message += f". {kept.dropped} {was} dropped: the student was matched elsewhere or the place has gone"
    return message


def compare_page(one: MatchRound, two: MatchRound, names: dict[int, str], blueprint: str) -> str:
    """A what-if's two drafts side by side (settings, then what each would do) with a button to keep each;
    `blueprint` ("careers" or "hub") names the pages it links to."""
    return render_template(
        "rounds/compare.html",
        one=one,
        two=two,
        settings=comparison.settings_rows(one, two),
        outcomes=comparison.outcome_rows(one, two),
        schools=comparison.school_rows(one, two, names),
        keep_endpoint=f"{blueprint}.keep_round",
        status_endpoint=f"{blueprint}.round_status",
        back=url_for(f"{blueprint}.rounds"),
        button=ConfirmForm(),
    )
