"""Importing pupils with a detail the row can do without: no usable home postcode, or a contact email that is
not an address. The pupil imports, the detail is left empty, and the careers leader is told who and where."""

from __future__ import annotations

import io
from typing import Any

from sqlalchemy import select

from tests.conftest import ClientRequest
from tests.web.careers.import_files import csv_bytes, pupil, upn
from tests.web.pages import banner, error_messages, rows
from web.careers import import_csv
from web.extensions import db
from web.models import Student


def upload(request: ClientRequest, data: bytes, expected: int = 302) -> Any:
    return request.post(
        "careers.import_students", {"file": (io.BytesIO(data), "students.csv")}, _expected_status=expected
    )


def confirm(request: ClientRequest) -> Any:
    seen = request.get("careers.check_import").select_one("input[name=seen]")["value"]
    return request.post("careers.confirm_import", {"seen": seen}, _follow=True, _expected_status=200)


def saved() -> dict[str, Student]:
    return {str(student.upn): student for student in db.session.scalars(select(Student))}


def test_pupils_with_no_usable_home_postcode_import_and_are_listed_by_name(
    careers_leader_request: ClientRequest,
) -> None:
    upload(
        careers_leader_request,
        csv_bytes(
            [
                pupil(1),
                pupil(2, Postcode="ZZ99 3VZ"),
                pupil(3, Postcode=""),
                pupil(4, Postcode="M99 9ZZ"),
            ]
        ),
    )

    check = careers_leader_request.get("careers.check_import")
    assert error_messages(check) == []
    assert rows(check, "warnings-table") == [
        ["Pupil2 Surname002", upn(2), "Row 3, Postcode", import_csv.PSEUDO_POSTCODE],
        ["Pupil3 Surname003", upn(3), "Row 4, Postcode", import_csv.NO_POSTCODE],
        ["Pupil4 Surname004", upn(4), "Row 5, Postcode", import_csv.UNKNOWN_POSTCODE],
    ]
    page = confirm(careers_leader_request)

    assert "4 added" in banner(page)
    assert "3 students have no usable home postcode" in banner(page)
    students = saved()
    assert students[upn(1)].postcode == "M14 5TP"
    # Nothing false is stored: no pseudo-postcode and not the school's postcode either.
    assert [students[upn(n)].postcode for n in (2, 3, 4)] == [None, None, None]


def test_a_malformed_postcode_or_a_wrong_required_value_still_stops_the_file(
    careers_leader_request: ClientRequest,
) -> None:
    page = upload(
        careers_leader_request,
        csv_bytes([pupil(1, Postcode="M99 9"), pupil(2, Postcode="ZZ99 3WZ", DOB="")]),
        expected=200,
    )

    assert rows(page, "problems-table")[0][:2] == ["2", "Postcode"]
    assert "DOB" in str(rows(page, "problems-table"))
    assert saved() == {}


def test_a_contact_email_that_is_not_an_address_imports_the_pupil_without_it(
    careers_leader_request: ClientRequest,
) -> None:
    upload(
        careers_leader_request,
        csv_bytes(
            [
                pupil(1),
                pupil(2, Email="pupil two at school"),
                pupil(3, **{"Primary Contact Email": "parent3@"}),
            ]
        ),
    )

    check = careers_leader_request.get("careers.check_import")
    assert rows(check, "warnings-table") == [
        ["Pupil2 Surname002", upn(2), "Row 3, Email", import_csv.BAD_EMAIL],
        ["Pupil3 Surname003", upn(3), "Row 4, Primary Contact Email", import_csv.BAD_EMAIL],
    ]
    assert "pupil two at school" not in check.get_text() and "parent3@" not in check.get_text()
    page = confirm(careers_leader_request)

    assert "2 students have a contact email that is not a real address: it was not saved" in banner(page)
    students = saved()
    assert (students[upn(2)].email, students[upn(2)].parent_email) == (None, "parent2@example.org")
    assert (students[upn(3)].email, students[upn(3)].parent_email) == ("pupil3@school.example.org", None)
    # The careers leader sees who has no working contact; nobody can be invited at the bad address.
    listed = {row[0]: row[-1] for row in rows(page, "students-table")}
    assert listed == {
        "Pupil1 Surname001": "Nothing",
        "Pupil2 Surname002": "Pupil email",
        "Pupil3 Surname003": "Parent or carer email",
    }
    assert "2 students have an email address but no account" in page.get_text(" ", strip=True)


def test_a_reimport_with_a_bad_address_stops_using_the_old_one(careers_leader_request: ClientRequest) -> None:
    upload(careers_leader_request, csv_bytes([pupil(1)]))
    confirm(careers_leader_request)
    upload(careers_leader_request, csv_bytes([pupil(1, **{"Primary Contact Email": "new parent@"})]))

    check = careers_leader_request.get("careers.check_import")
    assert rows(check, "updated-table") == [["Pupil1 Surname001", "Year 10", upn(1), "Parent or carer email"]]
    confirm(careers_leader_request)

    assert saved()[upn(1)].parent_email is None
