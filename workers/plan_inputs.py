"""What the planner reads from the database for a hub's term, as web/planner/planning.py's arrays: every
current pupil of the hub's schools with their amounts by academic year (records done, places and approved
plans booked) turned into gaps, their tutor groups, and the encounter offers pledged for the term with each
school's distance to them. A few set-based queries, however many pupils."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import or_, select

from web.dao import entitlements
from web.dao.amounts import amounts_of, current_pupils
from web.extensions import db
from web.models import (
    Employer,
    EncounterOffer,
    School,
    Student,
    TermPlan,
)
from web.planner.entitlements import FIRST_YEAR, LAST_YEAR
from web.planner.gaps import MEASURE_OF, Gap, gaps, risk, shortfall
from web.planner.planning import Offers, Pupils
from web.planner.terms import term_dates
from web.postcodes import postcode_index


@dataclass(frozen=True)
class PlanInputs:
    """The arrays and the database ids behind their indices."""

    pupils: Pupils
    offers: Offers
    group_school: np.ndarray
    group_year: np.ndarray
    student_ids: np.ndarray
    school_ids: list[int]
    offer_ids: list[int]
    group_names: list[str]
    found: list[Gap]
    no_experience: np.ndarray  # no hours in workplaces on their record yet


def load_plan_inputs(plan: TermPlan, today: date) -> PlanInputs:
    """The hub's pupils and gaps today, and the offers pledged for the plan's term."""
    hub_id = plan.hub_id
    schools = db.session.execute(
        select(School.id, School.postcode).where(School.hub_id == hub_id).order_by(School.id)
    ).all()
    school_ids = [row.id for row in schools]
    school_index = {school_id: k for k, school_id in enumerate(school_ids)}
    rows = current_pupils(
        hub_id,
        Student.school_id,
        Student.year_group,
        Student.disadvantaged,
        Student.send,
        Student.tutor_group,
    )
    student_ids = np.array([row.id for row in rows], dtype=np.int64)
    year_group = np.array([row.year_group for row in rows], dtype=np.int64)
    school = np.array([school_index[row.school_id] for row in rows], dtype=np.int64)
    groups: dict[tuple[int, int, str], int] = {}
    group = np.full(len(rows), -1, dtype=np.int64)
    for i, row in enumerate(rows):
        if row.tutor_group:
            group[i] = groups.setdefault((school[i], row.year_group, row.tutor_group), len(groups))
    amounts = amounts_of(hub_id, student_ids, today, (plan.academic_year, plan.term))
    found = gaps(entitlements.targets_of(hub_id), year_group, amounts, today)
    pupils = Pupils(
        school=school,
        year_group=year_group,
        priority=np.array([row.disadvantaged or row.send for row in rows], dtype=bool),
        group=group,
        need=shortfall(found, len(rows)),
        at_risk=risk(found, len(rows)),
    )
    offers, offer_ids = _offers(hub_id, plan, [row.postcode for row in schools])
    keys = list(groups)
    return PlanInputs(
        pupils=pupils,
        offers=offers,
        group_school=np.array([k[0] for k in keys], dtype=np.int64),
        group_year=np.array([k[1] for k in keys], dtype=np.int64),
        student_ids=student_ids,
        school_ids=school_ids,
        offer_ids=offer_ids,
        group_names=[k[2] for k in keys],
        found=found,
        no_experience=np.bincount(amounts.pupil, amounts.done[:, 2], minlength=len(rows)) == 0,
    )


def _offers(hub_id: int, plan: TermPlan, school_postcodes: list[str]) -> tuple[Offers, list[int]]:
    """The hub's approved organisations' offers available in the term, with each school's km to them."""
    start, end = term_dates(plan.academic_year, plan.term)
    mentoring_checked = or_(
        EncounterOffer.format != "mentoring_programme", EncounterOffer.dbs_seen_on.is_not(None)
    )
    rows = db.session.execute(
        select(EncounterOffer, Employer.postcode)
        .join(Employer, Employer.id == EncounterOffer.employer_id)
        .where(
            Employer.hub_id == hub_id,
            Employer.status == "approved",
            EncounterOffer.status == "offered",
            EncounterOffer.available_from <= end,
            EncounterOffer.available_until >= start,
            mentoring_checked,
        )
        .order_by(EncounterOffer.id)
    ).all()
    offers = [row[0] for row in rows]
    m = len(offers)
    years = np.zeros((m, LAST_YEAR + 2), dtype=bool)
    for o, offer in enumerate(offers):
        years[o, [y for y in offer.year_groups or [] if FIRST_YEAR <= y <= LAST_YEAR]] = True
    index = postcode_index()
    ours, found_ours = index.locate(school_postcodes)
    theirs, found_theirs = index.locate([row[1] for row in rows])
    km = (
        np.sqrt(((ours[:, None, :] - theirs[None, :, :]) ** 2).sum(axis=2)) / 1000.0
        if m
        else np.zeros((len(school_postcodes), 0))
    )
    km[~(found_ours[:, None] & found_theirs[None, :])] = np.inf
    online = np.array([offer.location == "online" for offer in offers], dtype=bool)
    travel = np.array(
        [offer.travel_km if offer.travel_km is not None else np.inf for offer in offers], dtype=float
    )
    km = np.where(online[None, :], 0.0, np.where(km <= travel[None, :], km, np.inf))
    measure = np.array([MEASURE_OF.get(offer.format, 0) for offer in offers], dtype=np.int64)
    return (
        Offers(
            measure=measure,
            amount=np.array(
                [float(offer.hours) if MEASURE_OF.get(offer.format) == 2 else 1.0 for offer in offers]
            ),
            sessions=np.array([offer.per_term for offer in offers], dtype=np.int64),
            seats=np.array([offer.group_max for offer in offers], dtype=np.int64),
            smallest=np.array([offer.group_min for offer in offers], dtype=np.int64),
            whole_group=np.array([offer.whole_group for offer in offers], dtype=bool),
            years=years,
            km=km,
        ),
        [offer.id for offer in offers],
    )
