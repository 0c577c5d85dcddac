"""One decision on a proposal, and the way back from it: the row it was made from is remembered (its id and
place on the page, never a name, in the session), and the round page shows how it went beside that row, in
the same list of proposals, rather than at the top of the page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import redirect, session, url_for
from werkzeug.wrappers import Response

from web.careers.reasons import plain_reasons
from web.dao import hub_rounds
from web.models import Allocation
from web.postcodes import district
from web.rounds.listing import Listing

_KEY = "decided"


def remember(allocation_id: int, at: int | None) -> None:
    """Note the proposal just decided, and its place on the page it was decided from (None: not on it)."""
    session[_KEY] = [allocation_id, at]


def take() -> tuple[int, int | None] | None:
    """The proposal just decided and its place, once: the round page shows the result one time only."""
    kept = session.pop(_KEY, None)
    if not isinstance(kept, list) or len(kept) != 2 or not isinstance(kept[0], int):
        return None
    return kept[0], kept[1] if isinstance(kept[1], int) else None


@dataclass(frozen=True)
class Note:
    """How a decision went, for the page of proposals it came back to."""

    messages: list[tuple[str, str]]  # (category, message) as the decision flashed them
    proposal: Any  # the decided proposal (a hub_rounds.proposal row)
    after: int | None  # the row it follows: the one decided, when the list still shows it
    at: int | None  # otherwise where on the page it stands (before that row; past the end: after the last)
    next_id: int | None  # the next proposal on the page still to decide, if any


def note(rows: list[Any], decided: tuple[int, int | None], messages: list[tuple[str, str]]) -> Note:
    """Where on this page of proposal rows the result of the decision goes: straight after the row decided,
    or, where a filter now leaves that row out, at its old place, so the next one to decide is below it."""
    allocation_id, at = decided
    ids = [row.id for row in rows]
    if allocation_id in ids:
        after, at, start = allocation_id, None, ids.index(allocation_id) + 1
    else:
        after, at = None, min(at or 0, len(ids))
        start = at
    waiting = [row.id for row in rows[start:] if row.status == "proposed"]
    return Note(messages, hub_rounds.proposal(allocation_id), after, at, waiting[0] if waiting else None)


def question(allocation: Allocation, listed: Listing) -> dict[str, Any]:
    """What a page asking before one decision shows: the proposal, why it was made, where it is, and the
    way back to the same list of proposals at its row."""
    proposal = hub_rounds.proposal(allocation.id)
    back = url_for(
        "careers.round_detail",
        round_id=allocation.round_id,
        **listed.query_values(),
        _anchor=f"allocation-{allocation.id}",
    )
    return {
        "proposal": proposal,
        "why": plain_reasons(proposal),
        "where": "Online" if proposal.remote else district(proposal.postcode),
        "listed": listed.query_values(),
        "back": back,
    }


def back_to_row(allocation: Allocation, listed: Listing, at: int | None = None) -> Response:
    """To the same list of proposals, at the result of the decision on `allocation` (which stands where its
    row was: `at` on the page it was decided from)."""
    remember(allocation.id, at)
    back = url_for(
        "careers.round_detail", round_id=allocation.round_id, **listed.query_values(), _anchor="decided"
    )
    return redirect(back)
