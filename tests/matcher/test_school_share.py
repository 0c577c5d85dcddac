"""A hub-wide round's school shares: proportional by largest remainder, honoured softly by optimal."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from bench.synthetic import make_instance, to_json
from matcher import allocate, load_instance
from matcher import optimal as optimal_module
from matcher.instance import NO_CAP, UNASSIGNED, Instance
from matcher.io import dump_instance
from matcher.optimal import SCALE, solve_optimal
from matcher.shares import placed_by_school, placed_within_shares, school_shares, with_school_shares
from tests.matcher.instances import create_instance, create_placement, create_student


def shares_of(schools: list[int], names: list[str], seats: int) -> list[int]:
    return school_shares(np.array(schools, dtype=np.int32), names, seats).tolist()


def test_shares_are_proportional_with_the_leftover_seats_to_the_largest_remainders() -> None:
    # 7 seats for schools of 5, 3 and 2 students: quotas 3.5, 2.1 and 1.4, so the seventh seat goes to A.
    assert shares_of([0] * 5 + [1] * 3 + [2] * 2, ["A", "B", "C"], 7) == [4, 2, 1]


def test_equal_remainders_go_to_the_school_whose_name_sorts_first() -> None:
    # Three schools of one student share two seats (2/3 each): "a" and "b" get them, "c" does not.
    assert shares_of([0, 1, 2], ["b", "c", "a"], 2) == [1, 0, 1]


def test_there_are_never_more_seats_to_share_than_students() -> None:
    assert shares_of([0, 0, 1], ["A", "B"], 50) == [2, 1]


def test_students_without_a_school_have_no_share() -> None:
    # 3 seats for 4 students: A's quota 1.5, B's 0.75, the unschooled student's 0.75 is nobody's; the
    # schools share floor(2.25) = 2 seats, the second to B (remainder 0.75 against 0.5).
    assert shares_of([0, 0, 1, -1], ["A", "B"], 3) == [1, 1]


@given(
    sizes=st.lists(st.integers(0, 30), min_size=1, max_size=8),
    unschooled=st.integers(0, 5),
    seats=st.integers(0, 300),
)
def test_shares_round_each_quota_to_a_neighbour_and_add_up_to_the_seats(
    sizes: list[int], unschooled: int, seats: int
) -> None:
    schools = [k for k, size in enumerate(sizes) for _ in range(size)] + [-1] * unschooled
    n = len(schools)
    names = [f"school{k:02d}" for k in range(len(sizes))]
    share = shares_of(schools, names, seats)
    total = min(seats, n)
    for size, got in zip(sizes, share, strict=True):
        quota = Fraction(total * size, max(n, 1))
        assert quota - 1 < got < quota + 1
    assert sum(share) == (total * sum(sizes) // n if n else 0)
    # A larger school is never owed fewer seats than a smaller one.
    by_size = sorted(zip(sizes, share, strict=True))
    assert [got for _, got in by_size] == sorted(share)


def two_schools() -> Instance:
    """Two seats; A's students score higher everywhere, so without shares A takes both."""
    return create_instance(
        [
            create_student("a1", ["p", "q"], school="A"),
            create_student("a2", ["p", "q"], school="A"),
            create_student("b1", ["p", "q"], school="B"),
            create_student("b2", ["p", "q"], school="B"),
        ],
        [create_placement("p"), create_placement("q")],
        {
            "a1": {"p": 0.9, "q": 0.5},
            "a2": {"p": 0.8, "q": 0.5},
            "b1": {"p": 0.3, "q": 0.1},
            "b2": {"p": 0.2, "q": 0.4},
        },
    )


@pytest.mark.parametrize("seed", range(5))
def test_shares_give_each_school_its_share_where_plain_optimal_gives_one_school_both(seed: int) -> None:
    plain = two_schools()
    shared = with_school_shares(plain)
    assert shared.school_share is not None and shared.school_share.tolist() == [1, 1]
    before = solve_optimal(plain, seed)
    assert placed_by_school(shared, before).tolist() == [2, 0]
    after = solve_optimal(shared, seed)
    assert placed_by_school(shared, after).tolist() == [1, 1]
    assert (after != UNASSIGNED).sum() == (before != UNASSIGNED).sum() == 2
    # Among allocations within shares, the best score: a1 at p (0.9) and b2 at q (0.4).
    assert after.tolist() == [0, UNASSIGNED, UNASSIGNED, 1]


def test_a_share_is_not_a_cap_so_seats_another_school_cannot_use_go_past_a_share() -> None:
    # Three seats for four students: A is owed 2 (quota 2.25), B 1 (0.75), but B's one student can take
    # none of them, so all three go to A.
    instance = with_school_shares(
        create_instance(
            [
                create_student("a1", ["p"], school="A"),
                create_student("a2", ["p"], school="A"),
                create_student("a3", ["p"], school="A"),
                create_student("b1", ["q"], school="B"),
            ],
            [create_placement("p", 3), create_placement("q", 0)],
        )
    )
    assert instance.school_share is not None and instance.school_share.tolist() == [2, 1]
    result = allocate(instance, "optimal")
    assert result.assignment.tolist() == [0, 0, 0, UNASSIGNED]
    assert result.fairness["by_school"]["A"] == {  # type: ignore[index]
        "students": 3,
        "assigned": 3,
        "coverage": 1.0,
        "mean_rank": 1.0,
        "share": 2,
    }
    assert result.fairness["school_share"] == {"seats": 3, "within": 2, "beyond": 1}


def shared_optimum(instance: Instance) -> tuple[int, int, int]:
    """(placed, placed within shares, total score in 1/SCALE units) by HiGHS on the 0/1 program."""
    assert instance.school_share is not None
    n, m, k = instance.n_students, instance.n_placements, len(instance.school_names)
    student = np.repeat(np.arange(n), np.diff(instance.pref_ptr))
    placement = instance.pref_placement
    school = instance.student_school[student]
    e = student.size
    score = np.rint(instance.pref_score * SCALE)
    per_beyond = SCALE * (n + 1)  # one student past a share outweighs any score
    per_placed = per_beyond * (n + 1)  # one more student placed outweighs anything
    # Variables: a 0/1 per pair, then each school's students placed beyond its share.
    value = np.concatenate([per_placed + score, np.full(k, -per_beyond)])
    rows: list[np.ndarray] = []
    upper: list[float] = []

    def row(pairs: np.ndarray, beyond: int | None = None) -> np.ndarray:
        line = np.zeros(e + k)
        line[:e] = pairs
        if beyond is not None:
            line[e + beyond] = -1.0
        return line

    for s in range(n):
        rows.append(row(student == s))
        upper.append(1.0)
    for p in range(m):
        rows.append(row(placement == p))
        upper.append(float(instance.capacity[p]))
        if instance.max_per_school[p] != NO_CAP:
            for sc in range(k):
                rows.append(row((placement == p) & (school == sc)))
                upper.append(float(instance.max_per_school[p]))
    for sc in range(k):
        rows.append(row(school == sc, beyond=sc))
        upper.append(float(instance.school_share[sc]))
    result = milp(
        -value,
        constraints=LinearConstraint(csr_array(np.array(rows)), -np.inf, np.array(upper)),
        integrality=np.concatenate([np.ones(e), np.zeros(k)]),
        bounds=Bounds(0, np.concatenate([np.ones(e), np.full(k, np.inf)])),
    )
    assert result.success
    chosen = np.flatnonzero(np.rint(result.x[:e]) == 1)
    assignment = np.full(n, UNASSIGNED, dtype=np.int32)
    assignment[student[chosen]] = placement[chosen]
    return len(chosen), placed_within_shares(instance, assignment), int(score[chosen].sum())


def outcome(instance: Instance, assignment: np.ndarray) -> tuple[int, int, int]:
    """(placed, placed within shares, total score in 1/SCALE units) of an assignment."""
    placed = np.flatnonzero(assignment != UNASSIGNED)
    total = 0
    for s in placed.tolist():
        lo, hi = instance.pref_ptr[s], instance.pref_ptr[s + 1]
        listed = instance.pref_placement[lo:hi]
        total += int(np.rint(instance.pref_score[lo:hi][listed == assignment[s]][0] * SCALE))
    return placed.size, placed_within_shares(instance, assignment), total


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 14),
    m=st.integers(1, 6),
    n_schools=st.integers(1, 3),
    seats=st.floats(0.3, 1.5),
    capped=st.sampled_from([0.0, 0.5]),
    seed=st.integers(0, 10_000),
)
def test_shares_keep_the_number_placed_and_reach_the_lexicographic_optimum(
    n: int, m: int, n_schools: int, seats: float, capped: float, seed: int
) -> None:
    plain = make_instance(
        n, m, seed=seed, list_length=3, seats_per_student=seats, n_schools=n_schools, capped_share=capped
    )
    shared = with_school_shares(plain)
    before, after = solve_optimal(plain, seed), solve_optimal(shared, seed)
    placed, within, _ = outcome(shared, after)
    assert placed == outcome(shared, before)[0]
    assert within >= outcome(shared, before)[1]
    assert outcome(shared, after) == shared_optimum(shared)


def test_without_shares_the_network_is_the_plain_one_and_shares_only_add_arcs_after_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    networks: list[tuple[np.ndarray, ...]] = []
    solve_network = optimal_module._solve_network

    def spy(*network: np.ndarray) -> np.ndarray:
        networks.append(network)
        return solve_network(*network)

    monkeypatch.setattr(optimal_module, "_solve_network", spy)
    plain = make_instance(60, 20, seed=4, n_schools=3, capped_share=0.4)
    solve_optimal(plain, 1)
    solve_optimal(with_school_shares(plain), 1)
    (tails, heads, capacity, cost, supply), shared = networks
    pairs = plain.pref_placement.size
    gateways = supply.size - plain.n_students - plain.n_placements
    # Plain: students, placements and gateways only; a pair arc per listed pair and a gateway arc each.
    assert tails.size == pairs + gateways
    assert supply.sum() == plain.capacity.sum() - plain.n_students
    # Shared: the same arcs first, then one per student and at most two per school, to one sink.
    for before, after in zip((tails, heads, capacity, cost), shared[:4], strict=True):
        assert np.array_equal(after[: before.size], before)
    assert shared[0].size - tails.size <= plain.n_students + 2 * len(plain.school_names)
    assert shared[4].size == supply.size + len(plain.school_names) + 1
    assert shared[4][-1] == -plain.n_students


def test_shares_make_one_network_so_it_is_not_split(monkeypatch: pytest.MonkeyPatch) -> None:
    # Lists of one leave many separate networks, which plain optimal splits from _SPLIT_FROM arcs.
    plain = make_instance(40, 20, seed=2, list_length=1, n_schools=2)
    split: list[int] = []
    solve_at_once = optimal_module._solve_at_once

    def spy(networks: list[optimal_module._Network]) -> list[np.ndarray]:
        split.append(len(networks))
        return solve_at_once(networks)

    monkeypatch.setattr(optimal_module, "_SPLIT_FROM", 0)
    monkeypatch.setattr(optimal_module, "_solve_at_once", spy)
    placed = (solve_optimal(plain, 0) != UNASSIGNED).sum()
    assert split == [2]
    assert (solve_optimal(with_school_shares(plain), 0) != UNASSIGNED).sum() == placed
    assert split == [2]


def test_a_share_table_that_does_not_fit_the_schools_is_refused() -> None:
    instance = dataclasses.replace(two_schools(), school_share=np.array([2], dtype=np.int64))
    with pytest.raises(ValueError, match="school_share has 1 entries for 2 schools"):
        solve_optimal(instance, 0)


def test_scores_too_spread_to_weigh_shares_above_them_are_refused() -> None:
    # Costs up to 1e16 (scores to 1e13) pass the plain range check for this small network, but the
    # penalty for going past a share is ten times that (ten seats): scaled by the node count it could
    # overflow int64.
    scores = [0.0, 1e13, 0.001]
    n = 20
    instance = Instance(
        student_ids=[f"s{i}" for i in range(n)],
        placement_ids=["p"],
        pref_ptr=np.arange(n + 1),
        pref_placement=np.zeros(n, dtype=np.int32),
        pref_score=np.array([scores[i % 3] for i in range(n)]),
        capacity=np.array([10]),
        max_per_school=np.array([NO_CAP]),
        student_school=(np.arange(n) % 2).astype(np.int32),
        school_names=["A", "B"],
    )
    assert (solve_optimal(instance, 0) == 0).sum() == 10
    with pytest.raises(ValueError, match="too wide to weigh school shares"):
        solve_optimal(with_school_shares(instance), 0)


def test_stable_ignores_shares_and_reports_them() -> None:
    plain = two_schools()
    shared = with_school_shares(plain)
    result = allocate(shared, "stable", seed=3)
    assert np.array_equal(result.assignment, allocate(plain, "stable", seed=3).assignment)
    assert result.fairness["by_school"]["B"]["share"] == 1  # type: ignore[index]
    assert result.fairness["school_share"]["seats"] == 2  # type: ignore[index]


def test_shares_survive_a_round_trip_through_json() -> None:
    instance = make_instance(300, 100, seed=5, n_schools=7, school_share=True)
    assert instance.school_share is not None and instance.school_share.sum() == min(
        300, instance.capacity.sum()
    )
    for written in (dump_instance(instance), to_json(instance)):
        again = load_instance(written)
        assert again.school_share is not None
        assert again.school_share.tolist() == instance.school_share.tolist()
        assert orjson.loads(written)["school_share"]["school0"] == int(instance.school_share[0])
    assert load_instance(dump_instance(make_instance(30, 10, seed=5, n_schools=2))).school_share is None
    assert "school_share" not in orjson.loads(dump_instance(make_instance(30, 10, seed=5, n_schools=2)))
