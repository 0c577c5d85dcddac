"""Time the optimal mechanism with and without school shares on a hub-wide round, and what each places.

    python -m bench.shares [--students 35000] [--schools 200] [--placements 12000] [--options 20]

A hub-wide round is the students of many schools against one pool of placements. The instance comes from
bench.synthetic (popularity skew, scores to 3 decimals, 10% of placements capped per school), with two
changes so that shares have something to do: schools are of unequal size (lognormal), and each school
moves its students' scores by the same amount (a school effect, uniform in +-effect), as a school whose
students write stronger statements or live nearer the employers would. Prints wall and CPU seconds of
solve_optimal without and with shares (the best of --repeat runs each, same seed) and, for each, the
students placed, those placed within their school's share, the schools past their share and the total score.
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import numpy as np

from bench.synthetic import make_instance
from matcher.instance import FloatArray, Instance, Int32Array
from matcher.optimal import solve_optimal
from matcher.shares import placed_by_school, with_school_shares


def hub_round(
    n_students: int,
    n_schools: int,
    n_placements: int,
    options: int,
    seats_per_student: float,
    effect: float,
    seed: int,
) -> Instance:
    """A synthetic hub-wide round with unequal schools, a school effect on scores, and school shares."""
    drawn = make_instance(
        n_students,
        n_placements,
        seed=seed,
        list_length=options,
        seats_per_student=seats_per_student,
        n_schools=n_schools,
        capped_share=0.1,
    )
    rng = np.random.default_rng(seed + 1)
    size = rng.lognormal(0.0, 0.5, n_schools)
    school = rng.choice(n_schools, size=n_students, p=size / size.sum()).astype(np.int32)
    shift = rng.uniform(-effect, effect, n_schools)[np.repeat(school, np.diff(drawn.pref_ptr))]
    score: FloatArray = np.round(np.clip(drawn.pref_score + shift, 0.0, 1.0), 3).astype(np.float64)
    return with_school_shares(dataclasses.replace(drawn, student_school=school, pref_score=score))


def outcome(instance: Instance, assignment: Int32Array) -> dict[str, float]:
    """Students placed, placed within their school's share, schools past their share, total score."""
    assert instance.school_share is not None
    placed = placed_by_school(instance, assignment)
    edges = np.flatnonzero(
        instance.pref_placement
        == assignment[np.repeat(np.arange(instance.n_students), np.diff(instance.pref_ptr))]
    )
    return {
        "placed": float(placed.sum()),
        "within share": float(np.minimum(placed, instance.school_share).sum()),
        "schools past share": float((placed > instance.school_share).sum()),
        "total score": float(instance.pref_score[edges].sum()),
    }


def timed(instance: Instance, seed: int, repeat: int) -> tuple[Int32Array, float, float]:
    """The assignment and the best wall and CPU seconds of solve_optimal over `repeat` runs."""
    walls, cpus = [], []
    assignment = np.zeros(0, dtype=np.int32)
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        assignment = solve_optimal(instance, seed)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return assignment, min(walls), min(cpus)


def main() -> None:
    """Command line: print the figures of one run."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=35_000)
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--placements", type=int, default=12_000)
    parser.add_argument("--options", type=int, default=20, help="placements on each student's list")
    parser.add_argument("--seats-per-student", type=float, default=1.0)
    parser.add_argument("--effect", type=float, default=0.2, help="largest school effect on scores")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    shared = hub_round(
        args.students,
        args.schools,
        args.placements,
        args.options,
        args.seats_per_student,
        args.effect,
        args.seed,
    )
    plain = dataclasses.replace(shared, school_share=None)
    assert shared.school_share is not None
    print(
        f"{args.students:,} students of {args.schools} schools, {args.placements:,} placements "
        f"({int(shared.capacity.sum()):,} seats), {shared.pref_placement.size:,} pairs; "
        f"{int(shared.school_share.sum()):,} seats shared out; built in {time.perf_counter() - started:.1f} s"
    )
    print(
        f"{'':16}{'wall s':>8}{'cpu s':>8}{'placed':>10}{'within share':>14}{'schools past':>14}"
        f"{'total score':>13}"
    )
    for name, instance in (("without shares", plain), ("with shares", shared)):
        assignment, wall, cpu = timed(instance, args.seed, args.repeat)
        got = outcome(shared, assignment)
        print(
            f"{name:16}{wall:8.2f}{cpu:8.2f}{got['placed']:10,.0f}{got['within share']:14,.0f}"
            f"{got['schools past share']:14,.0f}{got['total score']:13,.1f}"
        )


if __name__ == "__main__":
    main()
