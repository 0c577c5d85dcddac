"""The careers leader's answers to a provider's request: grant it, or refuse it for one of the policy's
reasons."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.fields.choices import SelectChoice

from web.fields import ChoiceField, Form, TextAreaField

NOTE_LENGTH = 2000


class GrantForm(Form):
    """Grant, with anything the provider should know."""

    note = TextAreaField(
        "Anything to tell the provider? (optional)",
        called="Note",
        max_length=NOTE_LENGTH,
        description="For example, where to sign in and who will meet them",
    )
    submit = SubmitField("Grant request", widget=GovSubmitInput())


class RefuseForm(Form):
    """Refuse for one of the policy's grounds, with a note if the leader wants one."""

    reason = ChoiceField(
        "Why are you refusing this request?", {}, "Select the reason you are refusing the request"
    )
    note = TextAreaField(
        "Anything else to tell the provider? (optional)",
        called="Note",
        max_length=NOTE_LENGTH,
        description="For example, other dates that would suit the school",
    )
    submit = SubmitField("Refuse request", widget=GovSubmitInput())

    def __init__(self, *args: Any, grounds: list[str], **kwargs: Any) -> None:
        """The form offering the policy's grounds for refusing, as they read now."""
        super().__init__(*args, **kwargs)
        self.reason.choices = [SelectChoice(ground, ground) for ground in grounds]
        self.reason.values = set(grounds)
