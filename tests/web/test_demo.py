"""The demo hub that `flask seed-demo` (and so `make run`) loads."""

from __future__ import annotations

import itertools
import re
from datetime import date

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import func, select

from matcher.people import KINDS, ROUTES
from matcher.postcodes import PostcodeIndex
from tests.conftest import ClientRequest
from web.auth.views import HOME
from web.dao.plans import counts_by_status, kept_plan
from web.dao.rounds import round_opportunities
from web.demo import DEMO_PASSWORD, LOGINS, OPPORTUNITIES_PER_EMPLOYER, Size, planner, seed
from web.demo.seed import DEMO_EMPLOYER
from web.demo.students import NEARBY_PLACES, RANKED
from web.extensions import db
from web.models import (
    AskPart,
    Employer,
    EmployerAsk,
    EncounterOffer,
    ExperienceRecord,
    Hub,
    MatchRound,
    Opportunity,
    PlanItem,
    PlanSession,
    Preference,
    School,
    Student,
    TermPlan,
    User,
)
from web.planner.terms import coming_terms


def _count(model: type, *where: object) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def seeded(app: Flask, capsys: pytest.CaptureFixture[str]) -> str:
    """Seed once and return what it printed."""
    assert seed(if_empty=True).created
    return capsys.readouterr().out


def test_seed_makes_a_hub_of_three_schools_and_three_hundred_students(seeded: str) -> None:
    assert _count(Hub) == 1
    assert _count(School) == 3
    assert _count(Student) == 300
    assert set(db.session.scalars(select(Student.year_group).distinct())) == {10, 11, 12}
    assert 0.15 <= _count(Student, Student.disadvantaged) / 300 <= 0.25
    assert 0.08 <= _count(Student, Student.send) / 300 <= 0.16
    with_experience = select(func.count(func.distinct(ExperienceRecord.student_id))).where(
        ExperienceRecord.benchmark == "6"
    )
    assert 30 <= db.session.scalar(with_experience) <= 150
    ranked = db.session.scalar(select(func.count(func.distinct(Preference.student_id))))
    assert ranked >= 150


def test_seed_makes_forty_employers_and_eighty_published_opportunities_of_every_route_and_kind(
    seeded: str,
) -> None:
    assert _count(Employer, Employer.kind == "employer") == 40
    assert 1 <= _count(Employer, Employer.status == "pending") <= 3
    published = list(db.session.scalars(select(Opportunity).where(Opportunity.status == "published")))
    assert 75 <= len(published) <= 90
    assert {opportunity.route for opportunity in published} == set(ROUTES)
    assert {opportunity.kind for opportunity in published} == set(KINDS)
    assert any(opportunity.remote for opportunity in published)
    approved = set(db.session.scalars(select(Employer.id).where(Employer.status == "approved")))
    assert {opportunity.employer_id for opportunity in published} <= approved


def test_seed_adds_two_approved_providers_and_encounters_offered_by_them_and_employers(seeded: str) -> None:
    providers = list(db.session.scalars(select(Employer).where(Employer.kind != "employer")))
    assert sorted(provider.kind for provider in providers) == ["apprenticeship_provider", "fe_college"]
    assert {provider.status for provider in providers} == {"approved"}
    offered = db.session.execute(
        select(Employer.name, EncounterOffer.format).join(Employer, Employer.id == EncounterOffer.employer_id)
    ).all()
    assert ("Ancoats College of Further Education", "technical_talk") in offered
    assert ("Ancoats College of Further Education", "taster_day") in offered
    assert ("Northern Quarter Digital", "mock_interviews") in offered
    assert len({name for name, _ in offered}) >= 4


def test_every_demo_postcode_is_a_real_postcode(seeded: str) -> None:
    postcodes = [
        *db.session.scalars(select(Student.postcode)),
        *db.session.scalars(select(School.postcode)),
        *db.session.scalars(select(Employer.postcode)),
        *db.session.scalars(select(Opportunity.postcode).where(Opportunity.postcode.is_not(None))),
    ]
    _, found = PostcodeIndex.load().locate(postcodes)
    assert found.all()
    assert len(set(db.session.scalars(select(Student.postcode)))) >= 250


def test_seed_prints_each_demo_login_and_says_they_are_demo_only(seeded: str) -> None:
    assert DEMO_PASSWORD in seeded
    for email in LOGINS.values():
        assert email in seeded
    assert "demo-only" in seeded


def test_each_demo_login_signs_in_to_its_role_home(seeded: str, app: Flask) -> None:
    for role, email in LOGINS.items():
        client_request = ClientRequest(app.test_client(), app)
        page = client_request.post("auth.sign_in", {"email": email, "password": DEMO_PASSWORD})
        assert page.location == client_request.url(HOME[role]), role
        assert db.session.scalar(select(User.role).where(User.email == email)) == role


def test_the_demo_careers_leader_and_student_belong_to_the_first_school(seeded: str) -> None:
    first = db.session.scalar(select(School).order_by(School.id))
    leader = db.session.scalar(select(User).where(User.email == LOGINS["careers_leader"]))
    student_user = db.session.scalar(select(User).where(User.email == LOGINS["student"]))
    assert leader.school_id == first.id
    assert db.session.get(Student, student_user.student_id).school_id == first.id
    assert _count(Preference, Preference.student_id == student_user.student_id) >= 1


def test_seeding_again_with_if_empty_adds_nothing(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert not seed(if_empty=True).created
    assert not seed(if_empty=False).created  # the demo logins exist: a second copy would clash
    assert _count(Hub) == 1
    assert _count(Student) == 300
    assert "no demo data added" in capsys.readouterr().out


def test_the_demo_keeps_next_terms_plan_with_part_of_the_first_schools_places_approved(seeded: str) -> None:
    hub = db.session.scalar(select(Hub))
    first = db.session.scalar(select(School).order_by(School.id))
    plan = kept_plan(hub.id, *coming_terms(date.today())[1])
    assert plan is not None and plan.status == "succeeded"
    mine = counts_by_status(plan.id, first.id)
    assert mine["approved"] >= 1 and mine["proposed"] >= 1  # the careers leader has some left to approve
    assert set(counts_by_status(plan.id)) == {"approved", "proposed"}
    # Whole tutor groups go to the group formats the demo adds for Years 10 and 12.
    groups = db.session.scalars(select(PlanSession.tutor_group).where(PlanSession.plan_id == plan.id))
    assert {group[:2] for group in groups if group} == {"10", "12"}


def test_the_demo_sends_the_terms_asks_and_its_employer_accepts_one_part_of_theirs(seeded: str) -> None:
    asks = db.session.execute(select(Employer.name, EmployerAsk).join(Employer)).all()
    assert len(asks) >= 2 and {ask.status for _, ask in asks} == {"sent"}
    assert {(ask.academic_year, ask.term) for _, ask in asks} == {coming_terms(date.today())[1]}
    [ask] = [ask for name, ask in asks if name == DEMO_EMPLOYER]
    parts = db.session.scalars(select(AskPart).where(AskPart.ask_id == ask.id)).all()
    assert sorted(part.status for part in parts) == ["accepted", "asked"]
    [accepted] = [part for part in parts if part.status == "accepted"]
    assert db.session.get(EncounterOffer, accepted.offer_id).status == "offered"
    answered = select(AskPart).join(EmployerAsk).where(EmployerAsk.employer_id != ask.employer_id)
    assert {part.status for part in db.session.scalars(answered)} == {"asked"}


def test_seeding_or_planning_the_demo_again_adds_nothing(seeded: str) -> None:
    tables = (TermPlan, PlanSession, PlanItem, EmployerAsk, AskPart, EncounterOffer)
    before = {model: _count(model) for model in tables}
    approved = _count(PlanItem, PlanItem.status == "approved")
    hub = db.session.scalar(select(Hub))
    first = db.session.scalar(select(School).order_by(School.id))

    assert not seed(if_empty=False).created
    planner.add(hub.id, first.id, date.today())

    assert {model: _count(model) for model in tables} == before
    assert _count(PlanItem, PlanItem.status == "approved") == approved


# Twice as many places as students choose from, so what they rank is nearer than what they do not.
PLACES = 2 * NEARBY_PLACES
SIZE = Size(schools=6, students_per_year=15, year_groups=(10, 11), opportunities=PLACES)


@pytest.fixture
def larger(app: Flask, capsys: pytest.CaptureFixture[str]) -> str:
    """A hub seeded with sizes given, as the hub benchmark seeds its 200 schools; what it printed."""
    assert seed(size=SIZE).created
    return capsys.readouterr().out


def test_a_larger_hub_has_the_schools_students_and_places_asked_for(larger: str) -> None:
    assert "6 schools, 180 students" in larger
    assert _count(TermPlan) == 0  # the benchmarks plan their hubs' terms themselves
    assert _count(School) == 6 and len(set(db.session.scalars(select(School.name)))) == 6
    assert len(set(db.session.scalars(select(School.urn)))) == 6
    for school_id in db.session.scalars(select(School.id)):
        years = db.session.execute(
            select(Student.year_group, func.count())
            .where(Student.school_id == school_id)
            .group_by(Student.year_group)
        )
        assert dict(years.all()) == {10: 15, 11: 15}
    assert 0.05 <= _count(Student, Student.disadvantaged) / 180 <= 0.5
    assert 0.03 <= _count(Student, Student.send) / 180 <= 0.3
    published = list(db.session.scalars(select(Opportunity).where(Opportunity.status == "published")))
    assert len(published) == PLACES
    # Only kinds Years 10 and 11 can take: a T Level placement is for Year 12.
    assert {opportunity.kind for opportunity in published} == set(KINDS) - {"t_level_placement"}


def test_a_larger_hubs_places_are_all_open_to_a_hub_wide_round(larger: str) -> None:
    hub = db.session.scalar(select(Hub))
    match_round = MatchRound(hub_id=hub.id, school_id=None, kind=None, policy={})
    places, lapsed = round_opportunities(match_round, date.today())
    assert (len(places), lapsed) == (PLACES, 0)
    assert _count(Employer, Employer.status == "approved") >= (PLACES) // OPPORTUNITIES_PER_EMPLOYER


def test_six_in_ten_of_a_larger_hubs_students_rank_six_places_near_their_school(larger: str) -> None:
    ranked = db.session.execute(
        select(Preference.student_id, func.count(), func.max(Preference.rank)).group_by(Preference.student_id)
    ).all()
    assert 0.45 <= len(ranked) / 180 <= 0.75
    assert {(count, last) for _, count, last in ranked} == {(RANKED, RANKED)}
    # Each school's students choose among the NEARBY_PLACES places whose employers are nearest the school.
    index = PostcodeIndex.load()
    places = db.session.execute(
        select(Opportunity.id, Employer.postcode)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(Opportunity.status == "published")
    ).all()
    where = dict(
        zip([place_id for place_id, _ in places], index.lookup([code for _, code in places]), strict=True)
    )
    chosen = db.session.execute(
        select(School.postcode, Preference.opportunity_id)
        .join(Student, Student.school_id == School.id)
        .join(Preference, Preference.student_id == Student.id)
    ).all()
    for school, picks in itertools.groupby(sorted(chosen), key=lambda pair: pair[0]):
        home = index.lookup([school])[0]
        metres = {place_id: float(np.hypot(*(xy - home))) for place_id, xy in where.items()}
        furthest_nearby = sorted(metres.values())[NEARBY_PLACES - 1]
        assert all(metres[place_id] <= furthest_nearby for _, place_id in picks)


def test_every_postcode_of_a_larger_hub_is_a_real_greater_manchester_postcode(larger: str) -> None:
    postcodes = [
        *db.session.scalars(select(Student.postcode)),
        *db.session.scalars(select(School.postcode)),
        *db.session.scalars(select(Employer.postcode)),
    ]
    index = PostcodeIndex.load()
    _, found = index.locate(postcodes)
    assert found.all()
    areas = {postcode.split()[0].rstrip("0123456789") for postcode in postcodes}
    assert areas <= {"M", "BL", "OL", "SK", "WN", "WA"}


def test_the_command_takes_sizes_and_refuses_ones_it_cannot_make(app: Flask) -> None:
    runner = app.test_cli_runner()
    bad = runner.invoke(args=["seed-demo", "--students-per-year", "5", "--year-groups", "6,10"])
    assert bad.exit_code == 2 and "Enter year groups from 7 to 14" in bad.output
    bad = runner.invoke(args=["seed-demo", "--schools", "0"])
    assert bad.exit_code == 2 and "--schools" in bad.output
    assert _count(Hub) == 0

    made = runner.invoke(
        args=[
            "seed-demo",
            "--schools",
            "4",
            "--students-per-year",
            "5",
            "--year-groups",
            "11",
            "--opportunities",
            "90",
        ]
    )

    assert made.exit_code == 0, made.output
    assert "4 schools, 20 students" in made.output
    assert set(db.session.scalars(select(Student.year_group))) == {11}
    assert _count(Opportunity, Opportunity.status == "published") == 90


def test_the_demos_titles_say_an_before_a_vowel(seeded: str) -> None:
    titles = list(db.session.scalars(select(Opportunity.title)))
    assert not [title for title in titles if re.search(r"\ba [aeiou]", title)]
    assert any(re.search(r"\ban [aeiou]", title) for title in titles)
