"""Careers leader forms."""

from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from werkzeug.datastructures import FileStorage
from wtforms import HiddenField, SubmitField
from wtforms.validators import StopValidation

from web.careers.import_csv import MAX_BYTES, MAX_ROWS, NO_FILE
from web.dates import london_today
from web.fields import ChoiceField, ChoicesField, DateField, Form

FULL_EXPORT = "yes"


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
