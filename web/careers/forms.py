"""Careers leader forms."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from werkzeug.datastructures import FileStorage
from wtforms import HiddenField, SubmitField
from wtforms.validators import StopValidation

from web.careers.import_csv import MAX_BYTES, MAX_ROWS, NO_FILE
from web.dao import round_deadlines
from web.dates import london_today, long_date
from web.fields import ChoiceField, ChoicesField, DateField, Form, TextAreaField
from web.rounds.forms import StartRoundForm

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


# Why a careers leader rejects one proposal: kept in the audit trail with their own words, if any.
REJECT_REASONS = {
    "not_suitable": "The placement is not right for this student",
    "travel": "It is too far or too hard to get to",
    "dates": "The dates clash with something else the student has on",
    "student_declined": "The student does not want it",
    "other": "Another reason",
}


class RejectForm(Form):
    """Why one proposal is rejected."""

    reason = ChoiceField(
        "Why are you rejecting this proposal?", REJECT_REASONS, "Select why you are rejecting this proposal"
    )
    note = TextAreaField(
        "More detail (optional)",
        called="More detail",
        max_length=500,
        description="For your school's records: the student and the employer do not see it. Do not include "
        "health or other sensitive details",
    )
    submit = SubmitField("Reject the proposal", widget=GovSubmitInput())


class SchoolRoundForm(StartRoundForm):
    """A school's round: its scope and settings, and the day its proposals must be decided by."""

    decide_by = DateField(
        "Decide on the proposals by",
        required="Enter the date you will decide on the proposals by",
        called="The decide-by date",
        description="Proposals you have not approved or rejected by the end of this day go back to the pool, "
        "for other rounds to fill. We email you 2 days before. For example, 27 3 2027",
    )

    def __init__(self, *args: Any, hub_id: int, **kwargs: Any) -> None:
        """The form for a school in this hub, whose placements bound the decide-by date."""
        super().__init__(*args, **kwargs)
        self.hub_id = hub_id
        if not self.is_submitted():
            self.decide_by.data = london_today() + timedelta(days=round_deadlines.DECIDE_DAYS)

    def validate_decide_by(self, field: DateField) -> None:
        """Today or later (in England), and before the first placement the round could fill starts, so
        decided proposals can still be offered."""
        today = london_today()
        if field.data < today:
            raise StopValidation("The decide-by date must be today or in the future")
        # Only the start-date window of the scope: the rest is not read, and may not have validated.
        window = {name: getattr(self, name).data for name in ("starts_from", "starts_until")}
        policy = {name: day.isoformat() for name, day in window.items() if day}
        first = round_deadlines.first_start(self.hub_id, self.kind_value, policy, today)
        if first is not None and field.data >= first:
            raise StopValidation(
                f"The decide-by date must be before {long_date(first)}, when the first placement this "
                "round can fill starts"
            )
