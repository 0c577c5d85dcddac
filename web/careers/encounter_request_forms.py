"""The careers leader's encounter request: what the school needs, for whom, how many, where and when."""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import ValidationError

from matcher.people import PATHWAYS, ROUTES
from web.employers.encounter_offer_forms import MAX_GROUP, MOST_DAYS_AHEAD
from web.employers.forms import YEAR_GROUPS
from web.fields import ChoiceField, ChoicesField, DateField, Form, TextField, WholeNumberField
from web.models.encounters import ALL_FORMATS

ANY_ROUTE = "any"
# Where, in the school's words (an offer's say "our workplace").
WHERE = {
    "school": "At our school",
    "workplace": "At the organisation's workplace or campus",
    "online": "Online",
}
# Where, in words for anyone's list.
PLACES = {**WHERE, "school": "At the school"}
_COLUMNS = (
    "format",
    "route",
    "pathway",
    "year_groups",
    "audience",
    "location",
    "wanted_from",
    "wanted_until",
    "note",
)


class EncounterRequestForm(Form):
    """One short form; an organisation sees the answers, and nothing about any pupil but their number."""

    format = ChoiceField("What kind of encounter do you need?", ALL_FORMATS, "Select the kind of encounter")
    route = ChoiceField(
        "Occupational route",
        {ANY_ROUTE: "Any route", **ROUTES},
        "Select an occupational route, or any route",
        widget=GovSelect(),
    )
    pathway = ChoiceField("Which pathway should it show?", PATHWAYS, "Select which pathway it should show")
    year_groups = ChoicesField(
        "Which year groups is it for?",
        {year: f"Year {year}" for year in YEAR_GROUPS},
        "Select year groups from the list",
        required="Select at least one year group",
        coerce=int,
    )
    audience = WholeNumberField(
        "How many pupils will there be?",
        called="Number of pupils",
        required="Enter how many pupils there will be",
        minimum=1,
        maximum=MAX_GROUP,
        example=200,
        unit="pupils",
    )
    location = ChoiceField("Where should it take place?", WHERE, "Select where it should take place")
    wanted_from = DateField(
        "From",
        called="The first date",
        required="Enter the first date it could be",
        description="For example, 9 3 2027",
    )
    wanted_until = DateField(
        "To",
        called="The last date",
        required="Enter the last date it could be",
        description="For example, 13 3 2027",
    )
    note = TextField(
        "When in those dates, and anything else the organisation should know (optional)",
        called="When in those dates",
        max_length=200,
        description="For example, the week of 9 March, an assembly slot at 9:00",
    )
    submit = SubmitField("Post request", widget=GovSubmitInput())

    def validate_location(self, field: ChoiceField) -> None:
        """An online talk is online."""
        if self.format.data == "online_talk" and field.data != "online":
            raise ValidationError("Select online, as an online talk takes place online")

    def validate_wanted_from(self, field: DateField) -> None:
        """Not already past."""
        if field.data < date.today():
            raise ValidationError("The first date must be today or in the future")

    def validate_wanted_until(self, field: DateField) -> None:
        """Not before the first date, nor years away."""
        start = self.wanted_from.data
        if isinstance(start, date) and field.data < start:
            raise ValidationError("The last date must be the same as or after the first date")
        if (field.data - date.today()).days > MOST_DAYS_AHEAD:
            raise ValidationError("The last date must be within 2 years of today")

    def fields_to_save(self) -> dict[str, Any]:
        """The form's answers as EncounterRequest columns."""
        fields = {name: getattr(self, name).data for name in _COLUMNS}
        fields["route"] = None if fields["route"] == ANY_ROUTE else fields["route"]
        fields["year_groups"] = sorted(fields["year_groups"] or [])
        fields["note"] = fields["note"] or ""
        return fields
