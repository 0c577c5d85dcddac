"""Seeded synthetic allocation instances, for tests and benchmarks.

Students rank a few placements drawn with a popularity skew (a few employers are wanted by many), scores
are in [0, 1] with 3 decimals, and seats total about one per student, so the instance is tight the way a
real round is. Everything is drawn from one seed with array operations, so a national instance is quick.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson

from matcher.instance import NO_CAP, Instance, Int32Array, IntArray
from matcher.shares import with_school_shares

CATEGORY = "disadvantaged"


def make_instance(
    n_students: int,
    n_placements: int,
    *,
    seed: int = 0,
    list_length: int = 6,
    seats_per_student: float = 1.0,
    skew: float = 0.8,
    n_schools: int = 0,
    capped_share: float = 0.0,
    reserved_share: float = 0.0,
    school_share: bool = False,
) -> Instance:
    """Draw an instance: ranked lists with popularity skew, scores, capacities, optional schools and caps.

    With school_share, each school's share of the seats is set as a hub-wide round's policy would set it.
    """
    rng = np.random.default_rng(seed)
    n, m = n_students, n_placements
    k = min(list_length, m)
    prefs = _ranked_lists(rng, n, m, k, skew)
    pref_ptr = np.arange(0, n * k + 1, k, dtype=np.int64)
    pref_score = np.round(rng.random(n * k), 3)
    # Seats are 1 + Poisson so every placement has one and the total is about seats_per_student * n.
    mean_extra = max(seats_per_student * n / max(m, 1) - 1.0, 0.0)
    capacity = 1 + rng.poisson(mean_extra, m).astype(np.int64)

    max_per_school = np.full(m, NO_CAP, dtype=np.int64)
    student_school = np.full(n, -1, dtype=np.int32)
    school_names: list[str] = []
    if n_schools > 0:
        school_names = [f"school{i}" for i in range(n_schools)]
        student_school = rng.integers(0, n_schools, n, dtype=np.int32)
        capped = rng.random(m) < capped_share
        max_per_school[capped] = rng.integers(1, 3, int(capped.sum()))

    category_names: list[str] = []
    student_categories = np.zeros((n, 0), dtype=bool)
    reserve_ptr = np.zeros(m + 1, dtype=np.int64)
    reserve_category = np.zeros(0, dtype=np.int32)
    reserve_seats = np.zeros(0, dtype=np.int64)
    if reserved_share > 0:
        category_names = [CATEGORY]
        student_categories = (rng.random(n) < 0.25)[:, None]
        reserved = (rng.random(m) < reserved_share) & (capacity >= 2)
        reserve_ptr = np.concatenate([[0], np.cumsum(reserved)]).astype(np.int64)
        reserve_category = np.zeros(int(reserved.sum()), dtype=np.int32)
        reserve_seats = np.maximum(capacity[reserved] // 2, 1).astype(np.int64)

    instance = Instance(
        student_ids=[f"s{i}" for i in range(n)],
        placement_ids=[f"p{j}" for j in range(m)],
        pref_ptr=pref_ptr,
        pref_placement=prefs.ravel(),
        pref_score=pref_score,
        capacity=capacity,
        max_per_school=max_per_school,
        student_school=student_school,
        school_names=school_names,
        category_names=category_names,
        student_categories=student_categories,
        reserve_ptr=reserve_ptr,
        reserve_category=reserve_category,
        reserve_seats=reserve_seats,
    )
    return with_school_shares(instance) if school_share else instance


def _ranked_lists(rng: np.random.Generator, n: int, m: int, k: int, skew: float) -> Int32Array:
    """k distinct placements per student, placement j drawn with weight (j + 10) ** -skew."""
    weights = (np.arange(m) + 10.0) ** -skew
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    # Popularity must not follow the index, or low ids would be the popular ones in every instance.
    relabel = rng.permutation(m).astype(np.int32)

    def draw(size: int) -> IntArray:
        return np.minimum(np.searchsorted(cdf, rng.random(size)), m - 1)

    prefs = draw(n * k).reshape(n, k)
    # Redraw only the rows with a repeat; with m >> k only a few rows need it, a few times.
    while True:
        ordered = np.sort(prefs, axis=1)
        bad = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
        if bad.size == 0:
            break
        if m <= 3 * k:  # small instances: a permutation per bad row is cheap and always distinct
            prefs[bad] = np.argsort(rng.random((bad.size, m)), axis=1)[:, :k]
        else:
            prefs[bad] = draw(bad.size * k).reshape(bad.size, k)
    lists: Int32Array = relabel[prefs]
    return lists


def to_json(instance: Instance) -> bytes:
    """The instance in the allocation-instance/1 JSON format."""
    sid, pid = instance.student_ids, instance.placement_ids
    ptr = instance.pref_ptr.tolist()
    prefs = [pid[j] for j in instance.pref_placement.tolist()]
    scores = instance.pref_score.tolist()
    school = instance.student_school.tolist()
    in_category = instance.student_categories
    students: list[dict[str, object]] = []
    score_map: dict[str, dict[str, float]] = {}
    for s in range(instance.n_students):
        lo, hi = ptr[s], ptr[s + 1]
        record: dict[str, object] = {"id": sid[s], "preferences": prefs[lo:hi]}
        cats = [c for i, c in enumerate(instance.category_names) if in_category[s, i]]
        if cats:
            record["categories"] = cats
        if school[s] >= 0:
            record["school"] = instance.school_names[school[s]]
        students.append(record)
        score_map[sid[s]] = dict(zip(prefs[lo:hi], scores[lo:hi], strict=True))

    caps = instance.max_per_school.tolist()
    rptr = instance.reserve_ptr.tolist()
    rcat = instance.reserve_category.tolist()
    rseats = instance.reserve_seats.tolist()
    placements: list[dict[str, object]] = []
    for j, capacity in enumerate(instance.capacity.tolist()):
        record = {"id": pid[j], "capacity": capacity}
        if rptr[j + 1] > rptr[j]:
            record["reserves"] = {
                instance.category_names[rcat[r]]: rseats[r] for r in range(rptr[j], rptr[j + 1])
            }
        if caps[j] != NO_CAP:
            record["max_per_school"] = caps[j]
        placements.append(record)

    document: dict[str, object] = {
        "format": "allocation-instance/1",
        "students": students,
        "placements": placements,
        "scores": score_map,
    }
    if instance.school_share is not None:
        document["school_share"] = dict(
            zip(instance.school_names, instance.school_share.tolist(), strict=True)
        )
    return orjson.dumps(document)


def write_instance(instance: Instance, path: str | Path) -> None:
    """Write the instance as allocation-instance/1 JSON."""
    Path(path).write_bytes(to_json(instance))
