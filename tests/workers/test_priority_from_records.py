"""The engine's "no workplace experience yet" priority reads each student's record (Benchmark 6 only)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask import Flask

from tests import db as factories
from web.dates import london_today
from web.extensions import db
from web.models import ExperienceRecord, School, Student
from workers.round_inputs import load_round_inputs, policy_for


def _record(student: Student, benchmark: str, kind: str, allocation_id: int | None = None) -> None:
    db.session.add(
        ExperienceRecord(
            student_id=student.id,
            allocation_id=allocation_id,
            benchmark=benchmark,
            kind=kind,
            title="On the record",
            on_date=date(2026, 3, 2),
            hours=Decimal("30"),
            meaningful=True if benchmark == "6" else None,
        )
    )
    db.session.commit()


def _has_experience(school_id: int) -> dict[int, bool]:
    school = db.session.get(School, school_id)
    match_round = factories.create_round(school)
    inputs = load_round_inputs(match_round, policy_for(match_round), london_today())
    return {int(student.id): student.has_workplace_experience for student in inputs.students}


def test_a_completed_experience_removes_the_no_experience_priority(app: Flask) -> None:
    school = factories.create_school()
    placed_before = factories.create_student(school)
    by_hand = factories.create_student(school)
    newcomer = factories.create_student(school)
    # Last term's placement, completed and written to the record.
    past = london_today() - timedelta(days=90)
    opportunity = factories.create_opportunity(start_date=past, end_date=past + timedelta(days=4))
    allocation = factories.create_allocation(
        factories.create_round(school, status="succeeded"), placed_before, opportunity, status="completed"
    )
    _record(placed_before, "6", "work_experience", allocation.id)
    _record(by_hand, "6", "insight_day")  # entered by hand, from no allocation
    assert _has_experience(school.id) == {placed_before.id: True, by_hand.id: True, newcomer.id: False}


def test_an_encounter_does_not_remove_the_no_experience_priority(app: Flask) -> None:
    school = factories.create_school()
    student = factories.create_student(school)
    for kind in ("employer_talk", "careers_fair", "workplace_visit", "technical_provider"):
        _record(student, "5", kind)
    assert _has_experience(school.id) == {student.id: False}
