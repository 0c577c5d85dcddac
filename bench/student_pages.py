"""Benchmark the pupil's own pages on a hub-sized demo (Opportunities with filters, Choices, Offers) and
the hub admin's overview and employers list.

    python -m bench.student_pages [--schools 200] [--students-per-year 175] [--opportunities 12000]
                                  [--repeat 5] [--keep DIR]

Seeds `flask seed-demo`'s hub of that size (web.demo.seed with web.demo.Size) into a SQLite file of its
own under a new temporary directory (or reuses the one in --keep DIR, seeding it there the first time),
signs in as the demo pupil, then the demo hub admin, through the test client and draws each page --repeat
times, printing the median milliseconds (and the process's CPU milliseconds, a fairer figure on a busy
machine) and kilobytes per page against the targets (under 100 ms and 300 kB each). bench/hub.py calls
draw_pages() on the hub it seeded.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_MS = 100.0
TARGET_KB = 300.0
PUPIL_PAGES = (
    ("Opportunities", "/me/opportunities", {}),
    ("Opportunities, page 3", "/me/opportunities", {"page": "3"}),
    ("Opportunities, work experience", "/me/opportunities", {"kind": "work_experience"}),
    ("Opportunities, digital within 10 km", "/me/opportunities", {"route": "digital", "distance": "10"}),
    ("Opportunities, search 'engineer'", "/me/opportunities", {"search": "engineer"}),
    (
        "Opportunities, mentoring from 1 Jan 2027",
        "/me/opportunities",
        {"kind": "mentoring", "starts_from": ["1", "1", "2027"]},
    ),
    ("Choices", "/me/choices", {}),
    ("Offers", "/me/offers", {}),
)
HUB_PAGES = (
    ("Hub overview", "/hub/", {}),
    ("Hub overview, page 3", "/hub/", {"page": "3"}),
    ("Hub overview, search 'academy'", "/hub/", {"q": "academy"}),
    ("Employers", "/hub/employers", {}),
    ("Employers, page 10", "/hub/employers", {"page": "10"}),
    ("Employers, search 'digital'", "/hub/employers", {"q": "digital"}),
)


def main() -> None:
    """Seed (or reuse) the hub, then time each page and print the figures."""
    args = _arguments()
    where = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-student-pages-"))
    where.mkdir(parents=True, exist_ok=True)
    # Read when config.settings is first imported, so set before the app is made.
    database = f"sqlite:///{where / 'hub.sqlite'}"
    os.environ.update(DATABASE_URL=database, APP_VAR_DIR=str(where / "var"), APP_ENV="development")
    os.environ.pop("REDIS_URL", None)
    from web import create_app

    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False  # the bench signs in by posting the form itself
    with app.app_context():
        _seed_if_empty(args)
    print(f"Pages on {args.schools} schools, {args.opportunities:,} opportunities (SQLite, {where})")
    draw_pages(app, args.repeat)


def draw_pages(app: Any, repeat: int) -> bool:
    """Draw the pupil's and the hub admin's pages `repeat` times each as the demo users, print the figures,
    and say whether every page met the targets."""
    from web.demo import DEMO_PASSWORD

    met = True
    for email, pages in (("student@example.org", PUPIL_PAGES), ("hub.admin@example.org", HUB_PAGES)):
        client = app.test_client()
        signed_in = client.post("/sign-in", data={"email": email, "password": DEMO_PASSWORD})
        if signed_in.status_code != 302:
            sys.exit(f"Could not sign in as {email} (HTTP {signed_in.status_code})")
        for name, path, query in pages:
            met &= _draw(client, name, path, query, repeat)
    print(f"Targets: under {TARGET_MS:.0f} ms and {TARGET_KB:.0f} kB a page: {'met' if met else 'NOT met'}")
    return met


def _draw(client: Any, name: str, path: str, query: dict[str, Any], repeat: int) -> bool:
    times, cpu, size = [], [], 0
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path, query_string=query)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if response.status_code != 200:
            sys.exit(f"{name}: HTTP {response.status_code}")
        size = len(response.get_data())
    ms, kb = statistics.median(times), size / 1024
    ok = ms < TARGET_MS and kb < TARGET_KB
    print(
        f"  {name:<42}{ms:7.1f} ms ({statistics.median(cpu):5.1f} CPU) {kb:6.1f} kB  "
        + ("met" if ok else "NOT met")
    )
    return ok


def _seed_if_empty(args: argparse.Namespace) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import inspect

    from web.demo import Size, seed
    from web.extensions import db

    if inspect(db.engine).get_table_names():
        print("Reusing the hub seeded there earlier")
        return
    started = time.perf_counter()
    upgrade()
    seed(size=Size(args.schools, args.students_per_year, (10,), args.opportunities))
    print(f"Seeded in {time.perf_counter() - started:.1f} s")


def _arguments() -> Any:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--students-per-year", type=int, default=175)
    parser.add_argument("--opportunities", type=int, default=12000)
    parser.add_argument("--repeat", type=int, default=5, help="draw each page this many times")
    parser.add_argument("--keep", metavar="DIR", help="seed into (or reuse) this directory, kept afterwards")
    return parser.parse_args()


if __name__ == "__main__":
    main()
