"""Reading MIS exports (web/careers/import_csv.py): bad files get plain messages by row and column, never an
exception, and good ones give cleaned rows; no Flask and no database."""

from __future__ import annotations

import codecs
import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.web.careers.import_files import HEADER, csv_bytes, pupil, upn
from web.careers import import_csv
from web.careers.import_csv import MAX_BYTES, MAX_ROWS, Problem, compare, read

TODAY = date(2026, 7, 1)
REAL_POSTCODES = {"M14 5TP", "M1 1AD", "M13 9PL"}


def check_postcode(text: str) -> str:
    """A stand-in for the postcode directory that knows three postcodes."""
    cleaned = " ".join(text.upper().split())
    if not re.fullmatch(r"[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}", cleaned):
        raise ValueError("Enter a postcode in the correct format, like M1 1AD")
    if cleaned not in REAL_POSTCODES:
        raise import_csv.PostcodeNotFoundError()
    return cleaned


def read_rows(rows: list[dict[str, str]], header: list[str] | None = None) -> import_csv.ReadFile:
    return read(csv_bytes(rows, header), check_postcode, TODAY)


def messages(result: import_csv.ReadFile) -> list[str]:
    return [str(problem) for problem in result.problems]


def test_a_good_file_gives_every_detail_cleaned() -> None:
    result = read_rows(
        [
            pupil(1, **{"Preferred Forename": "Al", "Postcode": "m14 5tp", "Pupil Premium": "Yes"}),
            pupil(
                2,
                **{
                    "DOB": "2011-03-27",
                    "Year": "Y11",
                    "SEN Status": "k",
                    "Email": "Pupil2@School.Example.org",
                },
            ),
        ]
    )

    assert result.problems == []
    assert result.rows == [
        {
            "row": 2,
            "upn": upn(1),
            "first_name": "Pupil1",
            "preferred_name": "Al",
            "last_name": "Surname001",
            "date_of_birth": "2011-03-27",
            "year_group": 10,
            "postcode": "M14 5TP",
            "disadvantaged": True,
            "send_status": "N",
            "email": "pupil1@school.example.org",
            "parent_name": "Parent 1",
            "parent_email": "parent1@example.org",
        },
        {
            "row": 3,
            "upn": upn(2),
            "first_name": "Pupil2",
            "preferred_name": "",
            "last_name": "Surname002",
            "date_of_birth": "2011-03-27",
            "year_group": 11,
            "postcode": "M14 5TP",
            "disadvantaged": False,
            "send_status": "K",
            "email": "pupil2@school.example.org",
            "parent_name": "Parent 2",
            "parent_email": "parent2@example.org",
        },
    ]
    assert result.ignored == []
    assert result.columns["date_of_birth"] == "DOB"


@pytest.mark.parametrize(
    "header",
    [
        ["Unique Pupil Number", "Forename", "Surname", "Date of Birth", "NC Year"],
        ["upn", "FIRST NAME", "last_name", "date_of_birth", "Curriculum Year"],
        ["U.P.N.", "First-Name", "Last Name", "D.O.B.", "Year Group"],
    ],
)
def test_column_names_are_matched_whatever_their_case_and_punctuation(header: list[str]) -> None:
    row = dict(zip(header, [upn(1), "Sam", "Lee", "01/09/2010", "10"], strict=True))
    result = read_rows([row], header)

    assert messages(result) == []
    assert result.rows[0]["first_name"] == "Sam"
    assert result.rows[0]["year_group"] == 10


def test_the_columns_found_and_ignored_are_reported() -> None:
    header = ["UPN", "Forename", "Known As", "Surname", "DOB", "Year", "Reg Group", "House", "FSM", "PP"]
    row = {"UPN": upn(1), "Forename": "Sam", "Surname": "Lee", "DOB": "01/09/2010", "Year": "10", "FSM": "1"}

    result = read_rows([row], header)

    assert result.columns == {
        "upn": "UPN",
        "first_name": "Forename",
        "preferred_name": "Known As",
        "last_name": "Surname",
        "date_of_birth": "DOB",
        "year_group": "Year",
        "tutor_group": "Reg Group",
        "disadvantaged": "FSM and PP",
    }
    assert result.ignored == ["House"]
    assert result.rows[0]["disadvantaged"] is True  # free school meals, though not pupil premium


def test_a_second_column_for_the_same_detail_is_ignored_not_mixed_in() -> None:
    header = ["UPN", "Legal Forename", "Forename", "Surname", "DOB", "Year"]
    row = {
        "UPN": upn(1),
        "Legal Forename": "Samuel",
        "Forename": "=cmd",
        "Surname": "Lee",
        "DOB": "01/09/2010",
    }

    result = read_rows([{**row, "Year": "10"}], header)

    assert result.problems == []
    assert result.rows[0]["first_name"] == "Samuel"
    assert result.ignored == ["Forename"]


def test_every_missing_required_column_is_named_at_once() -> None:
    result = read_rows([{"UPN": upn(1), "Surname": "Lee"}], ["UPN", "Surname", "Postcode"])

    assert messages(result) == [
        "The selected file has no column for the legal forename, the date of birth and the year group. "
        'Add "Legal Forename", "Date of Birth" and "Year Group" to the first row'
    ]
    assert result.rows == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", import_csv.EMPTY),
        (b"  \r\n\r\n", import_csv.EMPTY),
        (codecs.BOM_UTF8, import_csv.EMPTY),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 50, import_csv.SPREADSHEET),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, import_csv.SPREADSHEET),
        (b"%PDF-1.7\n\x00\x01\x02binary", import_csv.NOT_CSV),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", import_csv.NOT_CSV),
        ("UPN,Surname\n".encode("utf-16"), import_csv.ENCODING),
        (b"UPN,Surname\n\x81\x8d,\x9d", import_csv.ENCODING),
        (b"\x01\x02\x03\x04 not text", import_csv.NOT_CSV),
        (b"Name,Address\nSam,1 High Street\n", import_csv.NO_HEADER),
        (b"B801200005001,Sam,Lee,01/09/2010,10\n", import_csv.NO_HEADER),
        (b"UPN;Legal Forename;Surname;DOB;Year\n", import_csv.NO_HEADER),
        (b"UPN,Legal Forename,Surname,DOB,Year\r\n", import_csv.NO_ROWS),
    ],
    ids=[
        "empty",
        "blank lines",
        "only a byte order mark",
        "xlsx",
        "xls",
        "pdf",
        "png",
        "utf-16",
        "undefined in windows-1252",
        "control characters",
        "no known column",
        "no header row",
        "semicolons",
        "header only",
    ],
)
def test_a_file_that_cannot_be_used_gets_one_message_and_no_rows(data: bytes, message: str) -> None:
    result = read(data, check_postcode, TODAY)

    assert messages(result) == [message]
    assert result.file_problem
    assert result.rows == []


def test_a_file_over_2_mb_is_refused_before_it_is_read() -> None:
    result = read(b"UPN," + b"x" * MAX_BYTES, check_postcode, TODAY)

    assert messages(result) == [import_csv.TOO_BIG]


def test_a_file_with_more_than_5000_students_is_refused() -> None:
    rows = [{"UPN": upn(n % 1000), "Legal Surname": "A"} for n in range(MAX_ROWS + 1)]

    result = read_rows(rows, ["UPN", "Legal Forename", "Legal Surname", "DOB", "Year"])

    assert messages(result) == [import_csv.TOO_MANY]
    assert result.rows == []


def test_exactly_5000_students_are_read() -> None:
    rows = [pupil(n, Email="") for n in range(MAX_ROWS)]
    for n, row in enumerate(rows):
        rest = f"80220000{n:04d}"
        row["UPN"] = import_csv.upn_check_letter(rest) + rest

    result = read_rows(rows)

    assert result.problems == []
    assert len(result.rows) == MAX_ROWS


def test_a_row_the_csv_reader_cannot_read_is_named_and_reading_stops() -> None:
    data = csv_bytes([pupil(1), pupil(2, **{"Legal Forename": "x" * 140_000}), pupil(3)])

    result = read(data, check_postcode, TODAY)

    assert messages(result) == [f"Row 3: {import_csv.UNREADABLE}"]


def test_utf8_with_and_without_a_byte_order_mark_and_windows_1252_all_read_alike() -> None:
    rows = [pupil(1, **{"Legal Forename": "Zoë", "Legal Surname": "O’Brien-Ångström"})]
    files = [
        csv_bytes(rows),
        codecs.BOM_UTF8 + csv_bytes(rows),
        csv_bytes([pupil(1, **{"Legal Forename": "Zoë", "Legal Surname": "O’Brien"})], encoding="cp1252"),
    ]

    results = [read(data, check_postcode, TODAY) for data in files]

    assert [result.problems for result in results] == [[], [], []]
    assert [result.rows[0]["first_name"] for result in results] == ["Zoë", "Zoë", "Zoë"]
    assert results[1].columns["upn"] == "UPN"  # the byte order mark is not part of the first name
    assert results[2].rows[0]["last_name"] == "O’Brien"


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("UPN", "", "Enter the UPN"),
        (
            "UPN",
            "B80120000500",
            "Enter a UPN of 13 characters: a letter, 11 numbers, then a number or a letter",
        ),
        (
            "UPN",
            "1801200005001",
            "Enter a UPN of 13 characters: a letter, 11 numbers, then a number or a letter",
        ),
        (
            "UPN",
            "B8012000050I1",
            "Enter a UPN of 13 characters: a letter, 11 numbers, then a number or a letter",
        ),
        (
            "UPN",
            "A801200005001",
            "Enter a real UPN: the first letter does not match the rest. Copy it again from your MIS",
        ),
        ("Legal Forename", "", "Enter the legal forename"),
        ("Legal Forename", "x" * 101, "This must be 100 characters or fewer"),
        ("Legal Surname", "  ", "Enter the surname"),
        ("DOB", "", "Enter the date of birth"),
        ("DOB", "31/02/2011", "Enter a real date, like 27/03/2010"),
        ("DOB", "2011-13-01", "Enter a real date, like 27/03/2010"),
        ("DOB", "27/03/11", "Enter the date of birth with a 4-digit year, like 27/03/2010"),
        ("DOB", "March 2011", "Enter the date of birth as day, month and year, like 27/03/2010"),
        ("DOB", "27/03/1990", "Date of birth must be between 1 January 2001 and 31 December 2022"),
        ("DOB", "01/01/2027", "Date of birth must be between 1 January 2001 and 31 December 2022"),
        ("Year", "", "Enter the year group"),
        ("Year", "Reception", "Enter a year group from 7 to 14, like 10 or Year 10"),
        ("Year", "Year 6", "Year group must be from 7 to 14"),
        ("Year", "15", "Year group must be from 7 to 14"),
        ("Postcode", "M99 9", "Enter a postcode in the correct format, like M1 1AD"),
        ("Pupil Premium", "maybe", "Enter Y or N (Yes, No, True, False, 1 and 0 also work)"),
        ("SEN Status", "S", "Enter N, K or E (N for none, K for SEN support, E for an EHC plan)"),
    ],
)
def test_each_bad_cell_is_named_by_row_and_column(column: str, value: str, message: str) -> None:
    result = read_rows([pupil(1), pupil(2, **{column: value}), pupil(3)])

    assert messages(result) == [f"Row 3, {column}: {message}"]
    assert [row["upn"] for row in result.rows] == [upn(1), upn(3)]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", import_csv.NO_POSTCODE),
        ("  ", import_csv.NO_POSTCODE),
        ("ZZ99 3VZ", import_csv.PSEUDO_POSTCODE),
        ("zz993wz", import_csv.PSEUDO_POSTCODE),
        ("M99 9ZZ", import_csv.UNKNOWN_POSTCODE),
    ],
)
def test_a_pupil_with_no_usable_home_postcode_imports_with_a_warning(value: str, message: str) -> None:
    result = read_rows([pupil(1), pupil(2, Postcode=value), pupil(3)])

    assert result.problems == []
    assert [row["upn"] for row in result.rows] == [upn(1), upn(2), upn(3)]
    assert result.rows[1]["postcode"] is None
    assert [str(warning) for warning in result.warnings] == [f"Row 3, Postcode: {message}"]
    [flag] = import_csv.flagged(result.rows)
    assert (flag.name, flag.upn, flag.field, flag.problem.row) == ("Pupil2 Surname002", upn(2), "postcode", 3)


@pytest.mark.parametrize("column", ["Email", "Primary Contact Email"])
@pytest.mark.parametrize("value", ["pupil at school", "parent@", "a@b@example.org"])
def test_a_contact_email_that_is_not_an_address_is_a_warning_and_never_kept(column: str, value: str) -> None:
    result = read_rows([pupil(1), pupil(2, **{column: value})])

    assert result.problems == []
    assert [row["upn"] for row in result.rows] == [upn(1), upn(2)]
    field = "email" if column == "Email" else "parent_email"
    assert result.rows[1][field] is None
    assert value not in str(result.rows)
    assert [str(warning) for warning in result.warnings] == [f"Row 3, {column}: {import_csv.BAD_EMAIL}"]


def test_a_wrong_required_value_stays_an_error_beside_a_postcode_warning() -> None:
    result = read_rows([pupil(1, Postcode="ZZ99 3VZ", DOB="", Year="6", UPN=upn(1)[:-1])])

    assert result.rows == [] and result.warnings == []
    assert [problem.column for problem in result.problems] == ["UPN", "DOB", "Year"]


@pytest.mark.parametrize(
    "value", ["=1+1", "+44123", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd", " =HYPERLINK(x)"]
)
@pytest.mark.parametrize("column", ["Legal Forename", "Primary Contact", "Postcode", "UPN"])
def test_a_formula_like_cell_is_refused_and_never_kept(column: str, value: str) -> None:
    result = read_rows([pupil(1, **{column: value})])

    assert messages(result) == [f"Row 2, {column}: {import_csv.FORMULA}"]
    assert result.rows == []


def test_a_formula_in_an_ignored_column_is_never_read() -> None:
    header = [*HEADER, "Notes"]

    result = read_rows([{**pupil(1), "Notes": "=WEBSERVICE(x)"}], header)

    assert result.problems == []
    assert "Notes" in result.ignored
    assert "=WEBSERVICE(x)" not in str(result.rows)


def test_a_upn_or_email_twice_in_the_file_names_both_rows() -> None:
    result = read_rows(
        [pupil(1), pupil(2), pupil(3, UPN=upn(1)), pupil(4, Email="pupil2@school.example.org")]
    )

    assert messages(result) == [
        "Row 4, UPN: This UPN is also in row 2. Each student must be in the file once",
        "Row 5, Email: This email address is also in row 3. Each student needs their own",
    ]


def test_rows_are_numbered_as_a_spreadsheet_shows_them_with_blank_and_multi_line_rows() -> None:
    data = (
        "UPN,Legal Forename,Legal Surname,DOB,Year\r\n"
        f'{upn(1)},"Sam\nSamuel",Lee,01/09/2010,10\r\n'
        "\r\n"
        f"{upn(2)},Ann,Ng,31/09/2010,10\r\n"
    ).encode()

    result = read(data, check_postcode, TODAY)

    assert messages(result) == ["Row 4, DOB: Enter a real date, like 27/03/2010"]
    assert result.rows[0]["first_name"] == "Sam Samuel"


def test_several_problems_in_one_row_are_all_listed() -> None:
    result = read_rows([pupil(1, UPN="X", DOB="yesterday", Year="Y99", Email="no")])

    assert messages(result) == [
        "Row 2, UPN: Enter a UPN of 13 characters: a letter, 11 numbers, then a number or a letter",
        "Row 2, DOB: Enter the date of birth as day, month and year, like 27/03/2010",
        "Row 2, Year: Year group must be from 7 to 14",
    ]


def test_extra_cells_past_the_named_columns_are_a_problem_unless_empty() -> None:
    header = ["UPN", "Legal Forename", "Legal Surname", "DOB", "Year"]
    data = f"{','.join(header)}\r\n{upn(1)},Sam,Lee,01/09/2010,10,,\r\n{upn(2)},Ann,Ng,01/09/2010,10,oops\r\n"

    result = read(data.encode(), check_postcode, TODAY)

    assert messages(result) == [f"Row 3: {import_csv.TOO_MANY_CELLS}"]
    assert len(result.rows) == 1


def test_short_rows_count_their_missing_cells_as_empty() -> None:
    data = f"UPN,Legal Forename,Legal Surname,DOB,Year,Postcode\r\n{upn(1)},Sam,Lee,01/09/2010,10\r\n"

    result = read(data.encode(), check_postcode, TODAY)

    assert result.problems == []
    assert result.rows[0]["postcode"] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Y", True),
        ("yes", True),
        ("TRUE", True),
        ("1", True),
        ("n", False),
        ("No", False),
        ("false", False),
        ("0", False),
        ("", False),
    ],
)
def test_yes_and_no_are_read_in_every_usual_spelling(text: str, expected: bool) -> None:
    assert import_csv.clean_yes_no(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"), [("10", 10), ("Year 10", 10), ("Y10", 10), ("yr 7", 7), ("year13", 13)]
)
def test_year_groups_are_read_as_mis_exports_write_them(text: str, expected: int) -> None:
    assert import_csv.clean_year_group(text) == expected


@pytest.mark.parametrize("known", ["B801200005001", "P207000016049", "b801 2000 0500 1"])
def test_real_upns_pass_the_check_letter(known: str) -> None:
    assert import_csv.clean_upn(known) == "".join(known.split()).upper()


def test_a_temporary_upn_ending_in_a_letter_passes_when_its_check_letter_is_right() -> None:
    rest = "80120000500A"

    assert import_csv.clean_upn(import_csv.upn_check_letter(rest) + rest).endswith("A")


def test_upns_of_other_schools_students_are_problems_on_their_rows() -> None:
    result = read_rows([pupil(1), pupil(2), pupil(3)])

    problems = import_csv.taken_elsewhere(result.upns, {upn(3), upn(1), "Z999"}, "UPN")

    assert [problem.row for problem in problems] == [2, 4]
    assert str(problems[0]).startswith("Row 2, UPN: A student at a school outside your careers hub")


def test_compare_sorts_students_into_added_updated_unchanged_and_leaving() -> None:
    rows = read_rows([pupil(1), pupil(2, Year="11"), pupil(3, Year="Y10")]).rows
    existing = {
        row["upn"]: {**row, "id": n, "left_on": None}
        for n, row in enumerate(read_rows([pupil(2), pupil(3)]).rows)
    }
    existing[upn(4)] = {**existing[upn(3)], "id": 9, "upn": upn(4)}
    existing[upn(5)] = {**existing[upn(3)], "id": 10, "upn": upn(5), "left_on": "2025-07-20"}

    changes = compare(rows, existing, full_export=True)

    assert [change.upn for change in changes.added] == [upn(1)]
    assert [(change.upn, change.fields) for change in changes.updated] == [(upn(2), ["year_group"])]
    assert [change.upn for change in changes.unchanged] == [upn(3)]
    assert [change.upn for change in changes.leaving] == [upn(4)]  # upn(5) had left already
    assert not compare(rows, existing, full_export=False).leaving


def test_a_leaver_in_the_file_again_is_an_update_that_brings_them_back() -> None:
    rows = read_rows([pupil(1)]).rows
    existing = {upn(1): {**rows[0], "id": 1, "left_on": "2025-07-20"}}

    changes = compare(rows, existing, full_export=True)

    assert [(change.upn, change.fields) for change in changes.updated] == [(upn(1), ["left_on"])]


def test_a_column_the_file_does_not_have_leaves_that_detail_alone() -> None:
    rows = read_rows([pupil(1)], ["UPN", "Legal Forename", "Legal Surname", "DOB", "Year"]).rows
    existing = {upn(1): {**read_rows([pupil(1)]).rows[0], "postcode": "M1 1AD", "id": 1, "left_on": None}}

    assert compare(rows, existing, full_export=False).unchanged


def test_the_fingerprint_changes_with_what_would_change_and_the_import() -> None:
    rows = read_rows([pupil(1), pupil(2)]).rows
    before = compare(rows, {}, full_export=True)
    after = compare(rows[:1], {}, full_export=True)

    assert before.fingerprint(1) == compare(rows, {}, full_export=True).fingerprint(1)
    assert before.fingerprint(1) != after.fingerprint(1)
    assert before.fingerprint(1) != before.fingerprint(2)


def test_a_problem_reads_as_row_column_and_message() -> None:
    assert str(Problem("Enter a real date, like 27/03/2010", row=7, column="Date of birth")) == (
        "Row 7, Date of birth: Enter a real date, like 27/03/2010"
    )


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_at_all_give_rows_or_problems_never_an_exception(data: bytes) -> None:
    result = read(data, check_postcode, TODAY)

    assert result.rows or result.problems


# Any text a spreadsheet cell holds (control characters make the whole file binary: tested above).
_cell = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=20)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(HEADER), _cell), min_size=1, max_size=8))
def test_any_cells_under_the_usual_columns_are_cleaned_or_named_by_row_and_column(
    rows: list[dict[str, str]],
) -> None:
    result = read(csv_bytes([pupil(n, **row) for n, row in enumerate(rows)]), check_postcode, TODAY)

    assert all(problem.row for problem in result.problems)
    assert all(problem.column in HEADER for problem in result.problems if problem.column)
    kept = {row["row"] for row in result.rows}
    assert not kept & {problem.row for problem in result.problems}
    for row in result.rows:
        assert not any(str(value).startswith(("=", "+", "-", "@")) for value in row.values())
