"""Careers leader forms."""

from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from werkzeug.datastructures import FileStorage
from wtforms import HiddenField, SubmitField
from wtforms.validators import StopValidation

from matcher.people import KINDS
from web.careers.import_csv import MAX_BYTES, MAX_ROWS, NO_FILE
from web.dates import london_today
from web.fields import ChoiceField, ChoicesField, DateField, Form, WholeNumberField

ALL_KINDS = "all"
KIND_CHOICES = [(ALL_KINDS, "All kinds"), *KINDS.items()]
MECHANISM_CHOICES = [
    ("optimal", "Place as many students as possible"),
    ("stable", "Respect students' rankings first"),
]
SEED_MAX = 2_147_483_647  # the column is a 32-bit integer on PostgreSQL
FULL_EXPORT = "yes"


class StartRoundForm(Form):
    """Kind of opportunity, mechanism and an optional lottery number for a new round."""

    kind = ChoiceField(
        "Which opportunities should this round fill?",
        dict(KIND_CHOICES),
        "Select which opportunities to fill",
        default=ALL_KINDS,
    )
    mechanism = ChoiceField(
        "How should students be matched?",
        dict(MECHANISM_CHOICES),
        "Select how students should be matched",
        default="optimal",
    )
    seed = WholeNumberField(
        "Lottery number (optional)",
        called="Lottery number",
        minimum=0,
        maximum=SEED_MAX,
        example=42,
        description="Ties between students are broken by a lottery. The same number with the same students "
        "and places gives the same result. Leave it blank to use 0.",
    )
    submit = SubmitField("Start matching round", widget=GovSubmitInput())

    @property
    def seed_value(self) -> int:
        """The lottery number entered, 0 if blank (call after validation)."""
        return self.seed.data or 0

    @property
    def kind_value(self) -> str | None:
        """The kind of opportunity chosen, None for all kinds."""
        return None if self.kind.data == ALL_KINDS else self.kind.data


class ImportForm(Form):
    """An MIS export to check, and whether it lists every student (so the missing ones have left)."""

    file = FileField(
        "Upload a CSV file",
        widget=GovFileInput(),
        description=f"The file must be a CSV, smaller than 2MB, with {MAX_ROWS:,} students or fewer",
    )
    full_export = ChoicesField(
        "Students who are not in the file",
        {FULL_EXPORT: "This is a full export of the school's students"},
        "Select the box if this is a full export of the school's students, or leave it empty",
        description="Tick this to mark students who are not in the file as leavers. Leavers are kept, "
        "never deleted. Leave it empty if the file has only some of your students",
    )
    submit = SubmitField("Check the file", widget=GovSubmitInput())

    def validate_file(self, field: FileField) -> None:
        """A file was chosen (a plain form value under the file's name is not one)."""
        if not isinstance(field.data, FileStorage) or not field.data.filename:
            raise StopValidation(NO_FILE)

    def read_upload(self) -> bytes:
        """The uploaded file's bytes, at most one more than the limit (call after validation)."""
        return bytes(self.file.data.stream.read(MAX_BYTES + 1))

    @property
    def is_full_export(self) -> bool:
        """Whether the box was ticked (call after validation)."""
        return FULL_EXPORT in (self.full_export.data or [])


class ImportConfirmForm(Form):
    """Confirm the checked file; `seen` is the fingerprint of the changes the page showed."""

    seen = HiddenField()
    submit = SubmitField("Import students", widget=GovSubmitInput())


LAST_YEARS = {str(year): f"Year {year}" for year in range(11, 15)}


class RollOverForm(Form):
    """The school's last year group, and the academic year the page was showing (so it happens once)."""

    last_year = ChoiceField(
        "Which is the last year group at your school?",
        LAST_YEARS,
        "Select the last year group at your school",
    )
    academic_year = HiddenField()
    submit = SubmitField("Move students up a year", widget=GovSubmitInput())


class RespondByForm(Form):
    """The last day students can answer the offers being released."""

    respond_by = DateField(
        "Students must respond by",
        required="Enter the date students must respond by",
        called="The respond-by date",
        description="If a placement starts sooner, its students must respond by the day before it starts. "
        "For example, 27 3 2027",
    )
    submit = SubmitField("Send offers", widget=GovSubmitInput())

    def validate_respond_by(self, field: DateField) -> None:
        """After today (in England): a student needs at least a day to answer."""
        if field.data <= london_today():
            raise StopValidation("The respond-by date must be in the future")
