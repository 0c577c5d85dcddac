"""A pupil's tutor group in their subject access bundle, and kept when their identity is taken out."""

from __future__ import annotations

from tests import db as factories
from tests.web.privacy_sar.seed import World
from web.dao import bundle_sections as sections
from web.dao import erasure
from web.dao.base import transaction
from web.extensions import db
from web.models import Student
from web.models.base import utcnow
from web.privacy import bundle


def test_the_bundles_pupil_details_hold_the_tutor_group_in_words(world: World) -> None:
    world.pupil.student.tutor_group = "10B/Sc"
    db.session.commit()

    page, machine = bundle.read(bundle.build(world.pupil.student.id, utcnow()))

    assert sections.pupil(world.pupil.student.id)["tutor_group"] == "10B/Sc"
    assert machine["sections"]["pupil"]["tutor_group"] == "10B/Sc"
    assert "Tutor group" in page and "10B/Sc" in page


def test_anonymising_a_pupil_keeps_their_tutor_group_for_counts_by_group() -> None:
    student = factories.create_student(tutor_group="9R", year_group=9)

    with transaction():
        assert erasure.anonymise([student.id], utcnow()) == 1

    db.session.expire_all()
    kept = db.session.get(Student, student.id)
    assert (kept.first_name, kept.upn, kept.year_group, kept.tutor_group) == ("Former", None, 9, "9R")
