"""Two-step sign-in's forms: a code from the authenticator app, or a recovery code."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import StopValidation

from web.dao.two_step import RECOVERY_ALPHABET, RECOVERY_LENGTH, clean_code
from web.fields import Form, TextField


class OneTimeCodeField(TextField):
    """The 6 digits an authenticator app shows; spaces and hyphens people type between them are dropped."""

    def __init__(self, label: str = "Code", **kwargs: object) -> None:
        super().__init__(
            label,
            required="Enter the 6-digit code from your authenticator app",
            max_length=20,
            **kwargs,  # type: ignore[arg-type]
        )

    def check(self) -> None:
        super().check()
        code = clean_code(self.data)
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise StopValidation("The code must be 6 digits, like 123456")
        self.data = code


class RecoveryCodeField(TextField):
    """One of the ten recovery codes: 10 letters and digits, a hyphen in the middle or not."""

    def __init__(self, label: str = "Recovery code", **kwargs: object) -> None:
        super().__init__(label, required="Enter one of your recovery codes", max_length=40, **kwargs)  # type: ignore[arg-type]

    def check(self) -> None:
        super().check()
        code = clean_code(self.data)
        if len(code) != RECOVERY_LENGTH or any(letter not in RECOVERY_ALPHABET for letter in code):
            raise StopValidation("Enter the recovery code as it was shown, like 2k7fq-m9xhd")
        self.data = code


class CodeForm(Form):
    """A code from the authenticator app."""

    code = OneTimeCodeField(description="Open your authenticator app to see the code it shows now.")
    submit = SubmitField("Continue", widget=GovSubmitInput())


class RecoveryForm(Form):
    """One of the recovery codes shown when two-step was set up."""

    code = RecoveryCodeField(description="Each recovery code works once.")
    submit = SubmitField("Continue", widget=GovSubmitInput())
