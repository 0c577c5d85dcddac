"""Beat's decide-by deadlines for a school's rounds: its careers leaders are reminded two days before, once,
and proposals nobody decided by then go back to the pool, freeing their seats; hub-wide rounds, decided
proposals and other schools' rounds are left alone, and running it again changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.mail import deliver_queued, link_in, sent_to
from web.dao import round_deadlines
from web.dao import rounds as rounds_dao
from web.dates import london_today
from web.extensions import db
from web.models import Allocation, AuditEvent, Hub, MatchRound, Notification, Opportunity, School
from web.models.base import utcnow
from workers.schedule_tasks import decision_deadlines


def today() -> date:
    return london_today()


@pytest.fixture
def school(app: Flask) -> School:
    """A school with two careers leaders."""
    record = factories.create_school(name="Ardwick Green Academy")
    factories.create_user_for("careers_leader", record, email="first@ardwick.example")
    factories.create_user_for("careers_leader", record, email="second@ardwick.example")
    return record


@pytest.fixture
def place(school: School) -> Opportunity:
    """A work-experience placement in the school's hub with 3 places."""
    employer = factories.create_employer(db.session.get(Hub, school.hub_id), name="Acme Labs")
    return factories.create_opportunity(employer, capacity=3)


def _round(school: School, decide_in: int, **overrides: Any) -> MatchRound:
    """A school round that finished a week ago, to be decided `decide_in` days from today."""
    fields = {
        "status": "succeeded",
        "kind": "work_experience",
        "decide_by": today() + timedelta(days=decide_in),
        "finished_at": utcnow() - timedelta(days=7),
        **overrides,
    }
    return factories.create_round(school, **fields)


def _propose(match_round: MatchRound, school: School, place: Opportunity, *statuses: str) -> list[int]:
    return [
        factories.create_allocation(match_round, factories.create_student(school), place, status=status).id
        for status in statuses
    ]


def _statuses(ids: list[int]) -> list[str]:
    db.session.expire_all()
    return [db.session.get(Allocation, allocation_id).status for allocation_id in ids]


def _keys() -> list[str]:
    return list(db.session.scalars(select(Notification.idempotency_key).order_by(Notification.id)))


def _released_events() -> list[tuple[int, dict[str, Any]]]:
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "round_proposals_released").order_by(AuditEvent.id)
    )
    return [(event.record_id, event.detail) for event in events]


def test_beat_runs_the_decision_deadlines_daily(app: Flask) -> None:
    entry = app.config["CELERY"]["beat_schedule"]["schedule.decision_deadlines"]
    assert (entry["task"], entry["schedule"]) == ("schedule.decision_deadlines", 86400.0)


def test_the_careers_leaders_are_reminded_once_two_days_before(school: School, place: Opportunity) -> None:
    due = _round(school, 2)
    ids = _propose(due, school, place, "proposed", "proposed", "offered")
    _propose(_round(school, 3), school, place, "proposed")

    decision_deadlines.run()
    decision_deadlines.run()

    assert deliver_queued() == 2
    decide_by = today() + timedelta(days=2)
    for address in ("first@ardwick.example", "second@ardwick.example"):
        [message] = sent_to(address)
        assert message.subject == f"2 proposals wait for your decision by {decide_by.day} {decide_by:%B %Y}"
        assert "after that they are released back to the pool" in str(message.body)
        assert link_in(message) == f"/school/rounds/{due.id}"
    decision_deadlines.run()
    assert deliver_queued() == 0
    assert _statuses(ids) == ["proposed", "proposed", "offered"]


def test_no_reminder_for_a_round_decided_finished_inside_the_window_or_hub_wide(
    school: School, place: Opportunity
) -> None:
    _propose(_round(school, 2), school, place, "offered", "rejected")
    _propose(_round(school, 1, finished_at=utcnow()), school, place, "proposed")
    _propose(_round(school, 2, school_id=None), school, place, "proposed")
    _propose(_round(school, 2, draft=True), school, place, "draft")

    decision_deadlines.run()

    assert _keys() == []


def test_a_reminder_decided_before_it_is_sent_says_nothing(school: School, place: Opportunity) -> None:
    [allocation_id] = _propose(_round(school, 2), school, place, "proposed")
    decision_deadlines.run()
    db.session.execute(
        Allocation.__table__.update().where(Allocation.id == allocation_id).values(status="rejected")
    )
    db.session.commit()
    assert deliver_queued() == 2
    assert sent_to("first@ardwick.example") == []


def test_after_the_decide_by_day_undecided_proposals_are_released_once_and_their_seats_freed(
    school: School, place: Opportunity
) -> None:
    overdue = _round(school, -1)
    ids = _propose(overdue, school, place, "proposed", "proposed", "offered", "rejected")
    assert rounds_dao.outstanding_seats([place.id]) == {place.id: 3}
    assert rounds_dao.top_up_now(overdue, today()) == rounds_dao.TopUp(free_seats=0, unplaced=1)

    decision_deadlines.run()
    decision_deadlines.run()

    assert _statuses(ids) == ["rejected", "rejected", "offered", "rejected"]
    released = [db.session.get(Allocation, allocation_id) for allocation_id in ids[:2]]
    assert all(a.decided_by_id is None and a.decided_at is not None for a in released)
    assert rounds_dao.outstanding_seats([place.id]) == {place.id: 1}
    assert _released_events() == [(overdue.id, {"released": 2})]
    # A top-up now sees the two seats free (one is still offered) and their students without a place.
    now = rounds_dao.top_up_now(db.session.get(MatchRound, overdue.id), today())
    assert now == rounds_dao.TopUp(free_seats=2, unplaced=3)
    assert _keys() == []


def test_proposals_are_kept_on_the_decide_by_day_itself(school: School, place: Opportunity) -> None:
    ids = _propose(_round(school, 0), school, place, "proposed")
    decision_deadlines.run()
    assert _statuses(ids) == ["proposed"]
    assert _released_events() == []


def test_hub_wide_rounds_and_other_schools_rounds_are_not_touched(school: School, place: Opportunity) -> None:
    hub_wide = _propose(_round(school, -3, school_id=None), school, place, "proposed", "approved")
    neighbour = factories.create_school(db.session.get(Hub, school.hub_id))
    theirs = _propose(_round(neighbour, 5), neighbour, place, "proposed")
    no_date = _propose(_round(school, 0, decide_by=None), school, place, "proposed")

    decision_deadlines.run()

    assert _statuses(hub_wide + theirs + no_date) == ["proposed", "approved", "proposed", "proposed"]
    assert _released_events() == [] and _keys() == []


def test_each_rounds_release_is_whole_or_not_at_all(
    school: School, place: Opportunity, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = _round(school, -1), _round(school, -2)
    first_ids = _propose(first, school, place, "proposed")
    second_ids = _propose(second, school, place, "proposed", "proposed")
    real_audit = round_deadlines.audit

    def dies_on_the_second(
        user_id: int | None, action: str, kind: str, record_id: int, **detail: Any
    ) -> None:
        if record_id == second.id:
            raise RuntimeError("worker lost")
        real_audit(user_id, action, kind, record_id, **detail)

    monkeypatch.setattr(round_deadlines, "audit", dies_on_the_second)
    with pytest.raises(RuntimeError):
        decision_deadlines.run()
    assert _statuses(first_ids + second_ids) == ["rejected", "proposed", "proposed"]

    monkeypatch.setattr(round_deadlines, "audit", real_audit)
    decision_deadlines.run()
    assert _statuses(first_ids + second_ids) == ["rejected", "rejected", "rejected"]
    assert _released_events() == [(first.id, {"released": 1}), (second.id, {"released": 2})]


def test_the_round_page_says_which_proposals_were_released_and_which_a_person_rejected(
    school: School, place: Opportunity, sign_in_as: Any
) -> None:
    overdue = _round(school, -1)
    released, rejected = _propose(overdue, school, place, "proposed", "proposed")
    leader = factories.create_user_for("careers_leader", db.session.get(School, school.id))
    db.session.get(Allocation, rejected).status = "rejected"
    db.session.get(Allocation, rejected).decided_by_id = leader.id
    db.session.commit()

    decision_deadlines.run()

    page = sign_in_as(leader).get("careers.round_detail", round_id=overdue.id)
    decisions = [
        " ".join(cell.text.split()) for cell in page.select('#proposals-table td[data-label="Decision"]')
    ]
    assert sorted(decisions) == [
        "Not decided in time Released to the pool after the decide-by date",
        "Rejected",
    ]
