"""Parents' links in Chromium: the careers leader's page with its form's errors, and a parent's link, the
child's page it opens and the page a link that ended shows, with no axe-core violation, no console error
and no sideways scrolling at 375 px."""

from __future__ import annotations

from tests.browser import world as worlds
from tests.integration.conftest import Stack
from web.dao import parent_links
from web.dao.base import transaction
from web.dates import london_today
from web.extensions import db
from web.models import Student
from web.models.base import utcnow


def test_the_careers_leaders_parent_links_page_and_its_errors_are_accessible(
    open_tab,  # type: ignore[no-untyped-def]
    stack: Stack,
) -> None:
    world = worlds.build()
    tab = open_tab()
    tab.sign_in(world.users["careers_leader"].email)
    problems = tab.check(stack.url("careers.parent_links"))
    tab.page.get_by_label("The parent or carer of one pupil").check()  # reveals the UPN question
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Send links").click()
    assert tab.page.title().startswith("Error: ")
    problems += tab.problems()
    assert problems == [], "\n".join(problems)


def test_a_parents_link_and_their_childs_page_are_accessible(
    open_tab,  # type: ignore[no-untyped-def]
    stack: Stack,
) -> None:
    world = worlds.build()
    student = db.session.get(Student, world.student.id)
    assert student is not None
    student.parent_email = student.parent_email or "parent@example.org"
    db.session.commit()
    with transaction():
        parent_links.send(
            student.school_id, [student], world.users["careers_leader"].id, utcnow(), london_today()
        )
    (link, _), *_ = parent_links.school_links(student.school_id)
    tab = open_tab()
    problems = tab.check(f"/family/{parent_links.secret_of(link)}")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Continue").click()
    assert "/family/child/" in tab.page.url
    problems += tab.problems()
    problems += tab.check("/family/not-a-real-link", 404)
    problems += tab.check(f"/family/child/{link.id + 1}", 403)
    assert problems == [], "\n".join(problems)
