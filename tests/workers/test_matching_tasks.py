"""The matching-round task, called as a function on a small Manchester school."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from matcher.policy import PARTS
from tests import db as factories
from web.dao import rounds as rounds_dao
from web.dao.base import transaction
from web.extensions import db
from web.models import Allocation, ExperienceRecord, Hub, MatchRound, School, Student
from workers import matching_tasks
from workers.matching_tasks import BAD_INPUT, BAD_POLICY, MAX_RETRIES, UNAVAILABLE, run_round

POSTCODES = ["M13 9PL", "M14 5TP", "M15 6BH", "M20 2RN", "M1 1AD"]


def _allocations(round_id: int) -> list[Allocation]:
    return list(
        db.session.scalars(select(Allocation).where(Allocation.round_id == round_id).order_by(Allocation.id))
    )


def _hub(school: School) -> Hub:
    return db.session.get(Hub, school.hub_id)


def _students(school: School) -> list[Student]:
    return list(db.session.scalars(select(Student).where(Student.school_id == school.id)))


def _reloaded(round_id: int) -> MatchRound:
    db.session.expire_all()
    return db.session.get(MatchRound, round_id)


@pytest.fixture
def school(app: Flask) -> School:
    """A school with five students across south Manchester and a hub with three employers' places."""
    school = factories.create_school()
    for i, postcode in enumerate(POSTCODES):
        factories.create_student(school, first_name=f"Student{i}", postcode=postcode)
    return school


def test_a_round_proposes_placements_with_explanations_within_capacity(school: School) -> None:
    employer = factories.create_employer(_hub(school))
    city = factories.create_opportunity(
        employer, title="City centre software week", postcode="M1 1AD", capacity=2
    )
    campus = factories.create_opportunity(
        employer, title="Campus lab week", postcode="M13 9PL", capacity=1, route="health-and-science"
    )
    online = factories.create_opportunity(
        employer, title="Online mentoring", remote=True, postcode=None, capacity=1
    )
    match_round = factories.create_round(school)

    run_round.run(match_round.id)

    done = _reloaded(match_round.id)
    assert (done.status, done.progress, done.stage, done.error) == ("succeeded", 100, "Finished", "")
    assert done.started_at is not None and done.finished_at is not None
    proposals = _allocations(match_round.id)
    assert len(proposals) == 4  # four seats for five students
    taken: dict[int, int] = {}
    for proposal in proposals:
        taken[proposal.opportunity_id] = taken.get(proposal.opportunity_id, 0) + 1
        assert proposal.status == "proposed"
        assert sum(proposal.explanation["parts"].values()) == pytest.approx(proposal.score)
        if proposal.opportunity_id == online.id:
            # No travel counted for an online place, not nearness to home.
            assert set(proposal.explanation["parts"]) == set(PARTS) - {"distance"} | {"online"}
            assert proposal.explanation["parts"]["online"] > 0
            assert proposal.explanation["distance_km"] is None
        else:
            assert set(proposal.explanation["parts"]) == set(PARTS)
            assert 0 <= proposal.explanation["distance_km"] < 15
        assert proposal.score > 0
        assert proposal.rank is None  # nobody ranked anything
    assert taken == {city.id: 2, campus.id: 1, online.id: 1}
    assert len({proposal.student_id for proposal in proposals}) == 4
    metrics = done.metrics
    assert metrics["students"] == 5 and metrics["opportunities"] == 3 and metrics["assigned"] == 4
    assert metrics["objective"] == pytest.approx(sum(proposal.score for proposal in proposals))
    assert metrics["fairness"]["overall"]["coverage"] == pytest.approx(0.8)
    assert set(metrics["fairness"]["by_category"]) == {"disadvantaged", "send", "no_experience"}
    assert set(metrics["fairness"]["pathway_share"]) == {"technical", "academic", "both"}


@pytest.mark.parametrize("mechanism", ["optimal", "stable"])
def test_a_students_ranked_choice_is_proposed_with_its_rank(school: School, mechanism: str) -> None:
    employer = factories.create_employer(_hub(school))
    first = factories.create_opportunity(employer, capacity=6, postcode="M20 2RN", title="Wanted most")
    factories.create_opportunity(
        employer,
        capacity=6,
        postcode="M1 1AD",
        title="Care home visits",
        description="Help residents with activities.",
        route="care-services",
    )
    student = factories.create_student(
        db.session.get(School, school.id), first_name="Keen", postcode="M14 5TP"
    )
    factories.create_preference(student, first, rank=1)
    match_round = factories.create_round(school, mechanism=mechanism, seed=7)

    run_round.run(match_round.id)

    [mine] = [a for a in _allocations(match_round.id) if a.student_id == student.id]
    assert (mine.opportunity_id, mine.rank) == (first.id, 1)
    assert _reloaded(match_round.id).metrics["ranked_placed"] == 1


def test_seats_already_taken_or_offered_are_not_proposed_again(school: School) -> None:
    employer = factories.create_employer(_hub(school))
    full = factories.create_opportunity(employer, capacity=2, places_taken=1, title="Nearly full")
    earlier = factories.create_round(school, status="succeeded")
    factories.create_allocation(
        earlier, factories.create_student(factories.create_school()), full, status="offered"
    )
    spare = factories.create_opportunity(employer, capacity=1, title="One seat")
    match_round = factories.create_round(school)

    run_round.run(match_round.id)

    assert [a.opportunity_id for a in _allocations(match_round.id)] == [spare.id]


def test_only_the_rounds_kind_and_the_hubs_published_places_from_approved_employers_count(
    school: School,
) -> None:
    employer = factories.create_employer(_hub(school))
    mentoring = factories.create_opportunity(employer, kind="mentoring", capacity=1)
    factories.create_opportunity(employer, kind="work_experience", capacity=5)
    factories.create_opportunity(employer, kind="mentoring", capacity=5, status="draft")
    factories.create_opportunity(
        factories.create_employer(_hub(school), status="suspended"), kind="mentoring"
    )
    factories.create_opportunity(factories.create_employer(), kind="mentoring", capacity=5)  # another hub
    match_round = factories.create_round(school, kind="mentoring")

    run_round.run(match_round.id)

    assert [a.opportunity_id for a in _allocations(match_round.id)] == [mentoring.id]


def test_a_school_round_covers_only_its_students_and_a_hub_round_every_school(school: School) -> None:
    neighbour = factories.create_school(_hub(school))
    outsider = factories.create_student(neighbour, postcode="M14 5TP")
    factories.create_opportunity(factories.create_employer(_hub(school)), capacity=20)
    hub_round = factories.create_round(school, school_id=None)
    school_round = factories.create_round(school)

    run_round.run(hub_round.id)
    in_hub_round = {a.student_id for a in _allocations(hub_round.id)}
    assert outsider.id in in_hub_round and len(in_hub_round) == 6
    assert set(_reloaded(hub_round.id).metrics["fairness"]["by_school"]) == {
        str(school.id),
        str(neighbour.id),
    }
    for allocation in _allocations(hub_round.id):
        allocation.status = "rejected"
    db.session.commit()

    run_round.run(school_round.id)
    in_school_round = {a.student_id for a in _allocations(school_round.id)}
    assert outsider.id not in in_school_round and len(in_school_round) == 5


def test_students_holding_or_waiting_on_a_placement_of_the_kind_are_left_out_and_counted(
    school: School,
) -> None:
    employer = factories.create_employer(_hub(school))
    week = factories.create_opportunity(employer, capacity=20, kind="work_experience")
    factories.create_opportunity(
        employer,
        capacity=20,
        kind="mentoring",
        title="Mentoring",
        start_date=week.end_date + timedelta(days=30),
        end_date=week.end_date + timedelta(days=90),
    )
    students = sorted(_students(school), key=lambda student: student.id)
    earlier = factories.create_round(school, status="succeeded")
    factories.create_allocation(earlier, students[0], week, status="accepted")
    factories.create_allocation(earlier, students[1], week, status="offered")
    factories.create_allocation(earlier, students[2], week, status="proposed")
    factories.create_allocation(earlier, students[3], week, status="declined")
    work_round = factories.create_round(school, kind="work_experience")
    mentoring_round = factories.create_round(school, kind="mentoring", status="succeeded")

    run_round.run(work_round.id)

    proposed = {a.student_id: a.opportunity_id for a in _allocations(work_round.id)}
    assert proposed == {students[4].id: week.id}  # a decline frees the student, but not for the same place
    another_week = factories.create_opportunity(
        employer, capacity=20, kind="work_experience", title="Another"
    )
    again = factories.create_round(school, kind="work_experience")
    db.session.execute(
        MatchRound.__table__.update().where(MatchRound.id == work_round.id).values(status="cancelled")
    )
    db.session.commit()
    run_round.run(again.id)
    assert {a.student_id: a.opportunity_id for a in _allocations(again.id)}[students[3].id] == another_week.id
    assert _reloaded(work_round.id).metrics["left_out"] == {
        "holding": 1,
        "waiting": 2,
        "lapsed": 0,
        "by_school": {str(school.id): {"holding": 1, "waiting": 2}},
    }
    # Another kind is another matter: everyone can be proposed for mentoring.
    db.session.execute(
        MatchRound.__table__.update().where(MatchRound.id == mentoring_round.id).values(status="queued")
    )
    db.session.execute(
        MatchRound.__table__.update().where(MatchRound.id == work_round.id).values(status="succeeded")
    )
    db.session.commit()
    run_round.run(mentoring_round.id)
    assert len(_allocations(mentoring_round.id)) == 5
    assert _reloaded(mentoring_round.id).metrics["left_out"] == {
        "holding": 0,
        "waiting": 0,
        "lapsed": 0,
        "by_school": {},
    }


def test_held_placements_block_clashing_dates_and_count_as_experience(school: School) -> None:
    employer = factories.create_employer(_hub(school))
    held = factories.create_opportunity(
        employer, capacity=3, places_taken=1, title="Already going", kind="job_shadowing"
    )
    start = held.start_date
    clash = factories.create_opportunity(
        employer,
        capacity=5,
        title="Same week",
        start_date=start + timedelta(days=2),
        end_date=start + timedelta(days=6),
    )
    later = factories.create_opportunity(
        employer,
        capacity=2,
        title="A month later",
        start_date=start + timedelta(days=30),
        end_date=start + timedelta(days=34),
    )
    busy = factories.create_student(db.session.get(School, school.id), first_name="Busy", postcode="M13 9PL")
    factories.create_allocation(
        factories.create_round(school, status="succeeded"), busy, held, status="accepted"
    )
    recorded = factories.create_student(
        db.session.get(School, school.id), first_name="Been", postcode="M13 9PL"
    )
    db.session.add(
        ExperienceRecord(
            student_id=recorded.id, benchmark="6", title="Week at a bakery", on_date=date(2025, 6, 1)
        )
    )
    db.session.commit()
    match_round = factories.create_round(school, kind="work_experience")

    run_round.run(match_round.id)

    by_student = {a.student_id: a for a in _allocations(match_round.id)}
    # Both other weeks clash with the placement they hold; only the later one is open to them.
    assert by_student[busy.id].opportunity_id == later.id
    assert {held.id, clash.id} & {a.opportunity_id for a in by_student.values()}
    assert by_student[recorded.id].explanation["parts"]["no_experience"] == 0
    others = [a for sid, a in by_student.items() if sid not in (busy.id, recorded.id)]
    assert all(a.explanation["parts"]["no_experience"] > 0 for a in others)


def test_an_invalid_policy_fails_the_round_with_a_message_and_stores_nothing(school: School) -> None:
    factories.create_opportunity(factories.create_employer(_hub(school)))
    match_round = factories.create_round(school, policy={"route": -1.0})

    run_round.run(match_round.id)

    failed = _reloaded(match_round.id)
    assert (failed.status, failed.error) == ("failed", BAD_POLICY)
    assert failed.finished_at is not None
    assert _allocations(match_round.id) == []


def test_an_engine_error_fails_the_round_with_a_plain_message_and_stores_nothing(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    factories.create_opportunity(factories.create_employer(_hub(school)))
    match_round = factories.create_round(school)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ValueError('student "12" was given a placement not on their list')

    monkeypatch.setattr(matching_tasks, "allocate", broken)
    run_round.run(match_round.id)

    failed = _reloaded(match_round.id)
    assert (failed.status, failed.error) == ("failed", BAD_INPUT)
    assert "12" not in failed.error
    assert _allocations(match_round.id) == []


def test_a_database_blip_is_raised_for_a_retry_and_the_round_waits(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    match_round = factories.create_round(school)

    def blip(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(matching_tasks, "candidates", blip)
    with pytest.raises(OperationalError):
        run_round.run(match_round.id)

    waiting = _reloaded(match_round.id)
    assert (waiting.status, waiting.stage) == ("queued", "Waiting to try again")
    assert waiting.attempts == 0  # a passing fault is not a worker that died
    assert _allocations(match_round.id) == []


def test_the_last_retry_fails_the_round_with_a_plain_message(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    match_round = factories.create_round(school)

    def blip(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("SELECT 1", {}, Exception("could not connect"))

    monkeypatch.setattr(matching_tasks, "candidates", blip)
    run_round.push_request(retries=MAX_RETRIES)
    try:
        with pytest.raises(OperationalError):
            run_round.run(match_round.id)
    finally:
        run_round.pop_request()

    failed = _reloaded(match_round.id)
    assert (failed.status, failed.error) == ("failed", UNAVAILABLE)


def test_a_round_that_already_finished_is_left_alone(school: School) -> None:
    factories.create_opportunity(factories.create_employer(_hub(school)))
    match_round = factories.create_round(school, status="succeeded", progress=100)

    run_round.run(match_round.id)

    assert _allocations(match_round.id) == []
    assert _reloaded(match_round.id).status == "succeeded"


def test_an_unknown_round_is_ignored(app: Flask) -> None:
    run_round.run(987654)


def test_the_task_is_named_routed_to_matching_and_retries_transient_errors(app: Flask) -> None:
    assert run_round.name == "matching.run_round"
    assert app.extensions["celery"].amqp.router.route({}, run_round.name)["queue"].name == "matching"
    assert OperationalError in run_round.autoretry_for
    assert run_round.max_retries == MAX_RETRIES


def test_a_school_with_nothing_to_match_succeeds_with_no_proposals(app: Flask) -> None:
    match_round = factories.create_round(factories.create_school())

    run_round.run(match_round.id)

    done = _reloaded(match_round.id)
    assert (done.status, done.metrics["students"], done.metrics["assigned"]) == ("succeeded", 0, 0)
    assert _allocations(match_round.id) == []


def test_students_with_no_reachable_opportunity_are_counted_but_not_proposed(school: School) -> None:
    factories.create_opportunity(factories.create_employer(_hub(school)), postcode="LS1 4DY")  # Leeds
    match_round = factories.create_round(school)

    run_round.run(match_round.id)

    done = _reloaded(match_round.id)
    assert (done.status, done.metrics["students"], done.metrics["assigned"]) == ("succeeded", 5, 0)
    assert done.metrics["fairness"]["overall"]["coverage"] == 0


def test_an_offer_on_a_closed_place_or_a_placement_already_over_does_not_shut_a_student_out(
    school: School,
) -> None:
    employer = factories.create_employer(_hub(school))
    factories.create_opportunity(employer, capacity=20, title="Open week")
    closed = factories.create_opportunity(employer, capacity=5, title="Closed since", status="closed")
    last_year = date.today() - timedelta(days=365)
    over = factories.create_opportunity(
        employer, capacity=5, title="Last year", start_date=last_year, end_date=last_year + timedelta(days=4)
    )
    students = sorted(_students(school), key=lambda student: student.id)
    earlier = factories.create_round(school, status="succeeded")
    factories.create_allocation(earlier, students[0], closed, status="offered")
    factories.create_allocation(earlier, students[1], over, status="completed")
    match_round = factories.create_round(school, kind="work_experience")

    run_round.run(match_round.id)

    assert len(_allocations(match_round.id)) == 5
    assert _reloaded(match_round.id).metrics["left_out"] == {
        "holding": 0,
        "waiting": 0,
        "lapsed": 0,
        "by_school": {},
    }


def test_leavers_are_not_matched(school: School) -> None:
    factories.create_opportunity(factories.create_employer(_hub(school)), capacity=20)
    leaver = sorted(_students(school), key=lambda student: student.id)[0]
    leaver.left_on = date.today() - timedelta(days=1)
    db.session.commit()
    match_round = factories.create_round(school)

    run_round.run(match_round.id)

    proposed = {a.student_id for a in _allocations(match_round.id)}
    assert leaver.id not in proposed and len(proposed) == 4
    assert _reloaded(match_round.id).metrics["students"] == 4


def test_places_of_an_employer_whose_insurance_ran_out_are_left_out_and_counted(school: School) -> None:
    current = factories.create_opportunity(factories.create_employer(_hub(school)), capacity=20)
    lapsed = factories.create_employer(_hub(school), insurance_expires=date.today() - timedelta(days=1))
    factories.create_opportunity(lapsed, capacity=20, title="Insurance ran out")
    factories.create_opportunity(lapsed, capacity=20, title="Also out")
    match_round = factories.create_round(school)

    run_round.run(match_round.id)

    assert {a.opportunity_id for a in _allocations(match_round.id)} == {current.id}
    assert _reloaded(match_round.id).metrics["left_out"]["lapsed"] == 2


def test_a_proposal_clashing_with_a_live_allocation_of_its_place_is_skipped_but_a_draft_is_kept(
    school: School,
) -> None:
    place = factories.create_opportunity(factories.create_employer(_hub(school)), capacity=5)
    offered, free = sorted(_students(school), key=lambda student: student.id)[:2]
    factories.create_allocation(
        factories.create_round(school, status="succeeded"), offered, place, status="offered"
    )
    match_round = factories.create_round(school)
    explanation = {"parts": {"route": 1.0, "distance": 0.25}, "distance_km": 2.5}
    proposals = [
        {
            "student_id": pupil.id,
            "opportunity_id": place.id,
            "score": 1.25,
            "rank": rank,
            "explanation": explanation,
        }
        for rank, pupil in ((None, offered), (2, free))
    ]

    with transaction():
        stored = rounds_dao.add_proposals(match_round.id, proposals)

    assert stored == 1
    [saved] = _allocations(match_round.id)
    assert (saved.student_id, saved.status, saved.score, saved.rank) == (free.id, "proposed", 1.25, 2)
    assert saved.explanation == explanation and saved.created_at is not None
    # A what-if draft's proposals are not live: they clash with nothing.
    draft = factories.create_round(school, draft=True)
    with transaction():
        assert rounds_dao.add_proposals(draft.id, proposals, "draft") == 2


def test_a_student_the_hubs_round_proposed_while_this_one_ran_is_left_out_of_it(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    employer = factories.create_employer(_hub(school))
    factories.create_opportunity(employer, capacity=10)
    elsewhere = factories.create_opportunity(employer, capacity=1, title="Another week")
    first, *others = sorted(_students(school), key=lambda student: student.id)
    hub_round = factories.create_round(school, school_id=None, status="running")
    match_round = factories.create_round(school)
    real = matching_tasks.load_round_inputs

    def then_the_hub_round_saves(*args: Any) -> Any:
        inputs = real(*args)  # every student is free when this round reads them
        assert str(first.id) in {student.id for student in inputs.students}
        factories.create_allocation(hub_round, first, elsewhere, status="proposed")
        return inputs

    monkeypatch.setattr(matching_tasks, "load_round_inputs", then_the_hub_round_saves)
    run_round.run(match_round.id)

    assert _reloaded(match_round.id).status == "succeeded"
    proposed = {allocation.student_id for allocation in _allocations(match_round.id)}
    assert proposed == {student.id for student in others}
    assert _reloaded(match_round.id).metrics["skipped"] == 1


def test_a_round_logs_each_stage_as_it_begins(
    school: School, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """python -m bench.hub times the stages by these lines."""
    factories.create_opportunity(factories.create_employer(_hub(school)), capacity=5)
    match_round = factories.create_round(school)
    # The migrations' logging set-up (alembic's fileConfig) turned off the loggers that existed before it.
    monkeypatch.setattr(logging.getLogger("workers.matching_tasks"), "disabled", False)

    with caplog.at_level(logging.DEBUG, logger="workers.matching_tasks"):
        run_round.run(match_round.id)

    stages = [record.args[-1] for record in caplog.records if record.msg == "Matching round %s: %s"]
    assert stages == [
        "Finding opportunities each student can take",
        "Scoring each possible match",
        "Allocating places",
        "Saving proposals",
    ]
    assert "Student" not in caplog.text  # no names, only the round's number and its stage
