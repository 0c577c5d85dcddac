"""Every pupil's gaps against the hub's entitlements at once, as arrays: web/planner/entitlements.py's rules
(the ledger's), vectorised for the planner's 245,000 pupils. A test holds the two to the same answers.

A pupil's amounts come as one row per (pupil, academic year): encounters, provider encounters and hours
in workplaces done by today, and the same booked after today. Periods are whole academic years here; a
provider pair's 28 February falls inside its last year, which the planner only plans before (after it, the
pair is done or missed, with nothing left to plan).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from web.dates import academic_year_of
from web.planner.entitlements import RISK_FROM, Target, year_gone

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
# The measures the arrays carry, in their column order (T Level hours are not planned: placements are
# allocated by rounds).
PLANNED = ("employer", "provider", "workplace_hours")
# The column of PLANNED each format of offer fills: hours in workplaces, provider encounters, else an
# employer encounter (the planner, the forecast and the hub's asks read this one map).
MEASURE_OF = {"workplace_visit": 2, "workplace_project": 2, "technical_talk": 1, "taster_day": 1}


@dataclass(frozen=True)
class Amounts:
    """Each pupil's amounts by academic year: pupil index, year, and (n rows, 3 measures) done and booked."""

    pupil: IntArray
    year: IntArray
    done: FloatArray
    booked: FloatArray


@dataclass(frozen=True)
class Gap:
    """One target's standing for every pupil: due by the end of this year, done, booked, still short (0
    where it does not apply), and whether the pupil is at risk on it."""

    target: Target
    due: FloatArray
    done: FloatArray
    booked: FloatArray
    short: FloatArray
    at_risk: npt.NDArray[np.bool_]


def gaps(targets: list[Target], year_group: IntArray, amounts: Amounts, today: date) -> list[Gap]:
    """Each planned target's gaps for every pupil (year_group[i] is pupil i's this year)."""
    n, this_year, gone = year_group.size, academic_year_of(today), year_gone(today)
    found = []
    for target in targets:
        if target.measure not in PLANNED or target.t_level_only:
            continue
        column = PLANNED.index(target.measure)
        applies = (year_group >= target.first_year) & (year_group <= target.last_year)
        index = np.clip(year_group - target.first_year, 0, len(target.milestones) - 1)
        milestones = np.array([float(value) for value in target.milestones])
        due = np.where(applies, milestones[index], 0.0)
        before = np.where(index > 0, milestones[np.maximum(index - 1, 0)], 0.0)
        if target.every_year:
            first, before = np.full(n, this_year), np.zeros(n)
            final = due
        else:
            first = this_year - (year_group - target.first_year)
            final = np.where(applies, float(target.final), 0.0)
        # The pupil's rows from the period's first year to this one; booked ones up to its last.
        row_first = first[amounts.pupil]
        last = this_year if target.every_year else None
        row_last = (
            np.full(amounts.pupil.size, this_year)
            if last
            else (first + target.last_year - target.first_year)[amounts.pupil]
        )
        inside = (amounts.year >= row_first) & (amounts.year <= row_last) & applies[amounts.pupil]
        done = np.bincount(amounts.pupil[inside], amounts.done[inside, column], minlength=n)
        booked = np.bincount(amounts.pupil[inside], amounts.booked[inside, column], minlength=n)
        covered = done + booked
        on_track = (covered >= due) | ((gone < RISK_FROM) & (covered >= before))
        at_risk = applies & (done < final) & ~on_track
        short = np.where(applies & (done < final), np.maximum(0.0, due - covered), 0.0)
        found.append(Gap(target, due, done, booked, short, at_risk))
    return found


def shortfall(found: list[Gap], n: int) -> FloatArray:
    """(n, 3): what each pupil still needs this year of each planned measure (the largest target's gap)."""
    need = np.zeros((n, len(PLANNED)))
    for gap in found:
        column = PLANNED.index(gap.target.measure)
        need[:, column] = np.maximum(need[:, column], gap.short)
    return need


def risk(found: list[Gap], n: int) -> npt.NDArray[np.bool_]:
    """(n, 3): whether each pupil is at risk on any target of each planned measure."""
    flagged = np.zeros((n, len(PLANNED)), dtype=bool)
    for gap in found:
        flagged[:, PLANNED.index(gap.target.measure)] |= gap.at_risk
    return flagged
