"""The careers leader's form to send parents and carers links to their child's entitlements."""

from __future__ import annotations

import re

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import StopValidation

from web.fields import ChoiceField, ChoicesField, Form, TextField

ONE_PUPIL = "pupil"
_UPN = re.compile(r"[A-Z][0-9]{11}[0-9A-Z]")
# The key decision points first: options in Year 9, what next after Year 11.
WHO = {
    "9": "Parents and carers of Year 9 pupils (options)",
    "11": "Parents and carers of Year 11 pupils (after GCSEs)",
    **{str(year): f"Parents and carers of Year {year} pupils" for year in (7, 8, 10, 12, 13)},
    ONE_PUPIL: "The parent or carer of one pupil",
}
ALLOWED = "allowed"
# What the careers leader confirms, kept word for word in the audit trail.
PERMISSION = (
    "My school allows us to email parents and carers a link to see their child's encounters with employers, "
    "time in workplaces and what is coming up"
)


class UpnField(TextField):
    """A unique pupil number in capitals, spaces taken out: a letter, 11 numbers, a number or a letter."""

    def tidy(self, text: str) -> str:
        return super().tidy(text).replace(" ", "").upper()

    def check(self) -> None:
        super().check()
        if not _UPN.fullmatch(self.data):
            raise StopValidation(
                "Enter a UPN of 13 characters: a letter, 11 numbers, then a number or a letter"
            )


class SendLinksForm(Form):
    """Who gets a link, and the careers leader's confirmation that the school allows it."""

    who = ChoiceField("Who should get a link?", WHO, "Select who should get a link")
    upn = UpnField(
        "The pupil's UPN",
        max_length=20,
        called="The pupil's UPN",
        required="Enter the pupil's UPN",
        only_when=("who", ONE_PUPIL),
    )
    permission = ChoicesField(
        "Your school's permission",
        {ALLOWED: PERMISSION},
        "Select the box to confirm your school allows it",
        required="Confirm that your school allows you to send these links",
    )
    submit = SubmitField("Send links", widget=GovSubmitInput())

    @property
    def year_group(self) -> int | None:
        """The year group chosen, or None for one pupil (call after validation)."""
        return None if self.who.data == ONE_PUPIL else int(str(self.who.data))
