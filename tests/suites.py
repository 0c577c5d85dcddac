"""`make test`: every suite, the ones that wait on servers at the same time as the ones that use both cores.

    python -m tests.suites [--postgres URL --redis URL] [--cores N]

The unit tests (on SQLite, then on PostgreSQL with Redis) keep both cores busy through pytest-xdist. The
integration and browser tests mostly wait for gunicorn, a Celery worker or Chromium (about 40% of one core),
so they run beside them: on SQLite, and on PostgreSQL with Redis when --postgres and --redis are given.
Each run has its own database, Redis database and files (APP_VAR_DIR), so none sees another's rows or mail.
The unit tests print as they go; each other run's output is kept in var/test-logs and printed when it ends.
Exits non-zero if any run failed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTEST = [sys.executable, "-m", "pytest", "-q"]
# The slowest tests of each run, in its log: where make test's minutes go.
SLOWEST = "--durations=12"
LOGS = ROOT / "var" / "test-logs"


def main() -> int:
    args = _arguments()
    on_postgres = {"DATABASE_URL": args.postgres, "REDIS_URL": args.redis} if args.postgres else None
    units = [
        (
            "unit tests on SQLite",
            _units(args.cores, ["--ignore=tests/integration", "--ignore=tests/browser"]),
            {},
        )
    ]
    servers = [
        (
            "integration and browser tests on SQLite",
            [*PYTEST, SLOWEST, "tests/integration", "tests/browser"],
            {},
        )
    ]
    slugs = ["servers-sqlite", "servers-postgres"]
    if on_postgres:
        units.append(
            (
                "unit tests on PostgreSQL and Redis",
                _units(args.cores, ["tests/web", "tests/workers"]),
                on_postgres,
            )
        )
        servers.append(
            (
                "integration tests on PostgreSQL and Redis",
                [*PYTEST, SLOWEST, "tests/integration"],
                on_postgres,
            )
        )
    LOGS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    beside = [_start(slug, *run) for slug, run in zip(slugs, servers, strict=False)]
    results = []
    for name, command, env in units:
        print(f"== {name}", flush=True)
        results.append(
            (name, subprocess.call(command, cwd=ROOT, env={**os.environ, **env}), time.monotonic())
        )
    for name, process, log in beside:
        code = process.wait()
        results.append((name, code, time.monotonic()))
        print(f"== {name} (kept in {log.relative_to(ROOT)})", flush=True)
        print(log.read_text(), end="", flush=True)
    print("== make test")
    for name, code, ended in results:
        print(f"  {name}: {'passed' if code == 0 else f'FAILED ({code})'} at {_minutes(ended - started)}")
    if not on_postgres:
        print("  PostgreSQL or Redis is not answering: skipped the PostgreSQL + Redis runs")
    return 0 if all(code == 0 for _, code, _ in results) else 1


def _units(cores: int, where: list[str]) -> list[str]:
    return [*PYTEST, SLOWEST, "-n", str(cores), "--dist", "worksteal", *where]


def _start(
    slug: str, name: str, command: list[str], env: dict[str, str]
) -> tuple[str, subprocess.Popen[bytes], Path]:
    """Start a run in the background with files of its own (var/test-<slug>), its output to a log."""
    log = LOGS / f"{slug}.log"
    var = ROOT / "var" / f"test-{slug}"
    var.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **env, "APP_VAR_DIR": str(var)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return name, process, log


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--postgres", help="a PostgreSQL URL (with --redis): run the suites there too")
    parser.add_argument("--redis", help="a Redis URL for the PostgreSQL run")
    parser.add_argument("--cores", type=int, default=2, help="pytest-xdist processes for the unit tests")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
