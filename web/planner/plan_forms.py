"""The hub's form starting a term's plan: which term, and the seed that makes it reproducible."""

from __future__ import annotations

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import SubmitField

from web.fields import ChoiceField, Form, WholeNumberField
from web.planner.terms import coming_terms, term_label


def plan_form(today: date) -> Form:
    """Which of this term and the next two to plan, and the seed (the same one gives the same plan)."""
    terms = {f"{year}-{term}": term_label(year, term) for year, term in coming_terms(today)}

    class PlanForm(Form):
        term = ChoiceField("Which term?", terms, "Select a term to plan", widget=GovRadioInput())
        seed = WholeNumberField(
            "Seed",
            called="Seed",
            required="Enter a seed, such as 0",
            minimum=0,
            maximum=999_999,
            example=0,
            description="The same seed plans the same again; another breaks ties another way, for a what-if",
        )
        submit = SubmitField("Plan the term", widget=GovSubmitInput())

        def chosen(self) -> tuple[int, int]:
            year, term = str(self.term.data).split("-")
            return int(year), int(term)

    return PlanForm()
