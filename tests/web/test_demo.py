"""The demo hub that `flask seed-demo` (and so `make run`) loads."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from matcher.people import KINDS, ROUTES
from matcher.postcodes import PostcodeIndex
from tests.conftest import ClientRequest
from web.auth.views import HOME
from web.demo import DEMO_PASSWORD, LOGINS, seed
from web.extensions import db
from web.models import Employer, ExperienceRecord, Hub, Opportunity, Preference, School, Student, User


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
    assert _count(Employer) == 40
    assert 1 <= _count(Employer, Employer.status == "pending") <= 3
    published = list(db.session.scalars(select(Opportunity).where(Opportunity.status == "published")))
    assert 75 <= len(published) <= 90
    assert {opportunity.route for opportunity in published} == set(ROUTES)
    assert {opportunity.kind for opportunity in published} == set(KINDS)
    assert any(opportunity.remote for opportunity in published)
    approved = set(db.session.scalars(select(Employer.id).where(Employer.status == "approved")))
    assert {opportunity.employer_id for opportunity in published} <= approved


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
