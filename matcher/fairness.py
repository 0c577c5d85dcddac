"""Who got what: coverage and rank received, overall and by group, reserve fill and pathway share."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matcher.instance import UNASSIGNED, BoolArray, FloatArray, Instance, Int32Array, IntArray
from matcher.shares import placed_by_school

PATHWAYS = ("technical", "academic", "both")


def assigned_edges(instance: Instance, assignment: Int32Array) -> IntArray:
    """Each student's assigned pair as an index into pref_*; -1 if unassigned, -2 if not on their list."""
    n = instance.n_students
    degree = np.diff(instance.pref_ptr)
    edge_student = np.repeat(np.arange(n, dtype=np.int64), degree)
    hits = np.flatnonzero(instance.pref_placement == assignment[edge_student])
    edges = np.where(assignment == UNASSIGNED, -1, -2).astype(np.int64)
    edges[edge_student[hits]] = hits
    return edges


def fairness_report(
    instance: Instance, assignment: Int32Array, placement_pathway: Sequence[str] | None = None
) -> dict[str, object]:
    """Coverage and mean rank (1 = first choice), overall, by category and by school; reserves; pathways.

    With school shares (a hub-wide round), each school's entry also gives its "share" of seats beside the
    students it had "assigned", and "school_share" sums them up: seats owed, students placed within their
    school's share and beyond it.
    """
    edges = assigned_edges(instance, assignment)
    placed = edges >= 0
    rank = np.zeros(instance.n_students, dtype=np.float64)
    rank[placed] = edges[placed] - instance.pref_ptr[:-1][placed] + 1
    report: dict[str, object] = {
        "overall": _group_stats(np.zeros(len(rank), dtype=np.int64), 1, placed, rank)[0],
        # rank_counts[i]: students given their (i + 1)-th choice, the figure people ask for first.
        "rank_counts": np.bincount(rank[placed].astype(np.int64) - 1).tolist() if placed.any() else [],
    }
    by_category: dict[str, object] = {}
    for c, name in enumerate(instance.category_names):
        members = instance.student_categories[:, c]
        by_category[name] = _group_stats(
            np.zeros(int(members.sum()), dtype=np.int64), 1, placed[members], rank[members]
        )[0]
    report["by_category"] = by_category
    has_school = instance.student_school >= 0
    school_stats = _group_stats(
        instance.student_school[has_school].astype(np.int64),
        len(instance.school_names),
        placed[has_school],
        rank[has_school],
    )
    if instance.school_share is not None:
        # A hub-wide round's shares: each school's seats owed beside its students placed ("assigned").
        for stats, share in zip(school_stats, instance.school_share.tolist(), strict=True):
            stats["share"] = share
        report["school_share"] = _share_fill(instance, assignment)
    report["by_school"] = dict(zip(instance.school_names, school_stats, strict=True))
    report["reserves"] = _reserve_fill(instance, assignment)
    if placement_pathway is not None:
        report["pathway_share"] = _pathway_share(instance, assignment, placement_pathway)
    return report


def _group_stats(
    group: IntArray, n_groups: int, placed: BoolArray, rank: FloatArray
) -> list[dict[str, object]]:
    students = np.bincount(group, minlength=n_groups)
    assigned = np.bincount(group[placed], minlength=n_groups)
    rank_sum = np.bincount(group[placed], weights=rank[placed], minlength=n_groups)
    return [
        {
            "students": int(total),
            "assigned": int(got),
            "coverage": float(got / total) if total else None,
            "mean_rank": float(ranks / got) if got else None,
        }
        for total, got, ranks in zip(students.tolist(), assigned.tolist(), rank_sum.tolist(), strict=True)
    ]


def _share_fill(instance: Instance, assignment: Int32Array) -> dict[str, int]:
    """Seats owed to schools in all, and students placed within and beyond their school's share."""
    assert instance.school_share is not None
    placed = placed_by_school(instance, assignment)
    within = int(np.minimum(placed, instance.school_share).sum())
    return {"seats": int(instance.school_share.sum()), "within": within, "beyond": int(placed.sum()) - within}


def _reserve_fill(instance: Instance, assignment: Int32Array) -> dict[str, dict[str, int]]:
    # Per reserve, filled = min(seats, category students placed there); a student in two categories
    # counts toward both, which keeps the figure cheap and easy to explain.
    k = len(instance.category_names)
    seats = np.zeros(k, dtype=np.int64)
    filled = np.zeros(k, dtype=np.int64)
    if len(instance.reserve_category):
        owner = np.repeat(np.arange(instance.n_placements, dtype=np.int64), np.diff(instance.reserve_ptr))
        placed = np.flatnonzero(assignment != UNASSIGNED)
        for c in range(k):
            members = placed[instance.student_categories[placed, c]]
            at_place = np.bincount(assignment[members], minlength=instance.n_placements)
            mine = instance.reserve_category == c
            seats[c] = instance.reserve_seats[mine].sum()
            filled[c] = np.minimum(instance.reserve_seats[mine], at_place[owner[mine]]).sum()
    return {
        name: {"seats": int(seats[c]), "filled": int(filled[c])}
        for c, name in enumerate(instance.category_names)
    }


def _pathway_share(
    instance: Instance, assignment: Int32Array, placement_pathway: Sequence[str]
) -> dict[str, float]:
    if len(placement_pathway) != instance.n_placements:
        raise ValueError(
            f"placement_pathway has {len(placement_pathway)} entries for {instance.n_placements} placements"
        )
    code = {name: i for i, name in enumerate(PATHWAYS)}
    try:
        pathway = np.array([code[p] for p in placement_pathway], dtype=np.int64)
    except KeyError as error:
        raise ValueError(f"unknown pathway {error.args[0]!r}; expected one of {PATHWAYS}") from None
    given = assignment[assignment != UNASSIGNED]
    counts = np.bincount(pathway[given], minlength=len(PATHWAYS))
    total = max(len(given), 1)
    return {name: float(counts[i] / total) for i, name in enumerate(PATHWAYS)}
