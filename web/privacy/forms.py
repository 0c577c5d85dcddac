"""The privacy pages' forms: a hub's retention period, a hold on a pupil's record, and an erasure."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from web.fields import ChoiceField, Form, TextAreaField, TextField, WholeNumberField
from web.privacy.schedule import Period

# Why a pupil is erased: a choice, not free text, so the audit trail holds no personal data.
ERASURE_REASONS = {
    "asked": "The pupil, or their parent or carer, asked for it (the right to erasure)",
    "mistake": "The pupil was added by mistake",
    "objected": "They objected to the processing and the school agreed",
}


def period_form(period: Period) -> Form:
    """The form for one record type's period, its limits from the schedule."""

    class PeriodForm(Form):
        days = WholeNumberField(
            "How many days to keep it",
            called="Days to keep",
            required="Enter how many days to keep it",
            minimum=period.least,
            maximum=period.most,
            example=period.days,
            unit="days",
        )
        reason = TextAreaField(
            "Why your hub keeps it for this long",
            called="Reason",
            required="Enter why your hub keeps it for this long",
            max_length=1000,
        )
        submit = SubmitField("Save period", widget=GovSubmitInput())

    return PeriodForm()


class HoldForm(Form):
    """Keep a pupil's record whole: the school's reason, seen only by staff."""

    reason = TextField(
        "Why must this record be kept?",
        called="Reason",
        required="Enter why this record must be kept",
        max_length=200,
        description="For example, a safeguarding concern the school is dealing with",
    )
    submit = SubmitField("Put the record on hold", widget=GovSubmitInput())


class EraseForm(Form):
    """Erase a pupil, with the reason chosen."""

    reason = ChoiceField(
        "Why is this pupil being erased?", ERASURE_REASONS, "Select why this pupil is being erased"
    )
    submit = SubmitField("Erase this pupil", widget=GovSubmitInput())


class FindPupilForm(Form):
    """A hub admin finds one of the hub's pupils by UPN (posted, so it stays out of URLs and logs)."""

    upn = TextField(
        "Unique pupil number (UPN)",
        called="UPN",
        required="Enter the pupil's UPN",
        max_length=13,
        description="13 characters, from the school's MIS, like A123456789012",
    )
    submit = SubmitField("Find the pupil", widget=GovSubmitInput())
