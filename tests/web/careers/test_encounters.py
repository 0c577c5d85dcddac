"""Encounters (Benchmark 5) recorded for whole year groups at once."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.pages import banner, error_messages, rows
from web.dates import london_today
from web.extensions import db
from web.models import ExperienceRecord


def yesterday() -> date:
    return london_today() - timedelta(days=1)


def _answers(**overrides: object) -> dict[str, object]:
    return {
        "kind": "employer_talk",
        "title": "Talk by airport engineers",
        "on_date": [str(yesterday().day), str(yesterday().month), str(yesterday().year)],
        "hours": "1.5",
        "year_groups": ["9", "10"],
        **overrides,
    }


def _records() -> list[ExperienceRecord]:
    db.session.expire_all()
    return list(db.session.scalars(select(ExperienceRecord).order_by(ExperienceRecord.student_id)))


def test_an_encounter_goes_on_the_record_of_every_current_student_in_the_year_groups(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    year_9 = factories.create_student(school, year_group=9)
    year_10 = factories.create_student(school, year_group=10)
    factories.create_student(school, year_group=11)
    factories.create_student(school, year_group=10, left_on=date(2025, 7, 20))  # a leaver
    factories.create_student(year_group=10)  # another school's
    page = careers_leader_request.post("careers.encounters", _answers(), _follow=True, _expected_status=200)
    assert "Encounter added to the records of 2 students" in banner(page)
    records = _records()
    assert [record.student_id for record in records] == [year_9.id, year_10.id]
    assert {(r.benchmark, r.kind, r.title, r.on_date, str(r.hours)) for r in records} == {
        ("5", "employer_talk", "Talk by airport engineers", yesterday(), "1.5")
    }
    assert rows(page, "recent-encounters") == [
        ["Talk by airport engineers", "Employer talk", f"{yesterday().day} {yesterday():%B %Y}", "1.5", "2"]
    ]


def test_a_second_submit_adds_nothing_twice_and_says_how_many_were_skipped(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    factories.create_student(school, year_group=9)
    careers_leader_request.post("careers.encounters", _answers(year_groups=["9"]))
    factories.create_student(school, year_group=10)
    page = careers_leader_request.post("careers.encounters", _answers(), _follow=True, _expected_status=200)
    assert "added to the records of 1 student. 1 student already had it, so were skipped" in banner(page)
    assert len(_records()) == 2
    page = careers_leader_request.post("careers.encounters", _answers(), _follow=True, _expected_status=200)
    assert "Nobody was added. 2 students already had it" in banner(page)
    assert len(_records()) == 2


def test_technical_provider_encounters_are_recorded_as_such(careers_leader_request: ClientRequest) -> None:
    factories.create_student(school_of(careers_leader_request), year_group=9)
    careers_leader_request.post("careers.encounters", _answers(kind="technical_provider"))
    assert _records()[0].kind == "technical_provider"


def test_encounter_answers_are_checked(careers_leader_request: ClientRequest) -> None:
    factories.create_student(school_of(careers_leader_request), year_group=9)
    tomorrow = london_today() + timedelta(days=1)
    page = careers_leader_request.post(
        "careers.encounters",
        {
            "kind": "party",
            "title": "",
            "on_date": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)],
            "hours": "0",
            "year_groups": ["6"],
        },
        _expected_status=200,
    )
    assert error_messages(page) == [
        "Select what kind of encounter it was",
        "Enter a title",
        "Date must be today or in the past",
        "Hours must be from 0.5 to 40",
        "Select year groups from the list",
    ]
    assert page.title.text.startswith("Error: ")
    assert db.session.scalar(select(func.count()).select_from(ExperienceRecord)) == 0


def test_the_page_shows_how_many_students_are_in_each_year(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    factories.create_student(school, year_group=9)
    factories.create_student(school, year_group=9)
    page = careers_leader_request.get("careers.encounters")
    assert "2 students" in page.select_one("#year_groups-3-hint, [id$='year_groups-3-item-hint']").text


def test_recent_encounters_are_only_the_schools_own(careers_leader_request: ClientRequest) -> None:
    other = factories.create_student(year_group=9)
    db.session.add(
        ExperienceRecord(
            student_id=other.id, benchmark="5", kind="careers_fair", title="Their fair", on_date=yesterday()
        )
    )
    db.session.commit()
    page = careers_leader_request.get("careers.encounters")
    assert "Their fair" not in page.text


def test_only_careers_leaders_record_encounters(
    student_request: ClientRequest, employer_request: ClientRequest, hub_admin_request: ClientRequest
) -> None:
    for request in (student_request, employer_request, hub_admin_request):
        request.get("careers.encounters", _expected_status=403)
        request.post("careers.encounters", _answers(), _expected_status=403)
    assert _records() == []


def test_year_groups_with_no_students_add_nobody_and_say_why(careers_leader_request: ClientRequest) -> None:
    page = careers_leader_request.post(
        "careers.encounters", _answers(year_groups=["13"]), _follow=True, _expected_status=200
    )
    assert "Nobody was added: there are no current students in those year groups" in banner(page)
    assert _records() == []
