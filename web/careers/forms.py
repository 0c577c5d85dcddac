"""Careers leader forms."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, ValidationError

from matcher.people import KINDS

ALL_KINDS = "all"
KIND_CHOICES = [(ALL_KINDS, "All kinds"), *KINDS.items()]
MECHANISM_CHOICES = [
    ("optimal", "Place as many students as possible"),
    ("stable", "Respect students' rankings first"),
]
SEED_MAX = 2_147_483_647  # the column is a 32-bit integer on PostgreSQL


def _radio(label: str, choices: list[tuple[str, str]], message: str, default: str) -> RadioField:
    # WTForms' own "Not a valid choice" does not say which question is wrong, so check with our message.
    return RadioField(
        label,
        widget=GovRadioInput(),
        choices=[SelectChoice(value, text) for value, text in choices],
        default=default,
        validate_choice=False,
        validators=[InputRequired(message), AnyOf([value for value, _ in choices], message=message)],
    )


class StartRoundForm(FlaskForm):  # type: ignore[misc]
    """Kind of opportunity, mechanism and an optional lottery number for a new round."""

    kind = _radio(
        "Which opportunities should this round fill?",
        KIND_CHOICES,
        "Select which opportunities to fill",
        ALL_KINDS,
    )
    mechanism = _radio(
        "How should students be matched?",
        MECHANISM_CHOICES,
        "Select how students should be matched",
        "optimal",
    )
    seed = StringField(
        "Lottery number (optional)",
        widget=GovTextInput(),
        description="Ties between students are broken by a lottery. The same number with the same students "
        "and places gives the same result. Leave it blank to use 0.",
    )
    submit = SubmitField("Start matching round", widget=GovSubmitInput())

    def validate_seed(self, field: StringField) -> None:
        """A whole number from 0 to SEED_MAX, or blank."""
        text = (field.data or "").strip()
        if not text:
            return
        if not re.fullmatch(r"-?[0-9]+", text):
            raise ValidationError("Lottery number must be a whole number, like 42")
        if int(text) < 0:
            raise ValidationError("Lottery number must be 0 or more")
        if int(text) > SEED_MAX:
            raise ValidationError(f"Lottery number must be {SEED_MAX} or less")

    @property
    def seed_value(self) -> int:
        """The lottery number entered, 0 if blank (call after validation)."""
        text = (self.seed.data or "").strip()
        return int(text) if text else 0

    @property
    def kind_value(self) -> str | None:
        """The kind of opportunity chosen, None for all kinds."""
        return None if self.kind.data == ALL_KINDS else self.kind.data
