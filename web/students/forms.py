"""The student's interests form."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    Field,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, StopValidation, ValidationError

from matcher.people import PATHWAYS, ROUTES
from web.postcodes import InvalidPostcodeError, clean_postcode

PATHWAY_HINTS = {
    "technical": "Learning for a job through T Levels and apprenticeships, in college and with an employer",
    "academic": "Studying subjects in depth through A levels, then perhaps a degree at university",
    "both": "You have not decided yet, or you want to find out about both. Both lead to good careers",
}


class RouteChoices(SelectMultipleField):
    """Checkboxes over the 15 occupational routes; a tampered value gets a plain message."""

    def pre_validate(self, form: Any) -> None:
        if any(value not in ROUTES for value in self.data or []):
            raise ValidationError("Select routes from the list")


class PathwayChoice(RadioField):
    """Radios over the pathways; a tampered value gets a plain message."""

    def pre_validate(self, form: Any) -> None:
        if self.data not in PATHWAYS:
            raise ValidationError("Select the kind of course or training you are interested in")


class WholeKilometres(IntegerField):
    """A whole number of kilometres, with a GOV.UK style message for anything else."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        text = str(valuelist[0]).strip().lower().removesuffix("km").strip()
        try:
            self.data = int(text)
        except ValueError:
            raise ValueError(
                "Maximum travel distance must be a whole number of kilometres, like 10"
            ) from None


class GovDate(Field):
    """Day, month and year boxes (GovDateInput); empty is None, anything else must be a real date."""

    widget = GovDateInput()

    def __init__(self, label: str, called: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.called = called  # the field's name in messages, without "(optional)"

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        parts = [str(value).strip() for value in valuelist]
        if not any(parts):
            self.raw_data = None  # nothing typed: show empty boxes
            return
        name = self.called
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"{name} must include a day, month and year")
        try:
            day, month, year = (int(part) for part in parts)
            if year < 1000:
                raise ValueError
            self.data = date(year, month, day)
        except ValueError:
            raise ValueError(f"{name} must be a real date, like 27 3 2027") from None


def _no_process_errors_then_optional(form: Any, field: Field) -> None:
    # Optional, but a half-typed date must keep the message process_formdata gave it.
    if field.data is None and not field.process_errors:
        field.errors[:] = []
        raise StopValidation()


class InterestsForm(FlaskForm):
    """Routes, statement, pathway, home postcode, travel distance and availability."""

    routes = RouteChoices(
        "Which areas of work are you interested in?",
        choices=[SelectChoice(value, label) for value, label in ROUTES.items()],
        description="Select all that apply. You can change these later",
        widget=GovCheckboxesInput(),
    )
    statement = TextAreaField(
        "What would you like to do or find out?",
        description="For example, the jobs you want to try or the questions you want to ask",
        widget=GovTextArea(),
        validators=[
            Length(max=1000, message="What you would like to do or find out must be 1000 characters or fewer")
        ],
    )
    pathway_interest = PathwayChoice(
        "What kind of course or training after school are you interested in?",
        choices=[SelectChoice(value, label) for value, label in PATHWAYS.items()],
        widget=GovRadioInput(),
        validators=[InputRequired("Select the kind of course or training you are interested in")],
    )
    postcode = StringField(
        "Home postcode",
        description="We use this only to work out how far placements are from home. Employers never see it",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your home postcode")],
    )
    max_travel_km = WholeKilometres(
        "How far can you travel to a placement, in kilometres?",
        description="From 1 to 80 kilometres. 10 kilometres is about 6 miles",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter how far you can travel, in kilometres"),
            NumberRange(1, 80, "Maximum travel distance must be between 1 and 80 kilometres"),
        ],
    )
    available_from = GovDate(
        "Available from (optional)",
        called="Available from",
        description="For example, 27 3 2027",
        validators=[_no_process_errors_then_optional],
    )
    available_until = GovDate(
        "Available until (optional)",
        called="Available until",
        description="For example, 31 7 2027",
        validators=[_no_process_errors_then_optional],
    )
    submit = SubmitField("Save your interests", widget=GovSubmitInput())

    def validate_postcode(self, field: Field) -> None:
        """Shape first, then whether the postcode exists; store it written the Royal Mail way."""
        try:
            field.data = clean_postcode(field.data or "")
        except InvalidPostcodeError as problem:
            raise ValidationError(str(problem)) from None

    def validate_available_until(self, field: Field) -> None:
        """The end of availability cannot come before its start."""
        start = self.available_from.data
        if field.data and start and field.data < start:
            raise ValidationError("Available until must be the same as or after available from")

    def fill_from(self, student: Any) -> None:
        """Show the student's saved interests (on GET only)."""
        self.routes.data = [route for route in student.routes or [] if route in ROUTES]
        self.statement.data = student.statement
        self.pathway_interest.data = student.pathway_interest
        self.postcode.data = student.postcode or ""
        self.max_travel_km.data = round(student.max_travel_km) if student.max_travel_km else None
        self.available_from.data = student.available_from
        self.available_until.data = student.available_until

    def values(self) -> dict[str, Any]:
        """The validated values, by Student column."""
        return {
            "routes": list(self.routes.data or []),
            "statement": (self.statement.data or "").strip(),
            "pathway_interest": self.pathway_interest.data,
            "postcode": self.postcode.data,
            "max_travel_km": float(self.max_travel_km.data or 0),
            "available_from": self.available_from.data,
            "available_until": self.available_until.data,
        }
