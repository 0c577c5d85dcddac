"""The register's forms: one pupil marked present or absent, and a CSV list of the pupils who came.

A list is read without Flask or the database (read_list), then matched against the register's pupils
(match): every problem names its row as a spreadsheet numbers it, and its column where one cell is wrong.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from werkzeug.datastructures import FileStorage
from wtforms import SubmitField
from wtforms.validators import StopValidation

from web.careers.import_csv import MAX_BYTES, NO_FILE, CellError, clean_upn, decode, normalise_header
from web.dao.registers import Pupil
from web.fields import ChoiceField, Form, TextField

# A problem with a row of a list: its number, and what to change, in words naming the row (and column).
Problem = tuple[int, str]
MARKS = {"yes": "Present", "no": "Absent"}
SEARCH_LENGTH = 100
MAX_ROWS = 5000
NAME_LENGTH = 100  # as Student's name columns
TOO_MANY = f"The selected file must have {MAX_ROWS:,} rows or fewer"
# A first row naming its columns is skipped, whichever of these it starts with.
HEADERS = {
    "upn",
    "unique pupil number",
    "first name",
    "forename",
    "legal forename",
    "preferred forename",
    "given name",
    "name",
}


class MarkForm(Form):
    """One tap on a register: present or absent, and the search to go back to."""

    attended = ChoiceField("Present or absent", MARKS, "Select present or absent")
    q = TextField("Search by name", max_length=SEARCH_LENGTH)


class SearchForm(Form):
    """The register's search box (a GET form: no CSRF token, as it changes nothing)."""

    class Meta(Form.Meta):
        csrf = False

    q = TextField("Search by name", max_length=SEARCH_LENGTH)


class UploadForm(Form):
    """A CSV of the pupils who came: one a row, by UPN or by first and last name."""

    file = FileField(
        "Upload a CSV file",
        widget=GovFileInput(),
        description="One pupil a row: either their UPN in the first column, or their first name in the "
        "first column and their last name in the second. A first row of column names is skipped. "
        "The file must be smaller than 2MB",
    )
    submit = SubmitField("Mark these pupils present", widget=GovSubmitInput())

    def validate_file(self, field: FileField) -> None:
        """A file was chosen (a plain form value under the file's name is not one)."""
        if not isinstance(field.data, FileStorage) or not field.data.filename:
            raise StopValidation(NO_FILE)

    def read_upload(self) -> bytes:
        """The uploaded file's bytes, at most one more than the limit (call after validation)."""
        return bytes(self.file.data.stream.read(MAX_BYTES + 1))


@dataclass(frozen=True)
class Entry:
    """One row of a list: a pupil by UPN, or by first and last name."""

    row: int
    upn: str | None = None
    first_name: str = ""
    last_name: str = ""

    @property
    def name(self) -> str:
        """The name as the row gives it."""
        return f"{self.first_name} {self.last_name}"


def read_list(data: bytes) -> tuple[list[Entry], list[Problem]]:
    """The rows of an uploaded list and the problems with them (by row); CellError if the file cannot be
    read at all (empty, too big, a spreadsheet, another encoding, too many rows)."""
    text = decode(data)
    entries: list[Entry] = []
    problems: list[Problem] = []
    number = 0
    try:
        # Every record counts, blank ones too, so row numbers match the rows a spreadsheet shows.
        for number, record in enumerate(csv.reader(io.StringIO(text, newline=""), strict=False), start=1):
            if number > MAX_ROWS + 1:
                raise CellError(TOO_MANY)
            cells = [" ".join(cell.split()) for cell in record]
            while cells and not cells[-1]:  # spreadsheets pad rows with empty cells
                cells.pop()
            if not cells or (number == 1 and normalise_header(cells[0]) in HEADERS):
                continue
            try:
                entries.append(_entry(number, cells))
            except CellError as problem:
                problems.append((number, str(problem)))
    except csv.Error:  # a cell longer than the csv module allows, say
        problems.append(
            (number + 1, f"Row {number + 1}: This row could not be read. Check the file is saved as a CSV")
        )
    return entries, problems


def _entry(number: int, cells: list[str]) -> Entry:
    if len(cells) == 1:
        try:
            return Entry(number, upn=clean_upn(cells[0]))
        except CellError as problem:
            raise CellError(f"Row {number}, column 1: {problem}") from None
    if len(cells) > 2:
        raise CellError(
            f"Row {number}, column 3: Give a UPN in column 1, or a first name in column 1 and a last name "
            "in column 2, and nothing after them"
        )
    for column, (cell, which) in enumerate(zip(cells, ("first", "last"), strict=True), start=1):
        if not cell:
            raise CellError(f"Row {number}, column {column}: Enter the pupil's {which} name")
        if len(cell) > NAME_LENGTH:
            raise CellError(
                f"Row {number}, column {column}: A {which} name must be {NAME_LENGTH} characters or fewer"
            )
    return Entry(number, first_name=cells[0], last_name=cells[1])


def match(entries: Iterable[Entry], pupils: Iterable[Pupil]) -> tuple[list[int], list[Problem]]:
    """The places (of the register's pupils) that the list names, and a problem for each row naming
    nobody on the register, or two pupils. A pupil's first name may be their legal or preferred one."""
    places: dict[int, list[int]] = defaultdict(list)
    by_upn: dict[str, int] = {}
    by_name: dict[tuple[str, str], set[int]] = defaultdict(set)
    for pupil in pupils:
        places[pupil.student_id].append(pupil.place_id)
        if pupil.upn:
            by_upn[pupil.upn] = pupil.student_id
        for first in {pupil.first_name, pupil.preferred_name} - {""}:
            by_name[_key(first, pupil.last_name)].add(pupil.student_id)
    found: dict[int, None] = {}  # the students in the list's order, once each
    problems: list[Problem] = []
    for entry in entries:
        if entry.upn is not None:
            if entry.upn not in by_upn:
                problems.append(
                    (entry.row, f"Row {entry.row}: no pupil with UPN {entry.upn} on this register")
                )
                continue
            found[by_upn[entry.upn]] = None
            continue
        called = by_name.get(_key(entry.first_name, entry.last_name), set())
        if not called:
            problems.append((entry.row, f"Row {entry.row}: no pupil called {entry.name} on this register"))
        elif len(called) > 1:
            problems.append(
                (
                    entry.row,
                    f"Row {entry.row}: {len(called)} pupils on this register are called {entry.name}. "
                    "Give their UPNs instead",
                )
            )
        else:
            found[next(iter(called))] = None
    return [place for student in found for place in places[student]], problems


def _key(first: str, last: str) -> tuple[str, str]:
    return " ".join(first.casefold().split()), " ".join(last.casefold().split())
