"""The hub benchmark's page load: the app under gunicorn on PostgreSQL, a hello-world app beside it.

python -m bench.hub --pages calls run_pages after timing the round. It makes a school round for the
demo careers leader's school (so its round page lists that school's proposals), serves the app (production
settings) and a hello-world Flask app with the same gunicorn settings (2 sync workers), and runs locust
headless (bench/pages.py) against each page twice: saturated (each of the users asks again as soon
as answered: requests per second, compared with hello-world's) and paced (about a second between a user's
requests: what 50 people clicking about would see, p50 and p95).
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = Path("/tmp/bench-hub")
APP_PORT, HELLO_PORT = 5621, 5622
WORKERS = 2
PACED_WAIT = 1.0
P95_TARGET_MS = 150.0
RPS_TARGET_SHARE = 0.08

Child = Callable[[str, argparse.Namespace, dict[str, str]], dict[str, Any]]

# The hello-world app, served by gunicorn as bench.serving:hello.
hello = Flask("hello")


@hello.get("/")
def hello_world() -> str:
    """The smallest page Flask can serve: the yardstick for the app's pages."""
    return "Hello, World!"


@dataclass(frozen=True)
class Load:
    """One locust run's figures."""

    requests: int
    failures: int
    rps: float
    p50: float
    p95: float


def run_pages(args: argparse.Namespace, env: dict[str, str], child: Child) -> None:
    """Serve the app and hello-world, load each page saturated and paced, and print the figures."""
    secret = secrets.token_hex(32)
    made = child("school-round", args, {**env, "SECRET_KEY": secret})
    print(
        f"School round for the demo careers leader's school: {made['proposals']} proposals "
        f"({made['students']} students)"
    )
    serving = {
        **env,
        "APP_ENV": "production",
        "SECRET_KEY": secret,
        # Production settings insist on these; loading pages sends no email.
        "MAIL_SERVER": "127.0.0.1",
        "SERVICE_URL": f"http://127.0.0.1:{APP_PORT}",
    }
    pages = {
        "hello world": (HELLO_PORT, "/", ""),
        f"round page ({made['proposals']} proposals)": (
            APP_PORT,
            f"/school/rounds/{made['round_id']}",
            made["leader_cookie"],
        ),
        "hub report page": (APP_PORT, "/hub/reports", made["admin_cookie"]),
    }
    with _gunicorn("wsgi:app", APP_PORT, serving), _gunicorn("bench.serving:hello", HELLO_PORT, env):
        for name, (port, path, cookie) in list(pages.items()):
            status = _status(port, path, cookie)
            if status != 200:
                print(f"  {name}: {path} answers {status}; left out")
                del pages[name]
        figures = {
            name: (_locust(port, path, cookie, args, 0.0), _locust(port, path, cookie, args, PACED_WAIT))
            for name, (port, path, cookie) in pages.items()
        }
    _print(figures, args)


def school_round(args: argparse.Namespace) -> dict[str, Any]:
    """A child step: run a round for the demo careers leader's school and sign the leader and the hub admin
    in (their session cookies, signed with this run's secret key)."""
    from sqlalchemy import delete, func, select, text

    from web import create_app
    from web.dao.base import transaction
    from web.dao.rounds import add_round
    from web.demo import LOGINS
    from web.extensions import db
    from web.models import Allocation, MatchRound, School, Student, User
    from workers.matching_tasks import run_round
    from workers.round_inputs import default_policy

    app = create_app()
    with app.app_context():
        leader = db.session.scalar(select(User).where(User.email == LOGINS["careers_leader"]))
        admin = db.session.scalar(select(User).where(User.email == LOGINS["hub_admin"]))
        assert leader is not None and admin is not None
        school = db.session.get(School, leader.school_id)
        assert school is not None
        with transaction():
            db.session.execute(delete(MatchRound))
            round_id = add_round(
                hub_id=school.hub_id, school_id=school.id, kind=None, policy=default_policy(), seed=1
            ).id
        run_round.run(round_id)
        if db.engine.dialect.name == "postgresql":
            # Statistics that know the round's proposals, as autovacuum's analyze gives them within a
            # minute of a round saving its proposals (without, the planner expects one row of them).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("ANALYZE allocation"))
        count = select(func.count()).select_from(Allocation).where(Allocation.round_id == round_id)
        students = select(func.count()).select_from(Student).where(Student.school_id == school.id)
        signer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]

        def cookie(user: User) -> str:
            return f"session={signer.dumps({'_user_id': user.session_token, '_fresh': True})}"

        return {
            "round_id": round_id,
            "proposals": db.session.scalar(count),
            "students": db.session.scalar(students),
            "leader_cookie": cookie(leader),
            "admin_cookie": cookie(admin),
        }


@contextmanager
def _gunicorn(app: str, port: int, env: dict[str, str]) -> Iterator[None]:
    """Serve the app with gunicorn on this port until the block ends."""
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        f"--workers={WORKERS}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        app,
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while _status(port, "/", "") is None:
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"gunicorn did not start {app} on port {port}")
            time.sleep(0.5)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def _status(port: int, path: str, cookie: str) -> int | None:
    """The page's HTTP status without following redirects; None if nothing answers on the port."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def _locust(port: int, path: str, cookie: str, args: argparse.Namespace, wait: float) -> Load:
    """Run locust headless against one page and read its figures from the CSV it writes."""
    prefix = SCRATCH / f"locust-{port}-{path.strip('/').replace('/', '-') or 'home'}-{wait:g}"
    command = [
        str(Path(sys.executable).parent / "locust"),
        "--locustfile=bench/pages.py",
        "--headless",
        f"--users={args.users}",
        f"--spawn-rate={args.users}",
        f"--run-time={args.run_time}s",
        f"--host=http://127.0.0.1:{port}",
        f"--csv={prefix}",
        "--only-summary",
        "--loglevel=ERROR",
    ]
    load_env = {**os.environ, "BENCH_PATH": path, "BENCH_COOKIE": cookie, "BENCH_WAIT": str(wait)}
    subprocess.run(command, cwd=ROOT, env=load_env, capture_output=True, check=False)
    with open(f"{prefix}_stats.csv", newline="") as stats:
        [total] = [row for row in csv.DictReader(stats) if row["Name"] == "Aggregated"]
    return Load(
        int(total["Request Count"]),
        int(total["Failure Count"]),
        float(total["Requests/s"]),
        float(total["50%"]),
        float(total["95%"]),
    )


def _print(figures: dict[str, tuple[Load, Load]], args: argparse.Namespace) -> None:
    print(
        f"Pages under load: {args.users} users, gunicorn with {WORKERS} sync workers, PostgreSQL, "
        f"{args.run_time} s a run; saturated = no wait between a user's requests, paced = about "
        f"{PACED_WAIT:g} s"
    )
    print(f"  {'':<30}{'saturated':>28}{'paced':>30}")
    print(
        f"  {'page':<30}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'x hello':>9}   "
        f"{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}  failures"
    )
    hello_rps = figures["hello world"][0].rps if "hello world" in figures else 0.0
    for name, (saturated, paced) in figures.items():
        share = saturated.rps / hello_rps if hello_rps else 0.0
        print(
            f"  {name:<30}{saturated.rps:8.0f}{saturated.p50:8.0f}{saturated.p95:8.0f}{share:9.1%}   "
            f"{paced.rps:8.1f}{paced.p50:8.0f}{paced.p95:8.0f}  {saturated.failures + paced.failures}"
        )
    for name, (saturated, paced) in figures.items():
        if name == "hello world":
            continue
        share = saturated.rps / hello_rps if hello_rps else 0.0
        p95_met = "met" if paced.p95 <= P95_TARGET_MS else "NOT met"
        rps_met = "met" if share >= RPS_TARGET_SHARE else "NOT met"
        print(
            f"  {name}: paced p95 {paced.p95:.0f} ms (target <= {P95_TARGET_MS:.0f}: {p95_met}), "
            f"saturated {share:.1%} of hello-world's requests per second (target >= "
            f"{RPS_TARGET_SHARE:.0%}: {rps_met})"
        )
