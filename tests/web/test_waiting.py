"""Each role's home says what waits on them, counting only their own school's, employer's or hub's things,
in the same few queries however many there are."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import event

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.parents.helpers import accepted, adult
from tests.web.students.helpers import create_offer, hub_opportunity, me
from web.dates import london_today
from web.extensions import db
from web.models import Allocation, Employer, Hub, Notification, School, Student
from web.models.base import utcnow


def _to_do(page: Any) -> list[str]:
    found = page.select_one("#to-do")
    return [" ".join(item.get_text().split()) for item in found.select("li")] if found else []


def _statements(action: Callable[[], Any]) -> int:
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def _set_status(allocation: Allocation, status: str) -> None:
    db.session.execute(
        Allocation.__table__.update().where(Allocation.id == allocation.id).values(status=status)
    )
    db.session.commit()


def _failed(student: Student, allocation: Allocation, to: str) -> None:
    db.session.add(
        Notification(
            idempotency_key=f"offer-made:{allocation.id}:{to}",
            template="offer_made",
            recipient=to,
            about={"allocation_id": allocation.id},
            status="failed",
            attempts=1,
            claim="",
            error="refused: 550",
            created_at=utcnow(),
        )
    )
    db.session.commit()


def _school_things(school: School, prefix: str) -> None:
    """At this school: a proposal, an offer, a placement waiting for consent, one that needs none, and an
    offer email to the student that was not delivered."""
    employer = factories.create_employer(db.session.get(Hub, school.hub_id))
    place = factories.create_opportunity(employer)
    match_round = factories.create_round(school, status="succeeded")
    factories.create_allocation(match_round, factories.create_student(school), place)
    student = factories.create_student(school, first_name=f"{prefix}Ann", email=f"{prefix}ann@example.org")
    offer = factories.create_allocation(match_round, student, place, status="offered")
    factories.create_user_for("student", student, email=f"{prefix}ann@example.org")
    _failed(student, offer, f"{prefix}ann@example.org")
    nobody = factories.create_student(school)  # no address, so no account: nobody told them
    factories.create_allocation(match_round, nobody, place, status="offered")
    accepted(school, employer)
    accepted(school, employer, **adult())


def test_the_careers_leaders_home_counts_what_waits_at_their_school_only(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    _school_things(school, "")
    _school_things(factories.create_school(), "Other")

    page = careers_leader_request.get("careers.students")

    assert _to_do(page) == [
        "1 proposal to approve or reject",
        "2 offers waiting for the student's answer. 1 student has no account we could email about it: "
        "tell them yourself",
        "1 placement waiting for a parent's or carer's consent",
        "1 email to students or their parents or carers not delivered in the last 30 days: Ann Smith",
    ]
    links = [a["href"] for a in page.select("#to-do a")]
    assert careers_leader_request.url("careers.placements", status="waiting_consent") in links


def test_the_careers_leaders_home_counts_in_the_same_queries_however_many(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    _school_things(school, "a")
    few = _statements(lambda: careers_leader_request.get("careers.students"))
    for n in range(5):
        _school_things(school, f"b{n}")

    assert _statements(lambda: careers_leader_request.get("careers.students")) == few


def test_nothing_waiting_shows_no_list(careers_leader_request: ClientRequest) -> None:
    assert _to_do(careers_leader_request.get("careers.students")) == []


def test_the_employers_home_links_to_students_ready_to_confirm_on_its_own_places(
    employer_request: ClientRequest,
) -> None:
    employer = db.session.get(Employer, employer_request.user.employer_id)  # type: ignore[attr-defined]
    ready = accepted(employer=employer, **adult())  # 18 by then: no consent needed
    consented = accepted(employer=employer)
    _set_status(consented, "consented")
    accepted(employer=employer)  # still waiting for consent
    accepted(**adult())  # another employer's

    page = employer_request.get("employers.opportunities")

    items = _to_do(page)
    assert len(items) == 2 and all(item.startswith("1 student ready to confirm for") for item in items)
    hrefs = sorted(a["href"] for a in page.select("#to-do a"))
    assert hrefs == sorted(
        employer_request.url("employers.students_coming", opportunity_id=a.opportunity_id)
        for a in (ready, consented)
    )


def test_a_suspended_employer_is_shown_nobody_to_confirm(employer_request: ClientRequest) -> None:
    employer = db.session.get(Employer, employer_request.user.employer_id)  # type: ignore[attr-defined]
    accepted(employer=employer, **adult())
    employer.status = "suspended"
    db.session.commit()

    assert _to_do(employer_request.get("employers.opportunities")) == []


def test_the_hub_admins_home_counts_its_own_employers_and_rounds_to_release(
    hub_admin_request: ClientRequest,
) -> None:
    hub = db.session.get(Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined]
    ready_rounds = {}
    for where in (hub, factories.create_hub()):
        factories.create_employer(where, status="pending")
        factories.create_employer(where, next_check_due=london_today() - timedelta(days=1))
        factories.create_employer(where)  # checked, not due
        school = factories.create_school(where)
        place = factories.create_opportunity(factories.create_employer(where))
        ready = factories.create_round(school, school_id=None, status="succeeded")
        factories.create_allocation(ready, factories.create_student(school), place, status="approved")
        ready_rounds[where.id] = ready
        undecided = factories.create_round(school, school_id=None, status="succeeded")
        factories.create_allocation(undecided, factories.create_student(school), place, status="approved")
        factories.create_allocation(undecided, factories.create_student(school), place)

    page = hub_admin_request.get("hub.overview")

    mine = ready_rounds[hub.id]
    assert _to_do(page) == [
        "1 employer waiting for your checks and decision",
        "1 approved employer due a safeguarding check",
        f"Release the offers of the hub-wide round started {mine.created_at:%-d %B %Y}",
    ]
    last_link = page.select("#to-do a")[-1]["href"]
    assert last_link == hub_admin_request.url("hub.round_detail", round_id=mine.id)


def test_a_round_past_its_decide_by_day_is_ready_to_release(hub_admin_request: ClientRequest) -> None:
    hub = db.session.get(Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined]
    school = factories.create_school(hub)
    place = factories.create_opportunity(factories.create_employer(hub, status="pending"))
    late = factories.create_round(
        school, school_id=None, status="succeeded", decide_by=london_today() - timedelta(days=1)
    )
    factories.create_allocation(late, factories.create_student(school), place, status="approved")
    factories.create_allocation(late, factories.create_student(school), place)

    items = _to_do(hub_admin_request.get("hub.overview"))

    assert items[0] == "1 employer waiting for your checks and decision"
    assert items[1].startswith("Release the offers")


def test_the_students_home_counts_only_their_own_offers(student_request: ClientRequest) -> None:
    student = me(student_request)
    create_offer(student, hub_opportunity(student))
    other = factories.create_student(db.session.get(School, student.school_id))
    create_offer(other, hub_opportunity(other))

    page = student_request.get("students.home")

    assert "You have 1 offer to accept or decline" in " ".join(page.select_one("#next-steps").text.split())
