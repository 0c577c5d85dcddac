"""The hub's event form (what, for whom, when, where) and its slot form (who runs it, when, how many)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import ValidationError

from matcher.people import PATHWAYS, ROUTES
from web.careers.encounter_request_forms import ANY_ROUTE
from web.employers.encounter_offer_forms import MOST_DAYS_AHEAD
from web.employers.forms import YEAR_GROUPS
from web.fields import ChoiceField, ChoicesField, DateField, Form, TextField, TimeField, WholeNumberField
from web.models.encounters import ALL_FORMATS

NOBODY = "none"
MOST_SLOTS_A_DAY = 48  # back-to-back slots added at once: every quarter hour of a long day
MOST_SEATS = 500


class EventForm(Form):
    """An event for some of the hub's schools; its slots are added on its page."""

    title = TextField("Event name", required="Enter the event's name", max_length=200)
    format = ChoiceField("What kind of event is it?", ALL_FORMATS, "Select the kind of event")
    route = ChoiceField(
        "Occupational route",
        {ANY_ROUTE: "Every route (a careers fair)", **ROUTES},
        "Select an occupational route, or every route",
        widget=GovSelect(),
    )
    pathway = ChoiceField("Which pathway does it show?", PATHWAYS, "Select which pathway it shows")
    held_on = DateField(
        "Date", called="The date", required="Enter the date of the event", description="For example, 9 3 2027"
    )
    venue = TextField("Where is it?", required="Enter where the event is", max_length=200)
    year_groups = ChoicesField(
        "Which year groups is it for?",
        {year: f"Year {year}" for year in YEAR_GROUPS},
        "Select year groups from the list",
        required="Select at least one year group",
        coerce=int,
    )
    max_slots = WholeNumberField(
        "How many slots may each pupil have?",
        called="Slots for each pupil",
        required="Enter how many slots each pupil may have",
        description="1 for a mock-interview day; at a fair, one a period, so the number of periods",
        minimum=1,
        maximum=12,
        example=3,
        unit="slots",
    )
    schools = ChoicesField(
        "Which schools take part?",
        {},
        "Select schools from the list",
        required="Select at least one school",
        coerce=int,
    )
    submit = SubmitField("Save event", widget=GovSubmitInput())

    def __init__(self, schools: dict[int, str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schools.choices = list(schools.items())
        self.schools.values = set(schools)

    def validate_held_on(self, field: DateField) -> None:
        if field.data < date.today():
            raise ValidationError("The date must be today or in the future")
        if field.data > date.today() + timedelta(days=MOST_DAYS_AHEAD):
            raise ValidationError("The date must be within 2 years of today")

    def fields_to_save(self) -> dict[str, Any]:
        """The answers as EncounterEvent columns (the schools apart)."""
        names = ("title", "format", "route", "pathway", "held_on", "venue", "year_groups", "max_slots")
        fields = {name: getattr(self, name).data for name in names}
        fields["route"] = None if fields["route"] == ANY_ROUTE else fields["route"]
        fields["year_groups"] = sorted(fields["year_groups"])
        return fields


class SlotForm(Form):
    """One slot, or several back to back (an interviewer's morning of 20-minute interviews)."""

    label = TextField(
        "Stand, interviewer or group",
        required="Enter what the slot is, like the stand's or interviewer's name",
        max_length=200,
    )
    employer = ChoiceField("Who runs it?", {}, "Select who runs it, or nobody", widget=GovSelect())
    starts = TimeField("Starts at", called="The start time", required="Enter the start time, like 09:00")
    minutes = WholeNumberField(
        "How long is each slot?",
        called="The length",
        required="Enter how many minutes each slot lasts",
        minimum=5,
        maximum=8 * 60,
        example=30,
        unit="minutes",
    )
    repeat = WholeNumberField(
        "How many slots back to back?",
        called="The number of slots",
        required="Enter how many slots, 1 for one",
        minimum=1,
        maximum=MOST_SLOTS_A_DAY,
        example=1,
        unit="slots",
    )
    capacity = WholeNumberField(
        "Pupils in each slot",
        called="Pupils in each slot",
        required="Enter how many pupils each slot takes",
        minimum=1,
        maximum=MOST_SEATS,
        example=30,
        unit="pupils",
    )
    submit = SubmitField("Add slots", widget=GovSubmitInput())

    def __init__(self, employers: dict[int, str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            NOBODY: "Nobody: the hub or the school runs it",
            **{str(k): v for k, v in employers.items()},
        }
        self.employer.choices = list(labels.items())
        self.employer.values = set(labels)

    def validate_repeat(self, field: WholeNumberField) -> None:
        if self.starts.data is None or self.minutes.data is None or field.data is None:
            return
        start = self.starts.data.hour * 60 + self.starts.data.minute
        if start + self.minutes.data * field.data > 24 * 60:
            raise ValidationError("The slots must all end by midnight: fewer slots, or shorter ones")

    def slots(self, day: date) -> list[dict[str, Any]]:
        """The slots' columns on the event's day."""
        first = datetime.combine(day, self.starts.data)
        length = timedelta(minutes=self.minutes.data)
        employer = None if self.employer.data == NOBODY else int(self.employer.data)
        return [
            {
                "label": self.label.data,
                "employer_id": employer,
                "starts_at": first + n * length,
                "ends_at": first + (n + 1) * length,
                "capacity": self.capacity.data,
            }
            for n in range(self.repeat.data)
        ]


class PlacesForm(Form):
    """Tick proposed places, then approve them or turn them down."""

    places = ChoicesField(
        "Places", {}, "Select places from the list", required="Select at least one place", coerce=int
    )
    approve = SubmitField("Approve and invite", widget=GovSubmitInput())
    reject = SubmitField("Turn down", widget=GovSubmitInput())

    def __init__(self, place_ids: list[int], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.places.choices = [(place_id, str(place_id)) for place_id in place_ids]
        self.places.values = set(place_ids)
