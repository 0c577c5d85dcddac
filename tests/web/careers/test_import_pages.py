"""Importing students from the MIS: upload and check, then confirm or cancel; nothing saved before confirming,
everything or nothing after; re-importing changes nothing; leavers are marked, kept and can come back."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.careers.import_files import csv_bytes, pupil, upn
from tests.web.pages import banner, error_messages, rows
from web.careers import import_csv
from web.extensions import db
from web.models import AuditEvent, Student, StudentImport
from web.models.base import utcnow

NEW_ROUTES = [
    "careers.import_students",
    "careers.check_import",
    "careers.confirm_import",
    "careers.cancel_import",
]


def upload(
    request: ClientRequest, data: bytes | str, *, full_export: bool = False, expected: int = 302, **extra: Any
) -> Any:
    payload: dict[str, Any] = {
        "file": (io.BytesIO(data), "students.csv") if isinstance(data, bytes) else data
    }
    if full_export:
        payload["full_export"] = "yes"
    return request.post("careers.import_students", {**payload, **extra}, _expected_status=expected)


def confirm(request: ClientRequest) -> Any:
    """Confirm the waiting import with the fingerprint its check page shows, following to the next page."""
    seen = request.get("careers.check_import").select_one("input[name=seen]")["value"]
    return request.post("careers.confirm_import", {"seen": seen}, _follow=True, _expected_status=200)


def counts(page: Any) -> list[str]:
    """The values of the check page's counts: to add, to update, no changes, to mark as leavers."""
    return [
        value.get_text(" ", strip=True) for value in page.select("#import-counts .govuk-summary-list__value")
    ]


def students() -> list[Student]:
    return list(db.session.scalars(select(Student).order_by(Student.upn, Student.id)))


def staged_count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(StudentImport)) or 0)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_upload_page_says_which_columns_are_needed(careers_leader_request: ClientRequest) -> None:
    page = careers_leader_request.get("careers.import_students")

    text = page.get_text(" ", strip=True)
    assert "Legal forename (required)" in text
    assert "unique pupil number" in text
    assert page.select_one("form[enctype='multipart/form-data'] input[type=file][name=file]")


def test_a_checked_file_changes_nothing_until_it_is_confirmed(careers_leader_request: ClientRequest) -> None:
    page = upload(careers_leader_request, csv_bytes([pupil(1), pupil(2, Year="Y11")]))

    assert page.location.endswith(careers_leader_request.url("careers.check_import"))
    assert students() == []
    assert staged_count() == 1
    check = careers_leader_request.get("careers.check_import")
    assert check.h1.get_text(strip=True) == "Check the changes before you import them"
    assert counts(check) == ["2", "0", "0", "None: this is not a full export"]
    assert rows(check, "added-table") == [
        ["Pupil1 Surname001", "Year 10", upn(1)],
        ["Pupil2 Surname002", "Year 11", upn(2)],
    ]
    assert "Columns ignored" not in check.get_text() and "No columns were ignored" in check.get_text()
    assert [event.detail for event in events("student_import_checked")] == [{"rows": 2}]


def test_confirming_saves_every_student_with_every_detail(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    row = pupil(
        1,
        **{
            "Preferred Forename": "Al",
            "DOB": "2011-03-27",
            "Postcode": "m13 9pl",
            "Pupil Premium": "Y",
            "SEN Status": "E",
        },
    )
    upload(careers_leader_request, csv_bytes([row]))

    page = confirm(careers_leader_request)

    assert "Students imported: 1 added, 0 updated, 0 marked as leavers" in banner(page)
    [saved] = students()
    assert (saved.school_id, saved.upn, saved.first_name, saved.preferred_name, saved.last_name) == (
        school.id,
        upn(1),
        "Pupil1",
        "Al",
        "Surname001",
    )
    assert (saved.date_of_birth, saved.year_group, saved.postcode) == (date(2011, 3, 27), 10, "M13 9PL")
    assert (saved.disadvantaged, saved.send, saved.send_status) == (True, True, "E")
    assert (saved.email, saved.parent_name, saved.parent_email) == (
        "pupil1@school.example.org",
        "Parent 1",
        "parent1@example.org",
    )
    assert saved.left_on is None
    assert staged_count() == 0


def test_an_import_is_audited_once_with_counts_and_no_personal_data(
    careers_leader_request: ClientRequest,
) -> None:
    upload(careers_leader_request, csv_bytes([pupil(1), pupil(2)]))
    confirm(careers_leader_request)

    [event] = events("students_imported")

    assert event.record_type == "school"
    assert event.record_id == careers_leader_request.user.school_id  # type: ignore[attr-defined]
    assert event.detail == {
        "added": 2,
        "updated": 0,
        "unchanged": 0,
        "left": 0,
        "joined": 0,
        "transfers_asked": 0,
        "returned": 0,
        "full_export": False,
        "emails_changed": 0,
        "accounts_deactivated": 0,
    }


def test_importing_the_same_file_again_says_no_changes_and_cannot_be_confirmed(
    careers_leader_request: ClientRequest,
) -> None:
    data = csv_bytes([pupil(1), pupil(2)])
    upload(careers_leader_request, data, full_export=True)
    confirm(careers_leader_request)
    before = [(s.id, s.updated_at) for s in students()]

    upload(careers_leader_request, data, full_export=True)
    check = careers_leader_request.get("careers.check_import")

    assert check.h1.get_text(strip=True) == "No changes"
    assert check.select_one("#confirm-import") is None
    assert rows(check, "unchanged-table") == [
        ["Pupil1 Surname001", "Year 10", upn(1)],
        ["Pupil2 Surname002", "Year 10", upn(2)],
    ]
    careers_leader_request.post("careers.cancel_import")
    assert [(s.id, s.updated_at) for s in students()] == before


def test_a_changed_student_is_updated_and_the_page_says_what_changes(
    careers_leader_request: ClientRequest,
) -> None:
    upload(careers_leader_request, csv_bytes([pupil(1), pupil(2)]))
    confirm(careers_leader_request)

    upload(careers_leader_request, csv_bytes([pupil(1, Year="11", Postcode="M1 1AD"), pupil(2)]))
    check = careers_leader_request.get("careers.check_import")

    assert rows(check, "updated-table") == [
        ["Pupil1 Surname001", "Year 11", upn(1), "Year group, Home postcode"]
    ]
    assert counts(check)[:3] == ["0", "1", "1"]
    confirm(careers_leader_request)
    first = students()[0]
    assert (first.year_group, first.postcode) == (11, "M1 1AD")


def test_a_full_export_marks_missing_students_as_leavers_and_keeps_them(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    by_hand = factories.create_student(school, first_name="Hand", last_name="Made")  # no UPN: left alone
    upload(careers_leader_request, csv_bytes([pupil(1), pupil(2), pupil(3)]))
    confirm(careers_leader_request)

    upload(careers_leader_request, csv_bytes([pupil(1), pupil(3)]), full_export=True)
    check = careers_leader_request.get("careers.check_import")
    assert rows(check, "leaving-table") == [["Pupil2 Surname002", "Year 10", upn(2)]]
    page = confirm(careers_leader_request)

    assert "0 added, 0 updated, 1 marked as leavers" in banner(page)
    left = {student.upn: student.left_on for student in students()}
    assert left == {None: None, upn(1): None, upn(2): utcnow().date(), upn(3): None}
    assert db.session.get(Student, by_hand.id).left_on is None
    leavers = careers_leader_request.get("careers.students", show="left")
    assert rows(leavers, "leavers-table")[0][0] == "Pupil2 Surname002"


def test_a_file_that_is_not_a_full_export_marks_nobody_as_a_leaver(
    careers_leader_request: ClientRequest,
) -> None:
    upload(careers_leader_request, csv_bytes([pupil(1), pupil(2)]))
    confirm(careers_leader_request)

    upload(careers_leader_request, csv_bytes([pupil(1)]))
    check = careers_leader_request.get("careers.check_import")

    assert check.select_one("#leaving-table") is None
    assert check.h1.get_text(strip=True) == "No changes"


def test_a_leaver_who_is_in_the_file_again_is_no_longer_a_leaver(
    careers_leader_request: ClientRequest,
) -> None:
    upload(careers_leader_request, csv_bytes([pupil(1), pupil(2)]))
    confirm(careers_leader_request)
    upload(careers_leader_request, csv_bytes([pupil(1)]), full_export=True)
    confirm(careers_leader_request)

    upload(careers_leader_request, csv_bytes([pupil(1), pupil(2)]), full_export=True)
    check = careers_leader_request.get("careers.check_import")
    assert rows(check, "updated-table") == [["Pupil2 Surname002", "Year 10", upn(2), "No longer a leaver"]]
    confirm(careers_leader_request)

    assert [student.left_on for student in students()] == [None, None]
    assert events("students_imported")[-1].detail["returned"] == 1


def test_a_file_with_bad_rows_lists_every_problem_and_saves_nothing(
    careers_leader_request: ClientRequest,
) -> None:
    data = csv_bytes(
        [pupil(1), pupil(2, DOB="31/02/2011"), pupil(3, Email="nope", Year="Y6"), pupil(4, UPN=upn(1))]
    )

    page = upload(careers_leader_request, data, expected=200)

    assert page.title.get_text().startswith("Error: ")
    assert error_messages(page) == [
        "The selected file has 3 problems. Correct them in your MIS or the file, then upload it again"
    ]
    # A contact email that is not an address is a warning, not one of the problems.
    assert rows(page, "problems-table") == [
        ["3", "DOB", "Enter a real date, like 27/03/2010"],
        ["4", "Year", "Year group must be from 7 to 14"],
        ["5", "UPN", "This UPN is also in row 2. Each student must be in the file once"],
    ]
    assert page.select_one("#columns-found")
    assert (students(), staged_count()) == ([], 0)


def test_a_formula_in_a_cell_is_refused_by_row_and_column_and_saves_nothing(
    careers_leader_request: ClientRequest,
) -> None:
    page = upload(
        careers_leader_request, csv_bytes([pupil(1, **{"Primary Contact": "=HYPERLINK(x)"})]), expected=200
    )

    assert rows(page, "problems-table") == [["2", "Primary Contact", import_csv.FORMULA]]
    assert "HYPERLINK" not in str(page)
    assert (students(), staged_count()) == ([], 0)


def test_a_upn_of_a_student_at_a_school_outside_the_hub_is_a_problem(
    careers_leader_request: ClientRequest,
) -> None:
    # A pupil of the hub's other schools moves school instead (test_transfers.py).
    factories.create_student(factories.create_school(), upn=upn(2))  # a school of another hub

    page = upload(careers_leader_request, csv_bytes([pupil(1), pupil(2)]), expected=200)

    [[row, column, message]] = rows(page, "problems-table")
    assert (row, column) == ("3", "UPN")
    assert message.startswith("A student at a school outside your careers hub has this UPN")
    assert staged_count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", import_csv.EMPTY),
        (b"PK\x03\x04" + b"\x00" * 100, import_csv.SPREADSHEET),
        ("UPN,Surname\n".encode("utf-16"), import_csv.ENCODING),
        (b"Name,Address\nSam,1 High Street\n", import_csv.NO_HEADER),
        (b"UPN," + b"x" * import_csv.MAX_BYTES, import_csv.TOO_BIG),
        ("not a file", import_csv.NO_FILE),
    ],
    ids=["empty", "excel", "utf-16", "no header", "too big", "not a file"],
)
def test_a_file_that_cannot_be_used_gets_a_message_not_an_error(
    careers_leader_request: ClientRequest, data: bytes | str, message: str
) -> None:
    page = upload(careers_leader_request, data, expected=200)

    assert error_messages(page) == [message]
    assert page.select_one("#problems-table") is None
    assert staged_count() == 0


def test_posting_no_file_at_all_asks_for_one(careers_leader_request: ClientRequest) -> None:
    page = careers_leader_request.post("careers.import_students", {}, _expected_status=200)

    assert error_messages(page) == ["Select a CSV file"]


def test_the_upload_page_points_to_a_file_waiting_to_be_imported(
    careers_leader_request: ClientRequest,
) -> None:
    assert careers_leader_request.get("careers.import_students").select_one("#waiting") is None
    upload(careers_leader_request, csv_bytes([pupil(1)]))

    waiting = careers_leader_request.get("careers.import_students").select_one("#waiting")

    assert waiting.a["href"] == careers_leader_request.url("careers.check_import")


def test_a_new_upload_replaces_the_file_waiting_to_be_confirmed(
    careers_leader_request: ClientRequest,
) -> None:
    upload(careers_leader_request, csv_bytes([pupil(1)]))
    upload(careers_leader_request, csv_bytes([pupil(2), pupil(3)]))

    check = careers_leader_request.get("careers.check_import")

    assert staged_count() == 1
    assert [row[2] for row in rows(check, "added-table")] == [upn(2), upn(3)]


def test_a_confirmation_from_a_page_that_no_longer_matches_saves_nothing(
    careers_leader_request: ClientRequest,
) -> None:
    upload(careers_leader_request, csv_bytes([pupil(1)]))
    seen = careers_leader_request.get("careers.check_import").select_one("input[name=seen]")["value"]
    upload(careers_leader_request, csv_bytes([pupil(2)]))  # in another tab

    page = careers_leader_request.post(
        "careers.confirm_import", {"seen": seen}, _follow=True, _expected_status=200
    )

    assert "Your school's students have changed since you checked this file" in banner(page)
    assert students() == []
    assert staged_count() == 1


def test_confirming_twice_imports_once(careers_leader_request: ClientRequest) -> None:
    upload(careers_leader_request, csv_bytes([pupil(1)]))
    seen = careers_leader_request.get("careers.check_import").select_one("input[name=seen]")["value"]
    careers_leader_request.post("careers.confirm_import", {"seen": seen})

    page = careers_leader_request.post(
        "careers.confirm_import", {"seen": seen}, _follow=True, _expected_status=200
    )

    assert "There is no file waiting to be imported" in banner(page)
    assert len(students()) == 1
    assert len(events("students_imported")) == 1


def test_everything_or_nothing_is_saved_when_a_upn_is_taken_between_check_and_confirm(
    careers_leader_request: ClientRequest,
) -> None:
    upload(careers_leader_request, csv_bytes([pupil(1), pupil(2), pupil(3)]))
    seen = careers_leader_request.get("careers.check_import").select_one("input[name=seen]")["value"]
    factories.create_student(factories.create_school(), upn=upn(3))  # another hub's school, meanwhile

    page = careers_leader_request.post(
        "careers.confirm_import", {"seen": seen}, _follow=True, _expected_status=200
    )

    assert "changed since you checked this file" in banner(page)
    assert [student.upn for student in students()] == [upn(3)]
    assert page.select_one("#confirm-import") is None
    assert "outside your careers hub has this UPN" in page.select_one("#check-problems").get_text()
    assert events("students_imported") == []


def test_cancelling_throws_the_file_away_and_saves_nothing(careers_leader_request: ClientRequest) -> None:
    upload(careers_leader_request, csv_bytes([pupil(1)]))

    page = careers_leader_request.post("careers.cancel_import", _follow=True, _expected_status=200)

    assert "Import cancelled. Nothing was saved" in banner(page)
    assert (students(), staged_count()) == ([], 0)
    assert len(events("student_import_cancelled")) == 1


def test_the_check_page_without_a_waiting_file_goes_back_to_upload(
    careers_leader_request: ClientRequest,
) -> None:
    response = careers_leader_request.client.get(careers_leader_request.url("careers.check_import"))

    assert response.status_code == 302
    assert response.headers["Location"].endswith(careers_leader_request.url("careers.import_students"))


def test_a_colleague_neither_sees_nor_confirms_another_careers_leaders_file(
    careers_leader_request: ClientRequest, sign_in_as: Any
) -> None:
    colleague = sign_in_as(factories.create_user_for("careers_leader", school_of(careers_leader_request)))
    upload(careers_leader_request, csv_bytes([pupil(1)]))
    seen = careers_leader_request.get("careers.check_import").select_one("input[name=seen]")["value"]

    colleague.get("careers.check_import", _expected_status=302)
    colleague.post("careers.confirm_import", {"seen": seen})
    colleague.post("careers.cancel_import")

    assert (students(), staged_count()) == ([], 1)


def test_another_schools_careers_leader_cannot_confirm_or_cancel_this_schools_file(
    careers_leader_request: ClientRequest, sign_in_as: Any
) -> None:
    other = sign_in_as(factories.create_user_for("careers_leader", factories.create_school()))
    upload(careers_leader_request, csv_bytes([pupil(1)]))
    seen = careers_leader_request.get("careers.check_import").select_one("input[name=seen]")["value"]

    other.post("careers.confirm_import", {"seen": seen})
    other.post("careers.cancel_import")

    assert (students(), staged_count()) == ([], 1)


@pytest.mark.parametrize("role", ["hub_admin", "employer", "student"])
@pytest.mark.parametrize("endpoint", NEW_ROUTES)
def test_other_roles_cannot_import_students(
    app: Flask, request: pytest.FixtureRequest, role: str, endpoint: str
) -> None:
    other = request.getfixturevalue(f"{role}_request")
    if endpoint in ("careers.import_students", "careers.check_import"):
        other.get(endpoint, _expected_status=403)
    if endpoint != "careers.check_import":
        other.post(
            endpoint,
            {"seen": "x", "file": (io.BytesIO(csv_bytes([pupil(1)])), "s.csv")},
            _expected_status=403,
        )
    assert staged_count() == 0


@pytest.mark.parametrize("endpoint", ["careers.import_students", "careers.check_import"])
def test_nobody_signed_in_is_sent_to_sign_in(client_request: ClientRequest, endpoint: str) -> None:
    response = client_request.client.get(client_request.url(endpoint))

    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(
    "endpoint", ["careers.import_students", "careers.confirm_import", "careers.cancel_import"]
)
def test_nobody_signed_in_cannot_post(client_request: ClientRequest, endpoint: str) -> None:
    page = client_request.post(endpoint, {"seen": "x"})

    assert "/sign-in" in page.location


def test_files_sent_in_place_of_answers_get_messages_not_errors(
    careers_leader_request: ClientRequest,
) -> None:
    def a_file() -> tuple[io.BytesIO, str]:
        return io.BytesIO(b"=1+1"), "x.csv"

    page = careers_leader_request.post(
        "careers.import_students", {"file": a_file(), "full_export": a_file()}, _expected_status=200
    )
    assert error_messages(page) == [
        "Select the box if this is a full export of the school's students, or leave it empty"
    ]
    upload(careers_leader_request, csv_bytes([pupil(1)]))

    page = careers_leader_request.post(
        "careers.confirm_import", {"seen": a_file()}, _follow=True, _expected_status=200
    )

    assert "changed since you checked this file" in banner(page)
    assert students() == []
