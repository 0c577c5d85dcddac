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

from sqlalchemy import and_, delete, or_, select, update

from web.dao import rounds as rounds_dao
from web.dao.base import audit
from web.extensions import db
from web.models import Allocation, MatchRound, Opportunity
from web.models.base import ACTIVE_ROUND_STATUSES

CHUNK = 500  # ids per IN list: well inside SQLite's limit on bound parameters
RUNNING = (
    "A matching round is waiting or running for these students. Keep a draft once it has finished, so the "
    "two do not propose the same students or seats"
)


class WhatIfError(Exception):
    """A draft that cannot be kept now; the message says why."""


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
    # delete the other; the second now waits, then finds its draft gone. SQLite has no row locks: a write
    # takes its database lock instead.
    pair_ids = sorted({round_id, found.compared_with_id or round_id})
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(MatchRound)
            .where(MatchRound.id.in_(pair_ids))
            .values(seed=MatchRound.seed)
            .execution_options(synchronize_session=False)
        )
    else:
        db.session.execute(
            select(MatchRound.id).where(MatchRound.id.in_(pair_ids)).order_by(MatchRound.id).with_for_update()
        )
    kept = db.session.scalar(
        select(MatchRound).where(MatchRound.id == round_id).execution_options(populate_existing=True)
    )
    if kept is None or not kept.draft or kept.status != "succeeded":
        return None
    if _real_round_running(kept):
        raise WhatIfError(RUNNING)
    other_id = kept.compared_with_id
    rows = db.session.execute(
        select(Allocation.id, Allocation.student_id, Allocation.opportunity_id)
        .where(Allocation.round_id == kept.id, Allocation.status == "draft")
        .order_by(Allocation.score.desc(), Allocation.id)
    ).all()
    # Who the round would match now (not those holding or waiting on a placement of its kind since), and
    # the places they have turned down since.
    matchable = {student.id for student in rounds_dao.round_students(kept, today).students}
    refused = _refused_since(kept)
    free = _free_seats(kept, {opportunity_id for _, _, opportunity_id in rows}, today)
    promote, taken = [], Counter[int]()
    for allocation_id, student_id, opportunity_id in rows:
        if student_id not in matchable or (student_id, opportunity_id) in refused:
            continue
        if taken[opportunity_id] >= free.get(opportunity_id, 0):
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
    if kept.school_id is None or decide_by is not None:  # a school's kept draft waits no longer than a round
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
    gone = db.session.execute(delete(MatchRound).where(MatchRound.id == round_id, MatchRound.draft.is_(True)))
    if gone.rowcount:  # type: ignore[attr-defined]
        db.session.execute(
            delete(Allocation).where(Allocation.round_id == round_id, Allocation.status == "draft")
        )


def _real_round_running(match_round: MatchRound) -> bool:
    """Whether a round that is not a draft is waiting or running for any of these students: what it proposes
    and what the kept draft proposes would not see each other."""
    query = select(MatchRound.id).where(
        MatchRound.hub_id == match_round.hub_id,
        MatchRound.status.in_(ACTIVE_ROUND_STATUSES),
        MatchRound.draft.is_(False),
    )
    if match_round.school_id is not None:
        query = query.where(
            or_(MatchRound.school_id == match_round.school_id, MatchRound.school_id.is_(None))
        )
    return db.session.scalar(query.limit(1)) is not None


def _refused_since(match_round: MatchRound) -> set[tuple[int, int]]:
    """(student, opportunity) pairs the draft's students have turned down or given up (rounds_dao's rule)."""
    students = select(Allocation.student_id).where(Allocation.round_id == match_round.id)
    rows = db.session.execute(
        select(Allocation.student_id, Allocation.opportunity_id).where(
            Allocation.student_id.in_(students),
            or_(
                Allocation.status.in_(rounds_dao.REFUSED_STATUSES),
                and_(Allocation.status == "expired", Allocation.responded_at.is_(None)),
            ),
        )
    )
    return {(student_id, opportunity_id) for student_id, opportunity_id in rows}


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
