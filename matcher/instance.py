"""The allocation problem and its answer, as arrays.

An Instance is what both mechanisms read; the JSON format of shared/allocation-instance.md and the web
service's in-memory rounds are both turned into one. Students and placements are numbered 0..n-1 and
0..m-1; each student's ranked list is a slice of the flat `pref_*` arrays (compressed sparse rows), so a
national instance of millions of (student, placement) pairs costs a few arrays, not millions of objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

NO_CAP = -1  # max_per_school when a placement has none
UNASSIGNED = -1  # assignment of a student given nothing

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Instance:
    """A many-to-one allocation problem: students rank placements, placements have seats."""

    student_ids: list[str]
    placement_ids: list[str]
    # Student s ranks pref_placement[pref_ptr[s]:pref_ptr[s+1]], most wanted first, with the
    # scores (the placement's priority over s, and the value of the pair) alongside.
    pref_ptr: IntArray  # (n + 1,)
    pref_placement: Int32Array  # (E,)
    pref_score: FloatArray  # (E,)
    capacity: IntArray  # (m,)
    max_per_school: IntArray  # (m,), NO_CAP where none
    student_school: Int32Array  # (n,), index into school_names, -1 where none given
    school_names: list[str] = field(default_factory=list)
    # Categories (e.g. "disadvantaged"): student_categories[s, c] is True when s is in category c.
    category_names: list[str] = field(default_factory=list)
    student_categories: BoolArray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))  # (n, k)
    # Reserves of placement p, in the order listed: reserve_category[reserve_ptr[p]:reserve_ptr[p+1]]
    # with reserve_seats alongside.
    reserve_ptr: IntArray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))  # (m + 1,)
    reserve_category: Int32Array = field(default_factory=lambda: np.zeros(0, dtype=np.int32))  # (R,)
    reserve_seats: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # (R,)
    # Seats owed to each school in a hub-wide round (matcher/shares.py), by index of school_names; None
    # when the round has no shares. The optimal mechanism honours them softly; the stable one ignores them.
    school_share: IntArray | None = None  # (K,)

    @property
    def n_students(self) -> int:
        return len(self.student_ids)

    @property
    def n_placements(self) -> int:
        return len(self.placement_ids)


@dataclass(frozen=True, eq=False)
class Result:
    """An allocation: assignment[s] is the placement index given to student s, or UNASSIGNED."""

    mechanism: str
    seed: int
    assignment: Int32Array  # (n,)
    assigned: int
    total_score: float
    fairness: dict[str, object]
    seconds: dict[str, float]
