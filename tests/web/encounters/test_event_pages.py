"""The hub admin's event pages (make an event, add slots, open it, allocate) and the careers leader's event
places (approve, turn down, cannot come), with who may."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, sent_to
from tests.web.careers.helpers import school_of
from tests.web.pages import error_messages, rows
from web.extensions import db
from web.models import (
    Employer,
    EncounterEvent,
    EventAllocation,
    EventPlace,
    EventSchool,
    EventSlot,
    Hub,
    School,
    Student,
)
from workers.encounter_tasks import allocate_events

OTHER_ROLES = ["careers_leader_request", "employer_request", "student_request"]


def _hub(request: ClientRequest) -> Hub:
    return db.session.get(Hub, request.user.hub_id)  # type: ignore[attr-defined]


def valid_event(taking_part: list[School], **overrides: Any) -> dict[str, Any]:
    day = date.today() + timedelta(days=21)
    return {
        "title": "Spring careers fair",
        "format": "careers_fair",
        "route": "any",
        "pathway": "both",
        "held_on": [str(day.day), str(day.month), str(day.year)],
        "venue": "Town hall",
        "year_groups": ["9"],
        "max_slots": "3",
        "schools": [str(school.id) for school in taking_part],
        **overrides,
    }


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record allocations sent to a worker instead of reaching for the (unreachable) test broker."""
    calls: list[Any] = []
    monkeypatch.setattr(allocate_events, "apply_async", lambda args, **kwargs: calls.append(args))
    return calls


def test_a_hub_admin_makes_an_event_for_their_own_schools_only(hub_admin_request: ClientRequest) -> None:
    own = factories.create_school(_hub(hub_admin_request))
    other_hubs = factories.create_school()

    page = hub_admin_request.post(
        "encounters.new_event", valid_event([own, other_hubs]), _expected_status=200
    )

    assert "Select schools from the list" in error_messages(page)
    hub_admin_request.post("encounters.new_event", valid_event([own]))
    event = db.session.scalars(select(EncounterEvent)).one()
    assert (event.status, event.route, event.max_slots, event.year_groups) == ("draft", None, 3, [9])
    assert db.session.scalars(select(EventSchool.school_id)).all() == [own.id]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Enter the event's name"),
        ("held_on", ["1", "1", "2020"], "The date must be today or in the future"),
        ("max_slots", "0", "Slots for each pupil must be between 1 and 12 slots"),
        ("schools", [], "Select at least one school"),
    ],
)
def test_a_bad_event_names_the_field_and_saves_nothing(
    hub_admin_request: ClientRequest, field: str, value: Any, message: str
) -> None:
    school = factories.create_school(_hub(hub_admin_request))

    page = hub_admin_request.post(
        "encounters.new_event", valid_event([school], **{field: value}), _expected_status=200
    )

    assert message in error_messages(page)
    assert db.session.scalar(select(func.count()).select_from(EncounterEvent)) == 0


def test_slots_added_back_to_back_then_the_event_opens(hub_admin_request: ClientRequest) -> None:
    hub = _hub(hub_admin_request)
    event = factories.create_event(hub, [factories.create_school(hub)], status="draft")
    form = {
        "label": "Mock interviews",
        "employer": "none",
        "starts": "09:00",
        "minutes": "20",
        "repeat": "3",
        "capacity": "1",
    }

    hub_admin_request.post("encounters.add_slots", form, event_id=event.id)
    hub_admin_request.post("encounters.open_event", event_id=event.id)

    page = hub_admin_request.get("encounters.event", event_id=event.id)
    assert [row[:3] for row in rows(page, "event-slots")] == [
        ["09:00 to 09:20", "Mock interviews", "1"],
        ["09:20 to 09:40", "Mock interviews", "1"],
        ["09:40 to 10:00", "Mock interviews", "1"],
    ]
    assert db.session.get(EncounterEvent, event.id).status == "open"


def test_an_event_without_slots_does_not_open(hub_admin_request: ClientRequest) -> None:
    hub = _hub(hub_admin_request)
    event = factories.create_event(hub, [factories.create_school(hub)], status="draft")

    page = hub_admin_request.post(
        "encounters.open_event", event_id=event.id, _follow=True, _expected_status=200
    )

    assert "Add at least one slot" in page.text
    assert db.session.get(EncounterEvent, event.id).status == "draft"


def test_slots_that_would_run_past_midnight_are_refused(hub_admin_request: ClientRequest) -> None:
    hub = _hub(hub_admin_request)
    event = factories.create_event(hub, [factories.create_school(hub)], status="draft")
    form = {
        "label": "Late",
        "employer": "none",
        "starts": "23:00",
        "minutes": "30",
        "repeat": "3",
        "capacity": "5",
    }

    page = hub_admin_request.post("encounters.add_slots", form, event_id=event.id, _expected_status=200)

    assert "The slots must all end by midnight: fewer slots, or shorter ones" in error_messages(page)
    assert db.session.scalar(select(func.count()).select_from(EventSlot)) == 0


def test_allocating_queues_one_allocation_at_a_time(
    hub_admin_request: ClientRequest, queued: list[Any]
) -> None:
    hub_admin_request.post("encounters.allocate")
    page = hub_admin_request.post("encounters.allocate", _follow=True, _expected_status=200)

    assert "An allocation is already running" in page.text
    allocation = db.session.scalars(select(EventAllocation)).one()
    assert queued == [[allocation.id]]
    assert (
        "Waiting for a worker"
        in hub_admin_request.get("encounters.allocation", allocation_id=allocation.id).text
    )


def test_another_hubs_event_and_allocation_are_not_found(hub_admin_request: ClientRequest) -> None:
    other = factories.create_hub()
    event = factories.create_event(other, [factories.create_school(other)], status="draft")
    slot = factories.create_slot(event)
    allocation = EventAllocation(hub_id=other.id, status="succeeded")
    db.session.add(allocation)
    db.session.commit()

    hub_admin_request.get("encounters.event", 404, event_id=event.id)
    hub_admin_request.get("encounters.allocation", 404, allocation_id=allocation.id)
    for endpoint, values in (
        ("encounters.open_event", {"event_id": event.id}),
        ("encounters.remove_slot", {"event_id": event.id, "slot_id": slot.id}),
        ("encounters.add_slots", {"event_id": event.id}),
    ):
        hub_admin_request.post(endpoint, _expected_status=404, **values)
    assert db.session.get(EncounterEvent, event.id).status == "draft"
    assert db.session.get(EventSlot, slot.id) is not None


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_cannot_reach_the_hubs_event_pages(request: pytest.FixtureRequest, role: str) -> None:
    client: ClientRequest = request.getfixturevalue(role)
    hub = factories.create_hub()
    event = factories.create_event(hub, [factories.create_school(hub)], status="draft")

    client.get("encounters.events", 403)
    client.get("encounters.event", 403, event_id=event.id)
    client.post("encounters.open_event", _expected_status=403, event_id=event.id)
    client.post("encounters.allocate", _expected_status=403)
    assert db.session.get(EncounterEvent, event.id).status == "draft"


@pytest.fixture
def proposed(careers_leader_request: ClientRequest) -> dict[str, Any]:
    """Two of the careers leader's pupils proposed for a fair's slot (one seat), a third waiting."""
    school = school_of(careers_leader_request)
    event = factories.create_event(db.session.get(Hub, school.hub_id), [school], status="allocated")
    slot = factories.create_slot(event, capacity=2, invite_limit=2)
    pupils = [
        factories.create_student(
            school, year_group=9, email=f"pupil{n}@school.example", parent_email=f"parent{n}@home.example"
        )
        for n in range(3)
    ]
    places = [factories.create_place(slot, pupil, "proposed") for pupil in pupils[:2]]
    waiting = factories.create_place(slot, pupils[2], "waitlisted")
    return {"slot": slot, "places": places, "waiting": waiting}


def test_approving_invites_the_pupil_and_their_parent(
    careers_leader_request: ClientRequest, proposed: dict[str, Any]
) -> None:
    first = proposed["places"][0]

    careers_leader_request.post(
        "encounters.decide_event_places", {"places": [str(first.id)], "approve": "Approve and invite"}
    )
    deliver_queued()

    assert db.session.get(EventPlace, first.id).status == "invited"
    assert db.session.get(EventPlace, proposed["places"][1].id).status == "proposed"
    for address in ("pupil0@school.example", "parent0@home.example"):
        assert [message.subject for message in sent_to(address)] == [
            "You have a place at Spring careers fair"
        ]
    assert sent_to("pupil1@school.example") == []


def test_turning_a_place_down_proposes_the_next_pupil_waiting(
    careers_leader_request: ClientRequest, proposed: dict[str, Any]
) -> None:
    first = proposed["places"][0]

    careers_leader_request.post(
        "encounters.decide_event_places", {"places": [str(first.id)], "reject": "Turn down"}
    )

    assert db.session.get(EventPlace, first.id).status == "rejected"
    assert db.session.get(EventPlace, proposed["waiting"].id).status == "proposed"
    assert sent_to("pupil0@school.example") == []


def test_deciding_nothing_names_the_problem(
    careers_leader_request: ClientRequest, proposed: dict[str, Any]
) -> None:
    page = careers_leader_request.post(
        "encounters.decide_event_places", {"approve": "Approve and invite"}, _expected_status=200
    )

    assert error_messages(page) == ["Select at least one place"]


def test_another_schools_places_cannot_be_decided_or_given_up(
    careers_leader_request: ClientRequest, proposed: dict[str, Any]
) -> None:
    other_leader = factories.create_user_for("careers_leader", factories.create_school())
    theirs = proposed["places"][0]
    from tests.conftest import _signed_in

    other = _signed_in(careers_leader_request.app, other_leader)
    page = other.post(
        "encounters.decide_event_places",
        {"places": [str(theirs.id)], "approve": "Approve"},
        _expected_status=200,
    )
    other.post("encounters.decline_event_place", place_id=theirs.id)

    assert "Select places from the list" in error_messages(page)
    assert db.session.get(EventPlace, theirs.id).status == "proposed"
    assert "Spring careers fair" not in other.get("encounters.school_events").text


@pytest.mark.parametrize("role", ["hub_admin_request", "employer_request", "student_request"])
def test_other_roles_cannot_decide_places(
    request: pytest.FixtureRequest, role: str, proposed: dict[str, Any]
) -> None:
    client: ClientRequest = request.getfixturevalue(role)
    place = proposed["places"][0]

    client.get("encounters.school_events", 403)
    client.post(
        "encounters.decide_event_places",
        {"places": [str(place.id)], "approve": "Approve"},
        _expected_status=403,
    )
    client.post("encounters.decline_event_place", _expected_status=403, place_id=place.id)
    assert db.session.get(EventPlace, place.id).status == "proposed"


def test_an_invited_pupil_who_cannot_come_frees_the_seat(
    careers_leader_request: ClientRequest, proposed: dict[str, Any]
) -> None:
    first = proposed["places"][0]
    first.status = "invited"
    db.session.commit()

    careers_leader_request.post("encounters.decline_event_place", place_id=first.id)

    assert db.session.get(EventPlace, first.id).status == "declined"
    assert db.session.get(EventPlace, proposed["waiting"].id).status == "proposed"


def test_a_pupil_sees_their_invitations_and_waitlists_but_not_proposals(
    student_request: ClientRequest,
) -> None:
    pupil = db.session.get(Student, student_request.user.student_id)  # type: ignore[attr-defined]
    school = db.session.get(School, pupil.school_id)
    hub = db.session.get(Hub, school.hub_id)
    fair = factories.create_event(hub, [school], status="allocated")
    talk = factories.create_event(
        hub, [school], status="allocated", title="Engineering talk", format="careers_talk"
    )
    visit = factories.create_event(
        hub, [school], status="allocated", title="Factory tour", format="workplace_visit"
    )
    factories.create_place(factories.create_slot(fair, hour=9), pupil, "invited")
    factories.create_place(factories.create_slot(talk, hour=11), pupil, "waitlisted", waitlist_rank=2)
    factories.create_place(factories.create_slot(visit, hour=13), pupil, "proposed")
    someone_else = factories.create_student(school, year_group=9)
    factories.create_place(
        factories.create_slot(visit, hour=15, label="Other stand"), someone_else, "invited"
    )

    page = student_request.get("encounters.pupil_events")

    assert [h2.text for h2 in page.select("main h2")] == ["Spring careers fair", "Engineering talk"]
    assert "Waiting for a place here or at another stand at that time (number 2 on the list)" in page.text
    assert "Other stand" not in page.text


@pytest.mark.parametrize("role", ["hub_admin_request", "careers_leader_request", "employer_request"])
def test_only_pupils_have_an_events_page(request: pytest.FixtureRequest, role: str) -> None:
    client: ClientRequest = request.getfixturevalue(role)

    client.get("encounters.pupil_events", 403)


def test_an_organisation_sees_the_events_where_it_runs_a_slot(employer_request: ClientRequest) -> None:
    employer_id = employer_request.user.employer_id  # type: ignore[attr-defined]
    hub = db.session.get(Hub, db.session.get(Employer, employer_id).hub_id)
    ours = factories.create_event(hub, status="allocated", title="Spring careers fair")
    factories.create_slot(ours, employer_id=employer_id)
    not_yet = factories.create_event(hub, status="open", title="Summer fair")
    factories.create_slot(not_yet, employer_id=employer_id)
    others = factories.create_event(hub, status="allocated", title="Someone else's fair")
    factories.create_slot(others, employer_id=factories.create_employer(hub).id)

    page = employer_request.get("encounters.employer_events")

    assert [a.text for a in page.select("#events a")] == ["Spring careers fair"]


@pytest.mark.parametrize("role", ["hub_admin_request", "careers_leader_request", "student_request"])
def test_only_organisations_have_an_employer_events_page(request: pytest.FixtureRequest, role: str) -> None:
    request.getfixturevalue(role).get("encounters.employer_events", 403)
