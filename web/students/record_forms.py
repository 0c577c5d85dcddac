"""The student's reflection on a placement, and the placement they found themselves."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import Email, ValidationError

from matcher.people import KINDS
from web.accounts.forms import EMAIL_FORMAT, MAX_EMAIL_LENGTH
from web.dao.placements import ADULT_AGE
from web.dates import age_on
from web.employers.forms import (
    MAX_HOURS_PER_DAY,
    SCHOOL_LEAVING_AGE,
    UNDER_16_5_DAYS,
    UNDER_16_DAY,
    UNDER_18_DAY,
    YOUNG_HOURS_IN_5_DAYS,
    YOUNG_HOURS_PER_DAY,
    most_hours_in_5_days,
)
from web.fields import ChoiceField, DateField, DecimalField, Form, PostcodeField, TextAreaField, TextField

RATINGS = {
    str(n): label for n, label in ((5, "5 - excellent"), (4, "4"), (3, "3"), (2, "2"), (1, "1 - poor"))
}
NO_RATING = ""
NEW_EMPLOYER = "new"


class ReflectionForm(Form):
    """What the student made of a completed placement, and an optional rating."""

    comment = TextAreaField(
        "What did you do and learn?",
        called="Your reflection",
        required="Enter what you did and learnt",
        max_length=3000,
        description="For example, the tasks you did, the people you met and what you would like to try next",
    )
    rating = ChoiceField(
        "How would you rate the placement? (optional)",
        {NO_RATING: "No rating", **RATINGS},
        "Select a rating from 1 to 5, or no rating",
        default=NO_RATING,
    )
    submit = SubmitField("Save reflection", widget=GovSubmitInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rating.values = {NO_RATING, *RATINGS}  # "No rating" is an answer here, not a placeholder

    @property
    def rating_value(self) -> int | None:
        """The rating chosen, None for none (call after validation)."""
        return int(self.rating.data) if self.rating.data else None


class OwnPlacementForm(Form):
    """The employer, contact, place, kind, dates and hours of a placement the student found."""

    employer = ChoiceField(
        "Which employer is it with?",
        {},
        "Select the employer, or that it is not listed",
        widget=GovSelect(),
        description="Choose from the employers our careers hub already works with",
    )
    employer_name = TextField(
        "Name of the employer",
        required="Enter the name of the employer",
        max_length=200,
        only_when=("employer", NEW_EMPLOYER),
        description="Only if the employer is not in the list",
    )
    contact_name = TextField(
        "Name of your contact there", required="Enter the name of your contact", max_length=200
    )
    contact_email = TextField(
        "Your contact's email address",
        called="Contact email address",
        required="Enter your contact's email address",
        max_length=MAX_EMAIL_LENGTH,
        validators=[Email(EMAIL_FORMAT)],
        description="We will ask them to confirm the placement",
    )
    postcode = PostcodeField("Postcode of the workplace", required="Enter the postcode of the workplace")
    kind = ChoiceField("What kind of placement is it?", KINDS, "Select what kind of placement it is")
    role = TextField(
        "What will you do there?",
        called="What you will do",
        required="Enter what you will do there",
        max_length=200,
        description="In a few words, for example 'Shadowing a vet nurse'",
    )
    start_date = DateField("Start date", required="Enter a start date", description="For example, 27 3 2027")
    end_date = DateField(
        "End date",
        required="Enter an end date",
        description="The last day. For a single day, enter the start date",
    )
    hours_per_day = DecimalField(
        "Hours a day",
        required="Enter the hours a day",
        places=1,
        minimum=Decimal("0.5"),
        maximum=MAX_HOURS_PER_DAY,
        example="7 or 6.5",
        range_message="Hours a day must be from 0.5 to 12",
        description="Students under 18 may work at most 8 hours a day and 40 hours a week",
    )
    submit = SubmitField("Send to your careers leader", widget=GovSubmitInput())

    def __init__(
        self, *args: Any, employers: dict[int, str], date_of_birth: date, today: date, **kwargs: Any
    ) -> None:
        """The form for a student born on `date_of_birth`, who may pick one of `employers` (id -> name)."""
        super().__init__(*args, **kwargs)
        self.employers = employers
        self.date_of_birth = date_of_birth
        self.today = today
        choices = {"": "Choose an employer", **{str(i): name for i, name in employers.items()}}
        choices[NEW_EMPLOYER] = "My employer is not listed"
        self.employer.choices = list(choices.items())
        self.employer.values = {value for value in choices if value}

    def validate_start_date(self, field: DateField) -> None:
        """A placement still to come, within the next two years (a year typed wrongly is caught here)."""
        if field.data <= self.today:
            raise ValidationError("Start date must be in the future")
        if field.data > self.today + timedelta(days=2 * 366):
            raise ValidationError("Start date must be within the next 2 years")

    def validate_end_date(self, field: DateField) -> None:
        """Not before the first day, and not more than a year long."""
        start = self.start_date.data
        if isinstance(start, date) and field.data < start:
            raise ValidationError("End date must be the same as or after the start date")
        if isinstance(start, date) and (field.data - start).days > 366:
            raise ValidationError("End date must be within a year of the start date")

    def validate_hours_per_day(self, field: DecimalField) -> None:
        """The legal limits on young people's working hours, at the student's age on the first day."""
        start, end = self.start_date.data, self.end_date.data
        day = start if isinstance(start, date) else self.today
        age = age_on(self.date_of_birth, day)
        if age < SCHOOL_LEAVING_AGE and field.data > YOUNG_HOURS_PER_DAY:
            raise ValidationError(UNDER_16_DAY.replace("students under 16 can take part", "you are under 16"))
        if age < ADULT_AGE and field.data > YOUNG_HOURS_PER_DAY:
            raise ValidationError(
                UNDER_18_DAY.replace("16 and 17 year olds can take part", "you are under 18")
            )
        if age < SCHOOL_LEAVING_AGE and isinstance(start, date) and isinstance(end, date) and end >= start:
            hours = most_hours_in_5_days(start, end, field.data)
            if hours > YOUNG_HOURS_IN_5_DAYS:
                raise ValidationError(
                    UNDER_16_5_DAYS.format(hours=f"{hours:g}").replace(
                        "students under 16 can take part", "you are under 16"
                    )
                )

    def values(self) -> dict[str, Any]:
        """The answers as OwnPlacement columns (call after validation)."""
        chosen = None if self.employer.data == NEW_EMPLOYER else int(self.employer.data)
        return {
            "employer_id": chosen,
            "employer_name": self.employers[chosen] if chosen is not None else self.employer_name.data,
            "contact_name": self.contact_name.data,
            "contact_email": self.contact_email.data,
            "postcode": self.postcode.data,
            "kind": self.kind.data,
            "role": self.role.data,
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "hours_per_day": self.hours_per_day.data,
        }

    def fill_from(self, placement: Any) -> None:
        """Show a saved proposal's answers (on first display of the change page)."""
        known = placement.employer_id in self.employers
        self.employer.data = str(placement.employer_id) if known else NEW_EMPLOYER
        self.employer_name.data = "" if known else placement.employer_name
        for name in ("contact_name", "contact_email", "postcode", "kind", "role", "start_date", "end_date"):
            getattr(self, name).data = getattr(placement, name)
        self.hours_per_day.data = placement.hours_per_day
