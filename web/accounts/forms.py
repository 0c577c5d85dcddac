"""Forms for choosing a password, asking for a reset link and inviting a colleague."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import Email, ValidationError

from web.fields import Form, PasswordField, TextField

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
MAX_EMAIL_LENGTH = 320  # the most an address can be: 64 before the @ and 255 after


class PasswordForm(Form):
    """A new password, typed twice; `email` is the account's address, which the password must not be."""

    password = PasswordField(
        "Password",
        required="Enter a password",
        max_length=MAX_PASSWORD_LENGTH,
        description=f"Use at least {MIN_PASSWORD_LENGTH} characters. Three random words together make a "
        "strong password that is easy to remember.",
    )
    confirm = PasswordField(
        "Confirm password", required="Enter your password again", max_length=MAX_PASSWORD_LENGTH
    )
    submit = SubmitField("Save password", widget=GovSubmitInput())

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def validate_password(self, field: PasswordField) -> None:
        """At least MIN_PASSWORD_LENGTH characters, and not the email address."""
        if len(field.data) < MIN_PASSWORD_LENGTH:
            raise ValidationError(f"Password must be {MIN_PASSWORD_LENGTH} characters or more")
        if self.email and field.data.strip().lower() == self.email.strip().lower():
            raise ValidationError("Password must not be your email address")

    def validate_confirm(self, field: PasswordField) -> None:
        """The same as the password."""
        if field.data != self.password.data:
            raise ValidationError("Enter the same password in both boxes")

    def validate(self, extra_validators: Any = None) -> bool:
        """Check both boxes; while the password itself is wrong, say only that (both are typed again)."""
        valid = super().validate(extra_validators)
        if self.password.errors:
            self.confirm.errors = []
        return valid


class ResetForm(Form):
    """The email address to send a reset link to."""

    email = TextField(
        "Email address",
        required="Enter your email address",
        max_length=MAX_EMAIL_LENGTH,
        validators=[Email(EMAIL_FORMAT)],
    )
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class InviteForm(Form):
    """A colleague to invite: their name and email address."""

    name = TextField("Full name", required="Enter their full name", max_length=200)
    email = TextField(
        "Email address",
        required="Enter their email address",
        max_length=MAX_EMAIL_LENGTH,
        validators=[Email(EMAIL_FORMAT)],
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())
