"""Forms for hosting a placement: declining a student, attendance and outcome, feedback, closing with a
message."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import ValidationError

from web.fields import ChoiceField, DecimalField, Form, TextAreaField, WholeNumberField

YES_NO = {"yes": "Yes", "no": "No"}
# The longest placement (a T Level's two years) times the longest day: bounds any attendance typed.
MAX_DAYS = 731
MAX_HOURS = Decimal("8772")


class DeclineForm(Form):
    """Why the employer cannot host this student: their school sees it."""

    reason = TextAreaField(
        "Why can you not host this student?",
        called="Reason",
        required="Enter why you cannot host this student",
        max_length=2000,
        description="The student's school sees this. Do not include medical or other personal details",
    )
    submit = SubmitField("Decline placement", widget=GovSubmitInput())


class CloseWithMessageForm(Form):
    """The message sent to the students, parents and schools whose placements closing cancels."""

    message = TextAreaField(
        "Message to the students, their parents and schools",
        called="Message",
        required="Enter a message to the students, their parents and schools",
        max_length=2000,
        description="Say why you are closing it. Each student, their parent or carer and their school get it",
    )
    submit = SubmitField("Close and cancel placements", widget=GovSubmitInput())


class OutcomeForm(Form):
    """Attendance and how the placement ended, checked against its length and hours a day."""

    outcome = ChoiceField(
        "How did the placement go?",
        {"completed": "The student came (completed)", "no_show": "The student did not come"},
        "Select whether the student came",
    )
    attended_days = WholeNumberField(
        "Days attended",
        required="Enter the days attended",
        minimum=0,
        maximum=MAX_DAYS,
        example=5,
        only_when=("outcome", "completed"),
    )
    attended_hours = DecimalField(
        "Hours attended in all",
        called="Hours attended",
        required="Enter the hours attended",
        places=1,
        minimum=Decimal("0"),
        maximum=MAX_HOURS,
        example="35 or 17.5",
        only_when=("outcome", "completed"),
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, days: int, hours_per_day: Decimal, **kwargs: Any) -> None:
        """The form for a placement of `days` calendar days of `hours_per_day` hours."""
        super().__init__(*args, **kwargs)
        self.days, self.hours_per_day = days, hours_per_day

    def validate_attended_days(self, field: WholeNumberField) -> None:
        """At least a day, and no more days than the placement lasts."""
        if field.data < 1:
            raise ValidationError("Days attended must be 1 or more. If the student did not come, say so")
        if field.data > self.days:
            raise ValidationError(
                f"Days attended cannot be more than the {self.days} days the placement lasts"
            )

    def validate_attended_hours(self, field: DecimalField) -> None:
        """More than none, and no more than the days attended at the placement's hours a day."""
        if field.data <= 0:
            raise ValidationError("Hours attended must be more than 0. If the student did not come, say so")
        days = self.attended_days.data if not self.attended_days.errors else None
        if isinstance(days, int) and 1 <= days <= self.days:
            most = days * self.hours_per_day
            if field.data > most:
                raise ValidationError(
                    f"Hours attended cannot be more than {most:g}: "
                    f"{days} days of {self.hours_per_day:g} hours"
                )

    def attendance(self) -> tuple[int, Decimal]:
        """Days and hours attended (none for a student who did not come)."""
        if self.outcome.data == "no_show":
            return 0, Decimal("0")
        return self.attended_days.data, self.attended_hours.data


class FeedbackForm(Form):
    """The employer's feedback: what makes a Benchmark 6 experience meaningful, a rating, hosting again."""

    set_task = ChoiceField(
        "Did you set the student a task?", YES_NO, "Select yes if you set the student a task"
    )
    gave_feedback = ChoiceField(
        "Did you give the student feedback on it?", YES_NO, "Select yes if you gave the student feedback"
    )
    met_range_of_staff = ChoiceField(
        "Did the student meet a range of staff?", YES_NO, "Select yes if the student met a range of staff"
    )
    rating = ChoiceField(
        "How well did the placement go?",
        {"5": "5 - very well", "4": "4", "3": "3", "2": "2", "1": "1 - badly"},
        "Select how well the placement went, from 1 to 5",
    )
    would_host_again = ChoiceField(
        "Would you host a student again?", YES_NO, "Select yes if you would host a student again"
    )
    comment = TextAreaField(
        "Anything else (optional)",
        called="Comment",
        max_length=2000,
        description="The student's school sees this",
    )
    submit = SubmitField("Save feedback", widget=GovSubmitInput())

    def answers(self) -> dict[str, Any]:
        """The answers as Feedback columns."""
        return {
            "set_task": self.set_task.data == "yes",
            "gave_feedback": self.gave_feedback.data == "yes",
            "met_range_of_staff": self.met_range_of_staff.data == "yes",
            "would_host_again": self.would_host_again.data == "yes",
            "rating": int(self.rating.data),
            "comment": self.comment.data or "",
        }

    def fill_from(self, feedback: Any) -> None:
        """Show saved feedback to change it."""
        for name in ("set_task", "gave_feedback", "met_range_of_staff", "would_host_again"):
            value = getattr(feedback, name)
            getattr(self, name).data = None if value is None else ("yes" if value else "no")
        self.rating.data = str(feedback.rating) if feedback.rating else None
        self.comment.data = feedback.comment
