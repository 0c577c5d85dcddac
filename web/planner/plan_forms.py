"""The hub's forms for term plans: which term to plan, with the seed that makes it reproducible; and the
day, times and place a kept plan's session is given, when it becomes an event."""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import ValidationError

from web.dates import long_date
from web.fields import ChoiceField, DateField, Form, TextField, TimeField, WholeNumberField
from web.planner.terms import coming_terms, term_label


def plan_form(today: date) -> Form:
    """Which of this term and the next two to plan, and the seed (the same one gives the same plan)."""
    terms = {f"{year}-{term}": term_label(year, term) for year, term in coming_terms(today)}

    class PlanForm(Form):
        term = ChoiceField("Which term?", terms, "Select a term to plan", widget=GovRadioInput())
        seed = WholeNumberField(
            "Seed",
            called="Seed",
            required="Enter a seed, such as 0",
            minimum=0,
            maximum=999_999,
            example=0,
            description="The same seed plans the same again; another breaks ties another way, for a what-if",
        )
        submit = SubmitField("Plan the term", widget=GovSubmitInput())

        def chosen(self) -> tuple[int, int]:
            year, term = str(self.term.data).split("-")
            return int(year), int(term)

    return PlanForm()


class ScheduleForm(Form):
    """The day a plan's session starts, its times each day and where: it becomes an event."""

    first_day = DateField("First day", called="The first day", required="Enter the first day")
    starts = TimeField("Starts at", called="The start time", required="Enter the start time, like 09:00")
    ends = TimeField("Ends at", called="The end time", required="Enter the end time, like 15:00")
    venue = TextField("Where is it?", required="Enter where it is", max_length=200)
    submit = SubmitField("Give it this day and invite the pupils", widget=GovSubmitInput())

    def __init__(self, earliest: date, latest: date, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.earliest, self.latest = earliest, latest

    def validate_first_day(self, field: DateField) -> None:
        if not self.earliest <= field.data <= self.latest:
            raise ValidationError(
                f"The first day must be between {long_date(self.earliest)} and {long_date(self.latest)}:"
                " in the plan's term, when the organisation said they can, and not in the past"
            )
        if field.data.weekday() >= 5:
            raise ValidationError("The first day must be a weekday")

    def validate_ends(self, field: TimeField) -> None:
        if self.starts.data is not None and field.data <= self.starts.data:
            raise ValidationError("The end time must be after the start time")
