"""The optimal mechanism reaches the same optimum as independent formulations, and keeps every rule."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import csr_array

from bench.synthetic import make_instance
from matcher import optimal
from matcher.instance import NO_CAP, UNASSIGNED, Instance
from matcher.optimal import SCALE, solve_optimal


def objective(instance: Instance, assignment: np.ndarray) -> tuple[int, int]:
    """(students placed, total score in 1/SCALE units) of an assignment."""
    total = 0
    for s in np.flatnonzero(assignment != UNASSIGNED):
        lo, hi = instance.pref_ptr[s], instance.pref_ptr[s + 1]
        listed = instance.pref_placement[lo:hi]
        total += int(np.rint(instance.pref_score[lo:hi][listed == assignment[s]][0] * SCALE))
    return int((assignment != UNASSIGNED).sum()), total


def assignment_optimum(instance: Instance) -> tuple[int, int]:
    """Optimum by linear_sum_assignment on one column per seat plus a dummy column per student."""
    n = instance.n_students
    seat_placement = np.repeat(np.arange(instance.n_placements), instance.capacity)
    big = SCALE * (n + 1)  # any extra student placed outweighs every possible score difference
    weight = np.full((n, seat_placement.size + n), -np.inf)
    weight[:, seat_placement.size :] = np.where(np.eye(n, dtype=bool), 0.0, -np.inf)
    for s in range(n):
        lo, hi = instance.pref_ptr[s], instance.pref_ptr[s + 1]
        for p, score in zip(instance.pref_placement[lo:hi], instance.pref_score[lo:hi], strict=True):
            weight[s, : seat_placement.size][seat_placement == p] = big + np.rint(score * SCALE)
    finite = np.where(np.isfinite(weight), weight, -1e15)
    rows, cols = linear_sum_assignment(finite, maximize=True)
    value = int(finite[rows, cols].sum())
    return value // big, value % big


def integer_program_optimum(instance: Instance) -> tuple[int, int]:
    """Optimum by HiGHS on the 0/1 program over (student, placement) pairs, with school caps."""
    n, m = instance.n_students, instance.n_placements
    student = np.repeat(np.arange(n), np.diff(instance.pref_ptr))
    placement = instance.pref_placement
    pairs = np.arange(student.size)
    big = SCALE * (n + 1)
    value = big + np.rint(instance.pref_score * SCALE)
    rows = [csr_array((np.ones(pairs.size), (student, pairs)), shape=(n, pairs.size))]
    upper = [np.ones(n)]
    rows.append(csr_array((np.ones(pairs.size), (placement, pairs)), shape=(m, pairs.size)))
    upper.append(instance.capacity.astype(float))
    school = instance.student_school[student]
    gated = (instance.max_per_school[placement] != NO_CAP) & (school >= 0)
    keys = sorted(set(zip(placement[gated].tolist(), school[gated].tolist(), strict=True)))
    for p, sc in keys:
        members = (placement == p) & (school == sc)
        rows.append(csr_array(members.astype(float)[None, :]))
        upper.append(np.array([float(instance.max_per_school[p])]))
    matrix = np.vstack([r.toarray() for r in rows])
    result = milp(
        -value,
        constraints=LinearConstraint(matrix, -np.inf, np.concatenate(upper)),
        integrality=np.ones(pairs.size),
        bounds=Bounds(0, 1),
    )
    assert result.success
    total = round(-result.fun)
    return total // big, total % big


def assert_rules_hold(instance: Instance, assignment: np.ndarray) -> None:
    """Each placement on the student's list, capacities and school caps respected."""
    for s in np.flatnonzero(assignment != UNASSIGNED):
        listed = instance.pref_placement[instance.pref_ptr[s] : instance.pref_ptr[s + 1]]
        assert assignment[s] in listed
    placed = assignment[assignment != UNASSIGNED]
    assert (np.bincount(placed, minlength=instance.n_placements) <= instance.capacity).all()
    for p in np.flatnonzero(instance.max_per_school != NO_CAP):
        schools = instance.student_school[(assignment == p) & (instance.student_school >= 0)]
        if schools.size:
            assert np.bincount(schools).max() <= instance.max_per_school[p]


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 14),
    m=st.integers(1, 8),
    seats=st.floats(0.3, 1.5),
    seed=st.integers(0, 10_000),
)
def test_optimum_equals_the_assignment_problem_on_expanded_seats(
    n: int, m: int, seats: float, seed: int
) -> None:
    instance = make_instance(n, m, seed=seed, list_length=3, seats_per_student=seats)
    assignment = solve_optimal(instance, seed)
    assert_rules_hold(instance, assignment)
    assert objective(instance, assignment) == assignment_optimum(instance)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 20), m=st.integers(1, 8), seed=st.integers(0, 10_000))
def test_optimum_with_school_caps_equals_the_integer_program(n: int, m: int, seed: int) -> None:
    instance = make_instance(n, m, seed=seed, list_length=4, n_schools=3, capped_share=0.6)
    assignment = solve_optimal(instance, seed)
    assert_rules_hold(instance, assignment)
    assert objective(instance, assignment) == integer_program_optimum(instance)


def test_placing_one_more_student_beats_any_score_gain() -> None:
    # s0 scores 1.0 at p0 and would take it, but then s1 (only p0) goes unplaced.
    instance = Instance(
        student_ids=["s0", "s1"],
        placement_ids=["p0", "p1"],
        pref_ptr=np.array([0, 2, 3]),
        pref_placement=np.array([0, 1, 0], dtype=np.int32),
        pref_score=np.array([1.0, 0.0, 0.0]),
        capacity=np.array([1, 1]),
        max_per_school=np.array([NO_CAP, NO_CAP]),
        student_school=np.array([-1, -1], dtype=np.int32),
    )
    assert solve_optimal(instance, 0).tolist() == [1, 0]


def test_a_school_cap_counts_every_seat_and_a_student_without_a_school_is_not_capped() -> None:
    instance = Instance(
        student_ids=["a", "b", "c"],
        placement_ids=["p"],
        pref_ptr=np.array([0, 1, 2, 3]),
        pref_placement=np.zeros(3, dtype=np.int32),
        pref_score=np.array([0.5, 0.6, 0.7]),
        capacity=np.array([3]),
        max_per_school=np.array([1]),
        student_school=np.array([0, 0, -1], dtype=np.int32),
        school_names=["A"],
    )
    assignment = solve_optimal(instance, 0)
    assert assignment[2] == 0
    assert (assignment[:2] == 0).sum() == 1


def test_same_seed_gives_the_same_assignment_and_seeds_only_move_ties() -> None:
    instance = make_instance(3000, 1500, seed=7, n_schools=30, capped_share=0.3)
    first = solve_optimal(instance, 11)
    assert np.array_equal(first, solve_optimal(instance, 11))
    other = solve_optimal(instance, 12)
    assert objective(instance, first) == objective(instance, other)


def test_the_lottery_picks_among_tied_students() -> None:
    # Ten students want the one seat equally; over seeds the seat goes to more than one of them.
    instance = Instance(
        student_ids=[f"s{i}" for i in range(10)],
        placement_ids=["p"],
        pref_ptr=np.arange(11),
        pref_placement=np.zeros(10, dtype=np.int32),
        pref_score=np.full(10, 0.5),
        capacity=np.array([1]),
        max_per_school=np.array([NO_CAP]),
        student_school=np.full(10, -1, dtype=np.int32),
    )
    winners = {int(np.flatnonzero(solve_optimal(instance, seed) == 0)[0]) for seed in range(20)}
    assert len(winners) > 1


@pytest.mark.parametrize("capacity", [0, 2])
def test_no_seats_or_no_lists_leave_students_unassigned(capacity: int) -> None:
    instance = Instance(
        student_ids=["s0", "s1"],
        placement_ids=["p"],
        pref_ptr=np.array([0, 1, 1]),
        pref_placement=np.zeros(1, dtype=np.int32),
        pref_score=np.array([0.3]),
        capacity=np.array([capacity]),
        max_per_school=np.array([NO_CAP]),
        student_school=np.full(2, -1, dtype=np.int32),
    )
    assert solve_optimal(instance, 0).tolist() == ([0, -1] if capacity else [-1, -1])


def test_separate_networks_solved_at_once_reach_the_same_optimum(monkeypatch: pytest.MonkeyPatch) -> None:
    # Short lists leave several separate networks; solving them apart (all but the largest in a child
    # process) must not move the optimum, with or without school caps.
    sizes: list[int] = []
    here: list[int] = []  # networks solved in this process: the child's must not be among them
    solve_at_once, solve_network = optimal._solve_at_once, optimal._solve_network

    def spy(networks: list[optimal._Network]) -> list[np.ndarray]:
        sizes.append(len(networks))
        return solve_at_once(networks)

    def spy_network(*network: np.ndarray) -> np.ndarray:
        here.append(network[0].size)
        return solve_network(*network)

    monkeypatch.setattr(optimal, "_SPLIT_FROM", 0)
    monkeypatch.setattr(optimal, "_solve_at_once", spy)
    monkeypatch.setattr(optimal, "_solve_network", spy_network)
    for seed in range(3):
        plain = make_instance(40, 20, seed=seed, list_length=1 + seed % 2, seats_per_student=0.6)
        capped = make_instance(20, 8, seed=seed, list_length=1, n_schools=3, capped_share=0.6)
        for instance, optimum in ((plain, assignment_optimum), (capped, integer_program_optimum)):
            assignment = solve_optimal(instance, seed)
            assert_rules_hold(instance, assignment)
            assert objective(instance, assignment) == optimum(instance)
    assert sizes and max(sizes) == 2
    assert len(here) == 6  # one network solved here per call: the children's were not solved again
