"""What-if: the same round run as two drafts under two settings, compared side by side, one kept.

A draft's proposals are stored as "draft": they hold no seat, shut no student out of another round and reach
no one. Keeping a draft turns those still possible into proposals (a student matched elsewhere since, or a
placement filled, closed or started since, drops out) and deletes the other draft with its proposals.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select, update

from web.dao import rounds as rounds_dao
from web.dao.base import audit
from web.extensions import db
from web.models import Allocation, MatchRound, Opportunity
from web.models.base import LIVE_STATUSES

CHUNK = 500  # ids per IN list: well inside SQLite's limit on bound parameters


def add_pair(
    scope: dict[str, Any], first: dict[str, Any], second: dict[str, Any]
) -> tuple[MatchRound, MatchRound]:
    """Two queued draft rounds of the same scope (hub, school, kind, seed, creator), each with its own
    mechanism and policy, each naming the other."""
    one = rounds_dao.add_round(draft=True, **scope, **first)
    two = rounds_dao.add_round(draft=True, compared_with_id=one.id, **scope, **second)
    one.compared_with_id = two.id
    db.session.flush()
    return one, two


def pair(match_round: MatchRound) -> tuple[MatchRound, MatchRound | None]:
    """The draft and the one it is compared with, the earlier first (the other may be gone)."""
    other = db.session.get(MatchRound, match_round.compared_with_id) if match_round.compared_with_id else None
    if other is not None and other.id < match_round.id:
        return other, match_round
    return match_round, other


@dataclass(frozen=True)
class Kept:
    """What keeping a draft did."""

    proposed: int  # proposals now waiting for careers leaders
    dropped: int  # draft proposals no longer possible


def keep(round_id: int, user_id: int, today: date, decide_by: date | None = None) -> Kept | None:
    """Keep a finished draft: its possible proposals become real, the other draft goes; a hub-wide one gets
    the day schools must decide by. None if the round is not a finished draft (kept, discarded or still
    running)."""
    found = db.session.get(MatchRound, round_id)
    if found is None:
        return None
    # Both drafts locked, in id order: keeping one and keeping the other at the same moment would each
    # delete the other; the second now waits, then finds its draft gone.
    pair_ids = sorted({round_id, found.compared_with_id or round_id})
    db.session.execute(
        select(MatchRound.id).where(MatchRound.id.in_(pair_ids)).order_by(MatchRound.id).with_for_update()
    )
    kept = db.session.scalar(
        select(MatchRound).where(MatchRound.id == round_id).execution_options(populate_existing=True)
    )
    if kept is None or not kept.draft or kept.status != "succeeded":
        return None
    other_id = kept.compared_with_id
    rows = db.session.execute(
        select(Allocation.id, Allocation.student_id, Allocation.opportunity_id)
        .where(Allocation.round_id == kept.id, Allocation.status == "draft")
        .order_by(Allocation.score.desc(), Allocation.id)
    ).all()
    busy = _students_with_live_allocations(kept)
    free = _free_seats(kept, {opportunity_id for _, _, opportunity_id in rows}, today)
    promote, taken = [], Counter[int]()
    for allocation_id, student_id, opportunity_id in rows:
        if student_id in busy or taken[opportunity_id] >= free.get(opportunity_id, 0):
            continue
        taken[opportunity_id] += 1
        promote.append(allocation_id)
    for start in range(0, len(promote), CHUNK):
        db.session.execute(
            update(Allocation)
            .where(Allocation.id.in_(promote[start : start + CHUNK]))
            .values(status="proposed")
            .execution_options(synchronize_session=False)
        )
    db.session.execute(delete(Allocation).where(Allocation.round_id == kept.id, Allocation.status == "draft"))
    kept.draft, kept.compared_with_id = False, None
    if kept.school_id is None:
        kept.decide_by = decide_by
    if other_id is not None:
        discard(other_id)
    audit(
        user_id, "what_if_kept", "match_round", kept.id, discarded=other_id, dropped=len(rows) - len(promote)
    )
    return Kept(len(promote), len(rows) - len(promote))


def discard(round_id: int) -> None:
    """Delete a draft and its proposals (none of which reached anyone)."""
    db.session.execute(
        update(MatchRound)
        .where(MatchRound.compared_with_id == round_id)
        .values(compared_with_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(Allocation).where(Allocation.round_id == round_id))
    db.session.execute(delete(MatchRound).where(MatchRound.id == round_id, MatchRound.draft.is_(True)))


def _students_with_live_allocations(match_round: MatchRound) -> set[int]:
    """Students of the round's proposals who since have a live allocation of its kind from elsewhere."""
    query = (
        select(Allocation.student_id)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .where(
            Allocation.status.in_(LIVE_STATUSES),
            Allocation.student_id.in_(
                select(Allocation.student_id).where(Allocation.round_id == match_round.id).scalar_subquery()
            ),
        )
    )
    if match_round.kind is not None:
        query = query.where(Opportunity.kind == match_round.kind)
    return set(db.session.scalars(query))


def _free_seats(match_round: MatchRound, opportunity_ids: set[int], today: date) -> dict[int, int]:
    """Seats free now on these opportunities, for those still published and not yet started."""
    ids = sorted(opportunity_ids)
    free: dict[int, int] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        held = rounds_dao.outstanding_seats(chunk)
        rows = db.session.execute(
            select(Opportunity.id, Opportunity.capacity, Opportunity.places_taken).where(
                Opportunity.id.in_(chunk), Opportunity.status == "published", Opportunity.start_date > today
            )
        )
        for opportunity_id, capacity, places_taken in rows:
            free[opportunity_id] = max(0, capacity - places_taken - held.get(opportunity_id, 0))
    return free
