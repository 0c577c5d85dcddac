"""The planner's forms: a target's milestones for each year of its span, and a hub's own entitlement."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import StopValidation

from web.fields import ChoiceField, Form, TextField, WholeNumberField
from web.planner.entitlements import FIRST_YEAR, HOURS, LAST_YEAR, MEASURES, Target

YEARS = {str(year): f"Year {year}" for year in range(FIRST_YEAR, LAST_YEAR + 1)}
MOST = {"hours": 1000, "count": 20}


def _unit(measure: str) -> str:
    return "hours" if measure in HOURS else "count"


def _milestone(year: int, target_label: str, unit: str, example: int, span: bool) -> WholeNumberField:
    by = "by the end of" if span else "in"
    return WholeNumberField(
        f"Year {year}",
        called=f"Year {year}",
        required=f"Enter what {target_label.lower()} should reach {by} Year {year}",
        minimum=0,
        maximum=MOST[unit],
        example=example,
        unit="hours" if unit == "hours" else "",
    )


def target_form(target: Target) -> Any:
    """The form changing one target: its name and, for each year of its span, its milestone."""
    unit = _unit(target.measure)
    years = range(target.first_year, target.last_year + 1)

    class TargetForm(Form):
        label = TextField("Name", called="Name", required="Enter the entitlement's name", max_length=120)
        submit = SubmitField("Save entitlement", widget=GovSubmitInput())

        def milestone_fields(self) -> list[Any]:
            return [self[f"year_{year}"] for year in years]

        def validate(self, extra_validators: Any = None) -> bool:
            valid = bool(super().validate(extra_validators))
            if valid and not target.every_year:
                fields = self.milestone_fields()
                for before, after in zip(fields, fields[1:], strict=False):
                    if after.data < before.data:
                        after.errors.append(
                            f"{after.label.text} must be at least {before.data}: milestones count from the "
                            f"start of Year {target.first_year}, so they cannot fall"
                        )
                        valid = False
            return valid

    for year in years:
        example = int(target.milestone(year))
        setattr(
            TargetForm, f"year_{year}", _milestone(year, target.label, unit, example, not target.every_year)
        )
    return TargetForm()


def _year_choice(label: str) -> ChoiceField:
    return ChoiceField(label, YEARS, f"Select the {label.lower()}", widget=GovSelect())


class NewTargetForm(Form):
    """A hub's own entitlement, with one amount reached evenly over its span (changed afterwards)."""

    label = TextField("Name", called="Name", required="Enter the entitlement's name", max_length=120)
    measure = ChoiceField("What it counts", MEASURES, "Select what it counts", widget=GovRadioInput())
    first_year = _year_choice("First year")
    last_year = _year_choice("Last year")
    every_year = ChoiceField(
        "Is it owed afresh every year?",
        {"yes": "Yes, every year of the span", "no": "No, once across the span"},
        "Select whether it is owed every year",
        widget=GovRadioInput(),
    )
    amount = WholeNumberField(
        "How much", called="How much", required="Enter how much is owed", minimum=1, maximum=1000, example=2
    )
    submit = SubmitField("Add entitlement", widget=GovSubmitInput())

    def validate_last_year(self, field: Any) -> None:
        first, last = self.first_year.data, field.data
        if first in YEARS and last in YEARS and int(last) < int(first):
            raise StopValidation("Last year must be the first year or later")

    def validate_amount(self, field: Any) -> None:
        if self.measure.data and _unit(self.measure.data) == "count" and field.data > MOST["count"]:
            raise StopValidation(f"How much must be between 1 and {MOST['count']} for encounters")
