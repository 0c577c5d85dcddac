"""The forecast's filter: which measure, and whether by route, year group or month. Sent by GET; an answer
not on the list is named in the error summary and the page shows the default instead."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect
from werkzeug.datastructures import MultiDict

from web.fields import ChoiceField, Form
from web.planner.entitlements import MEASURES
from web.planner.gaps import PLANNED

MEASURE_CHOICES = {measure: MEASURES[measure] for measure in PLANNED}
BY = {"route": "Route", "year_group": "Year group", "month": "Month"}
DEFAULTS = {"measure": "employer", "by": "route"}


class ForecastForm(Form):
    """Which figures to show; a missing answer is its default."""

    class Meta(Form.Meta):
        csrf = False

    measure = ChoiceField("Measure", MEASURE_CHOICES, "Select a measure from the list", widget=GovSelect())
    by = ChoiceField("Show by", BY, "Select route, year group or month", widget=GovSelect())

    def __init__(self, args: MultiDict[str, str], **kwargs: Any) -> None:
        sent = {**DEFAULTS, **{key: args[key] for key in DEFAULTS if key in args}}
        super().__init__(formdata=MultiDict(sent), **kwargs)

    @property
    def chosen_measure(self) -> str:
        return DEFAULTS["measure"] if self.measure.errors else str(self.measure.data)

    @property
    def chosen_by(self) -> str:
        return DEFAULTS["by"] if self.by.errors else str(self.by.data)
