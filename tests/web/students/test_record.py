"""My record: encounters, experiences, hours toward the guarantee and a T Level, and reflections."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.pages import banner, error_messages, rows
from tests.web.students.helpers import create_experience, create_offer, hub_opportunity, me
from web.extensions import db
from web.models import Feedback, Student


def _completed(student: Student, **overrides: object):  # type: ignore[no-untyped-def]
    opportunity = hub_opportunity(student, title=overrides.pop("title", "Week at the bank"))
    return create_offer(student, opportunity, status="completed", **overrides)


def test_my_record_lists_encounters_and_experiences_with_hours(student_request: ClientRequest) -> None:
    student = me(student_request)
    create_experience(student, title="Hospital week", hours=Decimal("35"), meaningful=True)
    create_experience(
        student, title="Insight day", kind="insight_day", hours=Decimal("6.5"), meaningful=False
    )
    create_experience(student, title="Careers fair", benchmark="5", kind="careers_fair", hours=Decimal("2"))
    page = student_request.get("students.record")
    assert "41.5 hours" in page.select_one("#guarantee-hours").text
    experiences = rows(page, "experiences")
    assert [row[0] for row in experiences] == ["Insight day", "Hospital week"]  # newest first
    assert experiences[0][-1] == "No" and experiences[1][-1] == "Yes"
    assert rows(page, "encounters")[0][:2] == ["Careers fair", "Careers fair"]
    assert page.select_one("#t-level-hours") is None
    assert "met 0 technical education providers" in page.select_one("#provider-encounters").text


def test_an_empty_record_says_so(student_request: ClientRequest) -> None:
    page = student_request.get("students.record")
    assert "0 hours" in page.select_one("#guarantee-hours").text
    assert "No workplace experiences yet" in page.select_one("#experiences").text
    assert "No encounters yet" in page.select_one("#encounters").text


def test_my_record_shows_only_my_own_records(student_request: ClientRequest) -> None:
    other = factories.create_student()
    create_experience(other, title="Someone else's week")
    page = student_request.get("students.record")
    assert "Someone else's week" not in page.text


def test_t_level_hours_count_confirmed_and_completed_placements_from_two_employers(
    student_request: ClientRequest,
) -> None:
    student = me(student_request)
    for n, (status, hours) in enumerate(
        [("completed", "120"), ("confirmed", "100"), ("accepted", "50"), ("completed", "80")]
    ):
        opportunity = hub_opportunity(student, kind="t_level_placement", title=f"Placement {n}")
        create_offer(student, opportunity, status=status, attended_hours=Decimal(hours))
    text = " ".join(student_request.get("students.record").select_one("#t-level-hours").text.split())
    # Accepted is not yet attended; the third employer's 80 hours do not count.
    assert "220 of 315 hours" in text and "2 employers" in text and "third employer" in text


def test_early_years_t_level_needs_750_hours(student_request: ClientRequest) -> None:
    student = me(student_request)
    opportunity = hub_opportunity(student, kind="t_level_placement", route="education-and-early-years")
    create_offer(student, opportunity, status="confirmed", attended_hours=Decimal("40"))
    text = student_request.get("students.record").select_one("#t-level-hours").text
    assert "40 of 750 hours" in " ".join(text.split())


def test_student_writes_then_changes_a_reflection(student_request: ClientRequest) -> None:
    allocation = _completed(me(student_request))
    page = student_request.get("students.record")
    assert "Write a reflection" in page.select_one("#reflections").text
    student_request.post(
        "students.reflection",
        {"comment": "I built a spreadsheet.", "rating": "4"},
        allocation_id=allocation.id,
    )
    student_request.post(
        "students.reflection",
        {"comment": "I built two spreadsheets.", "rating": ""},
        allocation_id=allocation.id,
    )
    reflections = list(db.session.scalars(select(Feedback).where(Feedback.allocation_id == allocation.id)))
    assert len(reflections) == 1
    assert (reflections[0].author_role, reflections[0].comment, reflections[0].rating) == (
        "student",
        "I built two spreadsheets.",
        None,
    )
    page = student_request.get("students.record")
    assert "I built two spreadsheets." in page.text and "Change your reflection" in page.text
    form = student_request.get("students.reflection", allocation_id=allocation.id)
    assert form.select_one("textarea").text.strip() == "I built two spreadsheets."


def test_a_reflection_needs_a_comment_and_a_rating_from_1_to_5(student_request: ClientRequest) -> None:
    allocation = _completed(me(student_request))
    page = student_request.post(
        "students.reflection",
        {"comment": " ", "rating": "9"},
        _expected_status=200,
        allocation_id=allocation.id,
    )
    assert error_messages(page) == [
        "Enter what you did and learnt",
        "Select a rating from 1 to 5, or no rating",
    ]
    assert db.session.scalar(select(Feedback.id)) is None


def test_reflection_is_only_for_my_completed_placements(student_request: ClientRequest) -> None:
    student = me(student_request)
    accepted = create_offer(student, hub_opportunity(student), status="accepted")
    someone_elses = _completed(factories.create_student())
    for allocation in (accepted, someone_elses):
        student_request.get("students.reflection", _expected_status=404, allocation_id=allocation.id)
        student_request.post(
            "students.reflection", {"comment": "x"}, _expected_status=404, allocation_id=allocation.id
        )
    assert db.session.scalar(select(Feedback.id)) is None


def test_saved_reflection_says_so(student_request: ClientRequest) -> None:
    allocation = _completed(me(student_request))
    page = student_request.post(
        "students.reflection",
        {"comment": "Good", "rating": "5"},
        _follow=True,
        _expected_status=200,
        allocation_id=allocation.id,
    )
    assert "Your reflection has been saved" in banner(page)


def test_other_roles_cannot_see_a_students_record(
    careers_leader_request: ClientRequest, employer_request: ClientRequest, hub_admin_request: ClientRequest
) -> None:
    allocation = _completed(factories.create_student())
    for request in (careers_leader_request, employer_request, hub_admin_request):
        request.get("students.record", _expected_status=403)
        request.get("students.reflection", _expected_status=403, allocation_id=allocation.id)


def test_encounters_with_technical_providers_are_counted(student_request: ClientRequest) -> None:
    student = me(student_request)
    create_experience(student, title="College open day", benchmark="5", kind="technical_provider")
    page = student_request.get("students.record")
    assert "met 1 technical education provider," in page.select_one("#provider-encounters").text
