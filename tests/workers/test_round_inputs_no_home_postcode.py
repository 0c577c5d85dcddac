"""A pupil with no usable home postcode is matched from their school's postcode; nothing false is stored."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask

from tests import db as factories
from web.extensions import db
from web.models import Hub, Student
from workers.round_inputs import load_round_inputs, policy_for


def today() -> date:
    return date.today()


def test_a_pupil_with_no_home_postcode_is_measured_from_their_schools_postcode(app: Flask) -> None:
    school = factories.create_school(postcode="M1 1AD")
    homeless = factories.create_student(
        school, postcode=None, date_of_birth=today() - timedelta(days=365 * 15)
    )
    blank = factories.create_student(school, postcode="", date_of_birth=today() - timedelta(days=365 * 15))
    housed = factories.create_student(school, date_of_birth=today() - timedelta(days=365 * 15))
    match_round = factories.create_round(school, policy={"year_groups": [10]})
    db.session.commit()

    inputs = load_round_inputs(match_round, policy_for(match_round), today())

    postcodes = {int(student.id): student.postcode for student in inputs.students}
    assert postcodes == {homeless.id: "M1 1AD", blank.id: "M1 1AD", housed.id: "M14 5TP"}
    assert db.session.get(Student, homeless.id).postcode is None
    assert inputs.from_school == {homeless.id, blank.id}


def test_their_proposal_says_the_place_is_near_their_school_not_their_home(app: Flask) -> None:
    from web.careers.reasons import reasons
    from web.models import Allocation
    from workers.matching_tasks import run_round

    school = factories.create_school(postcode="M1 1AD")
    factories.create_student(school, postcode=None, date_of_birth=today() - timedelta(days=365 * 15))
    employer = factories.create_employer(db.session.get(Hub, school.hub_id))
    factories.create_opportunity(employer, postcode="M1 1AD", capacity=1)
    match_round = factories.create_round(school)

    run_round.run(match_round.id)

    [proposal] = db.session.scalars(db.select(Allocation).where(Allocation.round_id == match_round.id))
    named = dict(reasons(proposal.explanation))
    assert "Near the student's school (their home postcode is not known)" in named
    assert "Near the student's home" not in named
