"""Benchmark: seconds and peak memory per stage, against a reference measured in the same run.

    python -m bench.engine [--scale small|full] [--stages abcd] [--keep DIR]

Every run is a separate process, so its peak memory is its own (ru_maxrss from os.wait4 on that child)
and whole-process runs include interpreter start, loading, solving and writing, as a user would see them.
  a  stable, 20,000 students x 10,000 placements x 6: our load + solve vs matching's HospitalResident
     build + solve (resident-optimal), same tie-breaking, so the assignments must be equal.
  b  optimal, 100,000 x 50,000: `python -m matcher allocate` vs bench.baseline; same optimum.
  c  national, 650,000 x 325,000: stable CLI vs json.load of the instance + json.dump of a same-sized
     result; optimal CLI vs the baseline, same optimum.
  d  bench.pipeline.run at national scale, then the optimal mechanism, in one process.
--scale small divides every size by 10 for a quick check.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson

from bench.synthetic import make_instance, write_instance
from matcher.instance import UNASSIGNED, Instance
from matcher.optimal import SCALE

SEED = 0


@dataclass
class Run:
    """One measured process."""

    seconds: float
    peak_mb: float
    output: str
    cpu: float | None = None  # user + system seconds: steadier than wall time on a shared machine


@dataclass
class Row:
    """One line of the table: a run, and its ratio to a reference run where there is one."""

    stage: str
    name: str
    run: Run
    reference: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""


def measure(args: list[str]) -> Run:
    """Run a command as a child; its wall seconds and its own peak resident memory."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        child = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        # wait4 on this pid gives this child's rusage alone, unlike RUSAGE_CHILDREN's running maximum.
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode(errors="replace")
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {child.returncode}:\n{output[-2000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, usage.ru_maxrss / 1024, output, cpu)  # ru_maxrss is in KiB on Linux


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def worker(*args: str) -> list[str]:
    return python("-m", "bench.engine", "--worker", *args)


def cli(path: Path, mechanism: str, out: Path) -> list[str]:
    return python("-m", "matcher", "allocate", str(path), "--mechanism", mechanism, "--out", str(out))


def prepare(stage: str, n: int, m: int, work: Path) -> tuple[Instance, Path]:
    """The stage's synthetic instance (schools of 200, 10% capped, 10% reserved) and its file."""
    instance = make_instance(
        n, m, seed=SEED, n_schools=max(n // 200, 1), capped_share=0.1, reserved_share=0.1
    )
    path = work / f"{stage}_instance.json"
    if not path.exists():
        write_instance(instance, path)
    return instance, path


def score_objective(instance: Instance, result_path: Path) -> tuple[int, int]:
    """(students placed, total score in 1/SCALE units) of a result file's assignments."""
    assignments = orjson.loads(result_path.read_bytes())["assignments"]
    placement_index = {p: j for j, p in enumerate(instance.placement_ids)}
    given = np.array(
        [placement_index[assignments[s]] if s in assignments else UNASSIGNED for s in instance.student_ids],
        dtype=np.int64,
    )
    student = np.repeat(np.arange(instance.n_students), np.diff(instance.pref_ptr))
    chosen = instance.pref_placement == given[student]
    value = np.rint(instance.pref_score[chosen] * SCALE).astype(np.int64)
    return int(chosen.sum()), int(value.sum())


def compare(
    stage: str, ours: tuple[str, Run], theirs: tuple[str, Run], target: str, limit: float, note: str = ""
) -> list[Row]:
    """Two rows: ours with its ratio to theirs (ours / theirs seconds) and whether it meets the limit."""
    ratio = ours[1].seconds / theirs[1].seconds
    met = ratio <= limit
    return [
        Row(stage, ours[0], ours[1], theirs[0], ratio, target, met, note),
        Row(stage, theirs[0], theirs[1]),
    ]


def stage_stable_vs_matching(n: int, m: int, work: Path) -> list[Row]:
    """(a) our stable mechanism vs matching's HospitalResident, in memory, same tie-breaking."""
    ours_out, theirs_out = work / "a_ours.npy", work / "a_matching.npy"
    ours = measure(worker("stable-ours", str(n), str(m), str(ours_out)))
    theirs = measure(worker("stable-matching", str(n), str(m), str(theirs_out)))
    ours_times = json.loads(ours.output.strip().splitlines()[-1])
    theirs_times = json.loads(theirs.output.strip().splitlines()[-1])
    ours_s, theirs_s = ours_times["seconds"], theirs_times["seconds"]
    same = np.array_equal(np.load(ours_out), np.load(theirs_out))
    # The ratio is of the timed build + solve inside each process, not of interpreter start and set-up.
    ours_timed = Run(ours_s, ours.peak_mb, "", ours_times["cpu"])
    theirs_timed = Run(theirs_s, theirs.peak_mb, "", theirs_times["cpu"])
    speedup = theirs_s / ours_s
    label = f"{n:,} x {m:,}"
    return [
        Row(
            "a",
            f"stable {label}: ours load+solve",
            ours_timed,
            "matching",
            1 / speedup,
            ">= 200x faster",
            speedup >= 200,
            f"{speedup:,.0f}x faster; same assignment: {same}",
        ),
        Row("a", f"stable {label}: matching HR build+solve", theirs_timed),
    ]


def stage_optimal(stage: str, n: int, m: int, work: Path, limit: float) -> list[Row]:
    """Optimal CLI vs the baseline script on the same instance file; both must reach the same optimum."""
    instance, path = prepare(stage, n, m, work)
    ours_out, base_out = work / f"{stage}_optimal.json", work / f"{stage}_baseline.json"
    ours = measure(
        python("-m", "matcher", "allocate", str(path), "--mechanism", "optimal", "--out", str(ours_out))
    )
    base = measure(python("-m", "bench.baseline", str(path), str(base_out)))
    ours_objective = score_objective(instance, ours_out)
    base_objective = score_objective(instance, base_out)
    same = ours_objective == base_objective
    label = f"{n:,} x {m:,}"
    rows = compare(
        stage,
        (f"optimal {label}: matcher CLI", ours),
        (f"optimal {label}: baseline script", base),
        f"<= {limit}x baseline, same optimum",
        limit,
        f"objective {ours_objective} vs {base_objective}",
    )
    rows[0].met = bool(rows[0].met) and same
    phases = json.loads(base.output.strip().splitlines()[-1])
    rows[1].note = ", ".join(f"{k} {v:.1f}" for k, v in phases.items())
    return rows


def stage_national_stable(n: int, m: int, work: Path) -> list[Row]:
    """(c) stable CLI vs json.load + json.dump of the same instance and a same-sized result."""
    _, path = prepare("c", n, m, work)
    out = work / "c_stable.json"
    ours = measure(cli(path, "stable", out))
    ref = measure(worker("json-reference", str(path), str(work / "c_ref.json")))
    label = f"{n:,} x {m:,}"
    return compare(
        "c", (f"stable {label}: matcher CLI", ours), (f"json load+dump {label}", ref), "<= 1.5x json", 1.5
    )


def stage_pipeline(n: int, m: int) -> list[Row]:
    """(d) the in-memory pipeline (candidates, scores, Instance) and then the default mechanism, optimal."""
    if importlib.util.find_spec("bench.pipeline") is None:
        return []
    run = measure(worker("pipeline", str(n), str(m)))
    figures = json.loads(run.output.strip().splitlines()[-1])
    # The target counts the whole round: the pipeline and allocating with optimal, in one process whose
    # peak (from wait4, in the table) covers both.
    seconds = float(figures.get("total", figures.get("pipeline", 0.0)))
    shown = ("candidates", "scores", "build_instance", "allocate_optimal", "instance_pairs")
    parts = ", ".join(f"{k} {figures[k]:,.1f}" for k in shown if k in figures)
    # The worker's own peak (wait4) plus that of the child optimal forks for part of the round.
    peak = max(run.peak_mb, float(figures.get("peak_mb", 0.0)))
    timed = Run(seconds, peak, "", figures.get("total_cpu", figures.get("pipeline_cpu")))
    note = f"pipeline peak {figures.get('peak_mb_pipeline', 0.0):,.0f} MB; {parts}"
    met = seconds < 60 and peak < 4096
    name = f"pipeline + optimal {n:,} x {m:,}"
    return [Row("d", name, timed, "", None, "< 60 s, < 4 GB", met, note)]


# Workers: each runs in its own process so its peak memory is measured alone.


def worker_stable_ours(n: int, m: int, out: str) -> None:
    from bench.synthetic import to_json
    from matcher.io import load_instance
    from matcher.stable import solve_stable

    data = to_json(make_instance(n, m, seed=SEED))
    started, cpu_started = time.perf_counter(), time.process_time()
    assignment = solve_stable(load_instance(data), SEED)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    np.save(out, assignment)
    print(json.dumps({"seconds": seconds, "cpu": cpu}))


def worker_stable_matching(n: int, m: int, out: str) -> None:
    import threading
    import warnings

    from matching.games import HospitalResident

    from matcher.stable import lottery

    instance = make_instance(n, m, seed=SEED)
    sid, pid = instance.student_ids, instance.placement_ids
    student = np.repeat(np.arange(n), np.diff(instance.pref_ptr))
    # The same priority as ours: score, higher first, then our seeded lottery.
    draw = lottery(n, SEED)
    order = np.lexsort((draw[student], -instance.pref_score, instance.pref_placement))
    ptr = instance.pref_ptr.tolist()
    prefs = instance.pref_placement.tolist()
    resident_prefs = {sid[s]: [pid[p] for p in prefs[ptr[s] : ptr[s + 1]]] for s in range(n)}
    hospital_prefs: dict[str, list[str]] = {p: [] for p in pid}
    for e in order.tolist():
        hospital_prefs[pid[prefs[e]]].append(sid[student[e]])
    capacities = {pid[j]: c for j, c in enumerate(instance.capacity.tolist())}
    found: dict[str, object] = {}

    def solve() -> None:
        started, cpu_started = time.perf_counter(), time.process_time()
        game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
        found["matching"] = game.solve(optimal="resident")
        found["seconds"] = time.perf_counter() - started
        found["cpu"] = time.process_time() - cpu_started

    # matching deep-copies its players recursively: a national-size game needs a deep stack.
    sys.setrecursionlimit(10_000_000)
    threading.stack_size(1 << 29)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        thread = threading.Thread(target=solve)
        thread.start()
        thread.join()
    index = {p: j for j, p in enumerate(pid)}
    assignment = np.full(n, UNASSIGNED, dtype=np.int32)
    student_index = {s: i for i, s in enumerate(sid)}
    for hospital, residents in found["matching"].items():  # type: ignore[attr-defined]
        for resident in residents:
            assignment[student_index[resident.name]] = index[hospital.name]
    np.save(out, assignment)
    print(json.dumps({"seconds": found["seconds"], "cpu": found["cpu"]}))


def worker_json_reference(instance_path: str, out: str) -> None:
    with open(instance_path) as f:
        data = json.load(f)
    students = data["students"]
    result = {
        "format": "allocation-result/1",
        "mechanism": "stable",
        "seed": 0,
        "assignments": {s["id"]: s["preferences"][0] for s in students if s["preferences"]},
        "unassigned": [],
        "objective": {"assigned": len(students), "total_score": 0.0},
    }
    with open(out, "w") as f:
        json.dump(result, f)


def worker_pipeline(n: int, m: int) -> None:
    # Imported by name: the module is another engineer's and the bench must run without it.
    bench_pipeline = importlib.import_module("bench.pipeline")
    figures: dict[str, float] = bench_pipeline.run(n, m, mechanisms=("optimal",))
    print(json.dumps({k: float(v) for k, v in figures.items()}))


def run_worker(name: str, args: list[str]) -> None:
    if name == "stable-ours":
        worker_stable_ours(int(args[0]), int(args[1]), args[2])
    elif name == "stable-matching":
        worker_stable_matching(int(args[0]), int(args[1]), args[2])
    elif name == "json-reference":
        worker_json_reference(args[0], args[1])
    elif name == "pipeline":
        worker_pipeline(int(args[0]), int(args[1]))
    else:
        raise SystemExit(f"unknown worker {name}")


def print_table(rows: list[Row]) -> None:
    columns = f"{'seconds':>8} {'cpu s':>7} {'peak MB':>8} {'ratio':>7}"
    header = f"{'':2} {'run':46} {columns}  {'target':34} {'met':4} note"
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = f"{row.ratio:.3f}" if row.ratio is not None else ""
        met = "" if row.met is None else ("yes" if row.met else "NO")
        cpu = f"{row.run.cpu:.2f}" if row.run.cpu is not None else ""
        print(
            f"{row.stage:2} {row.name:46} {row.run.seconds:8.2f} {cpu:>7} {row.run.peak_mb:8.0f} {ratio:>7}  "
            f"{row.target:34} {met:4} {row.note}"
        )
    print("ratio = our wall seconds / the reference's (the row below); peak MB = that process's max RSS.")


def main() -> None:
    """Run the chosen stages and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.engine", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=("small", "full"), default="full")
    parser.add_argument("--stages", default="abcd", help="which stages to run, e.g. 'ab'")
    parser.add_argument("--keep", type=Path, help="keep instance and result files in this directory")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(args.worker[0], args.worker[1:])
        return

    shrink = 10 if args.scale == "small" else 1
    print(f"python -m bench.engine --scale {args.scale} --stages {args.stages}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {_memory_gb():.0f} GB, {platform.platform()}"
    )
    print(f"python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(flush=True)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="matcher-bench-") as temporary:
        work = args.keep or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        stages = {
            "a": lambda: stage_stable_vs_matching(20_000 // shrink, 10_000 // shrink, work),
            "b": lambda: stage_optimal("b", 100_000 // shrink, 50_000 // shrink, work, 0.8),
            "c": lambda: (
                stage_national_stable(650_000 // shrink, 325_000 // shrink, work)
                + stage_optimal("c", 650_000 // shrink, 325_000 // shrink, work, 0.5)
            ),
            "d": lambda: stage_pipeline(650_000 // shrink, 325_000 // shrink),
        }
        for stage in args.stages:
            new = stages[stage]()
            rows += new
            print_table(new)
            print(flush=True)
    print("all stages")
    print_table(rows)
    over = [r for r in rows if r.stage in "bc" and r.run.peak_mb > 3072]
    verdict = "yes" if not over else "NO: " + ", ".join(r.name for r in over)
    print(f"peak memory under 3 GB in stages b and c: {verdict}")


def _memory_gb() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


if __name__ == "__main__":
    main()
