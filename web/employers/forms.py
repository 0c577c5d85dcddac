"""The opportunity form, and the postcode check it needs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    DateField,
    DecimalField,
    Field,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from matcher.people import KINDS, PATHWAYS, ROUTES
from web.postcodes import InvalidPostcodeError, clean_postcode

YEAR_GROUPS = tuple(range(7, 14))
MAX_CAPACITY = 500
MAX_HOURS_PER_DAY = Decimal("8")  # the under-16 limit, and 16-17s may not do more either


class Chosen:
    """At least one box ticked; a value that is not on the list keeps its own message."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data:
            return
        raise StopValidation(None if field.errors else self.message)


class Answered:
    """Something typed in at least one of the field's boxes (whitespace is not an answer)."""

    field_flags = {"required": True}

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if any(str(part).strip() for part in field.raw_data or []):
            return
        field.errors[:] = []
        raise StopValidation(self.message)


def _choices(labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class WholeNumberField(IntegerField):
    """A whole number; empty means None, so "Enter ..." rather than "not a number" is the message."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and not str(valuelist[0]).strip():
            self.data = None
            return
        super().process_formdata([str(valuelist[0]).strip()] if valuelist else valuelist)


class HoursField(DecimalField):
    """A finite number with at most one decimal place (the column keeps one)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = str(valuelist[0]).strip() if valuelist else ""
        if not text:
            self.data = None
            return
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value != value.quantize(Decimal("0.1")):
            self.data = None
            raise ValueError(self.invalid_value_message)
        self.data = value


class GovDateField(DateField):
    """Day, month and year boxes; all empty means None, anything else must make a real date."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        parts = [str(part).strip() for part in valuelist]
        # The widget shows back exactly three boxes, whatever was posted.
        self.raw_data = (parts + ["", "", ""])[:3]
        if not any(parts):
            self.data = None
            return
        if len(parts) != 3:
            self.data = None
            raise ValueError(self.invalid_value_message)
        super().process_formdata(parts)


def capacity_below_taken(places_taken: int) -> str:
    """The message for a capacity cut below the places already taken."""
    places = "place is" if places_taken == 1 else "places are"
    return f"Capacity cannot be less than {places_taken}, as {places_taken} {places} already taken"


class OpportunityForm(FlaskForm):
    """What, where, when and for whom: everything a matching round needs to know about an opportunity."""

    kind = RadioField(
        "What kind of opportunity is it?",
        choices=_choices(KINDS),
        widget=GovRadioInput(),
        invalid_choice_message="Select what kind of opportunity it is",
    )
    title = StringField(
        "Title",
        widget=GovTextInput(),
        filters=[_stripped],
        validators=[
            DataRequired("Enter a title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "Description",
        description="What will students do, and who will they meet?",
        widget=GovTextArea(),
        filters=[_stripped],
        validators=[
            DataRequired("Enter a description"),
            Length(max=5000, message="Description must be 5000 characters or fewer"),
        ],
    )
    route = SelectField(
        "Occupational route",
        choices=_choices({"": "Choose a route", **ROUTES}),
        widget=GovSelect(),
        invalid_choice_message="Select an occupational route",
        validators=[InputRequired("Select an occupational route")],
    )
    pathway = RadioField(
        "Which pathway does it suit?",
        choices=_choices(PATHWAYS),
        widget=GovRadioInput(),
        invalid_choice_message="Select which pathway it suits",
    )
    location = RadioField(
        "Where will it take place?",
        choices=_choices({"workplace": "At a workplace", "remote": "Remotely (online)"}),
        widget=GovRadioInput(),
        invalid_choice_message="Select where it will take place",
    )
    postcode = StringField("Postcode of the workplace", widget=GovTextInput())
    capacity = WholeNumberField(
        "How many students can take part?",
        widget=GovTextInput(),
        invalid_value_message="Capacity must be a whole number, like 4",
        validators=[
            Answered("Enter how many students can take part"),
            NumberRange(0, MAX_CAPACITY, f"Capacity must be between 0 and {MAX_CAPACITY}"),
        ],
    )
    max_per_school = WholeNumberField(
        "Most students from any one school (optional)",
        description="Leave empty for no limit",
        widget=GovTextInput(),
        invalid_value_message="Most students from one school must be a whole number, like 2",
        validators=[
            Optional(),
            NumberRange(1, MAX_CAPACITY, f"Most students from one school must be 1 to {MAX_CAPACITY}"),
        ],
    )
    start_date = GovDateField(
        "Start date",
        description="For example, 27 3 2027",
        format="%d %m %Y",
        widget=GovDateInput(),
        invalid_value_message="Start date must be a real date",
        validators=[Answered("Enter a start date")],
    )
    end_date = GovDateField(
        "End date",
        description="The last day. For a single day, enter the start date again",
        format="%d %m %Y",
        widget=GovDateInput(),
        invalid_value_message="End date must be a real date",
        validators=[Answered("Enter an end date")],
    )
    hours_per_day = HoursField(
        "Hours a day",
        description="Students under 16 may work at most 8 hours a day",
        places=1,
        widget=GovTextInput(),
        invalid_value_message="Hours a day must be a number, like 7 or 6.5",
        validators=[
            Answered("Enter the hours a day"),
            NumberRange(
                Decimal("0.5"), MAX_HOURS_PER_DAY, "Hours a day must be from 0.5 to 8 (the under-16 limit)"
            ),
        ],
    )
    year_groups = SelectMultipleField(
        "Which year groups can take part?",
        choices=[SelectChoice(year, f"Year {year}") for year in YEAR_GROUPS],
        coerce=int,
        widget=GovCheckboxesInput(),
        invalid_choice_message="Select year groups from the list",
        invalid_value_message="Select year groups from the list",
        validators=[Chosen("Select at least one year group")],
    )
    min_age = WholeNumberField(
        "Minimum age",
        widget=GovTextInput(),
        invalid_value_message="Minimum age must be a whole number, like 14",
        validators=[
            Answered("Enter the minimum age"),
            NumberRange(14, 19, "Minimum age must be between 14 and 19"),
        ],
    )
    accessibility_notes = TextAreaField(
        "Accessibility (optional)",
        description="For example, step-free access, quiet space, adjustments you can make",
        widget=GovTextArea(),
        filters=[_stripped],
        validators=[Length(max=2000, message="Accessibility must be 2000 characters or fewer")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(
        self,
        *args: Any,
        new: bool = True,
        original_start: date | None = None,
        places_taken: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.new = new
        self.original_start = original_start
        self.places_taken = places_taken

    def validate_capacity(self, field: Field) -> None:
        """Never fewer places than students already holding one."""
        if field.data is not None and field.data < self.places_taken:
            raise ValidationError(capacity_below_taken(self.places_taken))

    def validate_postcode(self, field: Field) -> None:
        """Required at a workplace; stored the Royal Mail way."""
        if self.location.data != "workplace":
            field.data = None
            return
        if not (field.data or "").strip():
            raise ValidationError("Enter the postcode of the workplace")
        try:
            field.data = clean_postcode(field.data)
        except InvalidPostcodeError as error:
            raise ValidationError(str(error)) from None

    def validate_max_per_school(self, field: Field) -> None:
        """No more than the whole capacity from one school."""
        if field.data is not None and self.capacity.data is not None and field.data > self.capacity.data:
            raise ValidationError("Most students from one school cannot be more than the capacity")

    def validate_start_date(self, field: Field) -> None:
        """A new (or moved) start must be in the future."""
        if field.data is None:
            return
        moved = self.new or field.data != self.original_start
        if moved and field.data <= date.today():
            raise ValidationError("Start date must be in the future")

    def validate_end_date(self, field: Field) -> None:
        """The last day is not before the first."""
        if field.data is not None and self.start_date.data is not None and field.data < self.start_date.data:
            raise ValidationError("End date must be the same as or after the start date")

    def fields_to_save(self) -> dict[str, Any]:
        """The form's answers as Opportunity columns."""
        return {
            "kind": self.kind.data,
            "title": self.title.data,
            "description": self.description.data,
            "route": self.route.data,
            "pathway": self.pathway.data,
            "remote": self.location.data == "remote",
            "postcode": self.postcode.data if self.location.data == "workplace" else None,
            "capacity": self.capacity.data,
            "max_per_school": self.max_per_school.data,
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "hours_per_day": self.hours_per_day.data,
            "year_groups": sorted(self.year_groups.data or []),
            "min_age": self.min_age.data,
            "accessibility_notes": self.accessibility_notes.data or "",
        }

    def fill_from(self, opportunity: Any) -> None:
        """Show an existing opportunity's answers (on first display of the edit page)."""
        for name, value in {
            **{column: getattr(opportunity, column) for column in _COLUMNS},
            "location": "remote" if opportunity.remote else "workplace",
        }.items():
            getattr(self, name).data = value


_COLUMNS = (
    "kind",
    "title",
    "description",
    "route",
    "pathway",
    "postcode",
    "capacity",
    "max_per_school",
    "start_date",
    "end_date",
    "hours_per_day",
    "year_groups",
    "min_age",
    "accessibility_notes",
)


class ConfirmForm(FlaskForm):
    """A button that posts, with its CSRF token."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
