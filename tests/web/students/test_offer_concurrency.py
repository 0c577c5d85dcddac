"""No place is double-booked: students taking the last seat at once, each in their own session."""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.web.students.helpers import create_offer
from web.dao import offers
from web.dao.base import transaction
from web.dao.students import today
from web.extensions import db
from web.models import Allocation, Hub, Opportunity

ROUNDS = 5


def _race(app: Flask, calls: list[Callable[[], Any]]) -> list[Any]:
    """Run each call in its own thread, app context and database session, all released at once."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        with app.app_context():
            start.wait()
            try:
                results[i] = calls[i]()
            except Exception as error:  # noqa: BLE001 - reported below, not swallowed
                results[i] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def _accept(allocation_id: int, student_id: int) -> Callable[[], bool]:
    def call() -> bool:
        with transaction():
            return offers.accept_offer(allocation_id, student_id, None, today())

    return call


def test_two_students_accepting_the_last_seat_at_once_get_it_exactly_once(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    take_seat = offers.take_seat

    def slow_take_seat(opportunity_id: int) -> bool:
        # Hold the transaction open after taking the seat, so the other student's attempt surely overlaps.
        taken = take_seat(opportunity_id)
        time.sleep(0.2)
        return taken

    monkeypatch.setattr(offers, "take_seat", slow_take_seat)
    school = factories.create_school()
    hub = db.session.get(Hub, school.hub_id)
    employer = factories.create_employer(hub)
    for _ in range(ROUNDS):
        opportunity = factories.create_opportunity(employer, capacity=3, places_taken=2)
        students = [factories.create_student(school), factories.create_student(school)]
        allocations = [create_offer(student, opportunity) for student in students]
        results = _race(app, [_accept(a.id, s.id) for a, s in zip(allocations, students, strict=True)])
        assert sorted(results) == [False, True], results
        db.session.expire_all()
        assert db.session.get(Opportunity, opportunity.id).places_taken == 3
        statuses = sorted(db.session.get(Allocation, a.id).status for a in allocations)
        assert statuses == ["accepted", "expired"]


def test_many_students_racing_for_a_few_seats_never_exceed_capacity(app: Flask) -> None:
    school = factories.create_school()
    employer = factories.create_employer(db.session.get(Hub, school.hub_id))
    opportunity = factories.create_opportunity(employer, capacity=3)
    students = [factories.create_student(school) for _ in range(8)]
    allocations = [create_offer(student, opportunity) for student in students]
    results = _race(app, [_accept(a.id, s.id) for a, s in zip(allocations, students, strict=True)])
    assert results.count(True) == 3 and results.count(False) == 5, results
    db.session.expire_all()
    assert db.session.get(Opportunity, opportunity.id).places_taken == 3
    accepted = db.session.scalars(select(Allocation).where(Allocation.status == "accepted")).all()
    assert len(accepted) == 3


def test_two_tabs_accepting_the_same_offer_at_once_take_one_seat(app: Flask) -> None:
    school = factories.create_school()
    opportunity = factories.create_opportunity(
        factories.create_employer(db.session.get(Hub, school.hub_id)),
        capacity=5,
    )
    student = factories.create_student(school)
    allocation = create_offer(student, opportunity)
    results = _race(app, [_accept(allocation.id, student.id), _accept(allocation.id, student.id)])
    assert sum(result is True for result in results) == 1
    assert [str(r) for r in results if isinstance(r, Exception)] == [
        "You have already responded to this offer"
    ]
    db.session.expire_all()
    assert db.session.get(Opportunity, opportunity.id).places_taken == 1


def test_two_students_accepting_the_last_seat_through_the_pages(app: Flask, sign_in_as: Any) -> None:
    school = factories.create_school()
    opportunity = factories.create_opportunity(
        factories.create_employer(db.session.get(Hub, school.hub_id)),
        capacity=1,
    )
    students = [factories.create_student(school), factories.create_student(school)]
    allocations = [create_offer(student, opportunity) for student in students]
    clients = [sign_in_as(factories.create_user_for("student", student)) for student in students]
    posts = []
    for client, allocation in zip(clients, allocations, strict=True):
        with client.client.session_transaction() as session:
            session["csrf_token"] = client._raw_csrf
        url = client.url("students.accept_offer", allocation_id=allocation.id)
        posts.append((client.client, url, {"csrf_token": client.csrf_token}))

    def post(test_client: Any, url: str, data: dict[str, str]) -> Callable[[], int]:
        # A context of its own, as the conftest's requests have, so each request gets its own app context.
        return lambda: contextvars.Context().run(test_client.post, url, data=data).status_code

    results = _race(app, [post(*args) for args in posts])
    assert results == [302, 302]
    db.session.expire_all()
    assert db.session.get(Opportunity, opportunity.id).places_taken == 1
    statuses = sorted(db.session.get(Allocation, a.id).status for a in allocations)
    assert statuses == ["accepted", "expired"]
