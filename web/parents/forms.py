"""The parent's or carer's consent form."""

from __future__ import annotations

import re
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import StopValidation

from web.dao.consent import Answer
from web.fields import ChoiceField, ChoicesField, Form, TextAreaField, TextField

GIVE = "give"
SHARE = "share"
_PHONE = re.compile(r"\+?[0-9 ()-]{6,25}")


class PhoneField(TextField):
    """A telephone number as people write it: digits, spaces, brackets, hyphens and a leading +."""

    def check(self) -> None:
        super().check()
        if not _PHONE.fullmatch(self.data) or sum(c.isdigit() for c in self.data) < 6:
            raise StopValidation(f"Enter {self.called.lower()} like 07700 900 982 or +44 161 496 0000")


class ConsentForm(Form):
    """Give or refuse consent, who is answering, an emergency contact and, only if chosen, needs to share."""

    decision = ChoiceField(
        "Do you give consent for this placement?",
        {GIVE: "Yes, I give consent", "refuse": "No, I do not give consent"},
        "Select whether you give consent for this placement",
    )
    parent_name = TextField(
        "Your full name", required="Enter your full name", max_length=200, called="Your full name"
    )
    emergency_name = TextField(
        "Emergency contact name (optional)",
        called="Emergency contact name",
        max_length=200,
        description="Someone the employer can call during the placement if something happens",
    )
    emergency_phone = PhoneField(
        "Emergency contact phone number (optional)", called="Emergency contact phone number", max_length=40
    )
    share = ChoicesField(
        "Medical or access needs",
        {SHARE: "I want to share medical or access needs with the employer"},
        "Select the box if you want to share medical or access needs, or leave it empty",
        description="Only tick this if you want the employer to know. They see only what you write.",
    )
    needs = TextAreaField(
        "Medical or access needs to share with the employer",
        called="Medical or access needs",
        max_length=2000,
    )
    submit = SubmitField("Send my answer", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # An empty optional answer stops its own validators, so the pair is checked here.
        if valid and self.wants_to_share and not self.needs.data:
            self.needs.errors = ["Enter the medical or access needs to share, or untick the box"]
            return False
        return valid

    @property
    def wants_to_share(self) -> bool:
        return SHARE in (self.share.data or [])

    def answer(self) -> Answer:
        """What was answered (call after validation); needs only if the box was ticked and consent given."""
        given = self.decision.data == GIVE
        return Answer(
            given=given,
            parent_name=self.parent_name.data or "",
            emergency_name=(self.emergency_name.data or "") if given else "",
            emergency_phone=(self.emergency_phone.data or "") if given else "",
            shared_needs=(self.needs.data or "") if given and self.wants_to_share else "",
        )
