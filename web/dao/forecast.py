"""A hub's forecast for the rest of the school year: what its current pupils still need of each planned
measure (their gaps, web/planner/gaps.py), and what its offers pledge, by measure, year group, route and
month, from today to 31 July. A few set-based queries, however many pupils.

Needed: each pupil's shortfall this year (the largest gap of each measure), in places for encounters and in
hours for workplace hours; a pupil with several routes counts equally under each (a half each of two), one
with none under NO_ROUTE; spread over the months left in proportion to the days left in each.
Pledged: an offer's per_term sessions x group_max seats each term (times its hours for workplace hours),
less the places approved for pupils in kept plans that term, spread evenly over the days it is available
in the term; split equally over its year groups, under its own route and measure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import func, or_, select

from matcher.people import ROUTES
from web.dao import entitlements
from web.dao.amounts import amounts_of, current_pupils
from web.dates import academic_year_of
from web.extensions import db
from web.models import Employer, EncounterOffer, PlanItem, Student, TermPlan
from web.planner.entitlements import FIRST_YEAR, LAST_YEAR, YEAR_END
from web.planner.gaps import MEASURE_OF, PLANNED, FloatArray, gaps, shortfall
from web.planner.terms import term_dates

NO_ROUTE = ""
# A route fewer pupils chose than this is counted with those who chose none, so no row speaks of a few
# pupils' interests (as the reports keep back numbers under 5).
FEWEST = 5
YEAR_GROUPS = list(range(FIRST_YEAR, LAST_YEAR + 1))


@dataclass(frozen=True)
class Forecast:
    """Needed and pledged, each (measure of PLANNED, year group from FIRST_YEAR, route, month)."""

    today: date
    months: list[date]  # the first day of each month left, this one first
    routes: list[str]  # route slugs, NO_ROUTE last
    needed: FloatArray
    pledged: FloatArray

    @property
    def shortfall(self) -> FloatArray:
        return np.maximum(self.needed - self.pledged, 0.0)


def forecast_of(hub_id: int, today: date) -> Forecast:
    """The hub's needed and pledged places from today to the end of this school year (31 July)."""
    end = date(academic_year_of(today) + 1, *YEAR_END)
    months = _months(today, end)
    days = np.array([_overlap(month, _month_end(month), today, end) for month in months], dtype=float)
    offers = _offers(hub_id, today, end)
    routes = list(ROUTES) + sorted({o.route for o in offers} - set(ROUTES)) + [NO_ROUTE]
    route_index = {route: r for r, route in enumerate(routes)}
    shape = (len(PLANNED), len(YEAR_GROUPS), len(routes), len(months))
    needed = np.zeros(shape)
    pledged = np.zeros(shape)
    if months:
        total, pupils = _needed_by_year_and_route(hub_id, today, route_index)
        needed = total[..., None] * (days / days.sum())
        taken = _taken(hub_id, academic_year_of(today))
        for offer in offers:
            _pledge(offer, pledged, route_index[offer.route], months, today, end, taken)
        few = np.flatnonzero(pupils[:-1] < FEWEST)
        for array in (needed, pledged):
            array[:, :, -1] += array[:, :, few].sum(axis=2)
            array[:, :, few] = 0.0
    return Forecast(today, months, routes, needed, pledged)


def _needed_by_year_and_route(
    hub_id: int, today: date, route_index: dict[str, int]
) -> tuple[FloatArray, FloatArray]:
    """(measure, year group, route): the hub's current pupils' shortfalls this year, added up; and how
    many pupils chose each route."""
    rows = current_pupils(hub_id, Student.year_group, Student.routes)
    total = np.zeros((len(PLANNED), len(YEAR_GROUPS), len(route_index)))
    if not rows:
        return total, np.zeros(len(route_index))
    student_ids = np.array([row.id for row in rows], dtype=np.int64)
    year_group = np.array([row.year_group for row in rows], dtype=np.int64)
    found = gaps(entitlements.targets_of(hub_id), year_group, amounts_of(hub_id, student_ids, today), today)
    need = shortfall(found, len(rows))
    # One (pupil, route, share) triple for each of a pupil's routes, so each pupil's shares add up to one.
    pupil, route, share = [], [], []
    for i, row in enumerate(rows):
        chosen = [r for r in dict.fromkeys(row.routes or []) if r in route_index] or [NO_ROUTE]
        for slug in chosen:
            pupil.append(i)
            route.append(route_index[slug])
            share.append(1 / len(chosen))
    at = np.array(pupil, dtype=np.int64)
    cell = (year_group[at] - FIRST_YEAR) * len(route_index) + np.array(route, dtype=np.int64)
    for m in range(len(PLANNED)):
        weights = need[at, m] * np.array(share)
        total[m] = np.bincount(cell, weights, minlength=total[m].size).reshape(total[m].shape)
    return total, np.bincount(np.array(route, dtype=np.int64), minlength=len(route_index)).astype(float)


def _offers(hub_id: int, today: date, end: date) -> list[EncounterOffer]:
    """The offers of the hub's approved organisations available at some time from today to the end."""
    mentoring_checked = or_(
        EncounterOffer.format != "mentoring_programme", EncounterOffer.dbs_seen_on.is_not(None)
    )
    return list(
        db.session.scalars(
            select(EncounterOffer)
            .join(Employer, Employer.id == EncounterOffer.employer_id)
            .where(
                Employer.hub_id == hub_id,
                Employer.status == "approved",
                EncounterOffer.status == "offered",
                EncounterOffer.available_from <= end,
                EncounterOffer.available_until >= today,
                mentoring_checked,
            )
            .order_by(EncounterOffer.id)
        )
    )


def _taken(hub_id: int, academic_year: int) -> dict[tuple[int, int], int]:
    """(offer id, term): places approved for pupils in the hub's kept plans this school year."""
    rows = db.session.execute(
        select(PlanItem.offer_id, TermPlan.term, func.count())
        .join(TermPlan, TermPlan.id == PlanItem.plan_id)
        .where(
            TermPlan.hub_id == hub_id,
            TermPlan.academic_year == academic_year,
            TermPlan.kept.is_(True),
            PlanItem.status == "approved",
        )
        .group_by(PlanItem.offer_id, TermPlan.term)
    )
    return {(offer_id, term): count for offer_id, term, count in rows}


def _pledge(
    offer: EncounterOffer,
    pledged: FloatArray,
    route: int,
    months: list[date],
    today: date,
    end: date,
    taken: dict[tuple[int, int], int],
) -> None:
    """Add what the offer pledges in each month left to pledged (in place)."""
    years = [y - FIRST_YEAR for y in dict.fromkeys(offer.year_groups or []) if FIRST_YEAR <= y <= LAST_YEAR]
    if not years:
        return
    measure = MEASURE_OF.get(offer.format, 0)
    amount = float(offer.hours) if measure == PLANNED.index("workplace_hours") else 1.0
    academic_year = academic_year_of(today)
    for term in (1, 2, 3):
        start, finish = term_dates(academic_year, term)
        start, finish = max(start, offer.available_from), min(finish, offer.available_until)
        available = (finish - start).days + 1
        places = offer.per_term * offer.group_max - taken.get((offer.id, term), 0)
        if available <= 0 or places <= 0:
            continue
        per_day = places * amount / available / len(years)
        for t, month in enumerate(months):
            days = _overlap(max(month, start, today), min(_month_end(month), finish, end), today, end)
            pledged[measure, years, route, t] += per_day * days


def _months(today: date, end: date) -> list[date]:
    found = []
    month = today.replace(day=1)
    while month <= end:
        found.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return found


def _month_end(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _overlap(first: date, last: date, start: date, end: date) -> int:
    """Days from first to last (inclusive) that fall between start and end."""
    return max(0, (min(last, end) - max(first, start)).days + 1)
