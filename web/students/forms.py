"""The student's interests form, and the filters of their opportunities list."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from werkzeug.datastructures import MultiDict
from wtforms import SubmitField
from wtforms.validators import ValidationError

from matcher.people import KINDS, PATHWAYS, ROUTES
from web.dao.students import Filters
from web.fields import (
    ChoiceField,
    ChoicesField,
    DateField,
    Form,
    PostcodeField,
    TextAreaField,
    TextField,
    WholeNumberField,
)

PATHWAY_HINTS = {
    "technical": "Learning for a job through T Levels and apprenticeships, in college and with an employer",
    "academic": "Studying subjects in depth through A levels, then perhaps a degree at university",
    "both": "You have not decided yet, or you want to find out about both. Both lead to good careers",
}


class InterestsForm(Form):
    """Routes, statement, pathway, home postcode, travel distance and availability."""

    routes = ChoicesField(
        "Which areas of work are you interested in?",
        ROUTES,
        "Select routes from the list",
        description="Select all that apply. You can change these later",
    )
    statement = TextAreaField(
        "What would you like to do or find out?",
        called="What you would like to do or find out",
        max_length=1000,
        description="For example, the jobs you want to try or the questions you want to ask",
    )
    pathway_interest = ChoiceField(
        "What kind of course or training after school are you interested in?",
        PATHWAYS,
        "Select the kind of course or training you are interested in",
    )
    postcode = PostcodeField(
        "Home postcode",
        required="Enter your home postcode",
        description="We use this only to work out how far placements are from home. Employers never see it",
    )
    max_travel_km = WholeNumberField(
        "How far can you travel to a placement, in kilometres?",
        called="Maximum travel distance",
        required="Enter how far you can travel, in kilometres",
        minimum=1,
        maximum=80,
        example=10,
        unit="kilometres",
        symbol="km",
        description="From 1 to 80 kilometres. 10 kilometres is about 6 miles",
    )
    available_from = DateField(
        "Available from (optional)", called="Available from", description="For example, 27 3 2027"
    )
    available_until = DateField(
        "Available until (optional)", called="Available until", description="For example, 31 7 2027"
    )
    submit = SubmitField("Save your interests", widget=GovSubmitInput())

    def validate_available_until(self, field: DateField) -> None:
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
            "statement": self.statement.data or "",
            "pathway_interest": self.pathway_interest.data,
            "postcode": self.postcode.data,
            "max_travel_km": float(self.max_travel_km.data or 0),
            "available_from": self.available_from.data,
            "available_until": self.available_until.data,
        }


ANY = ""
DISTANCES = {ANY: "Any distance", **{str(km): f"Up to {km} km" for km in (2, 5, 10, 20)}}


class OpportunityFilterForm(Form):
    """What the student narrows the opportunities list to; sent by GET, so it needs no CSRF token. A value
    that is not one on the list gets a message naming the filter, and that filter is left off."""

    class Meta(Form.Meta):
        csrf = False

    search = TextField("Search", max_length=100, description="For example, a job, a subject or an employer")
    kind = ChoiceField(
        "Kind", {ANY: "Any kind", **KINDS}, "Select a kind of opportunity from the list", widget=GovSelect()
    )
    route = ChoiceField(
        "Area of work",
        {ANY: "Any area of work", **ROUTES},
        "Select an area of work from the list",
        widget=GovSelect(),
    )
    distance = ChoiceField(
        "Distance from home", DISTANCES, "Select a distance from the list", widget=GovSelect()
    )
    starts_from = DateField("Starting on or after", description="For example, 1 2 2027")
    starts_until = DateField("Starting on or before", description="For example, 31 3 2027")

    def __init__(self, args: MultiDict[str, str], **kwargs: Any) -> None:
        # Anything not sent is "any", so a bare link lists everything.
        sent = MultiDict(args)
        for name in ("kind", "route", "distance"):
            sent.setdefault(name, ANY)
        super().__init__(formdata=sent, **kwargs)
        for name in ("kind", "route", "distance"):
            self[name].values.add(ANY)

    def validate_starts_until(self, field: DateField) -> None:
        """The latest first day cannot come before the earliest."""
        start = self.starts_from.data
        if field.data and start and field.data < start:
            raise ValidationError("Starting on or before must be the same as or after starting on or after")

    def filters(self) -> Filters:
        """The filters to apply: each one with an error is left off."""

        def chosen(name: str) -> Any:
            return None if self[name].errors else self[name].data or None

        distance = chosen("distance")
        return Filters(
            kind=chosen("kind"),
            route=chosen("route"),
            within_km=int(distance) if distance else None,
            starts_from=chosen("starts_from"),
            starts_until=chosen("starts_until"),
            search=chosen("search") or "",
        )

    def args(self) -> dict[str, Any]:
        """The query string that asks for the same filters again (for the pages' links)."""
        values: dict[str, Any] = {}
        for name in ("search", "kind", "route", "distance"):
            if self[name].data and not self[name].errors:
                values[name] = self[name].data
        for name in ("starts_from", "starts_until"):
            day = self[name].data
            if day and not self[name].errors:
                values[name] = [str(day.day), str(day.month), str(day.year)]
        return values
