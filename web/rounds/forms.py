"""What a round covers and how it matches: the forms that start rounds and what-ifs, and the policy they
store."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import StopValidation

from matcher.people import KINDS
from web.dates import london_today
from web.fields import ChoiceField, ChoicesField, DateField, Form, WholeNumberField
from workers.round_inputs import default_policy

ALL_KINDS = "all"
KIND_CHOICES = [(ALL_KINDS, "All kinds"), *KINDS.items()]
MECHANISM_CHOICES = [
    ("optimal", "Place as many students as possible"),
    ("stable", "Respect students' rankings first"),
]
SEED_MAX = 2_147_483_647  # the column is a 32-bit integer on PostgreSQL
YEAR_GROUPS = {str(year): f"Year {year}" for year in range(7, 15)}
# How much a student's circumstances lift them up placements' orders (the policy's weights for each).
PRIORITIES = {
    "standard": "Standard priority",
    "double": "Double priority",
    "none": "No extra priority",
}
PRIORITY_FACTORS = {"standard": 1.0, "double": 2.0, "none": 0.0}
PRIORITY_PARTS = ("disadvantaged", "send", "no_experience")
SHARE_CHOICES = {"yes": "Yes, give each school a fair share", "no": "No, match the whole pool as one"}


class DefaultChoiceField(ChoiceField):
    """A choice shown with one option already selected: a form sent without it means that option."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if self.data is None:
            self.data = self.default


class ScopeForm(Form):
    """Which opportunities and students a round covers, and its lottery number."""

    kind = ChoiceField(
        "Which opportunities should this round fill?",
        dict(KIND_CHOICES),
        "Select which opportunities to fill",
        default=ALL_KINDS,
    )
    year_groups = ChoicesField(
        "Which year groups? (optional)",
        YEAR_GROUPS,
        "Select year groups from the list",
        description="Leave every box empty to include every year group.",
    )
    starts_from = DateField(
        "Placements starting on or after (optional)",
        called="The first start date",
        description="For example, 1 3 2027",
    )
    starts_until = DateField(
        "Placements starting on or before (optional)",
        called="The last start date",
        description="For example, 31 3 2027",
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

    def validate_starts_until(self, field: DateField) -> None:
        """Not before the first start date."""
        if field.data and self.starts_from.data and field.data < self.starts_from.data:
            raise StopValidation("The last start date must be the same as or after the first start date")

    @property
    def kind_value(self) -> str | None:
        """The kind of opportunity chosen, None for all kinds (call after validation)."""
        return None if self.kind.data == ALL_KINDS else self.kind.data

    def scope(self) -> dict[str, Any]:
        """The scope as the round's policy keeps it (web.dao.rounds.round_scope reads it back)."""
        return {
            "year_groups": sorted(int(year) for year in self.year_groups.data or ()),
            "starts_from": self.starts_from.data.isoformat() if self.starts_from.data else None,
            "starts_until": self.starts_until.data.isoformat() if self.starts_until.data else None,
        }


class SettingsForm(Form):
    """How a round matches: mechanism, priority, reserves, caps and travel; what a what-if varies."""

    mechanism = ChoiceField(
        "How should students be matched?",
        dict(MECHANISM_CHOICES),
        "Select how students should be matched",
        default="optimal",
    )
    max_per_school = WholeNumberField(
        "Most students from one school on each placement (optional)",
        called="The most students from one school",
        minimum=1,
        maximum=50,
        example=2,
        description="Leave it blank for no limit. A placement's own limit, if it has one, comes first.",
    )
    priority = DefaultChoiceField(
        "Priority for disadvantaged students, students with SEND and those with no workplace experience yet",
        PRIORITIES,
        "Select how much priority these students get",
        default="standard",
    )
    reserve_disadvantaged = WholeNumberField(
        "Seats kept for disadvantaged students on each placement (optional)",
        called="Seats kept for disadvantaged students",
        minimum=0,
        maximum=50,
        example=20,
        unit="per cent",
        symbol="%",
        description="A percentage of each placement's seats, rounded. Applies when respecting students' "
        "rankings first.",
    )
    reserve_send = WholeNumberField(
        "Seats kept for students with SEND on each placement (optional)",
        called="Seats kept for students with SEND",
        minimum=0,
        maximum=50,
        example=10,
        unit="per cent",
        symbol="%",
        description="A percentage of each placement's seats, rounded. Applies when respecting students' "
        "rankings first.",
    )
    max_travel_km = WholeNumberField(
        "Furthest a student should travel, in km (optional)",
        called="The furthest a student should travel",
        minimum=1,
        maximum=200,
        example=10,
        unit="km",
        symbol="km",
        description="Leave it blank to use each student's own limit. A student's own limit, if lower, comes "
        "first.",
    )

    def policy(self, scope: dict[str, Any]) -> dict[str, Any]:
        """The engine's policy for these settings and this scope, as stored on the round."""
        policy = default_policy()
        factor = PRIORITY_FACTORS[self.priority.data]
        for part in PRIORITY_PARTS:
            policy[part] = policy[part] * factor
        field_for = {"disadvantaged": self.reserve_disadvantaged, "send": self.reserve_send}
        reserves = {name: field.data / 100 for name, field in field_for.items() if field.data}
        policy.update(
            reserves=reserves,
            max_per_school=self.max_per_school.data,
            school_share=self.shares_places,
            max_travel_km=self.max_travel_km.data,
            priority=self.priority.data,
            **scope,
        )
        return policy

    @property
    def shares_places(self) -> bool:
        """Whether each school gets a fair share (only a hub-wide round has schools to share between)."""
        return False


class HubSettingsForm(SettingsForm):
    """A hub-wide round's settings: a school's, and whether each school gets a fair share."""

    school_share = DefaultChoiceField(
        "Give each school a fair share of the places?",
        SHARE_CHOICES,
        "Select whether each school gets a fair share",
        default="yes",
        description="Each school's share is the round's places (or its students, if fewer) divided in "
        "proportion to the school's students in the round. Schools are filled up to their share first; "
        "places no other school can use still go to a school past its share. Applies when placing as many "
        "students as possible.",
    )

    @property
    def shares_places(self) -> bool:
        """Whether each school gets a fair share (call after validation)."""
        return self.school_share.data == "yes"


class StartRoundForm(ScopeForm, SettingsForm):
    """A round to run now: its scope and settings."""

    submit = SubmitField("Start matching round", widget=GovSubmitInput())


class StartHubRoundForm(ScopeForm, HubSettingsForm):
    """A hub-wide round: as a school's, with a fair share per school and the day schools must decide by."""

    decide_by = DateField(
        "Schools must decide by",
        required="Enter the date schools must decide by",
        called="The decide-by date",
        description="Each careers leader approves their own school's proposals by this day. You can release "
        "the offers once every school has decided, or after this day. For example, 27 3 2027",
    )

    submit = SubmitField("Start hub-wide round", widget=GovSubmitInput())

    def validate_decide_by(self, field: DateField) -> None:
        """After today (in England)."""
        if field.data <= london_today():
            raise StopValidation("The decide-by date must be in the future")


class WhatIfScopeForm(ScopeForm):
    """The scope both drafts of a what-if share."""

    submit = SubmitField("Run both drafts", widget=GovSubmitInput())


def decide_by_default(today: date) -> date:
    """A week to decide, unless the hub admin chooses otherwise."""
    return today + timedelta(days=7)
