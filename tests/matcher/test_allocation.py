"""allocate runs either mechanism and accounts for its outcome; both mechanisms keep the hard rules."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import orjson
import pytest
from hypothesis import given, settings

from matcher import Instance, allocate, load_instance
from matcher.allocation import check_assignment
from matcher.instance import UNASSIGNED
from tests.matcher.instances import create_instance, create_placement, create_student, documents

try:
    import matcher.optimal  # noqa: F401

    OPTIMAL_MISSING = ""
except ImportError as error:
    OPTIMAL_MISSING = f"matcher.optimal is not importable yet ({error})"
needs_optimal = pytest.mark.skipif(bool(OPTIMAL_MISSING), reason=OPTIMAL_MISSING)


def check_hard_rules(instance: Instance, assignment: np.ndarray, cap_counts_every_seat: bool) -> None:
    assert assignment.shape == (instance.n_students,)
    given = Counter(int(p) for p in assignment if p != UNASSIGNED)
    for s, p in enumerate(assignment.tolist()):
        lo, hi = instance.pref_ptr[s], instance.pref_ptr[s + 1]
        assert p == UNASSIGNED or p in instance.pref_placement[lo:hi].tolist()
    for p, count in given.items():
        assert count <= instance.capacity[p]
        cap = int(instance.max_per_school[p])
        if cap_counts_every_seat and cap >= 0:
            schools = Counter(int(instance.student_school[s]) for s in np.flatnonzero(assignment == p))
            schools.pop(-1, None)
            assert max(schools.values(), default=0) <= cap


@needs_optimal
@settings(max_examples=40, deadline=None)
@given(documents(reserves=False))
def test_optimal_keeps_lists_capacities_and_caps_and_is_repeatable(document: dict[str, Any]) -> None:
    instance = load_instance(orjson.dumps(document))
    result = allocate(instance, mechanism="optimal", seed=1)
    check_hard_rules(instance, result.assignment, cap_counts_every_seat=True)
    assert np.array_equal(allocate(instance, mechanism="optimal", seed=1).assignment, result.assignment)


@needs_optimal
@settings(max_examples=40, deadline=None)
@given(documents(reserves=False, caps=False))
def test_optimal_places_at_least_as_many_students_as_stable(document: dict[str, Any]) -> None:
    instance = load_instance(orjson.dumps(document))
    assert allocate(instance, "optimal").assigned >= allocate(instance, "stable").assigned


@settings(max_examples=40, deadline=None)
@given(documents())
def test_allocate_reports_assigned_and_total_score_of_the_assignment(document: dict[str, Any]) -> None:
    instance = load_instance(orjson.dumps(document))
    result = allocate(instance, mechanism="stable", seed=2)
    check_hard_rules(instance, result.assignment, cap_counts_every_seat=False)
    placed = [(s, int(p)) for s, p in enumerate(result.assignment) if p != UNASSIGNED]
    assert result.assigned == len(placed)
    scores = document["scores"]
    total = sum(scores[instance.student_ids[s]][instance.placement_ids[p]] for s, p in placed)
    assert result.total_score == pytest.approx(total)
    assert result.fairness["overall"]["assigned"] == len(placed)  # type: ignore[index]
    assert set(result.seconds) == {"solve", "fairness"}


def test_an_unknown_mechanism_is_refused() -> None:
    instance = create_instance([create_student("s1", ["p1"])], [create_placement("p1")])
    with pytest.raises(ValueError, match="unknown mechanism 'lottery'"):
        allocate(instance, mechanism="lottery")


def test_an_assignment_that_breaks_a_list_or_a_capacity_is_refused() -> None:
    instance = create_instance(
        [create_student("s1", ["p1"]), create_student("s2", ["p1", "p2"])],
        [create_placement("p1"), create_placement("p2")],
    )
    with pytest.raises(ValueError, match='placement "p1" was given more students than its capacity'):
        check_assignment(instance, np.array([0, 0], dtype=np.int32))
    with pytest.raises(ValueError, match='student "s1" was given a placement not on their list'):
        check_assignment(instance, np.array([1, -1], dtype=np.int32))
