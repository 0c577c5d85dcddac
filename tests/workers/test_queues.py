"""Guard: every task goes to a queue that the documented worker command consumes."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

from config.celery import QUEUES

ROOT = Path(__file__).resolve().parents[2]


def test_every_task_is_routed_to_a_declared_queue(app: Flask) -> None:
    celery = app.extensions["celery"]
    ours = [name for name in celery.tasks if not name.startswith("celery.")]
    assert ours, "no tasks registered"
    for name in ours:
        queue = celery.amqp.router.route({}, name)["queue"].name
        assert queue in QUEUES, f"{name} goes to {queue}, which no queue setting declares"


def test_every_queue_has_a_worker_in_make_run_and_the_readme() -> None:
    for path in ("Makefile", "README.md"):
        consumed = set()
        text = (ROOT / path).read_text()
        for match in re.finditer(r"celery -A workers\.celery_app worker[^\n]*?-Q (\S+)", text):
            consumed |= set(match.group(1).split(","))
        assert set(QUEUES) <= consumed, f"{path} starts no worker for {set(QUEUES) - consumed}"
