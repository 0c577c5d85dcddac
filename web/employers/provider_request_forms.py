"""A provider's request for access to a school: checked against that school's provider access policy."""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from web.dao import provider_requests as dao
from web.employers.encounter_offer_forms import MAX_GROUP
from web.employers.forms import YEAR_GROUPS
from web.fields import (
    ChoiceField,
    ChoicesField,
    DateField,
    Form,
    TextAreaField,
    TimeField,
    WholeNumberField,
)
from web.models import EncounterOffer, ProviderAccessPolicy

MAX_VISITORS = 50
NO_OFFER = ""
_COLUMNS = ("visit_date", "visit_time", "year_groups", "audience_size", "visitors", "message")


class AccessRequestForm(Form):
    """When, for whom, how many pupils and visiting staff, which offer (if any) and a message."""

    visit_date = DateField(
        "Date of the visit", required="Enter the date of the visit", description="For example, 12 3 2027"
    )
    visit_time = TimeField(
        "Start time (optional)",
        called="Start time",
        description="On the 24-hour clock, for example 09:30",
    )
    year_groups = ChoicesField(
        "Which year groups would you like to meet?",
        {year: f"Year {year}" for year in YEAR_GROUPS},
        "Select year groups from the list",
        required="Select at least one year group",
        coerce=int,
    )
    audience_size = WholeNumberField(
        "How many pupils would you like to meet?",
        called="Number of pupils",
        required="Enter how many pupils you would like to meet",
        minimum=1,
        maximum=MAX_GROUP,
        example=60,
        unit="pupils",
    )
    visitors = WholeNumberField(
        "How many visiting staff will come?",
        called="Visiting staff",
        required="Enter how many visiting staff will come",
        minimum=1,
        maximum=MAX_VISITORS,
        example=2,
    )
    offer_id = ChoiceField(
        "Which of your encounter offers is it about? (optional)",
        {NO_OFFER: "None of them"},
        "Select one of your encounter offers, or none of them",
    )
    message = TextAreaField(
        "Your message to the school",
        called="Message",
        required="Enter a message to the school",
        max_length=3000,
        description="What you would like to do, the room and equipment you need, and how the school can "
        "contact you",
    )
    submit = SubmitField("Send request", widget=GovSubmitInput())

    def __init__(
        self,
        *args: Any,
        policy: ProviderAccessPolicy,
        offers: list[EncounterOffer],
        today: date,
        **kwargs: Any,
    ) -> None:
        """The form for a request to the school with this policy, naming one of these offers or none."""
        super().__init__(*args, **kwargs)
        self.policy, self.today = policy, today
        labels = {str(offer.id): f"{offer.format_label}, {offer.years_label}" for offer in offers}
        self.offer_id.choices = [
            SelectChoice(value, label) for value, label in {NO_OFFER: "None of them", **labels}.items()
        ]
        self.offer_id.values = {NO_OFFER, *labels}
        if not self.is_submitted():
            self.offer_id.data = NO_OFFER

    def validate_visit_date(self, field: DateField) -> None:
        """At least the policy's notice ahead, and not in one of its blackouts."""
        problem = dao.date_problem(self.policy, field.data, self.today)
        if problem:
            raise ValidationError(problem)

    def validate_visitors(self, field: WholeNumberField) -> None:
        """No more visiting staff than the school takes at once."""
        problem = dao.visitors_problem(self.policy, field.data)
        if problem:
            raise ValidationError(problem)

    def fields_to_save(self) -> dict[str, Any]:
        """The answers as ProviderAccessRequest columns."""
        fields = {name: getattr(self, name).data for name in _COLUMNS}
        fields["year_groups"] = sorted(fields["year_groups"])
        fields["offer_id"] = int(self.offer_id.data) if self.offer_id.data else None
        return fields
