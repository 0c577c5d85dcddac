"""Reading a school's MIS export of students (SIMS, Arbor, Bromcom): bytes in, cleaned rows and problems out.

No Flask and no database here, so every bad file can be tried in a unit test: the caller passes the postcode
check and today's date, asks the database which UPNs belong to schools outside the hub (taken_elsewhere), and
compares the rows with the school's students and with pupils on the hub's other rolls (compare). Every
problem names the row as the file numbers it (the header is row 1) and the column as the file names it, in
plain words, and a value is never echoed back into a page it was not typed into. Cells that a spreadsheet
would run as a formula are refused, never kept.

A cell the row can do without (no usable home postcode, an optional contact email that is not an address) is
a warning, not a problem: the row imports with that detail left empty, and the careers leader is told.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from email_validator import EmailNotValidError, validate_email

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

NO_FILE = "Select a CSV file"
EMPTY = "The selected file is empty"
TOO_BIG = "The selected file must be smaller than 2MB"
TOO_MANY = f"The selected file must have {MAX_ROWS:,} students or fewer"
SPREADSHEET = (
    "The selected file is a spreadsheet, not a CSV. In Excel, choose Save As and "
    '"CSV UTF-8 (Comma delimited)", then upload that file'
)
NOT_CSV = "The selected file must be a CSV. Export your students from your MIS as a CSV file"
ENCODING = (
    "The selected file must be saved as UTF-8 or Windows-1252 text. In Excel, choose Save As and "
    '"CSV UTF-8 (Comma delimited)", then upload that file'
)
NO_HEADER = (
    "The first row of the selected file must name its columns, like UPN, Legal Forename, Surname, "
    "Date of Birth and Year Group"
)
NO_ROWS = "The selected file has no students in it, only the row of column names"
UNREADABLE = "This row could not be read. Check the file is saved as a CSV"
TOO_MANY_CELLS = "This row has more cells than the first row has column names"
FORMULA = "Cells must not start with =, +, -, @, a tab or a line break. Remove it from the start"
# Warnings: the row imports, the detail is left empty. A pupil with no home postcode is measured from their
# school's postcode when matched (web/dao/rounds.py), so their record never holds an address they do not have.
NO_POSTCODE = "No home postcode. Distances will be measured from your school's postcode"
PSEUDO_POSTCODE = (
    "This is a ZZ99 pseudo-postcode (used for no fixed abode or a withheld address), not a home postcode. "
    "Distances will be measured from your school's postcode"
)
UNKNOWN_POSTCODE = (
    "This postcode is not in the postcode directory, so it will not be saved. Distances will be measured "
    "from your school's postcode. Check it in your MIS"
)
BAD_EMAIL = (
    "This is not a real email address, so it will not be saved and nobody will be emailed at it. "
    "Correct it in your MIS"
)
POSTCODE_FIELDS = frozenset({"postcode"})
CONTACT_FIELDS = frozenset({"email", "parent_email"})
DATE_EXAMPLE = "27/03/2010"
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 0 to 22; I, O and S are never used
YES = {"y", "yes", "true", "1"}
NO = {"n", "no", "false", "0", ""}
SEND_WORDS = {
    "n": "N",
    "k": "K",
    "e": "E",
    "none": "N",
    "no special educational need": "N",
    "sen support": "K",
    "ehc plan": "E",
    "ehcp": "E",
    "education health and care plan": "E",
}
# The student's details a file can set, in the order pages list them.
FIELDS = (
    "first_name",
    "preferred_name",
    "last_name",
    "date_of_birth",
    "year_group",
    "tutor_group",
    "postcode",
    "disadvantaged",
    "send_status",
    "email",
    "parent_name",
    "parent_email",
)
FIELD_LABELS = {
    "upn": "UPN",
    "first_name": "Legal forename",
    "preferred_name": "Preferred forename",
    "last_name": "Surname",
    "date_of_birth": "Date of birth",
    "year_group": "Year group",
    "tutor_group": "Tutor group",
    "postcode": "Home postcode",
    "disadvantaged": "Pupil premium or free school meals",
    "send_status": "SEND status",
    "email": "Email",
    "parent_name": "Parent or carer",
    "parent_email": "Parent or carer email",
    "left_on": "No longer a leaver",
}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# Control characters other than tab and line breaks: text files do not have them, binary files do.
_BINARY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_UPN = re.compile(r"[A-Z][0-9]{11}[0-9A-Z]")
# Letters (any alphabet: "9Ó"), digits, spaces and the marks MIS group codes use ("10B/Sc", "7-1", "Y8 (N)").
_TUTOR_GROUP = re.compile(r"[^\W_](?:[^\W_]|[ /.()&-])*")
TUTOR_GROUP_MOST = 20
_YEAR = re.compile(r"(?:year|yr|y|nc)?\s*([0-9]{1,2})", re.IGNORECASE)
_TIME = r"(?:\s+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?"  # "27/03/2010 00:00", as spreadsheets sometimes save
_DAY_FIRST = re.compile(rf"([0-9]{{1,2}})[/.-]([0-9]{{1,2}})[/.-]([0-9]+){_TIME}")
_ISO = re.compile(rf"([0-9]{{4}})-([0-9]{{1,2}})-([0-9]{{1,2}}){_TIME}")


class CellError(ValueError):
    """What is wrong with one cell, in words for the person who will correct it."""


class CellLeftEmptyError(ValueError):
    """A cell the row can do without: the row imports with this detail empty, and the message says why."""


class PostcodeNotFoundError(ValueError):
    """Raised by check_postcode for a well-formed postcode the postcode directory does not know."""


@dataclass(frozen=True)
class Problem:
    """One thing to correct: where it is (row as numbered in the file, column as named there) and what."""

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = ", ".join(part for part in (f"Row {self.row}" if self.row else "", self.column or "") if part)
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True)
class Column:
    """A student detail a file may hold, and the column names MIS exports give it (compared as normalised)."""

    field: str
    names: tuple[str, ...]
    example: str = ""  # for a required column: the name to suggest when it is missing
    described: str = ""  # for a required column: "the date of birth"

    @property
    def required(self) -> bool:
        return bool(self.example)


COLUMNS = (
    Column("upn", ("upn", "u p n", "unique pupil number", "pupil upn"), "UPN", "the UPN"),
    Column(
        "first_name",
        ("legal forename", "forename", "first name", "firstname", "legal first name", "given name"),
        "Legal Forename",
        "the legal forename",
    ),
    Column("preferred_name", ("preferred forename", "preferred name", "known as", "preferred first name")),
    Column(
        "last_name",
        ("legal surname", "surname", "last name", "lastname", "family name"),
        "Surname",
        "the surname",
    ),
    Column(
        "date_of_birth", ("dob", "d o b", "date of birth", "birth date"), "Date of Birth", "the date of birth"
    ),
    Column(
        "year_group",
        ("year", "year group", "yeargroup", "nc year", "curriculum year", "national curriculum year"),
        "Year Group",
        "the year group",
    ),
    Column(
        "tutor_group",
        (
            "tutor group",
            "tutorgroup",
            "tutor",
            "reg group",
            "reggroup",
            "reg",
            "registration group",
            "form",
            "form group",
            "form class",
            "class",
        ),
    ),
    Column("postcode", ("postcode", "post code", "home postcode", "address postcode")),
    Column(
        "disadvantaged",
        (
            "pp",
            "pupil premium",
            "pupil premium indicator",
            "pupil premium eligible",
            "fsm",
            "free school meals",
            "fsm eligible",
            "disadvantaged",
        ),
    ),
    Column("send_status", ("sen", "send", "sen status", "send status")),
    Column(
        "email",
        (
            "email",
            "email address",
            "pupil email",
            "pupil email address",
            "student email",
            "student email address",
        ),
    ),
    Column(
        "parent_name",
        ("parent name", "parent carer name", "contact name", "primary contact", "primary contact name"),
    ),
    Column(
        "parent_email",
        (
            "parent email",
            "parent email address",
            "parent carer email",
            "contact email",
            "contact email address",
            "primary contact email",
        ),
    ),
)
_BY_NAME = {name: column for column in COLUMNS for name in column.names}


def normalise_header(text: str) -> str:
    """A column name as compared: lower case, words only ("Date_of_Birth" and "DATE OF BIRTH" are alike)."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


@dataclass
class ReadFile:
    """What a file held: its cleaned rows, the problems found, and which columns were used or ignored."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> the file's column name
    ignored: list[str] = field(default_factory=list)
    upns: dict[str, int] = field(default_factory=dict)  # every well-formed UPN -> its row, bad rows too
    warnings: list[Problem] = field(default_factory=list)  # of rows that import, with a detail left empty

    @property
    def file_problem(self) -> bool:
        """Whether the file as a whole could not be read (no rows were looked at)."""
        return any(problem.row is None for problem in self.problems)


def read(data: bytes, check_postcode: Callable[[str], str], today: date) -> ReadFile:
    """Read an MIS export: the cleaned rows, ready to compare and save, and every problem by row and column.

    check_postcode(text) returns the postcode as kept, raises PostcodeNotFoundError for one the postcode
    directory does not know (a warning), or ValueError whose message is for the person. A cleaned row holds
    the row number, the UPN and each detail whose column the file has, so a detail the file does not give is
    left as it is on the student's record; a row with warnings holds them too, as [field, column, message].
    """
    result = ReadFile()
    try:
        text = decode(data)
    except CellError as problem:
        result.problems.append(Problem(str(problem)))
        return result
    records = _records(text)
    try:
        header = next(records, None)
    except csv.Error:
        header = None
    columns = _header_columns(header or [], result)
    if columns is None:
        return result
    check = _Checker(result, header or [], columns, check_postcode, today)
    count = 0
    number = 1  # the last row read, for the message if the next cannot be
    try:
        for number, record in enumerate(records, start=2):
            if not any(cell.strip() for cell in record):
                continue  # a blank line is no student
            count += 1
            if count > MAX_ROWS:
                return ReadFile(problems=[Problem(TOO_MANY)], columns=result.columns, ignored=result.ignored)
            check.row(number, record)
    except csv.Error:  # a cell longer than the csv module allows, say
        result.problems.append(Problem(UNREADABLE, row=number + 1))
    if not count and not result.problems:
        result.problems.append(Problem(NO_ROWS))
    return result


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a byte order mark) or else Windows-1252; CellError if it is
    empty, a spreadsheet, binary or in another encoding."""
    if not data.strip():
        raise CellError(EMPTY)
    if len(data) > MAX_BYTES:
        raise CellError(TOO_BIG)
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):  # .xlsx (zip) and .xls
        raise CellError(SPREADSHEET)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # includes UTF-32's marks
        raise CellError(ENCODING)
    if b"\x00" in data:
        raise CellError(NOT_CSV)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined
            raise CellError(ENCODING) from None
    if not text.strip():  # a byte order mark and nothing else
        raise CellError(EMPTY)
    if _BINARY.search(text):
        raise CellError(NOT_CSV)
    return text


def _records(text: str) -> Iterator[list[str]]:
    # Every record counts, blank ones too, so row numbers match the rows a spreadsheet shows. newline=""
    # keeps line breaks inside quoted cells, and splits lines only where CSV does (not at U+2028, say).
    return csv.reader(io.StringIO(text, newline=""), strict=False)


def _header_columns(header: list[str], result: ReadFile) -> dict[int, Column] | None:
    """Which column of the file gives which detail; None, with the problem noted, if the file is no use."""
    used: dict[int, Column] = {}
    for index, name in enumerate(header):
        column = _BY_NAME.get(normalise_header(name))
        taken = column is not None and column.field in result.columns and column.field != "disadvantaged"
        if column is None or taken:
            if name.strip():
                result.ignored.append(name.strip())
            continue
        used[index] = column
        # Pupil premium and free school meals may both be there: either makes a student disadvantaged.
        shown = result.columns.get(column.field)
        result.columns[column.field] = f"{shown} and {name.strip()}" if shown else name.strip()
    if not used:
        result.problems.append(Problem(NO_HEADER))
        return None
    missing = [
        column.described for column in COLUMNS if column.required and column.field not in result.columns
    ]
    if missing:
        examples = [f'"{column.example}"' for column in COLUMNS if column.described in missing]
        result.problems.append(
            Problem(
                f"The selected file has no column for {_and(missing)}. Add {_and(examples)} to the first row"
            )
        )
        return None
    return used


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


class _Checker:
    """Checks each row in turn, remembering UPNs and emails to find ones used twice."""

    def __init__(
        self,
        result: ReadFile,
        header: list[str],
        columns: dict[int, Column],
        check_postcode: Callable[[str], str],
        today: date,
    ) -> None:
        self.result = result
        self.header = [name.strip() for name in header]
        self.columns = columns
        self.check_postcode = check_postcode
        self.emails: dict[str, int] = {}
        self.cleaners: dict[str, Callable[[str], Any]] = {
            "upn": clean_upn,
            "first_name": lambda text: _name(text, 100, "Enter the legal forename"),
            "preferred_name": lambda text: _name(text, 100, None),
            "last_name": lambda text: _name(text, 100, "Enter the surname"),
            "date_of_birth": lambda text: clean_date_of_birth(text, today),
            "year_group": clean_year_group,
            "tutor_group": clean_tutor_group,
            "postcode": self._postcode,
            "disadvantaged": clean_yes_no,
            "send_status": clean_send_status,
            "email": _contact_email,
            "parent_name": lambda text: _name(text, 200, None),
            "parent_email": _contact_email,
        }

    def _postcode(self, text: str) -> str | None:
        if not text:
            raise CellLeftEmptyError(NO_POSTCODE)
        if "".join(text.split()).upper().startswith("ZZ99"):
            raise CellLeftEmptyError(PSEUDO_POSTCODE)
        try:
            return self.check_postcode(text)
        except PostcodeNotFoundError:
            raise CellLeftEmptyError(UNKNOWN_POSTCODE) from None
        except ValueError as problem:
            raise CellError(str(problem)) from None

    def row(self, number: int, record: list[str]) -> None:
        """Check one row: its cleaned details join the rows if all is well, else its problems are noted."""
        problems: list[Problem] = []
        # Empty cells past the named columns are fine: some exports end every row with a comma.
        if any(cell.strip() for cell in record[len(self.header) :]):
            problems.append(Problem(TOO_MANY_CELLS, row=number))
        cleaned: dict[str, Any] = {"row": number}
        warnings: list[list[str]] = []
        for index, column in self.columns.items():
            raw = record[index] if index < len(record) else ""
            try:
                value = self._cell(column, raw)
            except CellError as problem:
                problems.append(Problem(str(problem), row=number, column=self.header[index]))
                continue
            except CellLeftEmptyError as warning:
                warnings.append([column.field, self.header[index], str(warning)])
                value = None
            if column.field == "disadvantaged":  # pupil premium or free school meals: either counts
                value = value or cleaned.get("disadvantaged", False)
            cleaned[column.field] = value
        problems += self._twice(number, cleaned)
        self.result.problems += problems
        if not problems:
            if warnings:
                cleaned["warnings"] = warnings
                self.result.warnings += [Problem(text, row=number, column=name) for _, name, text in warnings]
            self.result.rows.append(cleaned)

    def _cell(self, column: Column, raw: str) -> Any:
        text = raw.strip()
        if raw.startswith(_FORMULA_START) or text.startswith(_FORMULA_START):
            raise CellError(FORMULA)
        return self.cleaners[column.field](text)

    def _twice(self, number: int, cleaned: dict[str, Any]) -> list[Problem]:
        problems = []
        upn = cleaned.get("upn")
        if upn:
            first = self.result.upns.setdefault(upn, number)
            if first != number:
                problems.append(
                    Problem(
                        f"This UPN is also in row {first}. Each student must be in the file once",
                        row=number,
                        column=self.result.columns["upn"],
                    )
                )
        email = cleaned.get("email")
        if email:
            first = self.emails.setdefault(email, number)
            if first != number:
                problems.append(
                    Problem(
                        f"This email address is also in row {first}. Each student needs their own",
                        row=number,
                        column=self.result.columns["email"],
                    )
                )
        return problems


def clean_upn(text: str) -> str:
    """A unique pupil number in capitals; CellError unless it has the shape and check letter of a real one.

    The DfE's rule: the first character is a check letter, the sum of each later character times its position
    (2 to 13), a temporary UPN's final letter counting as its place in CHECK_LETTERS, modulo 23.
    """
    upn = "".join(text.split()).upper()
    if not upn:
        raise CellError("Enter the UPN")
    if not _UPN.fullmatch(upn) or (upn[12].isalpha() and upn[12] not in CHECK_LETTERS):
        raise CellError("Enter a UPN of 13 characters: a letter, 11 numbers, then a number or a letter")
    last = CHECK_LETTERS.index(upn[12]) if upn[12].isalpha() else int(upn[12])
    total = sum(position * int(digit) for position, digit in enumerate(upn[1:12], start=2)) + 13 * last
    if CHECK_LETTERS[total % 23] != upn[0]:
        raise CellError(
            "Enter a real UPN: the first letter does not match the rest. Copy it again from your MIS"
        )
    return upn


def upn_check_letter(rest: str) -> str:
    """The check letter for the 12 characters after it (for making test UPNs)."""
    last = CHECK_LETTERS.index(rest[11]) if rest[11].isalpha() else int(rest[11])
    total = sum(position * int(digit) for position, digit in enumerate(rest[:11], start=2)) + 13 * last
    return CHECK_LETTERS[total % 23]


def _name(text: str, most: int, required: str | None) -> str:
    name = " ".join(text.split())
    if not name and required:
        raise CellError(required)
    if len(name) > most:
        raise CellError(f"This must be {most} characters or fewer")
    return name


def clean_date_of_birth(text: str, today: date) -> str:
    """A date of birth written DD/MM/YYYY or YYYY-MM-DD, as an ISO date; CellError if not a likely one."""
    if not text:
        raise CellError("Enter the date of birth")
    iso = _ISO.fullmatch(text)
    day_first = None if iso else _DAY_FIRST.fullmatch(text)
    if iso:
        year, month, day = iso.groups()
    elif day_first:
        day, month, year = day_first.groups()
        if len(year) != 4:
            raise CellError(f"Enter the date of birth with a 4-digit year, like {DATE_EXAMPLE}")
    else:
        raise CellError(f"Enter the date of birth as day, month and year, like {DATE_EXAMPLE}")
    try:
        born = date(int(year), int(month), int(day))
    except ValueError:
        raise CellError(f"Enter a real date, like {DATE_EXAMPLE}") from None
    earliest, latest = date(today.year - 25, 1, 1), date(today.year - 4, 12, 31)
    if not earliest <= born <= min(latest, today):
        raise CellError(
            f"Date of birth must be between {earliest:%-d %B %Y} and {min(latest, today):%-d %B %Y}"
        )
    return born.isoformat()


def clean_year_group(text: str) -> int:
    """A year group from 7 to 14, written "10", "Year 10", "Yr 10" or "Y10"."""
    found = _YEAR.fullmatch(text)
    if not text:
        raise CellError("Enter the year group")
    if found is None:
        raise CellError("Enter a year group from 7 to 14, like 10 or Year 10")
    year = int(found[1])
    if not 7 <= year <= 14:
        raise CellError("Year group must be from 7 to 14")
    return year


def clean_tutor_group(text: str) -> str | None:
    """A tutor group or class as the MIS names it ("9R", "10B/Sc"), spaces tidied; None when empty."""
    group = " ".join(text.split())
    if not group:
        return None
    if len(group) > TUTOR_GROUP_MOST:
        raise CellError(f"Tutor group must be {TUTOR_GROUP_MOST} characters or fewer, like 9R or 10B/Sc")
    if not _TUTOR_GROUP.fullmatch(group):
        raise CellError("Tutor group must only include letters, numbers, spaces and / - . ( ) &, like 9R")
    return group


def clean_yes_no(text: str) -> bool:
    """Y/N, Yes/No, True/False or 1/0 (any case); empty is no."""
    answer = text.lower()
    if answer in YES:
        return True
    if answer in NO:
        return False
    raise CellError("Enter Y or N (Yes, No, True, False, 1 and 0 also work)")


def clean_send_status(text: str) -> str:
    """N (no special needs), K (SEN support) or E (education, health and care plan); empty is N."""
    if not text:
        return "N"
    status = SEND_WORDS.get(normalise_header(text))
    if status is None:
        raise CellError("Enter N, K or E (N for none, K for SEN support, E for an EHC plan)")
    return status


def clean_email(text: str) -> str | None:
    """An email address in lower case, or None when empty."""
    if not text:
        return None
    try:
        address = validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise CellError("Enter an email address in the correct format, like name@example.com") from None
    if len(address) > 320:
        raise CellError("Enter an email address in the correct format, like name@example.com")
    return address.lower()


def _contact_email(text: str) -> str | None:
    # A contact address is optional: one that is not an address is left out rather than blocking the pupil.
    try:
        return clean_email(text)
    except CellError:
        raise CellLeftEmptyError(BAD_EMAIL) from None


@dataclass(frozen=True)
class Flagged:
    """A pupil the file imports with a detail left empty: who, and what was wrong where."""

    name: str
    upn: str
    problem: Problem
    field: str


def flagged(rows: Iterable[Mapping[str, Any]]) -> list[Flagged]:
    """Each warning of these cleaned rows, in row order, with the pupil it is about."""
    return [
        Flagged(display_name(row), row["upn"], Problem(text, row=row["row"], column=column), name)
        for row in sorted(rows, key=lambda row: row["row"])
        for name, column, text in row.get("warnings", ())
    ]


def taken_elsewhere(upns: Mapping[str, int], taken: Iterable[str], column: str) -> list[Problem]:
    """A problem for each row whose UPN belongs to a student at a school outside the hub (a pupil of the
    hub's other schools is a transfer instead: compare)."""
    return [
        Problem(
            "A student at a school outside your careers hub has this UPN. Check it against your MIS, or ask "
            "your careers hub to move the student's record",
            row=upns[upn],
            column=column,
        )
        for upn in sorted(set(taken) & set(upns), key=upns.__getitem__)
    ]


@dataclass
class Change:
    """One student the import would add or update, or mark as having left."""

    upn: str
    name: str
    year_group: int | None
    student_id: int | None = None
    fields: list[str] = field(default_factory=list)  # what changes, for updates
    row: dict[str, Any] = field(default_factory=dict)
    school: str = ""  # for a pupil on another school's roll: that school's name
    asked: bool = False  # for a transfer: this school has asked for them already and is waiting


@dataclass
class Changes:
    """What confirming an import would do to the school's students."""

    added: list[Change] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    unchanged: list[Change] = field(default_factory=list)
    leaving: list[Change] = field(default_factory=list)
    # Pupils on another school's roll in the hub: those who left it move here at once; for the others,
    # that school is asked to confirm a transfer.
    joining: list[Change] = field(default_factory=list)
    transfers: list[Change] = field(default_factory=list)

    @property
    def any(self) -> bool:
        """Whether confirming would change anything."""
        asking = any(not change.asked for change in self.transfers)
        return bool(self.added or self.updated or self.leaving or self.joining or asking)

    def counts(self) -> dict[str, int]:
        """How many of each, for the audit trail and the page."""
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "left": len(self.leaving),
            "joined": len(self.joining),
            "transfers_asked": len(self.transfers),
        }

    def fingerprint(self, salt: object) -> str:
        """A digest of exactly what would change, so a confirmation applies only what the page showed."""
        shown = {
            "salt": str(salt),
            "added": sorted(change.upn for change in self.added),
            "updated": sorted((change.upn, change.fields) for change in self.updated),
            "leaving": sorted(change.upn for change in self.leaving),
            "joining": sorted(change.upn for change in self.joining),
            "transfers": sorted((change.upn, change.asked) for change in self.transfers),
        }
        return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()


def display_name(details: Mapping[str, Any]) -> str:
    """Preferred (else legal) forename and surname."""
    forename = details.get("preferred_name") or details.get("first_name", "")
    return f"{forename} {details.get('last_name', '')}".strip()


def compare(
    rows: list[dict[str, Any]],
    existing: Mapping[str, Mapping[str, Any]],
    full_export: bool,
    elsewhere: Mapping[str, Mapping[str, Any]] | None = None,
) -> Changes:
    """What the rows would change: students to add, to update (and which details), unchanged, and, from a
    full export, current students missing from the file to mark as leavers; and pupils on another school's
    roll, who join at once if they left it, else are transfers to ask for.

    `existing` maps each UPN of the school's students to their details as cleaned rows hold them (dates as
    ISO text), with "id" and "left_on"; a student who had left and is in the file again is back.
    `elsewhere` maps each UPN of a pupil at another school of the hub to "id", "school" (its name), "left"
    and "asked" (whether this school is waiting on a transfer already): nothing else of theirs is shown.
    """
    changes = Changes()
    for row in rows:
        current = existing.get(row["upn"])
        other = (elsewhere or {}).get(row["upn"]) if current is None else None
        if other is not None:
            change = Change(row["upn"], display_name(row), row.get("year_group"), other["id"], row=row)
            change.school, change.asked = other["school"], bool(other["asked"]) and not other["left"]
            (changes.joining if other["left"] else changes.transfers).append(change)
            continue
        if current is None:
            changes.added.append(Change(row["upn"], display_name(row), row.get("year_group"), row=row))
            continue
        fields = [name for name in FIELDS if name in row and row[name] != current.get(name)]
        if current.get("left_on"):
            fields.append("left_on")
        change = Change(
            row["upn"],
            display_name({**current, **row}),
            row.get("year_group", current.get("year_group")),
            student_id=current["id"],
            fields=fields,
            row=row,
        )
        (changes.updated if fields else changes.unchanged).append(change)
    if full_export:
        in_file = {row["upn"] for row in rows}
        changes.leaving = [
            Change(upn, display_name(current), current.get("year_group"), student_id=current["id"])
            for upn, current in existing.items()
            if upn not in in_file and not current.get("left_on")
        ]
    for listed in (
        changes.added,
        changes.updated,
        changes.unchanged,
        changes.leaving,
        changes.joining,
        changes.transfers,
    ):
        listed.sort(key=lambda change: (change.name.split(" ")[-1].lower(), change.name.lower(), change.upn))
    return changes


def student_values(row: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The Student columns a cleaned row gives for these details (dates as dates, send from send_status)."""
    values = {name: row[name] for name in names if name in row}
    if "date_of_birth" in values:
        values["date_of_birth"] = date.fromisoformat(values["date_of_birth"])
    if "send_status" in values:
        values["send"] = values["send_status"] in ("K", "E")
    return values
