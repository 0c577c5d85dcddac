"""The data protection pages in Chromium, as each role meets them: the retention schedule (public, and the
hub admin's with a period changed and a wrong one refused), a pupil's hold, erasure and subject access for
the careers leader, the pupil's own subject access, and the hub admin's sign-in settings for a school; no
axe-core violation (beyond the documented upstream exception) at 1280 and 375 px, no console error, no
sideways scrolling."""

from __future__ import annotations

from tests import db as factories
from tests.integration.conftest import Stack


def test_the_hub_admins_data_protection_pages_are_accessible(
    open_tab,  # type: ignore[no-untyped-def]
    stack: Stack,
) -> None:
    admin = factories.create_user_for("hub_admin")
    from web.extensions import db
    from web.models import Hub

    school = factories.create_school(db.session.get(Hub, admin.hub_id))
    tab = open_tab()
    tab.sign_in(admin.email)
    paths = [
        stack.url("privacy.hub_schedule"),
        stack.url("auth.school_sign_in", school_id=school.id),
        stack.url("auth.hub_sign_in"),
        stack.url("privacy.change_period", record_type="pupil"),  # last: its form is sent next
    ]
    problems = [problem for path in paths for problem in tab.check(path)]
    tab.page.fill("#days", "5")
    tab.page.fill("#reason", "")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Save period").click()
    assert tab.page.title().startswith("Error: ")
    problems += tab.problems()
    assert problems == [], "\n".join(problems)


def test_the_careers_leaders_pupil_privacy_pages_and_the_pupils_own_are_accessible(
    open_tab,  # type: ignore[no-untyped-def]
    stack: Stack,
) -> None:
    school = factories.create_school()
    pupil = factories.create_student(school)
    leader = factories.create_user_for("careers_leader", school)
    student_user = factories.create_user_for("student", pupil)
    tab = open_tab()
    tab.sign_in(leader.email)
    paths = [
        stack.url("privacy.pupil", student_id=pupil.id),
        stack.url("privacy.pupil_subject_access", student_id=pupil.id),
        stack.url("privacy.erase", student_id=pupil.id),  # last: its form is sent next
    ]
    problems = [problem for path in paths for problem in tab.check(path)]
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Erase this pupil").click()
    assert tab.page.title().startswith("Error: ")
    problems += tab.problems()
    problems += tab.check(stack.url("privacy.pupil", student_id=pupil.id))
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Put the record on hold").click()
    assert tab.page.title().startswith("Error: ")
    problems += tab.problems()

    mine = open_tab()
    mine.sign_in(student_user.email)
    problems += mine.check(stack.url("privacy.my_subject_access")) + mine.check(stack.url("privacy.schedule"))
    assert problems == [], "\n".join(problems)
