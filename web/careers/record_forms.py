"""Careers leader forms for students' records: encounters for year groups, check-ins, and decisions on the
placements students found themselves."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import HiddenField, SubmitField
from wtforms.validators import ValidationError

from web.fields import ChoiceField, ChoicesField, DateField, DecimalField, Form, TextAreaField, TextField

ENCOUNTER_KINDS = {
    "employer_talk": "Employer talk",
    "careers_fair": "Careers fair",
    "mentoring_session": "Mentoring session",
    "workplace_visit": "Workplace visit",
    "technical_provider": "Encounter with a technical education provider",
}
CHECK_IN_KINDS = {"call": "Phone or video call", "visit": "Visit"}
DECISIONS = {"approve": "Approve", "changes": "Ask for changes"}
YEAR_GROUPS = range(7, 15)


class _NotInFuture:
    """A date that has happened: today or before."""

    today: date

    def _not_in_future(self, field: DateField) -> None:
        if field.data > self.today:
            raise ValidationError(f"{field.called} must be today or in the past")


class EncounterForm(_NotInFuture, Form):
    """An encounter a whole year group (or several) took part in."""

    kind = ChoiceField(
        "What kind of encounter was it?",
        ENCOUNTER_KINDS,
        "Select what kind of encounter it was",
    )
    title = TextField(
        "Title",
        required="Enter a title",
        max_length=200,
        description="For example, 'Talk by Manchester Airport engineers'",
    )
    on_date = DateField("Date", required="Enter the date", description="For example, 27 3 2026")
    hours = DecimalField(
        "How long was it, in hours?",
        called="Hours",
        required="Enter how long it was, in hours",
        places=1,
        minimum=Decimal("0.5"),
        maximum=Decimal("40"),
        example="1 or 1.5",
        range_message="Hours must be from 0.5 to 40",
    )
    year_groups = ChoicesField(
        "Which year groups took part?",
        {year: f"Year {year}" for year in YEAR_GROUPS},
        "Select year groups from the list",
        required="Select at least one year group",
        coerce=int,
        description="Every current student in these year groups gets it on their record. Leavers are not",
    )
    submit = SubmitField("Record encounter", widget=GovSubmitInput())

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_on_date(self, field: DateField) -> None:
        """An encounter that has happened."""
        self._not_in_future(field)


class CheckInForm(_NotInFuture, Form):
    """A call or visit during a placement."""

    kind = ChoiceField("Was it a call or a visit?", CHECK_IN_KINDS, "Select whether it was a call or a visit")
    on_date = DateField("Date", required="Enter the date", description="For example, 27 3 2026")
    note = TextAreaField(
        "Notes",
        required="Enter a note of how it went",
        max_length=3000,
        description="How the student is getting on, and anything to follow up",
    )
    submit = SubmitField("Save check-in", widget=GovSubmitInput())

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_on_date(self, field: DateField) -> None:
        """A check-in that has happened."""
        self._not_in_future(field)


class OwnPlacementDecisionForm(Form):
    """Approve a student's own placement, or ask for changes with a note the student sees."""

    decision = ChoiceField(
        "What do you want to do?", DECISIONS, "Select whether to approve or ask for changes"
    )
    note = TextAreaField(
        "Note for the student",
        max_length=2000,
        description="The student sees this. Say what to change if you are asking for changes",
    )
    # The version of the proposal the careers leader is looking at (when the student last changed it).
    seen = HiddenField()
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def seen_version(self) -> datetime:
        """The version decided on; one that cannot be read matches none."""
        try:
            return datetime.fromisoformat(self.seen.data or "")
        except ValueError:
            return datetime.min

    def validate(self, extra_validators: Any = None) -> bool:
        """Changes asked for are said (an empty optional answer skips its own field's checks)."""
        valid = super().validate(extra_validators)
        if self.decision.data == "changes" and not self.note.data:
            self.note.errors = [*self.note.errors, "Enter what the student needs to change"]
            return False
        return valid
