"""Time the front half of a round (candidates, scores, Instance, then allocate) on synthetic people.

    python -m bench.pipeline --students 650000 --opportunities 325000

Students and employers sit at real postcodes drawn across England, so distances and densities are real.
Prints seconds (wall and CPU) per stage and the peak resident memory of this process.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from functools import partial
from typing import TypeVar

import numpy as np

from matcher.people import KINDS, ROUTES, Kind, Opportunity, Student
from matcher.policy import Policy
from matcher.postcodes import NO_COORD, PostcodeIndex, format_postcode

T = TypeVar("T")
TODAY = date(2026, 11, 23)
ROUTE_NAMES = sorted(ROUTES)
# A few words per route, so statements and descriptions share vocabulary the way real ones do.
_WORDS = {
    route: ROUTES[route].lower().replace(",", "").split() + extra.split()
    for route, extra in {
        "agriculture-environmental-and-animal-care": "farm animals vet horses wildlife gardening ecology",
        "business-and-administration": "office admin organising teams management spreadsheets events",
        "care-services": "elderly community support caring social families wellbeing",
        "catering-and-hospitality": "cooking chef kitchen restaurant hotel baking food",
        "construction-and-the-built-environment": "building bricklaying plumbing architecture carpentry site",
        "creative-and-design": "art drawing fashion film music photography graphic",
        "digital": "computers coding software games programming data cyber",
        "education-and-early-years": "teaching children nursery school classroom tutoring",
        "engineering-and-manufacturing": "machines cars robots electronics factory mechanics aerospace",
        "hair-and-beauty": "hairdressing makeup salon nails barber skincare",
        "health-and-science": "nursing hospital doctor biology chemistry laboratory pharmacy",
        "legal-finance-and-accounting": "law solicitor court banking money accounts tax",
        "protective-services": "police fire army security emergency rescue",
        "sales-marketing-and-procurement": "shop retail advertising customers selling brands",
        "transport-and-logistics": "trains lorries warehouse aviation delivery shipping",
    }.items()
}
_FILLER = [
    "enjoy",
    "learning",
    "working",
    "people",
    "helping",
    "problems",
    "hands",
    "creative",
    "outdoors",
    "team",
    "future",
    "career",
]


def run(
    n_students: int,
    n_opportunities: int,
    seed: int = 0,
    with_allocate: bool = True,
    mechanisms: Sequence[str] = ("optimal", "stable"),
    policy: Policy | None = None,
) -> dict[str, float]:
    """Build synthetic people, run each stage once and return seconds per stage and peak memory (MB).

    `total` and `total_cpu` are the pipeline plus the first mechanism's allocation (the service's default,
    optimal, unless told otherwise); `peak_mb` is this process's peak resident memory plus its children's.
    """
    from matcher.candidates import candidates
    from matcher.pipeline import build_instance
    from matcher.scores import score

    figures: dict[str, float] = {}
    postcodes, figures["index_load"] = _timed(PostcodeIndex.load)
    (students, opportunities), figures["generate"] = _timed(
        lambda: _people(postcodes, n_students, n_opportunities, seed)
    )
    figures["peak_mb_inputs"] = _peak_mb()
    policy = Policy() if policy is None else policy
    figures["list_length"], figures["remote_length"] = policy.list_length, policy.remote_length
    pipeline_started = time.perf_counter()
    cpu_started = _cpu()
    # partial, not lambda: a closure would keep found and scored alive after the del below.
    found, figures["candidates"] = _timed(
        partial(candidates, students, opportunities, policy, postcodes, TODAY)
    )
    figures["peak_mb_candidates"] = _peak_mb()
    scored, figures["scores"] = _timed(partial(score, students, opportunities, found, policy))
    figures["peak_mb_scores"] = _peak_mb()
    instance, figures["build_instance"] = _timed(
        partial(build_instance, students, opportunities, found, scored, policy)
    )
    for stage, cpu in zip(("candidates", "scores", "build_instance"), _CPU_SECONDS[-3:], strict=True):
        figures[f"{stage}_cpu"] = cpu
    figures["pipeline"] = time.perf_counter() - pipeline_started
    figures["pipeline_cpu"] = _cpu() - cpu_started
    figures["pairs"] = float(len(found))
    figures["pairs_per_student"] = len(found) / max(n_students, 1)
    figures["instance_pairs"] = float(len(instance.pref_placement))
    figures["instance_pairs_per_student"] = len(instance.pref_placement) / max(n_students, 1)
    figures["students_without_options"] = float(np.sum(np.diff(instance.pref_ptr) == 0))
    figures["peak_mb_pipeline"] = _peak_mb()
    # The allocation reads the Instance only: candidates and scores (for explanations) can go first.
    del found, scored
    if with_allocate and mechanisms:
        from matcher.allocation import allocate

        pathways = [o.pathway for o in opportunities]
        for mechanism in mechanisms:
            result, figures[f"allocate_{mechanism}"] = _timed(
                partial(allocate, instance, mechanism, seed, pathways)
            )
            figures[f"allocate_{mechanism}_cpu"] = _CPU_SECONDS[-1]
            figures[f"assigned_{mechanism}"] = float(result.assigned)
            figures[f"mean_score_{mechanism}"] = result.total_score / max(result.assigned, 1)
            figures[f"peak_mb_after_{mechanism}"] = _peak_mb()
            del result
        figures["total"] = figures["pipeline"] + figures[f"allocate_{mechanisms[0]}"]
        figures["total_cpu"] = figures["pipeline_cpu"] + figures[f"allocate_{mechanisms[0]}_cpu"]
    # The optimal mechanism may solve part of the round in a child process at the same time: its own peak
    # counts too, and the sum is an upper bound on the memory in use at once. (RUSAGE_CHILDREN would
    # count the parent's pages the child had before exec.)
    from matcher.optimal import child_peak_mb

    figures["peak_mb_child"] = child_peak_mb[0]
    figures["peak_mb"] = _peak_mb() + figures["peak_mb_child"]
    return figures


def _timed(step: Callable[[], T]) -> tuple[T, float]:
    """The step's value and wall seconds; its CPU seconds go to _CPU_SECONDS (the machine may be shared)."""
    started, cpu = time.perf_counter(), _cpu()
    value = step()
    _CPU_SECONDS.append(_cpu() - cpu)
    return value, time.perf_counter() - started


_CPU_SECONDS: list[float] = []


def _cpu() -> float:
    """User + system seconds of this process and its finished children (optimal may fork one)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kilobytes


def _people(postcodes: PostcodeIndex, n: int, m: int, seed: int) -> tuple[list[Student], list[Opportunity]]:
    """Students and opportunities at real English postcodes, seeded."""
    rng = np.random.default_rng(seed)
    english = np.array([name.startswith("E") for name in postcodes.laua_names] + [False])
    laua = np.asarray(postcodes.laua)
    rows = np.flatnonzero(english[laua] & (np.asarray(postcodes.xy[:, 0]) != NO_COORD))
    employers = max(1, m // 3)
    employer_rows = np.sort(rng.choice(rows, size=employers))
    opportunity_rows = employer_rows[rng.integers(0, employers, size=m)]
    opportunity_rows.sort()
    opportunities = _opportunities(postcodes, opportunity_rows, rng)
    student_rows = np.sort(rng.choice(rows, size=n))
    # Neighbouring rows share a postcode district, so ranking opportunities near in row order is local.
    near = np.searchsorted(opportunity_rows, student_rows)
    students = _students(postcodes, student_rows, near, opportunities, rng)
    return students, opportunities


def _opportunities(postcodes: PostcodeIndex, rows: np.ndarray, rng: np.random.Generator) -> list[Opportunity]:
    m = len(rows)
    kinds: list[Kind] = ["work_experience", "job_shadowing", "mentoring", "insight_day", "t_level_placement"]
    kind = rng.choice(len(kinds), size=m, p=[0.45, 0.2, 0.1, 0.15, 0.1])
    route = rng.integers(0, len(ROUTE_NAMES), size=m)
    pathway = rng.choice(["technical", "academic", "both"], size=m, p=[0.4, 0.25, 0.35])
    remote = rng.random(m) < 0.08
    capacity = rng.integers(1, 5, size=m)
    week = rng.integers(10, 35, size=m)
    older = rng.random(m) < 0.4
    words = rng.integers(0, 1 << 30, size=(m, 6))
    codes = postcodes.codes[rows]
    found = []
    first_monday = date(2027, 1, 4)
    for j in range(m):
        k: Kind = kinds[kind[j]]
        r = ROUTE_NAMES[route[j]]
        vocabulary = _WORDS[r]
        years: tuple[int, ...]
        if k == "t_level_placement":
            years, min_age = (12, 13), 16
        elif k == "insight_day":
            years, min_age = ((7, 8, 9), 11) if older[j] else ((9, 10, 11), 13)
        else:
            years, min_age = ((12, 13), 16) if older[j] else ((10, 11), 14)
        start = first_monday + timedelta(weeks=int(week[j]))
        length = 0 if k == "insight_day" else 4
        picked = [vocabulary[w % len(vocabulary)] for w in words[j]]
        found.append(
            Opportunity(
                id=f"o{j}",
                kind=k,
                title=f"{ROUTES[r]}: {picked[0]} and {picked[1]}",
                description=f"Join our {picked[2]} team for {KINDS[k].lower()}: {picked[3]}, {picked[4]} "
                f"and {picked[5]}, with a supervisor and a task to finish and present.",
                route=r,
                pathway=str(pathway[j]),  # type: ignore[arg-type]
                postcode=None if remote[j] else format_postcode(codes[j].decode()),
                remote=bool(remote[j]),
                capacity=int(capacity[j]),
                start=start,
                end=start + timedelta(days=length),
                year_groups=years,
                min_age=min_age,
            )
        )
    return found


def _students(
    postcodes: PostcodeIndex,
    rows: np.ndarray,
    near: np.ndarray,
    opportunities: list[Opportunity],
    rng: np.random.Generator,
) -> list[Student]:
    n, m = len(rows), len(opportunities)
    year = rng.integers(7, 14, size=n)
    # Year Y in 2026/27 was born between 1 September (2021 - Y) and 31 August (2022 - Y).
    born_offset = rng.integers(0, 365, size=n)
    travel = rng.choice([5.0, 10.0, 15.0, 20.0, 30.0], size=n, p=[0.2, 0.35, 0.25, 0.15, 0.05])
    n_routes = rng.integers(0, 4, size=n)
    route = rng.integers(0, len(ROUTE_NAMES), size=(n, 3))
    pathway = rng.choice(["technical", "academic", "both"], size=n, p=[0.3, 0.3, 0.4])
    flags = rng.random((n, 3)) < np.array([0.25, 0.15, 0.3])
    busy = rng.random(n) < 0.05
    busy_week = rng.integers(10, 35, size=n)
    n_ranked = rng.integers(0, 6, size=n)
    ranked = np.clip(near[:, None] + rng.integers(-60, 60, size=(n, 5)), 0, max(m - 1, 0))
    words = rng.integers(0, 1 << 30, size=(n, 5))
    codes = postcodes.codes[rows]
    school_size = 900
    found = []
    first_monday = date(2027, 1, 4)
    for i in range(n):
        routes = tuple(dict.fromkeys(ROUTE_NAMES[r] for r in route[i, : n_routes[i]]))
        vocabulary = _WORDS[routes[0]] if routes else _FILLER
        picked = [vocabulary[w % len(vocabulary)] for w in words[i, :3]]
        extra = [_FILLER[w % len(_FILLER)] for w in words[i, 3:]]
        start = first_monday + timedelta(weeks=int(busy_week[i]))
        found.append(
            Student(
                id=f"s{i}",
                school=f"school{i // school_size}",  # rows are in postcode order, so schools are local
                year_group=int(year[i]),
                date_of_birth=date(2021 - int(year[i]), 9, 1) + timedelta(days=int(born_offset[i])),
                postcode=format_postcode(codes[i].decode()),
                max_travel_km=float(travel[i]),
                routes=routes,
                statement=f"I like {picked[0]}, {picked[1]} and {picked[2]}; I {extra[0]} {extra[1]}.",
                pathway_interest=str(pathway[i]),  # type: ignore[arg-type]
                disadvantaged=bool(flags[i, 0]),
                send=bool(flags[i, 1]),
                has_workplace_experience=bool(flags[i, 2]),
                busy=((start, start + timedelta(days=4)),) if busy[i] else (),
                ranked=tuple(dict.fromkeys(f"o{j}" for j in ranked[i, : n_ranked[i]])),
            )
        )
    return found


def main() -> None:
    """Command line: print the figures of one run."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=20_000)
    parser.add_argument("--opportunities", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-allocate", action="store_true", help="time the front half only")
    parser.add_argument(
        "--mechanisms",
        default="optimal,stable",
        help="comma-separated, in order; `total` counts the first (default: optimal,stable)",
    )
    defaults = Policy()
    parser.add_argument("--list-length", type=int, default=defaults.list_length)
    parser.add_argument("--remote-length", type=int, default=defaults.remote_length)
    args = parser.parse_args()
    mechanisms = tuple(name for name in args.mechanisms.split(",") if name)
    policy = Policy(list_length=args.list_length, remote_length=args.remote_length)
    figures = run(args.students, args.opportunities, args.seed, not args.skip_allocate, mechanisms, policy)
    for name, value in figures.items():
        print(f"{name:28} {value:12.2f}")


if __name__ == "__main__":
    main()
