"""Run a mechanism on an instance and account for the outcome: objective, fairness and time taken."""

from __future__ import annotations

from collections.abc import Sequence
from time import perf_counter

import numpy as np

from matcher.fairness import assigned_edges, fairness_report
from matcher.instance import UNASSIGNED, Instance, Int32Array, IntArray, Result

MECHANISMS = ("optimal", "stable")


def allocate(
    instance: Instance,
    mechanism: str = "optimal",
    seed: int = 0,
    placement_pathway: Sequence[str] | None = None,
) -> Result:
    """Allocate with the named mechanism ("optimal" or "stable"); report objective, fairness and seconds.

    The instance's school shares, if any, are honoured by "optimal" and ignored by "stable"; the fairness
    report shows them for either.
    """
    started = perf_counter()
    if mechanism == "stable":
        from matcher.stable import solve_stable

        assignment = solve_stable(instance, seed)
    elif mechanism == "optimal":
        # Imported here so the rest of the engine works while the optimal solver is absent or broken.
        from matcher.optimal import solve_optimal

        assignment = solve_optimal(instance, seed)
    else:
        raise ValueError(f"unknown mechanism {mechanism!r}; expected one of {MECHANISMS}")
    solved = perf_counter()
    assignment = np.asarray(assignment, dtype=np.int32)
    edges = check_assignment(instance, assignment)
    fairness = fairness_report(instance, assignment, placement_pathway)
    finished = perf_counter()
    return Result(
        mechanism=mechanism,
        seed=seed,
        assignment=assignment,
        assigned=int((edges >= 0).sum()),
        total_score=float(instance.pref_score[edges[edges >= 0]].sum()),
        fairness=fairness,
        seconds={"solve": solved - started, "fairness": finished - solved},
    )


def check_assignment(instance: Instance, assignment: Int32Array) -> IntArray:
    """Each student's assigned pair index (see assigned_edges), after checking lists and capacities hold."""
    if assignment.shape != (instance.n_students,):
        raise ValueError(f"assignment has shape {assignment.shape} for {instance.n_students} students")
    edges = assigned_edges(instance, assignment)
    off_list = np.flatnonzero(edges == -2)
    if len(off_list):
        s = int(off_list[0])
        raise ValueError(f'student "{instance.student_ids[s]}" was given a placement not on their list')
    given = np.bincount(assignment[assignment != UNASSIGNED], minlength=instance.n_placements)
    over = np.flatnonzero(given > instance.capacity)
    if len(over):
        p = int(over[0])
        raise ValueError(f'placement "{instance.placement_ids[p]}" was given more students than its capacity')
    return edges
