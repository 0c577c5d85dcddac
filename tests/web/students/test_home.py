"""The student's home page: what to do next, and their own record of encounters and experiences."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.pages import rows
from tests.web.students.helpers import create_experience, create_offer, hub_opportunity, me
from web.extensions import db
from web.models import School


def _steps(page: object) -> str:
    return " ".join(page.select_one("#next-steps").text.split())  # type: ignore[attr-defined]


def test_home_shows_the_students_record_most_recent_first(student_request: ClientRequest) -> None:
    student = me(student_request)
    create_experience(
        student, title="Careers fair", benchmark="5", on_date=date(2025, 11, 4), hours=Decimal("2.5")
    )
    create_experience(student, title="Week at the hospital", on_date=date(2026, 3, 2), hours=Decimal("35"))
    page = student_request.get("students.home")
    assert rows(page, "experience-record", cells="td") == [
        ["Week at the hospital", "2 March 2026", "35", "Experience of workplaces (Benchmark 6)"],
        ["Careers fair", "4 November 2025", "2.5", "Encounter with employers (Benchmark 5)"],
    ]


def test_home_shows_only_the_students_own_record(student_request: ClientRequest) -> None:
    student = me(student_request)
    other = factories.create_student(db.session.get(School, student.school_id))
    create_experience(other, title="Someone else's placement")
    page = student_request.get("students.home")
    assert "Someone else's placement" not in page.text
    assert "Nothing yet" in page.select_one("#experience-record").text


def test_home_suggests_recording_interests_first(student_request: ClientRequest) -> None:
    student = me(student_request)
    student.routes, student.statement = [], ""
    db.session.commit()
    steps = _steps(student_request.get("students.home"))
    assert "Tell us what you are interested in" in steps
    assert "Pick up to 6 and put them in order" in steps
    assert "When your school releases an offer" in steps


def test_home_shows_progress_once_interests_and_choices_are_in(student_request: ClientRequest) -> None:
    student = me(student_request)
    factories.create_preference(student, hub_opportunity(student), 1)
    steps = _steps(student_request.get("students.home"))
    assert "Check your interests Done" in steps
    assert "1 choice" in steps and "Put your choices in order" in steps


def test_home_counts_only_offers_the_student_can_answer(student_request: ClientRequest) -> None:
    student = me(student_request)
    create_offer(student, hub_opportunity(student, title="Open"))
    create_offer(student, hub_opportunity(student, title="Also open"))
    create_offer(student, hub_opportunity(student, status="closed"))
    begun = date.today() - timedelta(days=1)
    create_offer(student, hub_opportunity(student, start_date=begun, end_date=begun + timedelta(days=4)))
    create_offer(student, hub_opportunity(student), status="accepted")
    steps = _steps(student_request.get("students.home"))
    assert "You have 2 offers to accept or decline" in steps


def test_home_greets_the_student_by_the_name_they_go_by(student_request: ClientRequest) -> None:
    student = me(student_request)
    student.first_name, student.preferred_name = "Zoë", "Zoe"
    db.session.commit()
    assert student_request.get("students.home").h1.text.strip() == "Hello Zoe"
    student.preferred_name = ""
    db.session.commit()
    assert student_request.get("students.home").h1.text.strip() == "Hello Zoë"
