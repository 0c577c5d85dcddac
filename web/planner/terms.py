"""The three terms of a school year as the planner plans them: autumn (September to December), spring
(January to March) and summer (April to July)."""

from __future__ import annotations

from datetime import date

from web.dates import academic_year_of

TERM_NAMES = {1: "Autumn", 2: "Spring", 3: "Summer"}


def term_dates(academic_year: int, term: int) -> tuple[date, date]:
    """The first and last day of a term of the academic year that starts in September of that year."""
    if term == 1:
        return date(academic_year, 9, 1), date(academic_year, 12, 31)
    if term == 2:
        return date(academic_year + 1, 1, 1), date(academic_year + 1, 3, 31)
    return date(academic_year + 1, 4, 1), date(academic_year + 1, 7, 31)


def term_of(day: date) -> tuple[int, int]:
    """(academic year, term) a day falls in; August counts as the summer term."""
    year = academic_year_of(day)
    return year, 1 if day.month >= 9 else 2 if day.month <= 3 else 3


def term_label(academic_year: int, term: int) -> str:
    """ "Spring term 2027" """
    return f"{TERM_NAMES[term]} term {term_dates(academic_year, term)[0].year}"


def coming_terms(today: date, count: int = 3) -> list[tuple[int, int]]:
    """This term and the next ones, as (academic year, term)."""
    year, term = term_of(today)
    found = []
    for _ in range(count):
        found.append((year, term))
        year, term = (year + 1, 1) if term == 3 else (year, term + 1)
    return found
