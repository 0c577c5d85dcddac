"""The reports' filter (academic year, year group, school name) and the form naming a new API key."""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from werkzeug.datastructures import MultiDict
from wtforms import fields as wtf
from wtforms.fields.choices import SelectChoice

from web.dao.reports import FIRST_YEAR_GROUP, LAST_YEAR_GROUP
from web.dates import academic_year_of
from web.fields import ChoiceField, Form, TextField

YEARS_SHOWN = 6  # the current academic year and the five before it
ALL_YEAR_GROUPS = "all"
YEAR_GROUPS = {
    ALL_YEAR_GROUPS: "All year groups",
    **{str(year): f"Year {year}" for year in range(FIRST_YEAR_GROUP, LAST_YEAR_GROUP + 1)},
}


def academic_year_words(year: int) -> str:
    """2026 -> "2026 to 2027", as GOV.UK writes an academic year."""
    return f"{year} to {year + 1}"


def academic_years(today: date) -> dict[str, str]:
    """The academic years a report can show, newest first."""
    current = academic_year_of(today)
    return {str(year): academic_year_words(year) for year in range(current, current - YEARS_SHOWN, -1)}


class FilterForm(Form):
    """Which figures to show; sent by GET, so it needs no CSRF token."""

    class Meta(Form.Meta):
        csrf = False

    year = ChoiceField("Academic year", {}, "Select an academic year from the list", widget=GovSelect())
    year_group = ChoiceField(
        "Year group", YEAR_GROUPS, "Select a year group from the list", widget=GovSelect()
    )
    name = TextField("School name contains", max_length=100, called="School name")

    def __init__(self, args: MultiDict[str, str], today: date, **kwargs: Any) -> None:
        years = academic_years(today)
        self.default_year = int(next(iter(years)))
        # Anything not sent is the default, so a bare link shows this year's figures for everyone.
        sent = {"year": str(self.default_year), "year_group": ALL_YEAR_GROUPS, "name": ""}
        sent.update({key: args[key] for key in sent if key in args})
        super().__init__(formdata=MultiDict(sent), **kwargs)
        self.year.choices = [SelectChoice(value, label) for value, label in years.items()]
        self.year.values = set(years)

    @property
    def chosen_year(self) -> int:
        """The academic year asked for, or this one if the answer was not one on the list."""
        return int(self.year.data) if not self.year.errors else self.default_year

    @property
    def chosen_year_group(self) -> int | None:
        """The year group asked for; None for every year group (or an answer not on the list)."""
        value = self.year_group.data
        return None if self.year_group.errors or value == ALL_YEAR_GROUPS else int(value)

    @property
    def chosen_name(self) -> str:
        """The school name filter, or "" if none (or one too long)."""
        return "" if self.name.errors else self.name.data or ""


class ApiKeyForm(Form):
    """Name a new key to the hub's reports API."""

    name = TextField(
        "Name of the key",
        required="Enter a name for the key",
        max_length=100,
        description="Say what will use it, for example 'Hub dashboard'. Only you and your colleagues see it.",
    )
    submit = wtf.SubmitField("Create key", widget=GovSubmitInput())
