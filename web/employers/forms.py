"""The opportunity form and the rules a person would expect of it."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect, GovSubmitInput
from wtforms import BooleanField, SubmitField
from wtforms.validators import ValidationError

from matcher.people import KINDS, PATHWAYS, ROUTES
from web.fields import (
    ChoiceField,
    ChoicesField,
    DateField,
    DecimalField,
    Form,
    PostcodeField,
    TextAreaField,
    TextField,
    TimeField,
    WholeNumberField,
)

YEAR_GROUPS = tuple(range(7, 14))
MAX_CAPACITY = 500
# A long working day for adults; students under 18 may work at most 8 (validate_hours_per_day).
MAX_HOURS_PER_DAY = Decimal("12")
YOUNG_HOURS_PER_DAY = Decimal("8")
YOUNG_HOURS_IN_5_DAYS = Decimal("40")
ADULT_AGE = 18
SCHOOL_LEAVING_AGE = 16
# Year 11 is the last year below school-leaving age: its pupils are 15 or 16.
LAST_YEAR_UNDER_16 = 11
UNDER_16_DAY = (
    "Hours a day must be 8 or fewer, as students under 16 can take part: the law on children's working "
    "hours allows them at most 8 hours a day on work experience"
)
UNDER_16_5_DAYS = (
    "These dates and hours add up to {hours} hours in 5 days, as students under 16 can take part: the law "
    "on children's working hours allows them at most 40 hours in any 5 days. Lower the hours a day"
)
UNDER_18_DAY = (
    "Hours a day must be 8 or fewer, as 16 and 17 year olds can take part: the Working Time rules for "
    "young workers allow them at most 8 hours a day and 40 hours a week"
)
# Workplace activities in Years 7-9 count towards Benchmark 6, so the youngest pupils (11) can take part.
# Year 7 pupils are 11 at the youngest, Year 13 pupils 18 at the oldest: an age none can have is no choice.
MIN_AGE, MAX_AGE = YEAR_GROUPS[0] + 4, YEAR_GROUPS[-1] + 5
# Further ahead than this is more often a mistyped year than a plan: schools plan about a year ahead.
MONTHS_AHEAD = 18
# How long each kind usually lasts, first day to last; longer is questioned (a typed month or year is the
# usual cause), never refused.
USUAL_LENGTH = {
    "insight_day": (1, "An insight day lasts 1 day"),
    "job_shadowing": (5, "Job shadowing usually lasts a few days"),  # a day or several, within a week
    "work_experience": (14, "Work experience usually lasts 1 or 2 weeks"),  # DfE: about 2 weeks in all
    # These legitimately run for months: one day a week over a school year, or 315+ hours of a T Level
    # spread across its two-year course.
    "mentoring": (366, "Mentoring usually lasts up to a year"),
    "t_level_placement": (731, "A T Level industry placement usually lasts up to 2 years"),
}


def capacity_below_taken(places_taken: int) -> str:
    """The message for a capacity cut below the places already taken."""
    places = "place is" if places_taken == 1 else "places are"
    return f"Capacity cannot be less than {places_taken}, as {places_taken} {places} already taken"


NO_PLACES_PUBLISHED = (
    "Capacity must be 1 or more, as this opportunity is published. To offer no more places, close it instead"
)


def _years(years: list[int]) -> str:
    if len(years) == 1:
        return f"Year {years[0]}"
    return f"Years {', '.join(map(str, years[:-1]))} and {years[-1]}"


def _months_after(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def most_hours_in_5_days(start: date, end: date, hours_per_day: Decimal) -> Decimal:
    """The most hours worked in any 5 consecutive days, counting every day from start to end as worked
    (weekends included: a placement may run on them, and the rule must hold whichever days it does)."""
    days = (end - start).days + 1
    return min(days, 5) * hours_per_day


class OpportunityForm(Form):
    """What, where, when and for whom: everything a matching round needs to know about an opportunity."""

    kind = ChoiceField("What kind of opportunity is it?", KINDS, "Select what kind of opportunity it is")
    title = TextField("Title", required="Enter a title", max_length=200)
    description = TextAreaField(
        "Description",
        required="Enter a description",
        max_length=5000,
        description="What will students do, and who will they meet?",
    )
    route = ChoiceField(
        "Occupational route",
        {"": "Choose a route", **ROUTES},
        "Select an occupational route",
        widget=GovSelect(),
    )
    pathway = ChoiceField("Which pathway does it suit?", PATHWAYS, "Select which pathway it suits")
    location = ChoiceField(
        "Where will it take place?",
        {"workplace": "At a workplace", "remote": "Remotely (online)"},
        "Select where it will take place",
    )
    postcode = PostcodeField(
        "Postcode of the workplace",
        required="Enter the postcode of the workplace",
        only_when=("location", "workplace"),
    )
    capacity = WholeNumberField(
        "How many students can take part?",
        called="Capacity",
        required="Enter how many students can take part",
        minimum=0,
        maximum=MAX_CAPACITY,
        example=4,
        description="You can save a draft with 0 places, but it needs at least 1 to be published",
    )
    max_per_school = WholeNumberField(
        "Most students from any one school (optional)",
        called="Most students from one school",
        minimum=1,
        maximum=MAX_CAPACITY,
        example=2,
        description="Leave empty for no limit",
    )
    start_date = DateField("Start date", required="Enter a start date", description="For example, 27 3 2027")
    end_date = DateField(
        "End date",
        required="Enter an end date",
        description="The last day. For a single day, enter the start date again",
    )
    dates_right = BooleanField(
        "Yes, these dates are right",
        description="We check dates far ahead or longer than usual, as they are often a typing slip",
        widget=GovCheckboxInput(),
    )
    hours_per_day = DecimalField(
        "Hours a day",
        required="Enter the hours a day",
        places=1,  # the column keeps one
        minimum=Decimal("0.5"),
        maximum=MAX_HOURS_PER_DAY,
        example="7 or 6.5",
        range_message="Hours a day must be from 0.5 to 12",
        description="Students under 18 may work at most 8 hours a day and 40 hours a week (the law on "
        "children's working hours and the Working Time rules for young workers). More than 8 is only for "
        "placements with a minimum age of 18",
    )
    year_groups = ChoicesField(
        "Which year groups can take part?",
        {year: f"Year {year}" for year in YEAR_GROUPS},
        "Select year groups from the list",
        required="Select at least one year group",
        coerce=int,
    )
    min_age = WholeNumberField(
        "Minimum age", required="Enter the minimum age", minimum=MIN_AGE, maximum=MAX_AGE, example=14
    )
    accessibility_notes = TextAreaField(
        "Accessibility (optional)",
        called="Accessibility",
        max_length=2000,
        description="For example, step-free access, quiet space, adjustments you can make",
    )
    # The practical details for the day: students and their parents see them once a student has said yes.
    address = TextAreaField(
        "Full address of the workplace (optional)",
        called="Full address",
        max_length=300,
        only_when=("location", "workplace"),
        description="Where students should go, with the building and floor. They see it once they accept",
    )
    arrival_time = TimeField(
        "Arrival time (optional)",
        called="Arrival time",
        description="When students should arrive each day, on the 24-hour clock, for example 09:00",
    )
    finish_time = TimeField(
        "Finish time (optional)", called="Finish time", description="When they finish, for example 16:30"
    )
    ask_for = TextField(
        "Who should students ask for when they arrive? (optional)",
        called="Who to ask for",
        max_length=200,
        description="A name and where to find them, for example Priya Shah at reception",
    )
    dress_code = TextAreaField(
        "What should students wear? (optional)",
        called="What to wear",
        max_length=500,
        description="For example, smart casual, and no open-toed shoes in the workshop",
    )
    what_to_bring = TextAreaField(
        "What should students bring? (optional)",
        called="What to bring",
        max_length=1000,
        description="For example, a notebook and pen, and photo ID for the security desk",
    )
    lunch = TextAreaField(
        "Lunch (optional)",
        called="Lunch",
        max_length=500,
        description="Whether lunch is provided, or where students can eat a packed lunch or buy one",
    )
    travel = TextAreaField(
        "How to get there (optional)",
        called="How to get there",
        max_length=1000,
        description="Buses, trams or trains nearby, and where to leave a bike",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, opportunity: Any = None, **kwargs: Any) -> None:
        """The form for a new opportunity, or for changing `opportunity`."""
        super().__init__(*args, **kwargs)
        self.opportunity = opportunity
        self.dates_questioned = False  # the template shows "Yes, these dates are right" once asked
        self._far: set[str] = set()

    def validate_capacity(self, field: WholeNumberField) -> None:
        """Never fewer places than students already holding one; none only while a draft."""
        saved = self.opportunity
        if saved is not None and field.data < saved.places_taken:
            raise ValidationError(capacity_below_taken(saved.places_taken))
        if saved is not None and saved.status == "published" and field.data == 0:
            raise ValidationError(NO_PLACES_PUBLISHED)

    def validate_max_per_school(self, field: WholeNumberField) -> None:
        """No more than the whole capacity from one school."""
        if self.capacity.data is not None and field.data > self.capacity.data:
            raise ValidationError("Most students from one school cannot be more than the capacity")

    def validate_start_date(self, field: DateField) -> None:
        """A new (or moved) start must be in the future, and not so far off it is probably a typing slip."""
        moved = self.opportunity is None or field.data != self.opportunity.start_date
        if moved and field.data <= date.today():
            raise ValidationError("Start date must be in the future")
        self._question_if_far(field)

    def validate_end_date(self, field: DateField) -> None:
        """The last day is not before the first; far off or unusually long dates are questioned."""
        start = self.start_date.data
        if start is not None and field.data < start:
            raise ValidationError("End date must be the same as or after the start date")
        if start is None or "start_date" not in self._far:  # one question about the same slip is enough
            self._question_if_far(field)
        if start is None or self.kind.data not in USUAL_LENGTH or not self._dates_to_question():
            return
        usual, sentence = USUAL_LENGTH[self.kind.data]
        days = (field.data - start).days + 1
        if days > usual:
            self.dates_questioned = True
            raise ValidationError(
                f"{sentence}, but these dates cover {days} days. Correct the end date, or confirm the "
                "dates are right"
            )

    def _dates_to_question(self) -> bool:
        # Dates someone has confirmed, or saved already with the same kind, are not asked about again.
        saved = self.opportunity
        unchanged = saved is not None and (saved.kind, saved.start_date, saved.end_date) == (
            self.kind.data,
            self.start_date.data,
            self.end_date.data,
        )
        return not (self.dates_right.data or unchanged)

    def _question_if_far(self, field: DateField) -> None:
        if field.data > _months_after(date.today(), MONTHS_AHEAD) and self._dates_to_question():
            self.dates_questioned = True
            self._far.add(field.name)
            raise ValidationError(
                f"{field.called} is more than {MONTHS_AHEAD} months from today. Correct the date, or confirm "
                "the dates are right"
            )

    def validate_hours_per_day(self, field: DecimalField) -> None:
        """The legal limits on young people's working hours, for the youngest students who may take part."""
        youngest = self.min_age.data if isinstance(self.min_age.data, int) else None
        years = [year for year in self.year_groups.data or [] if isinstance(year, int)]
        # An unanswered or wrong minimum age is taken as the youngest, so the strictest rule applies.
        under_16 = (
            youngest is None or youngest < SCHOOL_LEAVING_AGE or min(years, default=0) <= LAST_YEAR_UNDER_16
        )
        if under_16 and field.data > YOUNG_HOURS_PER_DAY:
            raise ValidationError(UNDER_16_DAY)
        if (youngest is None or youngest < ADULT_AGE) and field.data > YOUNG_HOURS_PER_DAY:
            raise ValidationError(UNDER_18_DAY)
        start, end = self.start_date.data, self.end_date.data
        if under_16 and isinstance(start, date) and isinstance(end, date) and end >= start:
            hours = most_hours_in_5_days(start, end, field.data)
            if hours > YOUNG_HOURS_IN_5_DAYS:
                raise ValidationError(UNDER_16_5_DAYS.format(hours=f"{hours:g}"))

    def validate_min_age(self, field: WholeNumberField) -> None:
        """Someone in every year group chosen can be old enough.

        In England a pupil in Year Y is Y + 4 at the start of the school year and Y + 5 by its end.
        """
        ruled_out = [year for year in self.year_groups.data or [] if field.data > year + 5]
        if not ruled_out or self.year_groups.errors:
            return
        if len(ruled_out) == 1:
            (year,) = ruled_out
            who = f"Year {year} students are {year + 4} or {year + 5}"
        else:
            who = f"Students in {_years(ruled_out)} are {max(ruled_out) + 5} or younger"
        raise ValidationError(
            f"{who}, so none can meet a minimum age of {field.data}. Untick {_years(ruled_out)} or lower "
            "the minimum age"
        )

    def validate_finish_time(self, field: TimeField) -> None:
        """After the arrival time, and long enough for the hours a day."""
        arrival = self.arrival_time.data
        if not isinstance(arrival, time):
            return
        if field.data <= arrival:
            raise ValidationError("Finish time must be after the arrival time")
        hours = self.hours_per_day.data
        day = datetime.combine(date.min, field.data) - datetime.combine(date.min, arrival)
        if isinstance(hours, Decimal) and not self.hours_per_day.errors and day.seconds < hours * 3600:
            raise ValidationError(
                f"Finish time must be at least {hours:g} hours after the arrival time, as the placement is "
                f"{hours:g} hours a day"
            )

    def fields_to_save(self) -> dict[str, Any]:
        """The form's answers as Opportunity columns."""
        return {
            "kind": self.kind.data,
            "title": self.title.data,
            "description": self.description.data,
            "route": self.route.data,
            "pathway": self.pathway.data,
            "remote": self.location.data == "remote",
            "postcode": self.postcode.data if self.location.data == "workplace" else None,
            "capacity": self.capacity.data,
            "max_per_school": self.max_per_school.data,
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "hours_per_day": self.hours_per_day.data,
            "year_groups": sorted(self.year_groups.data or []),
            "min_age": self.min_age.data,
            "accessibility_notes": self.accessibility_notes.data or "",
            "address": self.address.data or "",
            "arrival_time": self.arrival_time.data,
            "finish_time": self.finish_time.data,
            "ask_for": self.ask_for.data or "",
            "dress_code": self.dress_code.data or "",
            "what_to_bring": self.what_to_bring.data or "",
            "lunch": self.lunch.data or "",
            "travel": self.travel.data or "",
        }

    def fill_from(self, opportunity: Any) -> None:
        """Show an existing opportunity's answers (on first display of the edit page)."""
        for name, value in {
            **{column: getattr(opportunity, column) for column in _COLUMNS},
            "location": "remote" if opportunity.remote else "workplace",
        }.items():
            getattr(self, name).data = value


_COLUMNS = (
    "kind",
    "title",
    "description",
    "route",
    "pathway",
    "postcode",
    "capacity",
    "max_per_school",
    "start_date",
    "end_date",
    "hours_per_day",
    "year_groups",
    "min_age",
    "accessibility_notes",
    "address",
    "arrival_time",
    "finish_time",
    "ask_for",
    "dress_code",
    "what_to_bring",
    "lunch",
    "travel",
)
