"""Each school's fair share of a round's seats, in proportion to its students (largest remainder).

A hub-wide round matches the students of many schools against one pool of placements. A school's share is
what it would get if the seats that can be filled went round in proportion to the schools' sizes:

    S = min(seats of all the round's placements, students in the round)
    share_k = S * n_k / n, rounded by largest remainder

where n is the round's students and n_k those of school k. Each share is first rounded down; the seats
left over go one each to the schools with the largest remainders, ties to the school whose name sorts
first. When every student has a school the shares add up to S exactly. Students with no school have no
share, and the schools then share floor(S * (students with a school) / n) between them.

The optimal mechanism honours shares softly (see matcher/optimal.py): a seat no other school can use still
goes to a school past its share.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from matcher.instance import UNASSIGNED, Instance, Int32Array, IntArray


def school_shares(student_school: Int32Array, school_names: Sequence[str], seats: int) -> IntArray:
    """Seats owed to each school (by index of school_names) out of min(seats, students)."""
    n, k = len(student_school), len(school_names)
    share = np.zeros(k, dtype=np.int64)
    if n == 0 or k == 0:
        return share
    total = min(max(int(seats), 0), n)
    students = np.bincount(student_school[student_school >= 0], minlength=k).astype(np.int64)
    # Exact integers throughout: total * n_k is at most n squared, far inside int64.
    quota = total * students
    share[:] = quota // n
    remainder = quota % n
    owed = total * int(students.sum()) // n - int(share.sum())
    by_remainder = sorted(range(k), key=lambda school: (-int(remainder[school]), school_names[school]))
    share[by_remainder[:owed]] += 1
    return share


def with_school_shares(instance: Instance) -> Instance:
    """The instance with its schools' shares computed from its seats and students."""
    seats = int(instance.capacity.sum())
    share = school_shares(instance.student_school, instance.school_names, seats)
    return dataclasses.replace(instance, school_share=share)


def placed_by_school(instance: Instance, assignment: Int32Array) -> IntArray:
    """Students placed from each school, by index of school_names."""
    school = instance.student_school[(assignment != UNASSIGNED) & (instance.student_school >= 0)]
    placed: IntArray = np.bincount(school, minlength=len(instance.school_names)).astype(np.int64)
    return placed


def placed_within_shares(instance: Instance, assignment: Int32Array) -> int:
    """Students placed within their school's share: the sum over schools of min(placed, share)."""
    if instance.school_share is None:
        raise ValueError("the instance has no school shares")
    return int(np.minimum(placed_by_school(instance, assignment), instance.school_share).sum())
