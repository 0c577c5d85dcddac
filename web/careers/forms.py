"""Careers leader forms."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from matcher.people import KINDS
from web.fields import ChoiceField, Form, WholeNumberField

ALL_KINDS = "all"
KIND_CHOICES = [(ALL_KINDS, "All kinds"), *KINDS.items()]
MECHANISM_CHOICES = [
    ("optimal", "Place as many students as possible"),
    ("stable", "Respect students' rankings first"),
]
SEED_MAX = 2_147_483_647  # the column is a 32-bit integer on PostgreSQL


class StartRoundForm(Form):
    """Kind of opportunity, mechanism and an optional lottery number for a new round."""

    kind = ChoiceField(
        "Which opportunities should this round fill?",
        dict(KIND_CHOICES),
        "Select which opportunities to fill",
        default=ALL_KINDS,
    )
    mechanism = ChoiceField(
        "How should students be matched?",
        dict(MECHANISM_CHOICES),
        "Select how students should be matched",
        default="optimal",
    )
    seed = WholeNumberField(
        "Lottery number (optional)",
        called="Lottery number",
        minimum=0,
        maximum=SEED_MAX,
        example=42,
        description="Ties between students are broken by a lottery. The same number with the same students "
        "and places gives the same result. Leave it blank to use 0.",
    )
    submit = SubmitField("Start matching round", widget=GovSubmitInput())

    @property
    def seed_value(self) -> int:
        """The lottery number entered, 0 if blank (call after validation)."""
        return self.seed.data or 0

    @property
    def kind_value(self) -> str | None:
        """The kind of opportunity chosen, None for all kinds."""
        return None if self.kind.data == ALL_KINDS else self.kind.data
