"""The yearly roll-over: the page says exactly what will happen, everyone moves up a year and the last year
group leaves, once per academic year however often the form is sent."""

from __future__ import annotations

import io
import threading
import time
from datetime import date, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.pages import banner, error_messages
from web.careers import roll_over
from web.dao import school_students
from web.extensions import db
from web.models import AuditEvent, School, Student
from web.models.base import utcnow


def this_year() -> str:
    return str(roll_over.academic_year_to_roll_into(utcnow().date()))


def school_with(school: School, years: list[int]) -> list[Student]:
    return [
        factories.create_student(school, year_group=year, last_name=f"S{n}") for n, year in enumerate(years)
    ]


def years_and_leavers(school: School) -> list[tuple[int, bool]]:
    found = db.session.scalars(
        select(Student).where(Student.school_id == school.id).order_by(Student.last_name)
    )
    return [(student.year_group, student.left_on is not None) for student in found]


def hints(page: Any) -> dict[str, str]:
    return {
        radio["value"]: page.select_one(f"#{radio['aria-describedby'].split()[0]}").get_text(" ", strip=True)
        for radio in page.select("input[name=last_year]")
    }


def test_the_page_says_exactly_what_will_happen_for_each_last_year(
    careers_leader_request: ClientRequest,
) -> None:
    school_with(school_of(careers_leader_request), [10, 10, 10, 12, 12, 13])

    page = careers_leader_request.get("careers.roll_over")

    assert page.select_one("input[name=last_year][checked]")["value"] == "13"  # there is a sixth form
    assert hints(page) == {
        "11": "3 students will move up a year. 3 in Year 11 or above will be marked as leavers.",
        "12": "3 students will move up a year. 3 in Year 12 or above will be marked as leavers.",
        "13": "5 students will move up a year. 1 in Year 13 will be marked as a leaver.",
        "14": "6 students will move up a year. Nobody will be marked as a leaver.",
    }
    assert page.select_one("input[name=academic_year]")["value"] == this_year()
    year = int(this_year())
    assert page.h1.get_text(strip=True) == f"Move students up a year for {year} to {year + 1}"


def test_a_school_without_a_sixth_form_ends_at_year_11(careers_leader_request: ClientRequest) -> None:
    school_with(school_of(careers_leader_request), [9, 11])

    page = careers_leader_request.get("careers.roll_over")

    assert page.select_one("input[name=last_year][checked]")["value"] == "11"
    assert hints(page)["11"] == "1 student will move up a year. 1 in Year 11 will be marked as a leaver."


def test_everyone_moves_up_and_the_last_year_leaves_and_nobody_is_deleted(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    school_with(school, [7, 10, 12, 13])
    factories.create_student(school, year_group=13, last_name="S9", left_on=date(2025, 7, 20))  # left before
    elsewhere = factories.create_student(factories.create_school(), year_group=13)

    page = careers_leader_request.post(
        "careers.roll_over",
        {"last_year": "13", "academic_year": this_year()},
        _follow=True,
        _expected_status=200,
    )

    assert "3 students moved up a year. 1 marked as a leaver" in banner(page)
    assert years_and_leavers(school) == [(8, False), (11, False), (13, False), (13, True), (13, True)]
    left_before = db.session.scalar(select(Student).where(Student.last_name == "S9"))
    assert left_before.left_on == date(2025, 7, 20)
    assert db.session.get(Student, elsewhere.id).left_on is None
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "students_rolled_over"))
    assert (event.record_type, event.record_id) == ("school", school.id)
    assert event.detail == {
        "academic_year": int(this_year()),
        "last_year": 13,
        "moved": 3,
        "left": 1,
        "accounts_deactivated": 0,
    }


def test_the_same_form_sent_twice_moves_students_up_once(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    school_with(school, [10, 11])
    form = {"last_year": "11", "academic_year": this_year()}
    careers_leader_request.post("careers.roll_over", form)

    page = careers_leader_request.post("careers.roll_over", form, _follow=True, _expected_status=200)

    assert "Students have already moved up a year for" in banner(page)
    assert years_and_leavers(school) == [(11, False), (11, True)]
    assert (
        len(list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "students_rolled_over"))))
        == 1
    )


def test_a_colleague_in_another_tab_cannot_move_students_up_again(
    careers_leader_request: ClientRequest, sign_in_as: Any
) -> None:
    school = school_of(careers_leader_request)
    school_with(school, [10])
    colleague = sign_in_as(factories.create_user_for("careers_leader", school))
    form = {"last_year": "13", "academic_year": this_year()}
    careers_leader_request.post("careers.roll_over", form)

    colleague.post("careers.roll_over", form)
    page = colleague.get("careers.roll_over")

    assert years_and_leavers(school) == [(11, False)]
    assert "Your students moved up a year for" in page.select_one("#already-done").get_text()
    assert page.select_one("input[name=last_year]") is None


def test_two_submits_at_the_same_moment_move_students_up_once(
    careers_leader_request: ClientRequest, sign_in_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    school = school_of(careers_leader_request)
    school_with(school, [10, 11])
    colleague = sign_in_as(factories.create_user_for("careers_leader", school))
    checked = school_students.rolled_over_on

    def slow_check(*args: Any) -> Any:
        found = checked(*args)
        time.sleep(0.5)  # both would pass the check here, were the school not locked first
        return found

    monkeypatch.setattr(school_students, "rolled_over_on", slow_check)
    start = threading.Barrier(2)
    form = {"last_year": "13", "academic_year": this_year()}

    def submit(request: ClientRequest) -> None:
        start.wait()
        request.post("careers.roll_over", form)

    threads = [
        threading.Thread(target=submit, args=(request,)) for request in (careers_leader_request, colleague)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert years_and_leavers(school) == [(11, False), (12, False)]
    assert (
        len(list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "students_rolled_over"))))
        == 1
    )


def test_a_form_from_another_academic_year_changes_nothing(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    school_with(school, [10])

    for stale in (str(int(this_year()) - 1), "", "x" * 100):
        page = careers_leader_request.post(
            "careers.roll_over",
            {"last_year": "13", "academic_year": stale},
            _follow=True,
            _expected_status=200,
        )
        assert "This page was out of date" in banner(page)

    careers_leader_request.post("careers.roll_over", {"last_year": "13"})
    assert years_and_leavers(school) == [(10, False)]


def test_students_move_up_again_the_next_academic_year(
    careers_leader_request: ClientRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    school = school_of(careers_leader_request)
    school_with(school, [9, 11])
    monkeypatch.setattr(roll_over, "utcnow", lambda: datetime(2026, 7, 20, 10))
    careers_leader_request.post("careers.roll_over", {"last_year": "11", "academic_year": "2026"})
    monkeypatch.setattr(roll_over, "utcnow", lambda: datetime(2027, 5, 31, 10))  # still 2026 to 2027
    careers_leader_request.post("careers.roll_over", {"last_year": "11", "academic_year": "2026"})
    assert years_and_leavers(school) == [(10, False), (11, True)]

    monkeypatch.setattr(roll_over, "utcnow", lambda: datetime(2027, 6, 1, 10))
    careers_leader_request.post("careers.roll_over", {"last_year": "11", "academic_year": "2027"})

    assert years_and_leavers(school) == [(11, False), (11, True)]


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (date(2026, 6, 1), 2026),
        (date(2026, 9, 1), 2026),
        (date(2027, 5, 31), 2026),
        (date(2026, 1, 10), 2025),
    ],
)
def test_a_roll_over_from_june_is_for_the_academic_year_starting_in_september(today: date, year: int) -> None:
    assert roll_over.academic_year_to_roll_into(today) == year


def test_a_last_year_must_be_chosen(careers_leader_request: ClientRequest) -> None:
    school_with(school_of(careers_leader_request), [10])

    for chosen in ("", "10", "15", "13; DROP TABLE student"):
        page = careers_leader_request.post(
            "careers.roll_over", {"last_year": chosen, "academic_year": this_year()}, _expected_status=200
        )
        assert error_messages(page) == ["Select the last year group at your school"]
    assert years_and_leavers(school_of(careers_leader_request)) == [(10, False)]


def test_a_school_with_no_current_students_has_nothing_to_move(careers_leader_request: ClientRequest) -> None:
    page = careers_leader_request.get("careers.roll_over")

    assert page.select_one("#no-students")
    assert page.select_one("input[name=last_year]") is None
    page = careers_leader_request.post(
        "careers.roll_over",
        {"last_year": "11", "academic_year": this_year()},
        _follow=True,
        _expected_status=200,
    )
    assert "no current students to move up" in banner(page)
    school_with(school_of(careers_leader_request), [10])  # imported later the same year: can still move up
    careers_leader_request.post("careers.roll_over", {"last_year": "11", "academic_year": this_year()})
    assert years_and_leavers(school_of(careers_leader_request)) == [(11, False)]


def test_another_schools_roll_over_moves_only_its_own_students(
    careers_leader_request: ClientRequest, sign_in_as: Any
) -> None:
    mine = school_of(careers_leader_request)
    school_with(mine, [10])
    other = sign_in_as(factories.create_user_for("careers_leader", factories.create_school()))

    other.post("careers.roll_over", {"last_year": "13", "academic_year": this_year()})

    assert years_and_leavers(mine) == [(10, False)]


@pytest.mark.parametrize("role", ["hub_admin", "employer", "student"])
def test_other_roles_cannot_move_students_up(app: Flask, request: pytest.FixtureRequest, role: str) -> None:
    student = factories.create_student(year_group=10)
    other = request.getfixturevalue(f"{role}_request")

    other.get("careers.roll_over", _expected_status=403)
    other.post("careers.roll_over", {"last_year": "11", "academic_year": this_year()}, _expected_status=403)

    assert db.session.get(Student, student.id).year_group == 10


def test_nobody_signed_in_is_sent_to_sign_in(client_request: ClientRequest) -> None:
    page = client_request.post("careers.roll_over", {"last_year": "11", "academic_year": this_year()})

    assert "/sign-in" in page.location


def test_files_sent_in_place_of_answers_change_nothing(careers_leader_request: ClientRequest) -> None:
    school_with(school_of(careers_leader_request), [10])

    page = careers_leader_request.post(
        "careers.roll_over",
        {"last_year": (io.BytesIO(b"13"), "x.txt"), "academic_year": this_year()},
        _expected_status=200,
    )
    assert error_messages(page) == ["Select the last year group at your school"]
    careers_leader_request.post(
        "careers.roll_over", {"last_year": "13", "academic_year": (io.BytesIO(this_year().encode()), "x.txt")}
    )

    assert years_and_leavers(school_of(careers_leader_request)) == [(10, False)]
