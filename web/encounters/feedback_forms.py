"""The questions after an event: three for each pupil about a place they went to, two for each
organisation about an event where it ran slots."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from web.fields import ChoiceField, Form

YES_NO = {"yes": "Yes", "no": "No"}
RATINGS = {"5": "5 - very good", "4": "4", "3": "3", "2": "2", "1": "1 - poor"}


def _yes(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


class PupilFeedbackForm(Form):
    """A pupil's three answers: short enough for a phone between lessons."""

    learned = ChoiceField(
        "Did you learn something about jobs or the routes into them?",
        YES_NO,
        "Select yes if you learned something about jobs or routes",
    )
    wants_more = ChoiceField(
        "Do you want to find out more?", YES_NO, "Select yes if you want to find out more"
    )
    rating = ChoiceField("How good was it?", RATINGS, "Select how good it was, from 1 to 5")
    submit = SubmitField("Send", widget=GovSubmitInput())

    def answers(self) -> dict[str, Any]:
        return {
            "learned": self.learned.data == "yes",
            "wants_more": self.wants_more.data == "yes",
            "rating": int(self.rating.data),
        }

    def fill_from(self, saved: Any) -> None:
        self.learned.data, self.wants_more.data = _yes(saved.learned), _yes(saved.wants_more)
        self.rating.data = str(saved.rating)


class OrganisationFeedbackForm(Form):
    """An organisation's two answers about an event."""

    pupils_ready = ChoiceField(
        "How ready were the pupils to take part?",
        RATINGS,
        "Select how ready the pupils were, from 1 to 5",
    )
    would_return = ChoiceField(
        "Would you take part in an event like this again?",
        YES_NO,
        "Select yes if you would take part again",
    )
    submit = SubmitField("Send", widget=GovSubmitInput())

    def answers(self) -> dict[str, Any]:
        return {"pupils_ready": int(self.pupils_ready.data), "would_return": self.would_return.data == "yes"}

    def fill_from(self, saved: Any) -> None:
        self.pupils_ready.data, self.would_return.data = str(saved.pupils_ready), _yes(saved.would_return)
