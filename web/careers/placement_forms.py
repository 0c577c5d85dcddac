"""Careers leader forms for a placement after a yes: consent given on paper, and withdrawing a student."""

from __future__ import annotations

from datetime import date, timedelta

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import StopValidation

from web.dao.consent import Answer
from web.dates import london_today
from web.fields import DateField, Form, TextAreaField, TextField
from web.parents.forms import PhoneField


class PaperConsentForm(Form):
    """Who gave consent on paper, and when; an emergency contact if the form had one."""

    parent_name = TextField(
        "Parent or carer's full name",
        required="Enter the parent or carer's full name",
        max_length=200,
        called="Parent or carer's full name",
    )
    given_on = DateField(
        "Date consent was given",
        required="Enter the date consent was given",
        description="For example, 27 3 2026",
    )
    emergency_name = TextField(
        "Emergency contact name (optional)", called="Emergency contact name", max_length=200
    )
    emergency_phone = PhoneField(
        "Emergency contact phone number (optional)", called="Emergency contact phone number", max_length=40
    )
    submit = SubmitField("Record consent given", widget=GovSubmitInput())

    def validate_given_on(self, field: DateField) -> None:
        today = london_today()
        if field.data > today:
            raise StopValidation("Date consent was given must be today or in the past")
        if field.data < today - timedelta(days=365):
            raise StopValidation("Date consent was given must be within the last year")

    def answer(self) -> Answer:
        """What the paper form said (call after validation)."""
        return Answer(
            given=True,
            parent_name=self.parent_name.data or "",
            emergency_name=self.emergency_name.data or "",
            emergency_phone=self.emergency_phone.data or "",
        )

    @property
    def day(self) -> date:
        return self.given_on.data  # type: ignore[no-any-return]


class WithdrawForm(Form):
    """Why the school is withdrawing the student (the student or their parent asked, say)."""

    reason = TextAreaField(
        "Why is the student withdrawing?",
        required="Enter why the student is withdrawing",
        max_length=500,
        called="Why the student is withdrawing",
        description="The employer does not see this. For example, their parent asked us to withdraw them",
    )
    submit = SubmitField("Withdraw the student", widget=GovSubmitInput())
