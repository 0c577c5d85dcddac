"""A pupil with no usable home postcode is matched from their school's postcode; nothing false is stored."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask

from tests import db as factories
from web.extensions import db
from web.models import Student
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
