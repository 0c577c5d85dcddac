"""Sign-in form."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import Email

from web.fields import Form, PasswordField, TextField


class SignInForm(Form):
    """Email and password."""

    email = TextField(
        "Email address",
        required="Enter your email address",
        max_length=320,  # the most an address can be: 64 before the @ and 255 after
        validators=[Email("Enter an email address in the correct format, like name@example.com")],
    )
    password = PasswordField("Password", required="Enter your password", max_length=1024)
    submit = SubmitField("Sign in", widget=GovSubmitInput())
