"""What the careers leader's and the hub admin's round pages share: the status JSON a running round's page
polls, starting a what-if's two drafts, the page that asks for them, and what keeping one did."""

from __future__ import annotations

from typing import Any

from flask import jsonify, render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from web.dao import what_if
from web.dao.base import audit, transaction
from web.models import MatchRound
from web.models.base import ACTIVE_ROUND_STATUSES
from web.round_forms import SettingsForm, WhatIfScopeForm


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
