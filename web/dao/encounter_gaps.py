"""Who of a school's current students (leavers left out) has had no employer encounter this academic year,
and how they stand against the provider access deadlines.

The counting is the reports' own (web/dao/reports.py): a student's Benchmark 5 records this academic year up
to today, and their provider encounters since the start of their current pair of years, so this page and
the school's reports always agree. The figures come from one GROUP BY over the school's students, each
list from one query a page (and one to count it), never a query per pupil.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.sql import Select, Subquery

from web.dao.reports import PROVIDER_BANDS, PROVIDER_TARGET, Scope, _per_student, cohort_of
from web.dao.reports import provider_deadline as reports_deadline
from web.dates import academic_year_of
from web.extensions import db
from web.models import ExperienceRecord, School, Student

# A pupil is at risk when their deadline is this close and they have had fewer than two provider encounters.
AT_RISK_WITHIN = timedelta(weeks=8)


@dataclass
class Split:
    """Pupils in a group, and how many of them have had an encounter this year."""

    pupils: int = 0
    with_encounter: int = 0

    @property
    def without(self) -> int:
        return self.pupils - self.with_encounter

    def add(self, pupils: int, with_encounter: int) -> None:
        """Count more pupils in."""
        self.pupils += pupils
        self.with_encounter += with_encounter


@dataclass
class YearRow:
    """One year group (None: all of them): every pupil, and disadvantaged, SEND and other pupils (neither)."""

    year_group: int | None
    everyone: Split = field(default_factory=Split)
    disadvantaged: Split = field(default_factory=Split)
    send: Split = field(default_factory=Split)
    other: Split = field(default_factory=Split)


@dataclass
class Phase:
    """A pair of years of provider access: its pupils, those with two encounters in it so far, and the next
    deadline not yet passed (the year group it is for), with the pupils at risk of missing it."""

    years: tuple[int, int]
    deadline: date
    deadline_year_group: int
    pupils: int = 0
    met: int = 0
    at_risk: int = 0


@dataclass(frozen=True)
class Gaps:
    """The page's figures: a row per year group with pupils, then the total; the three phases."""

    years: list[YearRow]
    total: YearRow
    phases: list[Phase]


@dataclass(frozen=True)
class Filters:
    """Which pupils with no encounter this year to list: a year group (None: all), a group ("": all)."""

    year_group: int | None = None
    group: str = ""


def provider_deadline(year_group: int, today: date) -> date | None:
    """28 February of the later year of the pupil's pair of years (Years 8-9, 10-11, 12-13), for a pupil in
    this year group in today's academic year (the reports' rule); None outside those years."""
    return reports_deadline(year_group, academic_year_of(today))


def at_risk_year_groups(today: date) -> list[int]:
    """The year groups whose provider deadline is today or within AT_RISK_WITHIN of it."""
    return [
        year
        for low, high in PROVIDER_BANDS
        for year in range(low, high + 1)
        if today <= provider_deadline(year, today) <= today + AT_RISK_WITHIN  # type: ignore[operator]
    ]


@dataclass(frozen=True)
class _Current:
    """The school's current students (the reports' cohort, with each one's year group this year,
    disadvantage and SEND) with the reports' counts for each (`per`)."""

    cohort: Subquery
    per: Subquery

    @classmethod
    def of(cls, school: School, today: date) -> _Current:
        """The school's current students in today's academic year."""
        scope = Scope(hub_id=school.hub_id, year=academic_year_of(today), today=today, school_id=school.id)
        cohort = cohort_of(scope)
        return cls(cohort, _per_student(cohort, scope))

    @property
    def encounters(self) -> Any:
        """Benchmark 5 records this academic year, up to today."""
        return func.coalesce(self.per.c.encounters, 0)

    @property
    def providers(self) -> Any:
        """Provider encounters since the start of their pair of years (none outside Years 8 to 13)."""
        return func.coalesce(self.per.c.providers, 0)

    def select(self, *columns: Any) -> Select[Any]:
        """These columns for each current student (leavers left out)."""
        cohort = self.cohort
        return (
            select(*columns)
            .select_from(cohort)
            .join(Student, Student.id == cohort.c.id)
            .outerjoin(self.per, self.per.c.student_id == cohort.c.id)
            .where(Student.left_on.is_(None))
        )


def gaps(school: School, today: date) -> Gaps:
    """Pupils with and without an encounter this year by year group and group, and provider encounters per
    phase against its next deadline: one query."""
    current = _Current.of(school, today)
    c = current.cohort.c
    query = current.select(
        c.year_group,
        c.disadvantaged,
        c.send,
        func.count(),
        func.count().filter(current.encounters > 0),
        func.count().filter(current.providers >= PROVIDER_TARGET),
    ).group_by(c.year_group, c.disadvantaged, c.send)
    years: dict[int, YearRow] = {}
    total = YearRow(None)
    phases = {band: _phase(band, today) for band in PROVIDER_BANDS}
    risky = set(at_risk_year_groups(today))
    for year_group, disadvantaged, send, pupils, with_encounter, met in db.session.execute(query):
        row = years.setdefault(year_group, YearRow(year_group))
        for counted in (row, total):
            counted.everyone.add(pupils, with_encounter)
            if disadvantaged:
                counted.disadvantaged.add(pupils, with_encounter)
            if send:
                counted.send.add(pupils, with_encounter)
            if not disadvantaged and not send:
                counted.other.add(pupils, with_encounter)
        for (low, high), phase in phases.items():
            if low <= year_group <= high:
                phase.pupils += pupils
                phase.met += met
                phase.at_risk += pupils - met if year_group in risky else 0
    return Gaps([years[year] for year in sorted(years)], total, list(phases.values()))


def _without(current: _Current, filters: Filters) -> list[Any]:
    """What picks the current students with no encounter this year, as filtered."""
    cohort = current.cohort.c
    conditions = [current.encounters == 0]
    if filters.year_group is not None:
        conditions.append(cohort.year_group == filters.year_group)
    if filters.group == "disadvantaged":
        conditions.append(cohort.disadvantaged.is_(True))
    elif filters.group == "send":
        conditions.append(cohort.send.is_(True))
    elif filters.group == "no_experience":
        conditions.append(~_experienced())
    return conditions


def count_without(school: School, today: date, filters: Filters) -> int:
    """How many current students have had no encounter this year, as filtered."""
    current = _Current.of(school, today)
    return int(db.session.scalar(current.select(func.count()).where(*_without(current, filters))) or 0)


@dataclass(frozen=True)
class Pupil:
    """A pupil on one of the page's lists, with whether they have had a workplace experience (Benchmark 6)
    and their provider encounters in their pair of years so far."""

    student: Student
    experienced: bool
    providers: int


def without(school: School, today: date, filters: Filters, page: int, per_page: int | None) -> list[Pupil]:
    """One page of the current students with no encounter this year, as filtered, by year group and name
    (per_page None: all of them)."""
    current = _Current.of(school, today)
    return _pupils(current, _without(current, filters), page, per_page)


def _at_risk(current: _Current, today: date) -> list[Any]:
    return [
        current.cohort.c.year_group.in_(at_risk_year_groups(today)),
        current.providers < PROVIDER_TARGET,
    ]


def count_at_risk(school: School, today: date) -> int:
    """How many current students have fewer than two provider encounters with their deadline close."""
    if not at_risk_year_groups(today):
        return 0  # no deadline is close: nobody to look for
    current = _Current.of(school, today)
    return int(db.session.scalar(current.select(func.count()).where(*_at_risk(current, today))) or 0)


def at_risk(school: School, today: date, page: int, per_page: int) -> list[Pupil]:
    """One page of the current students with fewer than two provider encounters in their pair of years
    and its deadline within AT_RISK_WITHIN, by year group and name."""
    if not at_risk_year_groups(today):
        return []
    current = _Current.of(school, today)
    return _pupils(current, _at_risk(current, today), page, per_page)


def _experienced() -> Any:
    return exists().where(ExperienceRecord.student_id == Student.id, ExperienceRecord.benchmark == "6")


def _pupils(current: _Current, conditions: list[Any], page: int, per_page: int | None) -> list[Pupil]:
    query = (
        current.select(Student, _experienced(), current.providers)
        .where(*conditions)
        .order_by(Student.year_group, Student.last_name, Student.first_name, Student.id)
    )
    if per_page is not None:
        query = query.limit(per_page).offset((page - 1) * per_page)
    return [
        Pupil(student, bool(had), int(providers)) for student, had, providers in db.session.execute(query)
    ]


def _phase(years: tuple[int, int], today: date) -> Phase:
    dates = [(provider_deadline(year, today), year) for year in range(years[0], years[1] + 1)]
    deadline, year_group = min((day, year) for day, year in dates if day is not None and day >= today)
    return Phase(years, deadline, year_group)
