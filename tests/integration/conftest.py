"""The whole service for real: the web app served over HTTP by its own process, and a Celery worker process
consuming the matching queue from a real broker, both on the tests' database. No mocks, no eager Celery.

The stack is started once per session on kombu's SQLAlchemy transport on a SQLite file (the embedded
default, shared with tests/browser), and once per module on Redis (only when REDIS_URL is set, as
`make test-postgres` does); tests/integration/test_faults.py starts its own, with beat. The processes are
always stopped, and their logs are printed when a test fails.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, url_for

from config.celery import MATCHING_QUEUE, QUEUES
from tests.integration.browser import Browser

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
START_TIMEOUT = 60  # seconds for the worker and server to come up (first imports are slow on a cold disk)
ROUND_TIMEOUT = 90  # seconds for a round to finish; a handful of students takes one or two


@dataclass
class Stack:
    """A running web server and worker sharing one database and one broker."""

    broker: str
    base_url: str
    app: Flask
    logs: dict[str, Path]
    processes: dict[str, subprocess.Popen[bytes]]
    env: dict[str, str] = field(default_factory=dict)
    where: Path = Path(".")

    def start_worker(self, name: str, **env: str) -> None:
        """Start a Celery worker process named `name` on the matching queue, with extra settings."""
        self.logs[name] = self.where / f"{name}.log"
        self.processes[name] = _start(
            [
                str(BIN / "celery"), "-A", "workers.celery_app", "worker", "-Q", ",".join(QUEUES),
                "--concurrency=1", "--without-gossip", "--without-mingle", "--loglevel=INFO",
                "-n", f"{name}-{os.getpid()}-{self.base_url.rsplit(':', 1)[-1]}@%h",
            ],
            self.logs[name],
            {**self.env, **env},
        )  # fmt: skip
        # All of its log: a worker that starts behind beat's backlog logs pages of tasks once it is ready.
        self.wait_for(lambda: " ready." in self.log(name, tail=0), START_TIMEOUT, f"the {name} to be ready")

    def start_beat(self) -> None:
        """Start Celery beat, which sends the round repair task on the test settings' schedule."""
        self.logs["beat"] = self.where / "beat.log"
        self.processes["beat"] = _start(
            [
                str(BIN / "celery"), "-A", "workers.celery_app", "beat", "--loglevel=INFO",
                "--schedule", str(self.where / "celerybeat-schedule"),
            ],
            self.logs["beat"],
            self.env,
        )  # fmt: skip

    def kill(self, name: str) -> None:
        """Kill a process and its children at once (SIGKILL to its group), as a crash or OOM would."""
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self, *names: str) -> None:
        """Stop these processes the polite way (a warm shutdown for a worker)."""
        _stop([self.processes.pop(name) for name in names if name in self.processes])

    def seed_demo(self) -> None:
        """Fill the stack's database with the demo hub, as `flask seed-demo` does."""
        seeded = subprocess.run(
            [str(BIN / "flask"), "seed-demo"], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        assert seeded.returncode == 0, seeded.stderr

    def browser(self) -> Browser:
        """A fresh browser with an empty cookie jar."""
        return Browser(self.base_url)

    def url(self, endpoint: str, **values: Any) -> str:
        """The path of an endpoint, built by the app's own URL map."""
        with self.app.test_request_context():
            return url_for(endpoint, **values)

    def log(self, name: str, tail: int = 8000) -> str:
        """The last `tail` characters of a process's log, or all of it for 0."""
        text = self.logs[name].read_text(errors="replace") if self.logs[name].exists() else ""
        return text[-tail:]

    def all_logs(self) -> str:
        return "\n".join(
            f"----- {name} log ({path}) -----\n{self.log(name)}" for name, path in self.logs.items()
        )

    def wait_for(self, done: Callable[[], Any], seconds: float, what: str, every: float = 0.3) -> Any:
        """Poll until done() returns something truthy; fail naming `what`, with the processes' logs."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    code = process.returncode
                    pytest.fail(f"The {name} exited ({code}) while waiting for {what}\n{self.all_logs()}")
            result = done()
            if result:
                return result
            time.sleep(every)
        pytest.fail(f"Gave up after {seconds:.0f} s waiting for {what}\n{self.all_logs()}")

    def finish_round(self, browser: Browser, round_id: int) -> dict[str, Any]:
        """Poll the round's status JSON, as its page does, until it has finished; fail with the logs."""
        status_url = self.url("careers.round_status", round_id=round_id)

        def finished() -> dict[str, Any] | None:
            status: dict[str, Any] = browser.get(status_url).json()
            return status if status["status"] in ("succeeded", "failed") else None

        result: dict[str, Any] = self.wait_for(
            finished, ROUND_TIMEOUT, f"round {round_id} to finish", every=0.5
        )
        return result


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _purge(broker: str) -> None:
    """Drop what an interrupted run left on the matching queue (its round ids mean nothing now)."""
    from kombu import Connection

    # A queue that does not exist yet has nothing to purge.
    with warnings.catch_warnings(), Connection(broker, connect_timeout=5) as connection:
        warnings.simplefilter("ignore", DeprecationWarning)  # kombu's own use of SQLAlchemy's noload
        with contextlib.suppress(Exception):
            connection.default_channel.queue_purge(MATCHING_QUEUE)


def _start(command: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        # A session of its own, so stopping it can reach its children (Celery's pool) by its group id.
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """Ask them all at once (SIGTERM: Celery's warm shutdown, gunicorn's graceful one), then make sure each
    whole group is gone."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 20
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the leader's group: strays such as pool children
        process.wait(timeout=10)


def _answers(url: str) -> bool:
    from urllib.request import urlopen

    try:
        with urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _broker_url(param: str, where: Path) -> str:
    """Each run tests a stack that is deployed: SQLite with its file broker (the embedded default), or
    PostgreSQL with Redis when REDIS_URL is set. A SQLite-file broker beside PostgreSQL is never deployed."""
    url = os.environ.get("REDIS_URL")
    if param == "redis":
        if not url:
            pytest.skip(_REDIS_OFF)
        return url
    if url:
        pytest.skip(_SQLITE_OFF)
    return f"sqla+sqlite:///{where / 'broker.sqlite'}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip each test's run on the broker this stack does not deploy (see _broker_url) before any of its
    fixtures are set up: a skip from inside `stack` came after the test's world was seeded (6 s each)."""
    url = os.environ.get("REDIS_URL")
    off, reason = ("sqlite", _SQLITE_OFF) if url else ("redis", _REDIS_OFF)
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("stack") == off:
            item.add_marker(pytest.mark.skip(reason=reason))


_REDIS_OFF = "The Redis broker run needs REDIS_URL (`make test-postgres` sets it)"
_SQLITE_OFF = "With REDIS_URL set the stack runs on Redis; the SQLite-file broker has its own run"


@pytest.fixture(scope="module", params=["sqlite", "redis"], ids=["sqlite-file broker", "redis broker"])
def stack(
    request: pytest.FixtureRequest, app: Flask, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """The web server and a worker on the tests' database and the broker of this parameter: the SQLite-file
    one is the stack the browser tests use too (tests/conftest.py), started once for both. The Redis one
    stops with its module: other modules' stacks share that broker, and its worker would take their mail."""
    where = tmp_path_factory.mktemp("stack")
    broker = _broker_url(request.param, where)
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_stack")
        return
    _purge(broker)
    yield from launch(broker, app, where, stack_env(app, broker), workers=("worker",))


def launch(
    broker: str,
    app: Flask,
    where: Path,
    env: dict[str, str],
    workers: tuple[str, ...] = (),
    beat: bool = False,
    port: int | None = None,
) -> Iterator[Stack]:
    """Start gunicorn and the named workers (and beat) on this broker; yield the stack; always stop it."""
    port = port or _free_port()
    logs = {"web server": where / "web.log"}
    processes: dict[str, subprocess.Popen[bytes]] = {}
    stack = Stack(broker, f"http://127.0.0.1:{port}", app, logs, processes, env, where)
    try:
        # gunicorn, as in production: several processes (the app imported once, before they fork).
        processes["web server"] = _start(
            [
                str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
                "--timeout", "60", "--preload", "--error-logfile", "-", "--no-control-socket", "wsgi:app",
            ],
            logs["web server"],
            env,
        )  # fmt: skip
        for name in workers:
            stack.start_worker(name)
        if beat:
            stack.start_beat()
        stack.wait_for(
            lambda: _answers(stack.base_url + "/sign-in"), START_TIMEOUT, "the web server to answer"
        )
        yield stack
    finally:
        _stop(list(processes.values()))
        # Say so when a process outlived its stop: a stray worker would eat the next run's rounds.
        assert all(process.poll() is not None for process in processes.values())


def stack_env(app: Flask, broker: str) -> dict[str, str]:
    """The environment of the stack's processes: test settings, this broker, the tests' own database."""
    return {
        **os.environ,
        "APP_ENV": "test",
        "TEST_BROKER_URL": broker,
        # The very database this test process set up and writes its records to.
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "PYTHONUNBUFFERED": "1",
    }


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _logs_on_failure(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print the worker's and the server's logs under a failed test."""
    yield
    report = getattr(request.node, "report_call", None)
    failed = report is not None and report.failed and "stack" in request.fixturenames
    # A round that never finished already put the logs in its failure message.
    if failed and "----- worker log" not in str(report.longrepr):
        print(request.getfixturevalue("stack").all_logs())
