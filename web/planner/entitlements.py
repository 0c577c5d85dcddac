"""What every pupil is owed across Years 7 to 13, and how a pupil stands against it: pure rules, no Flask
and no database, so a page of 250 pupils and the planner's 245,000 use the same arithmetic.

An entitlement counts one measure (employer encounters, provider encounters, hours in workplaces, T Level
placement hours) either afresh every academic year (an encounter every year) or across a span of years
(a week's worth of workplace activity in Years 7 to 9), with a milestone for the end of each year of the
span: what should be done by then, counted from the span's start. The defaults follow the statutory
guidance of September 2025 and the field's pilot tiers; a hub changes the numbers once for all its schools.

A pupil's status on an entitlement this year:
- done: the whole span's (or the year's) target is met;
- on track: what is done and booked covers this year's milestone, or the year is young (before RISK_FROM
  of it has gone) and the pupil is not behind last year's milestone;
- at risk: neither, while there is still time;
- missed: the span (or the year) ended short.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from web.dates import academic_year_of

# What a target counts, from a pupil's experience records (and their bookings, which become records).
MEASURES: dict[str, str] = {
    "employer": "Employer encounters",
    "provider": "Provider encounters",
    "workplace_hours": "Hours in workplaces",
    "t_level_hours": "T Level placement hours",
}
HOURS = ("workplace_hours", "t_level_hours")
FIRST_YEAR, LAST_YEAR = 7, 13
# Once this share of the academic year has gone, a pupil short of this year's milestone is at risk.
RISK_FROM = 0.4
# The school year as the ledger counts it: 1 September to 31 July (August has no school).
YEAR_START_MONTH, YEAR_END = 9, (7, 31)
STATUSES = ("done", "on_track", "at_risk", "missed")
STATUS_WORDS = {"done": "Done", "on_track": "On track", "at_risk": "At risk", "missed": "Missed"}


@dataclass(frozen=True)
class Target:
    """One entitlement: what it counts, for which years, and the milestone by the end of each year
    (cumulative from the span's first year; for an every-year target, that year's own amount)."""

    key: str
    label: str
    measure: str
    first_year: int
    last_year: int
    milestones: tuple[Decimal, ...]  # one per year of the span, first year first
    every_year: bool = False
    due: tuple[int, int] = YEAR_END  # (month, day) the last year's milestone falls due
    t_level_only: bool = False

    def milestone(self, year_group: int) -> Decimal:
        """What should be done by the end of this year of the span."""
        return self.milestones[year_group - self.first_year]

    @property
    def final(self) -> Decimal:
        return self.milestones[-1]

    def applies(self, year_group: int) -> bool:
        return self.first_year <= year_group <= self.last_year


def _tiers(*values: int) -> tuple[Decimal, ...]:
    return tuple(Decimal(value) for value in values)


# The defaults a hub starts from (and returns to): an employer encounter every year from Year 7; a week's
# worth (30 hours) of workplace activity in Years 7-9, in the pilot's tiers (Year 8 ten hours, Year 9
# fifteen); a week's placement in Years 10-11 and again in Years 12-13; two provider encounters in each
# pair of years by 28 February of the later one; a T Level's 315 industry placement hours.
DEFAULT_TARGETS: tuple[Target, ...] = (
    Target("encounter", "An employer encounter every year", "employer", 7, 13, _tiers(*[1] * 7), True),
    Target(
        "ks3_workplace", "Workplace activities in Years 7 to 9", "workplace_hours", 7, 9, _tiers(5, 15, 30)
    ),
    Target("ks4_placement", "Work experience in Years 10 and 11", "workplace_hours", 10, 11, _tiers(25, 30)),
    Target("ks5_placement", "Work experience in Years 12 and 13", "workplace_hours", 12, 13, _tiers(30, 30)),
    Target(
        "providers_8_9", "Provider encounters in Years 8 and 9", "provider", 8, 9, _tiers(1, 2), due=(2, 28)
    ),
    Target(
        "providers_10_11",
        "Provider encounters in Years 10 and 11",
        "provider",
        10,
        11,
        _tiers(1, 2),
        due=(2, 28),
    ),
    Target(
        "providers_12_13",
        "Provider encounters in Years 12 and 13",
        "provider",
        12,
        13,
        _tiers(1, 2),
        due=(2, 28),
    ),
    Target(
        "t_level", "T Level industry placement", "t_level_hours", 12, 13, _tiers(150, 315), t_level_only=True
    ),
)


@dataclass(frozen=True)
class Item:
    """Something on a pupil's record (done) or booked for them: when, and how much of each measure."""

    on_date: date
    measure: str
    amount: Decimal


@dataclass(frozen=True)
class Standing:
    """A pupil against one entitlement: the period counted, what is done and booked in it, the amount due
    by the end of this year and for the whole span, and the status."""

    target: Target
    year_group: int
    done: Decimal
    booked: Decimal
    due_this_year: Decimal
    status: str

    @property
    def short(self) -> Decimal:
        """How much more this year's milestone needs beyond what is done and booked."""
        return max(Decimal(0), self.due_this_year - self.done - self.booked)

    @property
    def words(self) -> str:
        return STATUS_WORDS[self.status]


def period(target: Target, year_group: int, today: date) -> tuple[date, date]:
    """The first and last day counted for a pupil in this year group today: this academic year for an
    every-year target, else from the start of the span's first year to the due day of its last."""
    year = academic_year_of(today)
    first = year if target.every_year else year - (year_group - target.first_year)
    last = year if target.every_year else first + (target.last_year - target.first_year)
    month, day = target.due
    return date(first, YEAR_START_MONTH, 1), date(last + (month < YEAR_START_MONTH), month, day)


def year_gone(today: date) -> float:
    """The share of this school year (1 September to 31 July) gone by today, 0 to 1."""
    year = academic_year_of(today)
    start, end = date(year, YEAR_START_MONTH, 1), date(year + 1, *YEAR_END)
    return min(1.0, max(0.0, (today - start).days / (end - start).days))


def standing(target: Target, year_group: int, items: list[Item], today: date) -> Standing:
    """How a pupil in this year group stands on the target today, from their records and bookings (items
    of any measure and date: those outside the target's measure and period are left out)."""
    start, end = period(target, year_group, today)
    done = booked = Decimal(0)
    for item in items:
        if item.measure != target.measure or not start <= item.on_date <= end:
            continue
        if item.on_date <= today:
            done += item.amount
        else:
            booked += item.amount
    due = target.milestone(year_group)
    final = due if target.every_year else target.final
    before = (
        Decimal(0)
        if target.every_year or year_group == target.first_year
        else target.milestone(year_group - 1)
    )
    if done >= final:
        status = "done"
    elif today > end:
        status = "missed"
    elif done + booked >= due or (year_gone(today) < RISK_FROM and done + booked >= before):
        status = "on_track"
    else:
        status = "at_risk"
    return Standing(target, year_group, done, booked, due, status)


def ledger(
    targets: list[Target], year_group: int, items: list[Item], today: date, t_level: bool = False
) -> list[Standing]:
    """A pupil's standing on each target that applies to their year group (a T Level target only to a
    T Level student), in the targets' order."""
    return [
        standing(target, year_group, items, today)
        for target in targets
        if target.applies(year_group) and (t_level or not target.t_level_only)
    ]


def past_spans(targets: list[Target], year_group: int, items: list[Item], today: date) -> list[Standing]:
    """The spans a pupil has finished (Years 7-9 for a Year 10 pupil): done or missed, as they ended."""
    ended = []
    for target in targets:
        if target.every_year or target.t_level_only or target.last_year >= year_group:
            continue
        # Counted as the pupil stood the day after the span's due day, in the span's last year.
        then = date(academic_year_of(today) - (year_group - target.last_year), YEAR_START_MONTH, 1)
        after = period(target, target.last_year, then)[1] + timedelta(days=1)
        ended.append(standing(target, target.last_year, items, after))
    return ended


def _amount(value: Decimal, measure: str) -> str:
    number = f"{value:g}"
    if measure in HOURS:
        return f"{number} hour" + ("" if value == 1 else "s")
    return f"{number} encounter" + ("" if value == 1 else "s")


def in_words(result: Standing) -> str:
    """A pupil's standing in plain words, for the pupil and their parent or carer."""
    target, measure = result.target, result.target.measure
    due = _amount(result.due_this_year, measure)
    by = "this year" if target.every_year else f"by the end of Year {result.year_group}"
    done = _amount(result.done, measure)
    booked = f", and {_amount(result.booked, measure)} booked" if result.booked else ""
    if result.status == "done":
        return f"Done: {done}, all that is owed."
    if result.status == "missed":
        return f"Missed: {done} of {due} when the time ran out."
    if result.status == "on_track":
        return f"On track: {done} so far{booked}, of {due} {by}."
    return f"At risk: {done} so far{booked}, of {due} {by}. Your school is planning the rest."
