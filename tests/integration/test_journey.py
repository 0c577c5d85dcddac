"""The whole journey over real HTTP, with a real worker: an employer publishes a placement, a student ranks
it, the careers leader runs a round and approves it, the student accepts, and the employer sees who is coming.

The tests share one web server and worker per broker (a module-scoped stack): they take seconds to start.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests import db as factories
from tests.integration.browser import Browser, Page
from tests.integration.conftest import Stack
from web.extensions import db
from web.models import Allocation, Opportunity


def _id_from(page: Page, after: str) -> int:
    """The number in the page's URL after `after` (e.g. "/opportunities/")."""
    found = re.search(re.escape(after) + r"(\d+)", page.url)
    assert found, f"No id after {after!r} in {page.url}"
    return int(found.group(1))


def _date(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _employer_publishes(stack: Stack, employer: Browser, start: date) -> int:
    page = employer.submit(
        stack.url("employers.new_opportunity"),
        {
            "kind": "work_experience",
            "title": "Software developer work experience",
            "description": "A week with our developers: write and test code for a web app, with feedback.",
            "route": "digital",
            "pathway": "technical",
            "location": "workplace",
            "postcode": "M1 1AD",
            "capacity": "2",
            "start_date": _date(start),
            "end_date": _date(start + timedelta(days=4)),
            "hours_per_day": "7",
            "year_groups": ["10", "11"],
            "min_age": "14",
        },
    )
    opportunity_id = _id_from(page, "/opportunities/")
    page = employer.post_form(page, stack.url("employers.publish_opportunity", opportunity_id=opportunity_id))
    assert "Published" in page.main_text()
    return opportunity_id


def _student_ranks(stack: Stack, student: Browser, opportunity_id: int) -> None:
    student.submit(
        stack.url("students.interests"),
        {
            "routes": ["digital"],
            "statement": "I love coding and want to build websites and apps as a software developer.",
            "pathway_interest": "technical",
            "postcode": "M14 5TP",
            "max_travel_km": "15",
        },
    )
    listed = student.get(stack.url("students.opportunities")).main_text()
    assert "Software developer work experience" in listed
    page = student.get(stack.url("students.opportunity", opportunity_id=opportunity_id))
    student.post_form(page, stack.url("students.add_choice", opportunity_id=opportunity_id))
    assert "Software developer work experience" in student.get(stack.url("students.choices")).main_text()


def _careers_leader_matches_and_approves(stack: Stack, leader: Browser, first_name: str) -> None:
    page = leader.submit(stack.url("careers.rounds"), {"kind": "all", "mechanism": "optimal"})
    round_id = _id_from(page, "/rounds/")
    status = stack.finish_round(leader, round_id)
    assert status["status"] == "succeeded", f"{status}\n{stack.log('worker')}"
    page = leader.get(stack.url("careers.round_detail", round_id=round_id))
    assert first_name in page.main_text()
    question = leader.get(stack.url("careers.approve_all", round_id=round_id))
    assert "Send 1 offer to students?" in question.main_text()
    leader.post_form(question, stack.url("careers.approve_all", round_id=round_id))


def _student_accepts(stack: Stack, student: Browser) -> None:
    offers = student.get(stack.url("students.offers"))
    link = offers.soup.select_one("main a[href*='/offers/']")
    assert link is not None, f"No offer listed:\n{offers.main_text()}"
    page = student.get(str(link["href"]))
    allocation_id = _id_from(page, "/offers/")
    student.post_form(page, stack.url("students.accept_offer", allocation_id=allocation_id))


def test_a_round_started_by_a_careers_leader_is_run_by_the_worker(stack: Stack) -> None:
    hub = factories.create_hub()
    school = factories.create_school(hub)
    opportunity = factories.create_opportunity(factories.create_employer(hub))
    student = factories.create_student(school)
    factories.create_preference(student, opportunity, rank=1)
    leader = factories.create_user_for("careers_leader", school)
    browser = stack.browser()
    browser.sign_in(leader.email, factories.PASSWORD)

    page = browser.submit(stack.url("careers.rounds"), {"kind": "all", "mechanism": "optimal", "seed": "7"})

    round_id = _id_from(page, "/rounds/")
    status = stack.finish_round(browser, round_id)
    assert status["status"] == "succeeded", f"{status}\n{stack.log('worker')}"
    assert "matching.run_round" in stack.log("worker")
    assert student.first_name in browser.get(stack.url("careers.round_detail", round_id=round_id)).main_text()


def test_publish_rank_match_approve_accept_and_the_employer_sees_who_is_coming(stack: Stack) -> None:
    hub = factories.create_hub()
    school = factories.create_school(hub, name="Ardwick Green Academy")
    employer_record = factories.create_employer(hub, status="approved")
    pupil = factories.create_student(
        school,
        first_name="Zainab",
        last_name="Okafor",
        year_group=10,
        date_of_birth=date.today() - timedelta(days=365 * 15),
        postcode="M14 5TP",
        routes=[],
        statement="",
    )
    users = {
        "employer": factories.create_user_for("employer", employer_record),
        "student": factories.create_user_for("student", pupil),
        "leader": factories.create_user_for("careers_leader", school),
    }
    browsers = {role: stack.browser() for role in users}
    for role, user in users.items():
        browsers[role].sign_in(user.email, factories.PASSWORD)

    opportunity_id = _employer_publishes(stack, browsers["employer"], date.today() + timedelta(days=60))
    _student_ranks(stack, browsers["student"], opportunity_id)
    _careers_leader_matches_and_approves(stack, browsers["leader"], "Zainab")
    _student_accepts(stack, browsers["student"])

    coming = browsers["employer"].get(stack.url("employers.students_coming", opportunity_id=opportunity_id))
    text = coming.main_text()
    assert "Zainab" in text
    assert "Ardwick Green Academy" in text
    assert "Okafor" not in text  # first name only
    assert "M14" not in text
    assert pupil.date_of_birth.strftime("%Y") not in text
    db.session.expire_all()
    assert db.session.get(Opportunity, opportunity_id).places_taken == 1
    statuses = db.session.scalars(db.select(Allocation.status).where(Allocation.student_id == pupil.id))
    assert list(statuses) == ["accepted"]
