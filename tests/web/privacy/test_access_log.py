"""Every page that shows staff or an employer a pupil's personal data logs who, which pupil, which page and
when, and never the data; a pupil on their own record, and a page refused, log nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests import db as factories
from tests.web.encounters.test_registers import REGISTER, an_event, signed_in
from web.extensions import db
from web.models import AccessLog, School, Student


def _log() -> list[tuple[int, int, str]]:
    db.session.expire_all()
    return [
        tuple(row)
        for row in db.session.execute(select(AccessLog.user_id, AccessLog.student_id, AccessLog.page))
    ]


def test_a_careers_leader_opening_a_pupils_page_is_logged(sign_in_as: Any) -> None:
    student = factories.create_student()
    leader = factories.create_user_for("careers_leader", factories.create_school(), email="other@example.org")
    ours = factories.create_user_for("careers_leader", _school_of(student), email="ours@example.org")

    sign_in_as(ours).get("careers.student", student_id=student.id)
    sign_in_as(leader).get("careers.student", student_id=student.id, _expected_status=404)

    assert _log() == [(ours.id, student.id, "careers.student")]


def _school_of(student: Student) -> School:
    return db.session.get(School, student.school_id)


def test_the_students_list_logs_each_pupil_shown(sign_in_as: Any) -> None:
    school = factories.create_school()
    pupils = [factories.create_student(school, first_name=f"P{n}", upn=None) for n in range(3)]
    leader = factories.create_user_for("careers_leader", school)

    sign_in_as(leader).get("careers.students")

    assert sorted(student for _, student, _ in _log()) == sorted(p.id for p in pupils)


def test_an_employer_reading_its_register_is_logged_for_each_pupil_on_it(sign_in_as: Any) -> None:
    day = an_event()
    client = signed_in(sign_in_as, "employer", day.employer)

    client.get(REGISTER, event_id=day.event.id)

    [(user_id, student_id, page)] = _log()
    assert (student_id, page) == (day.pupil.id, REGISTER)


def test_a_pupil_on_their_own_record_is_not_logged(student_request: Any) -> None:
    student_request.get("students.record")
    assert _log() == []


def test_the_log_names_the_page_not_its_address_so_a_search_for_a_name_is_not_kept(sign_in_as: Any) -> None:
    student = factories.create_student(first_name="Zanele")
    leader = factories.create_user_for("careers_leader", _school_of(student))
    response = sign_in_as(leader).client.get("/school/students?q=Zanele")
    response.close()
    assert response.status_code == 200 and "Zanele" in response.get_data(as_text=True)
    assert _log() == [(leader.id, student.id, "careers.students")]


def test_the_pupils_data_protection_page_lists_who_was_shown_their_data(sign_in_as: Any) -> None:
    student = factories.create_student()
    leader = factories.create_user_for("careers_leader", _school_of(student), name="Nia Leader")
    client = sign_in_as(leader)
    client.get("careers.student", student_id=student.id)
    page = client.get("privacy.pupil", student_id=student.id)
    rows = [" ".join(row.get_text(" ").split()) for row in page.select("#views li")]
    assert len(rows) == 1 and rows[0].startswith("Nia Leader (Careers leader")
    assert "careers.student" in rows[0]
