"""An organisation's answer to a school's encounter request: which of its fitting offers, and a message."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.fields.choices import SelectChoice

from web.fields import ChoiceField, Form, TextAreaField
from web.models import EncounterOffer


class AnswerForm(Form):
    """ "We can do this": one of the organisation's offers that fit the request (the only choices)."""

    offer = ChoiceField(
        "Which of your offers would you give?", {}, "Select one of your offers that fits this request"
    )
    message = TextAreaField(
        "Your message to the school (optional)",
        called="Your message",
        max_length=1000,
        description="For example, who would come and what they would need: a projector, a hall",
    )
    submit = SubmitField("Send answer", widget=GovSubmitInput())

    def __init__(self, *args: Any, offers: list[EncounterOffer], **kwargs: Any) -> None:
        """The form offering these offers."""
        super().__init__(*args, **kwargs)
        labels = {str(offer.id): f"{offer.format_label}, {offer.where_label}" for offer in offers}
        self.offer.choices = [SelectChoice(value, label) for value, label in labels.items()]
        self.offer.values = set(labels)
        if len(offers) == 1 and not self.is_submitted():
            self.offer.data = str(offers[0].id)
