"""From a round's students and opportunities to the Instance both mechanisms read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from matcher.candidates import Candidates, candidates
from matcher.columns import column, values
from matcher.instance import NO_CAP, Instance
from matcher.people import Opportunity, Student
from matcher.policy import CATEGORIES, Policy
from matcher.postcodes import PostcodeIndex
from matcher.scores import Scores, score
from matcher.segments import order_within
from matcher.shares import school_shares

_FIRST = float(1 << 40)


def build_instance(
    students: Sequence[Student],
    opportunities: Sequence[Opportunity],
    candidates: Candidates,
    scores: Scores,
    policy: Policy,
) -> Instance:
    """Each student's list: their own ranked candidates in their order, then the best others by score."""
    n, m = len(students), len(opportunities)
    s = candidates.student.astype(np.int64)
    ranked = candidates.rank >= 0
    # Ranks sort before any score (totals are at most the sum of the weights); equal scores keep the
    # candidates' order, nearest first, so the list is the same every time.
    order = order_within(candidates.ptr, np.where(ranked, candidates.rank - _FIRST, -scores.total))
    n_ranked = np.bincount(s[ranked], minlength=n)
    position = np.arange(len(s)) - candidates.ptr[s[order]]
    keep = order[position < n_ranked[s[order]] + policy.list_length]
    pref_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(s[keep], minlength=n), out=pref_ptr[1:])

    capacity = column(opportunities, "capacity", np.int64)
    default_cap = NO_CAP if policy.max_per_school is None else policy.max_per_school
    caps = values(opportunities, "max_per_school")
    max_per_school = np.fromiter((default_cap if cap is None else cap for cap in caps), np.int64, m)
    schools = values(students, "school")
    school_names = sorted(set(schools))
    school_index = {name: i for i, name in enumerate(school_names)}
    categories = np.zeros((n, len(CATEGORIES)), dtype=bool)
    categories[:, 0] = column(students, "disadvantaged", bool)
    categories[:, 1] = column(students, "send", bool)
    categories[:, 2] = ~column(students, "has_workplace_experience", bool)
    reserve_ptr, reserve_category, reserve_seats = _reserves(capacity, policy)
    student_school = np.fromiter(map(school_index.__getitem__, schools), np.int32, n)
    share = school_shares(student_school, school_names, int(capacity.sum())) if policy.school_share else None
    return Instance(
        student_ids=values(students, "id"),
        placement_ids=values(opportunities, "id"),
        pref_ptr=pref_ptr,
        pref_placement=candidates.opportunity[keep].astype(np.int32),
        pref_score=scores.total[keep].astype(np.float64),
        capacity=capacity,
        max_per_school=max_per_school,
        student_school=student_school,
        school_names=school_names,
        category_names=list(CATEGORIES),
        student_categories=categories,
        reserve_ptr=reserve_ptr,
        reserve_category=reserve_category,
        reserve_seats=reserve_seats,
        school_share=share,
    )


def _reserves(
    capacity: np.ndarray[tuple[int], np.dtype[np.int64]], policy: Policy
) -> tuple[
    np.ndarray[tuple[int], np.dtype[np.int64]],
    np.ndarray[tuple[int], np.dtype[np.int32]],
    np.ndarray[tuple[int], np.dtype[np.int64]],
]:
    """Seats kept per placement and category, in the policy's order, never more in all than capacity."""
    listed = list(policy.reserves.items())
    seats = np.zeros((len(capacity), len(listed)), dtype=np.int64)
    left = capacity.copy()
    for c, (_, amount) in enumerate(listed):
        wanted = np.full(len(capacity), int(amount)) if amount >= 1 else np.floor(amount * capacity + 0.5)
        seats[:, c] = np.minimum(wanted.astype(np.int64), left)
        left -= seats[:, c]
    kept = seats > 0
    ptr = np.zeros(len(capacity) + 1, dtype=np.int64)
    np.cumsum(kept.sum(axis=1), out=ptr[1:])
    index = np.array([CATEGORIES.index(name) for name, _ in listed], dtype=np.int32)
    category = np.broadcast_to(index, seats.shape)[kept].astype(np.int32)
    return ptr, category, seats[kept]


def find_pair(candidates: Candidates, student: int, opportunity: int) -> int:
    """The index of the candidate pair (student, opportunity) by their indices, for explain(); -1 if none."""
    a, b = int(candidates.ptr[student]), int(candidates.ptr[student + 1])
    hits = np.flatnonzero(candidates.opportunity[a:b] == opportunity)
    return a + int(hits[0]) if len(hits) else -1


def prepare(
    students: Sequence[Student],
    opportunities: Sequence[Opportunity],
    policy: Policy,
    postcodes: PostcodeIndex,
    today: date,
) -> tuple[Instance, Candidates, Scores]:
    """Candidates, scores and the Instance for a round, in one call."""
    found = candidates(students, opportunities, policy, postcodes, today)
    scored = score(students, opportunities, found, policy)
    return build_instance(students, opportunities, found, scored, policy), found, scored
