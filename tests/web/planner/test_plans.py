"""A term planned by the worker's task (called as a function): a whole tutor group to a tour for its size,
single pupils to a talk's seats, reasons written, a second delivery doing nothing; the hub keeps it, the
careers leader approves their school's part and the ledger counts it booked; other roles, hubs and schools
refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.employers.test_encounter_offers import create_offer
from tests.web.pages import rows
from web.dao import plans as dao
from web.extensions import db
from web.models import Hub, PlanItem, PlanSession, School, Student, TermPlan
from web.planner.terms import coming_terms, term_dates
from workers import planner_tasks

NEAR = "M1 1AD"  # 2 km from the schools' M13 9PL


def _plan_here(hub: Hub, user_id: int, seed: int = 0) -> TermPlan:
    year, term = coming_terms(date.today())[1]  # next term: nothing of it has happened yet
    plan = dao.start_plan(hub.id, year, term, seed, user_id)
    assert plan is not None
    db.session.commit()
    planner_tasks.make_plan(plan.id)
    db.session.expire_all()
    return db.session.get(TermPlan, plan.id)  # type: ignore[return-value]


def _seed(hub: Hub) -> tuple[School, list[Student]]:
    school = factories.create_school(hub)
    pupils = [
        factories.create_student(
            school, first_name=f"P{n}", last_name=f"Pupil{n:02d}", year_group=8, tutor_group="8A"
        )
        for n in range(4)
    ]
    pupils += [
        factories.create_student(school, first_name="Solo", last_name="Zed", year_group=8, disadvantaged=True)
    ]
    year, term = coming_terms(date.today())[1]
    start, end = term_dates(year, term)
    employer = factories.create_employer(hub, postcode=NEAR)
    create_offer(  # a tour for a tutor group of 3 to 5, with 2 staff
        employer,
        format="workplace_visit",
        year_groups=[8],
        group_min=3,
        group_max=5,
        hours=Decimal("3"),
        location="workplace",
        travel_km=15,
        available_from=start,
        available_until=end,
        per_term=1,
        whole_group=True,
        staff_places=2,
    )
    create_offer(
        employer,
        format="careers_talk",
        year_groups=[8],
        group_min=1,
        group_max=2,
        hours=Decimal("1"),
        travel_km=15,
        available_from=start,
        available_until=end,
        per_term=1,
    )
    return school, pupils


@pytest.fixture
def hub(hub_admin_request: ClientRequest) -> Hub:
    return db.session.get(Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined,return-value]


def test_the_worker_plans_a_whole_group_and_single_places(hub_admin_request: ClientRequest, hub: Hub) -> None:
    _, pupils = _seed(hub)
    plan = _plan_here(hub, hub_admin_request.user.id)  # type: ignore[attr-defined]
    assert plan.status == "succeeded", plan.error
    tour = db.session.scalar(select(PlanSession).where(PlanSession.tutor_group == "8A"))
    assert tour is not None and tour.places_taken == 4 and tour.seats == 5
    items = db.session.scalars(select(PlanItem).order_by(PlanItem.id)).all()
    on_tour = {item.student_id for item in items if item.session_id == tour.id}
    assert on_tour == {pupil.id for pupil in pupils[:4]}
    talk = [item for item in items if item.measure == "employer"]
    assert len(talk) == 2  # two seats of the talk, for five pupils short of an encounter
    school_items = dao.school_items(plan.id, pupils[0].school_id)
    assert all("needed this year" in row.reason for row in school_items)
    assert any("tutor group 8A" in row.reason for row in school_items)
    assert plan.metrics["all"]["short"] == 5

    planner_tasks.make_plan(plan.id)  # delivered again: nothing twice
    assert db.session.scalar(select(func.count()).select_from(PlanItem)) == len(items)


def test_the_same_seed_gives_the_same_plan(hub_admin_request: ClientRequest, hub: Hub) -> None:
    _seed(hub)
    user_id = hub_admin_request.user.id  # type: ignore[attr-defined]
    first, second = _plan_here(hub, user_id, seed=3), _plan_here(hub, user_id, seed=3)

    def pairs(plan: TermPlan) -> set[tuple[int, int]]:
        return set(
            db.session.execute(
                select(PlanItem.student_id, PlanItem.offer_id).where(PlanItem.plan_id == plan.id)
            )
        )

    assert pairs(first) == pairs(second)


def test_kept_approved_and_booked_on_the_ledger(
    hub_admin_request: ClientRequest,
    hub: Hub,
    sign_in_as,  # type: ignore[no-untyped-def]
) -> None:
    school, pupils = _seed(hub)
    plan = _plan_here(hub, hub_admin_request.user.id)  # type: ignore[attr-defined]
    leader = sign_in_as(factories.create_user_for("careers_leader", school))
    assert leader.get("planner.school_plan").select_one("#no-plan") is not None  # a what-if: unseen
    page = hub_admin_request.get("planner.plan", plan_id=plan.id)
    assert rows(page, "coverage")[0][:2] == ["All pupils short of something", "5"]
    hub_admin_request.post("planner.keep_plan", plan_id=plan.id)
    assert db.session.get(TermPlan, plan.id).kept  # type: ignore[union-attr]

    page = leader.get("planner.school_plan")
    assert "Pupil00" in page.get_text() and f"plan-{plan.id}" in str(page)
    item = db.session.scalars(select(PlanItem).where(PlanItem.student_id == pupils[4].id)).first()
    assert item is not None
    leader.post("planner.reject_item", plan_id=plan.id, item_id=item.id)
    leader.post("planner.approve_plan", plan_id=plan.id)
    statuses = dict(db.session.execute(select(PlanItem.student_id, PlanItem.status)).all())
    assert statuses[pupils[4].id] == "rejected" and statuses[pupils[0].id] == "approved"

    ledger = leader.get("planner.year_ledger", year="8")
    pupil_row = next(row for row in rows(ledger, "ledger") if row[0].startswith("P0 "))
    assert "booked" in " ".join(pupil_row)


def test_other_roles_hubs_and_schools_are_refused(
    hub_admin_request: ClientRequest,
    hub: Hub,
    careers_leader_request: ClientRequest,
    student_request: ClientRequest,
    employer_request: ClientRequest,
    sign_in_as,  # type: ignore[no-untyped-def]
) -> None:
    school, _ = _seed(hub)
    plan = _plan_here(hub, hub_admin_request.user.id)  # type: ignore[attr-defined]
    hub_admin_request.post("planner.keep_plan", plan_id=plan.id)
    for request in (careers_leader_request, student_request, employer_request):
        request.get("planner.plans", _expected_status=403)
        request.get("planner.plan", _expected_status=403, plan_id=plan.id)
        request.post("planner.keep_plan", _expected_status=403, plan_id=plan.id)
    other_admin = sign_in_as(factories.create_user_for("hub_admin", factories.create_hub()))
    other_admin.get("planner.plan", _expected_status=404, plan_id=plan.id)
    other_admin.post("planner.keep_plan", _expected_status=404, plan_id=plan.id)
    # A careers leader of another hub's school cannot approve this plan; one of this hub's other school
    # approves nothing of this school's.
    careers_leader_request.post("planner.approve_plan", _expected_status=404, plan_id=plan.id)
    neighbour = sign_in_as(factories.create_user_for("careers_leader", factories.create_school(hub)))
    neighbour.post("planner.approve_plan", plan_id=plan.id)
    assert (
        db.session.scalar(select(func.count()).select_from(PlanItem).where(PlanItem.status != "proposed"))
        == 0
    )
    item = db.session.scalars(select(PlanItem)).first()
    neighbour.post("planner.reject_item", _expected_status=404, plan_id=plan.id, item_id=item.id)  # type: ignore[union-attr]
    for request in (hub_admin_request, student_request, employer_request):
        request.get("planner.school_plan", _expected_status=403)


def test_a_bad_start_is_named_and_a_second_waits(hub_admin_request: ClientRequest, hub: Hub) -> None:
    page = hub_admin_request.post("planner.start_plan", {"term": "1999-1", "seed": "x"}, _expected_status=200)
    assert "Select a term to plan" in page.get_text() and "Seed must be a whole number" in page.get_text()
    assert db.session.scalar(select(func.count()).select_from(TermPlan)) == 0
    year, term = coming_terms(date.today())[0]
    hub_admin_request.post("planner.start_plan", {"term": f"{year}-{term}", "seed": "0"})
    hub_admin_request.post("planner.start_plan", {"term": f"{year}-{term}", "seed": "1"})
    assert db.session.scalar(select(func.count()).select_from(TermPlan)) == 1
