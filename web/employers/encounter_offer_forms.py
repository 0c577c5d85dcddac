"""The encounter offer form: what an organisation will give schools, for whom, where, when and how often."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from matcher.people import PATHWAYS, ROUTES
from web.employers.forms import YEAR_GROUPS
from web.fields import (
    ChoiceField,
    ChoicesField,
    DateField,
    DecimalField,
    Form,
    TextField,
    WholeNumberField,
)
from web.models import EncounterOffer
from web.models.encounters import FORMATS, LOCATIONS, PROVIDER_FORMATS

MAX_GROUP = 500  # a whole year group in an assembly
MAX_SESSIONS = 52  # one a week for a year
MAX_TRAVEL_KM = 200
MAX_PER_TERM = 50
MAX_DAYS = 10  # two working weeks: a project or a run of workplace days
MOST_HOURS_A_DAY = 12
MAX_STAFF = 10
WHOLE_GROUP = {
    "yes": "Yes, a whole class or tutor group comes together, with its staff",
    "no": "No, pupils can come from different classes",
}
# Schools plan a year or so ahead: further than this is more often a mistyped year than a plan.
MOST_DAYS_AHEAD = 2 * 366
TRAVEL_REQUIRED = "Enter how far you will travel, in km"
_COLUMNS = (
    "format",
    "sessions",
    "route",
    "pathway",
    "year_groups",
    "group_min",
    "group_max",
    "hours",
    "days",
    "whole_group",
    "staff_places",
    "location",
    "travel_km",
    "available_from",
    "available_until",
    "availability_note",
    "per_term",
)


class EncounterOfferForm(Form):
    """One short form: the format, who it suits, the group, where, when and how many a term."""

    format = ChoiceField("What will you offer?", FORMATS, "Select what you will offer")
    sessions = WholeNumberField(
        "How many sessions does the programme have?",
        called="Number of sessions",
        required="Enter how many sessions the programme has",
        only_when=("format", "mentoring_programme"),
        minimum=1,
        maximum=MAX_SESSIONS,
        example=6,
    )
    route = ChoiceField(
        "Occupational route",
        {"": "Choose a route", **ROUTES},
        "Select an occupational route",
        widget=GovSelect(),
    )
    pathway = ChoiceField("Which pathway does it suit?", PATHWAYS, "Select which pathway it suits")
    year_groups = ChoicesField(
        "Which year groups is it for?",
        {year: f"Year {year}" for year in YEAR_GROUPS},
        "Select year groups from the list",
        required="Select at least one year group",
        coerce=int,
    )
    group_min = WholeNumberField(
        "Smallest group",
        required="Enter the smallest group you will take",
        minimum=1,
        maximum=MAX_GROUP,
        example=10,
        unit="pupils",
    )
    group_max = WholeNumberField(
        "Largest group",
        required="Enter the largest group you will take",
        minimum=1,
        maximum=MAX_GROUP,
        example=30,
        unit="pupils",
    )
    whole_group = ChoiceField(
        "Does it take a whole class or tutor group together?",
        WHOLE_GROUP,
        "Select whether it takes a whole class or tutor group together",
    )
    staff_places = WholeNumberField(
        "How many school staff can come with the group?",
        called="Number of staff",
        required="Enter how many school staff can come with the group",
        only_when=("whole_group", "yes"),
        minimum=1,
        maximum=MAX_STAFF,
        example=2,
        unit="staff",
    )
    days = WholeNumberField(
        "How many days does it run?",
        called="Number of days",
        required="Enter how many days it runs",
        minimum=1,
        maximum=MAX_DAYS,
        example=3,
        unit="days",
        default=1,
        description="For example, 1 for a two-hour tour, or 3 for a three-day project",
    )
    hours = DecimalField(
        "How long is it in all, in hours?",
        called="Length",
        required="Enter how long it is in all, in hours",
        places=1,
        minimum=Decimal("0.5"),
        maximum=Decimal(MOST_HOURS_A_DAY * MAX_DAYS),
        example="1 or 1.5",
        range_message=f"Length must be from 0.5 to {MOST_HOURS_A_DAY} hours a day",
        description="Over all its days. For a mentoring programme, each session",
    )
    location = ChoiceField("Where will it take place?", LOCATIONS, "Select where it will take place")
    travel_km = WholeNumberField(
        "How far will you travel, in km?",
        called="How far you will travel",
        minimum=0,
        maximum=MAX_TRAVEL_KM,
        example=15,
        unit="km",
        symbol="km",
        description="From your postcode. For a visit to your workplace or campus, how far away the school "
        "can be. Not needed for online encounters",
    )
    available_from = DateField(
        "Available from", required="Enter the first date you can do it", description="For example, 5 1 2027"
    )
    available_until = DateField(
        "Available until", required="Enter the last date you can do it", description="For example, 26 3 2027"
    )
    availability_note = TextField(
        "When in those dates can you do it? (optional)",
        called="When you can do it",
        max_length=200,
        description="For example, any Tuesday in spring term, or mornings only",
    )
    per_term = WholeNumberField(
        "How many can you do a term?",
        called="How many a term",
        required="Enter how many you can do a term",
        minimum=1,
        maximum=MAX_PER_TERM,
        example=2,
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(
        self, *args: Any, provider: bool, offer: EncounterOffer | None = None, **kwargs: Any
    ) -> None:
        """The form for a new offer, or for changing `offer`; providers may also offer provider formats."""
        super().__init__(*args, **kwargs)
        self.offer = offer
        if provider:
            choices = {**FORMATS, **PROVIDER_FORMATS}
            self.format.choices = [SelectChoice(value, label) for value, label in choices.items()]
            self.format.values = set(choices)

    def validate_group_max(self, field: WholeNumberField) -> None:
        """At least the smallest group."""
        smallest = self.group_min.data
        if isinstance(smallest, int) and not self.group_min.errors and field.data < smallest:
            raise ValidationError("Largest group must be the same as or more than the smallest group")

    def validate_days(self, field: WholeNumberField) -> None:
        """A project runs over several days."""
        if self.format.data == "workplace_project" and field.data < 2:
            raise ValidationError("Enter 2 or more days, as a project runs over several days")

    def validate_hours(self, field: DecimalField) -> None:
        """No more than 12 hours a day, over however many days it runs."""
        days = self.days.data
        if not isinstance(days, int) or self.days.errors or not 1 <= days <= MAX_DAYS:
            return
        if field.data > MOST_HOURS_A_DAY * days:
            most = MOST_HOURS_A_DAY * days
            over = "in one day" if days == 1 else f"over {days} days"
            raise ValidationError(f"Length must be {most} hours or fewer {over}")

    def validate_location(self, field: ChoiceField) -> None:
        """An online talk is online."""
        if self.format.data == "online_talk" and field.data != "online":
            raise ValidationError("Select online, as an online talk takes place online")

    def validate_available_until(self, field: DateField) -> None:
        """Not before the first date, not already past, not years away."""
        start = self.available_from.data
        if isinstance(start, date) and field.data < start:
            raise ValidationError("Available until must be the same as or after the available from date")
        unchanged = self.offer is not None and field.data == self.offer.available_until
        if field.data < date.today() and not unchanged:
            raise ValidationError("Available until must be today or in the future")
        if (field.data - date.today()).days > MOST_DAYS_AHEAD:
            raise ValidationError("Available until must be within 2 years of today")

    def validate(self, extra_validators: Any = None) -> bool:
        """Every field's own checks, then the travel distance wherever it is not online."""
        super().validate(extra_validators)
        if self.location.data == "online":
            self.travel_km.errors = []  # not asked of an online encounter, whatever was typed
        elif self.location.data in LOCATIONS and self.travel_km.data is None and not self.travel_km.errors:
            self.travel_km.errors = [TRAVEL_REQUIRED]
        return not any(field.errors for field in self)

    def fields_to_save(self) -> dict[str, Any]:
        """The form's answers as EncounterOffer columns."""
        fields = {name: getattr(self, name).data for name in _COLUMNS}
        fields["year_groups"] = sorted(fields["year_groups"] or [])
        fields["availability_note"] = fields["availability_note"] or ""
        if fields["format"] != "mentoring_programme":
            fields["sessions"] = None
        if fields["location"] == "online":
            fields["travel_km"] = None
        fields["whole_group"] = fields["whole_group"] == "yes"
        # Staff come with a whole class; pupils from different classes come with none of their own.
        fields["staff_places"] = fields["staff_places"] if fields["whole_group"] else 0
        return fields

    def fill_from(self, offer: EncounterOffer) -> None:
        """Show an existing offer's answers (on first display of the edit page)."""
        for name in _COLUMNS:
            getattr(self, name).data = getattr(offer, name)
        self.whole_group.data = "yes" if offer.whole_group else "no"
        self.staff_places.data = offer.staff_places or None
