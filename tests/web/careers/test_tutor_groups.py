"""Pupils' tutor groups: read from the MIS export's optional column, changed by a re-import, listed and
filtered on the students page, cleared by a roll-over, and given to the demo's pupils."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.careers.import_files import HEADER, csv_bytes, pupil, upn
from tests.web.careers.test_import_csv import check_postcode, messages
from tests.web.careers.test_import_pages import confirm, upload
from tests.web.careers.test_roll_over import this_year
from tests.web.pages import rows
from web.careers import import_csv
from web.demo.students import _tutor_groups
from web.extensions import db
from web.models import Student

TODAY = date(2026, 7, 1)
WITH_GROUP = [*HEADER, "Reg Group"]


def _read(rows: list[dict[str, str]], header: list[str] = WITH_GROUP) -> import_csv.ReadFile:
    return import_csv.read(csv_bytes(rows, header), check_postcode, TODAY)


@pytest.mark.parametrize(
    "name", ["Reg Group", "Registration Group", "Tutor Group", "Form", "Class", "REG_GROUP"]
)
def test_each_mis_name_for_the_column_gives_the_tutor_group_tidied(name: str) -> None:
    result = _read([pupil(1, **{name: "  10B/Sc "}), pupil(2, **{name: "9 R"})], [*HEADER, name])

    assert result.problems == []
    assert result.columns["tutor_group"] == name
    assert [row["tutor_group"] for row in result.rows] == ["10B/Sc", "9 R"]


def test_an_empty_tutor_group_is_none_and_imports() -> None:
    result = _read([pupil(1, **{"Reg Group": ""})])

    assert result.problems == [] and result.rows[0]["tutor_group"] is None


def test_a_bad_tutor_group_names_the_row_and_the_column() -> None:
    result = _read(
        [
            pupil(1, **{"Reg Group": "9R"}),
            pupil(2, **{"Reg Group": "x" * 21}),
            pupil(3, **{"Reg Group": "9R; DROP"}),
            pupil(4, **{"Reg Group": "=HYPERLINK()"}),
        ]
    )

    assert messages(result) == [
        "Row 3, Reg Group: Tutor group must be 20 characters or fewer, like 9R or 10B/Sc",
        "Row 4, Reg Group: Tutor group must only include letters, numbers, spaces and / - . ( ) &, like 9R",
        f"Row 5, Reg Group: {import_csv.FORMULA}",
    ]
    assert [row["upn"] for row in result.rows] == [upn(1)]


def test_a_file_without_the_column_leaves_the_tutor_group_as_it_is() -> None:
    result = _read([pupil(1)], HEADER)
    existing = {upn(1): {**result.rows[0], "tutor_group": "9R", "id": 1, "left_on": None}}

    changes = import_csv.compare(result.rows, existing, full_export=False)

    assert "tutor_group" not in result.rows[0]
    assert [change.upn for change in changes.unchanged] == [upn(1)]


def test_a_changed_tutor_group_is_a_change_to_the_student() -> None:
    result = _read([pupil(1, **{"Reg Group": "10B"})])
    existing = {upn(1): {**result.rows[0], "tutor_group": "9B", "id": 1, "left_on": None}}

    changes = import_csv.compare(result.rows, existing, full_export=False)

    assert [change.fields for change in changes.updated] == [["tutor_group"]]


def test_importing_saves_the_tutor_group_and_a_reimport_shows_and_saves_its_change(
    careers_leader_request: ClientRequest,
) -> None:
    upload(careers_leader_request, csv_bytes([pupil(1, **{"Reg Group": "9R"}), pupil(2)], WITH_GROUP))
    confirm(careers_leader_request)
    assert [s.tutor_group for s in db.session.scalars(select(Student).order_by(Student.upn))] == ["9R", None]

    upload(careers_leader_request, csv_bytes([pupil(1, **{"Reg Group": "10R"}), pupil(2)], WITH_GROUP))
    check = careers_leader_request.get("careers.check_import")

    assert rows(check, "updated-table") == [["Pupil1 Surname001", "Year 10", upn(1), "Tutor group"]]
    assert "Tutor group Reg Group" in check.select_one("#columns-found").get_text(" ", strip=True)
    confirm(careers_leader_request)
    db.session.expire_all()
    assert db.session.scalar(select(Student.tutor_group).where(Student.upn == upn(1))) == "10R"

    # A later export without the column keeps what the last one gave.
    upload(careers_leader_request, csv_bytes([pupil(1), pupil(2)]))
    assert careers_leader_request.get("careers.check_import").select_one("#no-changes")


def test_a_bad_tutor_group_in_an_upload_saves_nothing(careers_leader_request: ClientRequest) -> None:
    page = upload(
        careers_leader_request,
        csv_bytes([pupil(1, **{"Reg Group": "9R"}), pupil(2, **{"Reg Group": "9R!"})], WITH_GROUP),
        expected=200,
    )

    assert [
        "3",
        "Reg Group",
        "Tutor group must only include letters, numbers, spaces and / - . ( ) &, like 9R",
    ] in rows(page, "problems-table")
    assert db.session.scalar(select(Student)) is None


def _students_of(request: ClientRequest) -> None:
    school = school_of(request)
    for n, (year, group) in enumerate([(10, "10B"), (9, "9R"), (9, "9R"), (9, None), (10, "10A")]):
        factories.create_student(school, year_group=year, tutor_group=group, last_name=f"Pupil{n}")
    factories.create_student(factories.create_school(), tutor_group="11Z", last_name="Elsewhere")


def test_the_students_page_lists_each_tutor_group_and_filters_by_the_schools_own(
    careers_leader_request: ClientRequest,
) -> None:
    _students_of(careers_leader_request)

    page = careers_leader_request.get("careers.students")
    options = [option["value"] for option in page.select("select[name=group] option")]
    listed = rows(page, "students-table")
    nine_r = careers_leader_request.get("careers.students", group="9R")

    assert options == ["", "9R", "10A", "10B"]  # in year order; another school's groups are not offered
    assert "Tutor group" in [th.get_text(strip=True) for th in page.select("#students-table th")]
    assert sorted(row[2] for row in listed) == ["10A", "10B", "9R", "9R", "Not known"]
    assert [row[2] for row in rows(nine_r, "students-table")] == ["9R", "9R"]
    assert nine_r.select_one("select[name=group] option[selected]")["value"] == "9R"


def test_a_tutor_group_not_the_schools_is_no_filter_not_an_error(
    careers_leader_request: ClientRequest,
) -> None:
    _students_of(careers_leader_request)

    page = careers_leader_request.get("careers.students", group="11Z")

    assert len(rows(page, "students-table")) == 5


def test_a_school_with_no_tutor_groups_is_not_asked_to_choose_one(
    careers_leader_request: ClientRequest,
) -> None:
    factories.create_student(school_of(careers_leader_request))

    page = careers_leader_request.get("careers.students")

    assert page.select_one("select[name=group]") is None


def test_the_student_page_shows_the_tutor_group(careers_leader_request: ClientRequest) -> None:
    student = factories.create_student(school_of(careers_leader_request), tutor_group="9R")

    page = careers_leader_request.get("careers.student", student_id=student.id)

    assert ["Tutor group", "9R"] in [
        [row.dt.get_text(strip=True), row.dd.get_text(strip=True)]
        for row in page.select("#details .govuk-summary-list__row")
    ]


def test_moving_up_a_year_clears_tutor_groups_until_the_next_import(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    moving = factories.create_student(school, year_group=9, tutor_group="9R")
    leaving = factories.create_student(school, year_group=11, tutor_group="11B")

    careers_leader_request.post("careers.roll_over", {"last_year": "11", "academic_year": this_year()})

    db.session.expire_all()
    assert (
        db.session.get(Student, moving.id).year_group,
        db.session.get(Student, moving.id).tutor_group,
    ) == (
        10,
        None,
    )
    # A leaver keeps the group they left from, as they keep their last year group.
    assert db.session.get(Student, leaving.id).tutor_group == "11B"


def test_the_demo_puts_each_year_of_a_school_in_tutor_groups_of_up_to_30() -> None:
    pupils = [{"school_id": 1, "year_group": 10} for _ in range(41)]
    pupils += [{"school_id": 1, "year_group": 9} for _ in range(180)]
    pupils += [{"school_id": 2, "year_group": 9} for _ in range(25)]

    _tutor_groups(pupils)

    sizes = Counter((pupil["school_id"], pupil["tutor_group"]) for pupil in pupils)
    assert sizes[(1, "10A")] == 21 and sizes[(1, "10B")] == 20
    assert [sizes[(1, f"9{letter}")] for letter in "ABCDEF"] == [30] * 6
    assert sizes[(2, "9A")] == 25
    assert all(len(pupil["tutor_group"]) <= 20 for pupil in pupils)
