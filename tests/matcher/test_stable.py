"""The stable mechanism keeps every rule, has no blocking pair under the choice rule, is student-optimal."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

import numpy as np
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.synthetic import make_instance
from matcher import stable
from matcher.instance import UNASSIGNED, Instance
from matcher.io import load_instance
from matcher.stable import lottery, solve_stable
from tests.matcher.choice_rule import Matching, Rules
from tests.matcher.instances import create_document, create_placement, create_student, documents


def solve(document: dict[str, Any], seed: int = 0) -> tuple[Instance, Matching]:
    instance = load_instance(orjson.dumps(document))
    assignment = solve_stable(instance, seed)
    matching = {
        sid: None if p == UNASSIGNED else instance.placement_ids[p]
        for sid, p in zip(instance.student_ids, assignment.tolist(), strict=True)
    }
    return instance, matching


def rules_for(document: dict[str, Any], seed: int = 0) -> Rules:
    ids = [s["id"] for s in document["students"]]
    return Rules(document, dict(zip(ids, lottery(len(ids), seed).tolist(), strict=True)))


def check_rules_hold(document: dict[str, Any], matching: Matching) -> None:
    students = {s["id"]: s for s in document["students"]}
    placements = {p["id"]: p for p in document["placements"]}
    assert set(matching) == set(students)  # assigned and unassigned partition the students
    for sid, pid in matching.items():
        assert pid is None or pid in students[sid]["preferences"]
    given = Counter(p for p in matching.values() if p is not None)
    for pid, record in placements.items():
        assert given[pid] <= record["capacity"]
        held = [s for s, p in matching.items() if p == pid]
        reserved = sum((record.get("reserves") or {}).values())
        cap = record.get("max_per_school")
        if cap is not None:
            # Reserve seats do not count toward the cap, so at most cap + reserved from one school.
            schools = Counter(students[s].get("school") for s in held if students[s].get("school"))
            assert all(count <= cap + reserved for count in schools.values())
        for category, seats in (record.get("reserves") or {}).items():
            # A reserve left short means no student of its category wanted this placement more.
            if sum(category in students[s].get("categories", []) for s in held) < seats:
                for sid, student in students.items():
                    if category in student.get("categories", []) and pid in student["preferences"]:
                        ranked = student["preferences"]
                        assert matching[sid] is not None and ranked.index(matching[sid]) <= ranked.index(pid)


@settings(max_examples=150, deadline=None)
@given(documents())
def test_stable_keeps_lists_capacities_caps_reserves_and_partitions_students(
    document: dict[str, Any],
) -> None:
    _, matching = solve(document)
    check_rules_hold(document, matching)


@settings(max_examples=150, deadline=None)
@given(documents(), st.integers(0, 3))
def test_stable_has_no_blocking_pair_under_the_documented_choice_rule(
    document: dict[str, Any], seed: int
) -> None:
    _, matching = solve(document, seed)
    assert rules_for(document, seed).blocking_pairs(matching) == []


@settings(max_examples=60, deadline=None)
@given(documents(max_students=4, max_placements=3), st.integers(0, 3))
def test_stable_equals_the_student_optimal_stable_matching_found_by_brute_force(
    document: dict[str, Any], seed: int
) -> None:
    _, matching = solve(document, seed)
    assert matching == rules_for(document, seed).student_optimal()


@settings(max_examples=30, deadline=None)
@given(documents(), st.integers(0, 1000))
def test_same_seed_gives_the_same_assignment(document: dict[str, Any], seed: int) -> None:
    instance = load_instance(orjson.dumps(document))
    assert np.array_equal(solve_stable(instance, seed), solve_stable(instance, seed))


def test_lottery_breaks_ties_so_different_seeds_can_differ() -> None:
    document = create_document(
        [create_student(f"s{i}", ["p"]) for i in range(20)], [create_placement("p", capacity=1)]
    )
    winners = {next(s for s, p in solve(document, seed)[1].items() if p) for seed in range(10)}
    assert len(winners) > 1


def test_stable_never_exceeds_capacity_when_displacements_loop() -> None:
    # s1 and s2 apply to p1, s3 to p2; p1 keeps s1 and rejects s2; s2 displaces s3 from p2; s3 then
    # displaces s1 from p1: the chain loops back to p1, which must still hold one student.
    document = create_document(
        [
            create_student("s1", ["p1"]),
            create_student("s2", ["p1", "p2"]),
            create_student("s3", ["p2", "p1"]),
        ],
        [create_placement("p1", capacity=1), create_placement("p2", capacity=1)],
        {"s1": {"p1": 0.5}, "s2": {"p1": 0.1, "p2": 0.9}, "s3": {"p2": 0.2, "p1": 0.9}},
    )
    _, matching = solve(document)
    assert matching == {"s1": None, "s2": "p2", "s3": "p1"}


def test_stable_never_exceeds_capacity_in_the_roth_peranson_displacement_cycle() -> None:
    # The case reported against J-DM/Roth-Peranson (issue #5), which gave University two students:
    # Davis displaces Anderson from University, Anderson displaces Beaudry from City, Beaudry displaces
    # Chen from General, and Chen displaces Davis from University, where the chain began.
    ranks = {
        "University": ["Chen", "Davis", "Beaudry", "Anderson"],
        "City": ["Anderson", "Beaudry", "Chen"],
        "General": ["Beaudry", "Chen", "Anderson"],
    }
    lists = {
        "Anderson": ["University", "City", "General"],
        "Beaudry": ["City", "General", "University"],
        "Chen": ["General", "University", "City"],
        "Davis": ["University"],
    }
    scores = {s: {p: 10.0 - ranks[p].index(s) for p in listed} for s, listed in lists.items()}
    document = create_document(
        [create_student(s, listed) for s, listed in lists.items()],
        [create_placement(p) for p in ranks],
        scores,
    )
    _, matching = solve(document)
    assert matching == {"Anderson": "City", "Beaudry": "General", "Chen": "University", "Davis": None}


def test_stable_never_exceeds_capacity_when_a_long_displacement_chain_loops_twice() -> None:
    # A ring of placements, each with one seat and preferring the student who ranks it second, so every
    # new arrival displaces the holder, who moves on around the ring back to where the chain started.
    size = 6
    students = [create_student(f"s{i}", [f"p{i}", f"p{(i + 1) % size}"]) for i in range(size)]
    students.append(create_student("late", [f"p{j}" for j in range(size)]))
    scores = {f"s{i}": {f"p{i}": 0.1, f"p{(i + 1) % size}": 0.9} for i in range(size)}
    scores["late"] = {f"p{j}": 0.5 for j in range(size)}
    document = create_document(students, [create_placement(f"p{j}") for j in range(size)], scores)
    _, matching = solve(document)
    given = Counter(p for p in matching.values() if p)
    assert max(given.values()) == 1
    assert rules_for(document).blocking_pairs(matching) == []


def to_matching_library(instance: Instance) -> dict[str, list[str]]:
    """Solve with the reference package's resident-optimal HospitalResident; placement -> students."""
    from matching.games import HospitalResident

    resident_prefs: dict[str, list[str]] = {}
    applicants: dict[str, list[tuple[float, str]]] = {}
    for s, sid in enumerate(instance.student_ids):
        lo, hi = instance.pref_ptr[s], instance.pref_ptr[s + 1]
        listed = [instance.placement_ids[p] for p in instance.pref_placement[lo:hi]]
        if listed:
            resident_prefs[sid] = listed
        for pid, score in zip(listed, instance.pref_score[lo:hi].tolist(), strict=True):
            applicants.setdefault(pid, []).append((-score, sid))
    hospital_prefs = {pid: [sid for _, sid in sorted(pairs)] for pid, pairs in applicants.items()}
    capacities = {pid: int(instance.capacity[instance.placement_ids.index(pid)]) for pid in hospital_prefs}
    game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
    return {h.name: sorted(r.name for r in held) for h, held in game.solve(optimal="resident").items()}


@pytest.mark.parametrize("seed", range(8))
def test_without_reserves_caps_or_ties_stable_equals_the_matching_package(seed: int) -> None:
    instance = make_instance(60, 25, seed=seed, list_length=4)
    rng = np.random.default_rng(seed)
    instance = replace(instance, pref_score=rng.permutation(len(instance.pref_score)) / 1.0)
    assignment = solve_stable(instance, seed=seed)
    ours: dict[str, list[str]] = {}
    for s, p in enumerate(assignment.tolist()):
        if p != UNASSIGNED:
            ours.setdefault(instance.placement_ids[p], []).append(instance.student_ids[s])
    theirs = {pid: held for pid, held in to_matching_library(instance).items() if held}
    assert {pid: sorted(held) for pid, held in ours.items()} == theirs


@pytest.mark.parametrize("seed", range(3))
def test_stable_keeps_every_rule_on_a_synthetic_instance_with_reserves_and_caps(seed: int) -> None:
    instance = make_instance(
        3000, 1200, seed=seed, n_schools=40, capped_share=0.5, reserved_share=0.5, seats_per_student=0.8
    )
    assignment = solve_stable(instance, seed)
    given = np.bincount(assignment[assignment != UNASSIGNED], minlength=instance.n_placements)
    assert (given <= instance.capacity).all()
    for s in np.flatnonzero(assignment != UNASSIGNED)[:500]:
        lo, hi = instance.pref_ptr[s], instance.pref_ptr[s + 1]
        assert assignment[s] in instance.pref_placement[lo:hi]


@pytest.mark.parametrize("seed", range(3))
def test_numbered_keys_for_huge_instances_give_the_same_assignment_as_packed_keys(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = make_instance(2000, 800, seed=seed, n_schools=20, capped_share=0.5, reserved_share=0.5)
    packed = solve_stable(instance, seed)
    monkeypatch.setattr(stable, "KEY_BITS", 0)  # as if the packed key needed more than 63 bits
    assert np.array_equal(solve_stable(instance, seed), packed)
