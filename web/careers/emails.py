"""What the careers leader's emails say (students' own placements, rounds waiting for a decision), from the
ids they are about."""

from __future__ import annotations

from typing import Any

from web.dao import round_deadlines
from web.dates import long_date
from web.emails import email, link
from web.extensions import db
from web.models import MatchRound, OwnPlacement, Student


@email("own_placement_decided")
def own_placement_decided(own_placement_id: int, status: str) -> dict[str, Any] | None:
    """To a student: their careers leader approved the placement they found, or asked for changes."""
    placement = db.session.get(OwnPlacement, own_placement_id)
    student = db.session.get(Student, placement.student_id) if placement else None
    # Changed again since it was queued (withdrawn, say): the message would no longer be true.
    if placement is None or student is None or placement.status != status:
        return None
    return {
        "approved": status == "approved",
        "name": student.known_as,
        "employer": placement.employer_name,
        "note": placement.leader_note,
        "link": link("students.own_placement", placement_id=placement.id),
    }


@email("round_decide_reminder")
def round_decide_reminder(round_id: int) -> dict[str, Any] | None:
    """To a careers leader: their school round's proposals wait for a decision, and go back to the pool
    after its decide-by date."""
    match_round = db.session.get(MatchRound, round_id)
    waiting = round_deadlines.waiting_count(round_id) if match_round else 0
    # Decided (or released) since it was queued: there is nothing left to remind them of.
    if match_round is None or match_round.decide_by is None or not waiting:
        return None
    return {
        "waiting": waiting,
        "decide_by": long_date(match_round.decide_by),
        "link": link("careers.round_detail", round_id=round_id),
    }
