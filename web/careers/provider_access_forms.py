"""The careers leader's form for the school's provider access policy, with its rows of blackout dates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import ValidationError

from web.dao.provider_access import Blackout, as_stored, blackouts
from web.fields import DateField, Form, TextAreaField, TextField, WholeNumberField
from web.hub.forms import email_field
from web.models import ProviderAccessPolicy

BLACKOUT_ROWS = range(1, 7)
MOST_GROUNDS = 10
GROUND_LENGTH = 200
# A blackout longer than this is a typing slip in a year, not a closed term.
LONGEST_BLACKOUT = timedelta(days=366)
# The answers kept just as typed; the grounds are kept as a list and the blackout rows as JSON.
ANSWERED_AS_STORED = (
    "contact_name",
    "contact_email",
    "how_to_ask",
    "notice_days",
    "max_visitors",
    "premises",
)


class _HowToAsk(Form):
    """Who providers contact, how they ask and how much notice they give (first on the page)."""

    contact_name = TextField(
        "Name or role",
        called="Contact name or role",
        required="Enter the name or role of the person providers should contact",
        max_length=200,
        description="For example, Sam Patel, careers leader",
    )
    contact_email = email_field(
        "Email address", "Enter the email address providers should write to", called="Contact email address"
    )
    how_to_ask = TextAreaField(
        "How do providers ask for access?",
        called="How to ask",
        required="Enter how providers ask for access",
        max_length=3000,
        description="What to send and what happens next, for example the dates, year groups and what they "
        "would like to offer, and when you will reply",
    )
    notice_days = WholeNumberField(
        "How many days' notice do you need?",
        called="Notice",
        required="Enter how many days' notice you need",
        minimum=1,
        maximum=365,
        example=10,
        unit="days",
    )


def _blackout_row(row: int) -> dict[str, Any]:
    called = f"Blackout {row}"
    return {
        f"blackout_{row}_label": TextField(
            "Name", called=f"{called} name", max_length=100, description="For example, Mock exams"
        ),
        f"blackout_{row}_start": DateField("From", called=f"{called} start date"),
        f"blackout_{row}_end": DateField("To", called=f"{called} end date"),
    }


# Made here, between the two halves of the form, so the error summary lists them in the page's order.
_BLACKOUT_FIELDS = {name: field for row in BLACKOUT_ROWS for name, field in _blackout_row(row).items()}


class ProviderAccessForm(_HowToAsk):
    """The whole policy: every row of blackout dates is all or nothing, and the grounds one a line."""

    max_visitors = WholeNumberField(
        "How many visiting staff can come at once?",
        called="Visiting staff",
        required="Enter how many visiting staff can come at once",
        minimum=1,
        maximum=50,
        example=4,
    )
    premises = TextAreaField(
        "What premises and facilities do you offer?",
        called="Premises and facilities",
        required="Enter the premises and facilities you offer",
        max_length=3000,
        description="For example, the main hall for assemblies of up to 200, classrooms with a projector, "
        "a stand at the careers fair",
    )
    refusal_grounds = TextAreaField(
        "On what grounds may you refuse a request?",
        called="Grounds for refusing",
        required="Enter at least one reason you may refuse a request",
        max_length=MOST_GROUNDS * (GROUND_LENGTH + 1),
        description="Put each reason on its own line, in a few words. When you refuse a provider's "
        "request, you choose one of these",
    )
    submit = SubmitField("Publish policy", widget=GovSubmitInput())

    def rows(self) -> list[tuple[int, Any, Any, Any]]:
        """Each row of blackout dates: its number and its three fields, for the template."""
        return [
            (row, self[f"blackout_{row}_label"], self[f"blackout_{row}_start"], self[f"blackout_{row}_end"])
            for row in BLACKOUT_ROWS
        ]

    def fill_from(self, policy: ProviderAccessPolicy) -> None:
        """Show the published policy, its blackout dates in the first rows."""
        for name in ANSWERED_AS_STORED:
            self[name].data = getattr(policy, name)
        self.refusal_grounds.data = "\n".join(policy.refusal_grounds)
        for (_, label, start, end), blackout in zip(self.rows(), blackouts(policy), strict=False):
            label.data, start.data, end.data = blackout.label, blackout.start, blackout.end

    def grounds(self) -> list[str]:
        """The reasons, one a line, without blank lines or repeats."""
        lines = [" ".join(line.split()) for line in (self.refusal_grounds.data or "").split("\n")]
        return list(dict.fromkeys(line for line in lines if line))

    def validate_refusal_grounds(self, field: TextAreaField) -> None:
        """At most MOST_GROUNDS short reasons."""
        grounds = self.grounds()
        if not grounds:
            raise ValidationError("Enter at least one reason you may refuse a request")
        if len(grounds) > MOST_GROUNDS:
            raise ValidationError(f"Enter {MOST_GROUNDS} reasons or fewer, one on each line")
        for n, ground in enumerate(grounds, 1):
            if len(ground) > GROUND_LENGTH:
                raise ValidationError(f"Reason {n} must be {GROUND_LENGTH} characters or fewer")

    def validate(self, extra_validators: Any = None) -> bool:
        """Each field's own checks, then each row of blackout dates as a whole."""
        valid = super().validate(extra_validators)
        for row, label, start, end in self.rows():
            fields = (label, start, end)
            if not any(field.errors or field.data for field in fields):
                continue  # an empty row is no blackout
            # A field with a message already says what to fix there.
            missing = [
                (label, f"Enter a name for blackout {row}, like Mock exams"),
                (start, f"Enter the start date of blackout {row}"),
                (end, f"Enter the end date of blackout {row}"),
            ]
            for field, message in missing:
                if not field.data and not field.errors:
                    field.errors.append(message)
            if start.data and end.data and end.data < start.data:
                end.errors.append(
                    f"The end date of blackout {row} must be the same as or after its start date"
                )
            elif start.data and end.data and end.data - start.data > LONGEST_BLACKOUT:
                end.errors.append(f"Blackout {row} must be a year or shorter")
            valid = valid and not any(field.errors for field in fields)
        return valid

    def values(self) -> dict[str, Any]:
        """The policy as the database keeps it."""
        rows = [
            Blackout(label.data, start.data, end.data) for _, label, start, end in self.rows() if label.data
        ]
        return {
            **{name: self[name].data for name in ANSWERED_AS_STORED},
            "blackout_dates": as_stored(rows),
            "refusal_grounds": self.grounds(),
        }


for _name, _field in _BLACKOUT_FIELDS.items():
    setattr(ProviderAccessForm, _name, _field)
del _name, _field
