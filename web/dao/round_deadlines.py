"""A school round's decide-by date: its careers leaders are reminded 2 days before, and proposals nobody
decided by then go back to the pool, so they do not hold seats for ever. Hub-wide rounds have their own
decide-by handling (web/dao/hub_rounds.py) and are never touched here."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, func, select, update

from web.dao import rounds as rounds_dao
from web.dao.base import audit
from web.dao.users import reachable_leaders
from web.dao.vetting import evidence_current
from web.dates import end_of_day_utc
from web.emails import notify
from web.extensions import db
from web.models import Allocation, MatchRound, Opportunity
from web.models.base import utcnow

DECIDE_DAYS = 14  # a school round's decide-by date unless the careers leader chooses another
REMINDER_DAYS = 2
# A proposal released back to the pool. "rejected" frees its seat, is never shown to the student, counts as
# not offered in reports and may be proposed again by a later round, as a release should; no one's
# decision (decided_by_id stays empty) and the round's audit event tell it from a careers leader's.
RELEASED = "rejected"


def first_start(hub_id: int, kind: str | None, policy: dict[str, Any], today: date) -> date | None:
    """The first day any placement a school round of this kind and scope could fill begins, if any."""
    # An unsaved round carries the scope to the query the matching itself uses; it is never added.
    scope = MatchRound(hub_id=hub_id, kind=kind, policy=policy)
    query = rounds_dao._places(scope, today, func.min(Opportunity.start_date)).where(evidence_current(today))
    return db.session.scalar(query)


def default_decide_by(match_round: MatchRound, today: date) -> date:
    """DECIDE_DAYS from today, or the day before the first placement the round can fill starts if sooner
    (never before today): what a school's top-up round, which asks no questions, is given."""
    first = first_start(match_round.hub_id, match_round.kind, match_round.policy or {}, today)
    chosen = today + timedelta(days=DECIDE_DAYS)
    if first is not None:
        chosen = min(chosen, first - timedelta(days=1))
    return max(chosen, today)


def _school_rounds() -> Any:
    return select(MatchRound.id).where(
        MatchRound.school_id.is_not(None),
        MatchRound.draft.is_(False),
        MatchRound.status == "succeeded",
        MatchRound.decide_by.is_not(None),
    )


def _waiting() -> Any:
    return exists().where(Allocation.round_id == MatchRound.id, Allocation.status == "proposed")


def remind_leaders(today: date) -> int:
    """Email the careers leaders of school rounds whose decide-by date is within REMINDER_DAYS and which
    still have proposals waiting, once per round and leader; not rounds that finished inside that window,
    whose careers leader chose the date moments before. How many emails were queued now."""
    rows = db.session.execute(
        select(MatchRound.id, MatchRound.school_id, MatchRound.decide_by, MatchRound.finished_at)
        .where(
            MatchRound.id.in_(_school_rounds()),
            MatchRound.decide_by >= today,
            MatchRound.decide_by <= today + timedelta(days=REMINDER_DAYS),
            _waiting(),
        )
        .order_by(MatchRound.id)
    ).all()
    queued = 0
    for round_id, school_id, decide_by, finished_at in rows:
        window_opens = end_of_day_utc(decide_by - timedelta(days=REMINDER_DAYS + 1))
        if finished_at is not None and finished_at >= window_opens:
            continue
        for leader in reachable_leaders(school_id):
            key = f"round-decide-reminder:{round_id}:{leader.id}"
            queued += notify(key, "round_decide_reminder", leader.email, round_id=round_id) is not None
    return queued


def overdue_rounds(today: date) -> list[int]:
    """School rounds whose decide-by date has passed in England with proposals still waiting, by id."""
    query = (
        select(MatchRound.id)
        .where(MatchRound.id.in_(_school_rounds()), MatchRound.decide_by < today, _waiting())
        .order_by(MatchRound.id)
    )
    return list(db.session.scalars(query))


def release_undecided(round_id: int, today: date) -> int:
    """Release the school round's proposals still undecided after its decide-by date back to the pool, in
    the caller's transaction, with one audit event; how many (0 if none, or not such a round)."""
    overdue = select(MatchRound.id).where(
        MatchRound.id == round_id, MatchRound.id.in_(_school_rounds()), MatchRound.decide_by < today
    )
    # Conditional on "proposed", so a careers leader's approval at the same moment wins or loses whole.
    result = db.session.execute(
        update(Allocation)
        .where(Allocation.round_id.in_(overdue), Allocation.status == "proposed")
        .values(status=RELEASED, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    released = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if released:
        audit(None, "round_proposals_released", "match_round", round_id, released=released)
    return released


def waiting_count(round_id: int) -> int:
    """How many of the round's proposals wait for a decision."""
    query = select(func.count()).where(Allocation.round_id == round_id, Allocation.status == "proposed")
    return int(db.session.scalar(query) or 0)
