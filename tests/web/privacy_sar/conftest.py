"""Fixtures for subject access: the seeded world, and the bundle task's enqueues recorded, not sent."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.web.privacy_sar.seed import World, seed
from web.extensions import db
from web.models import SubjectAccessBundle
from workers.privacy_tasks import make_bundle


@pytest.fixture
def world(app: Flask) -> World:
    """Ada and her sibling Bo, with a row in every table about each."""
    return seed()


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """make_bundle.apply_async calls, each with how many bundles were committed when it was made."""
    calls: list[dict[str, Any]] = []

    def record(*args: Any, **kwargs: Any) -> None:
        # The bundle must be committed before its id goes to a worker, or a fast worker finds nothing.
        with db.engine.connect() as connection:
            committed = connection.scalar(select(func.count()).select_from(SubjectAccessBundle))
        calls.append({"args": kwargs.get("args", args), "committed": committed})

    monkeypatch.setattr(make_bundle, "apply_async", record)
    return calls
