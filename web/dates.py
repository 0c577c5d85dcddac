"""Dates as people in England see them: the service's days and deadlines are Europe/London's."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def academic_year_of(day: date) -> int:
    """The academic year a day falls in, by the calendar year it starts in (September to August)."""
    return day.year if day.month >= 9 else day.year - 1


def london_today() -> date:
    """Today's date in England (a UTC date is a day behind here for an hour each summer night)."""
    return datetime.now(LONDON).date()


def end_of_day_utc(day: date) -> datetime:
    """The first moment after `day` ends in England, as a naive UTC time like every timestamp stored."""
    midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=LONDON)
    return midnight.astimezone(UTC).replace(tzinfo=None)


def age_on(date_of_birth: date, day: date) -> int:
    """A person's age in whole years on `day`."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday


def long_date(day: date) -> str:
    """A date as people write it in a letter: 4 December 2026."""
    return f"{day.day} {day:%B %Y}"


def clock_time(moment: time) -> str:
    """A time of day as GOV.UK writes it: 9am, 4:30pm, midday, midnight."""
    if moment.minute == 0 and moment.hour in (0, 12):
        return "midnight" if moment.hour == 0 else "midday"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"
