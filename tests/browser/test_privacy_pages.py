"""The privacy notices, the accessibility statement and the sub-processor pages in Chromium: no axe-core
violation (beyond the documented upstream exception) at 1280 and 375 px, no console error, no sideways
scrolling; and the hub admin's form with its errors."""

from __future__ import annotations

from tests import db as factories
from tests.integration.conftest import Stack
from web.extensions import db
from web.models import SubProcessor
from web.privacy.pages import NOTICES


def test_the_privacy_and_accessibility_pages_are_accessible_without_console_errors_or_sideways_scroll(
    open_tab,  # type: ignore[no-untyped-def]
    stack: Stack,
) -> None:
    hub = factories.create_hub()
    db.session.add(
        SubProcessor(
            hub_id=hub.id,
            name="Example Hosting Ltd",
            purpose="Hosts the service, its database and its backups",
            location="United Kingdom",
            terms_url="https://hosting.example/data-processing-agreement",
        )
    )
    db.session.commit()
    tab = open_tab()
    paths = [
        stack.url("privacy.index"),
        *[stack.url("privacy.notice", slug=notice.slug) for notice in NOTICES],
        stack.url("privacy.accessibility"),
        stack.url("privacy.hubs"),
        stack.url("privacy.published", hub_id=hub.id),
    ]
    problems = [problem for path in paths for problem in tab.check(path)]
    assert problems == [], "\n".join(problems)
    assert tab.pages_checked == len(paths)


def test_the_hub_admins_sub_processor_pages_and_form_errors_are_accessible(
    open_tab,  # type: ignore[no-untyped-def]
    stack: Stack,
) -> None:
    admin = factories.create_user_for("hub_admin")
    tab = open_tab()
    tab.sign_in(admin.email)
    problems = tab.check(stack.url("privacy.manage")) + tab.check(stack.url("privacy.add"))
    tab.page.fill("#name", "Example Mail Ltd")
    tab.page.fill("#terms_url", "not a link")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Add sub-processor").click()
    assert tab.page.title().startswith("Error: ")
    problems += tab.problems()
    tab.page.fill("#purpose", "Sends the service's emails")
    tab.page.fill("#location", "European Economic Area")
    tab.page.fill("#terms_url", "https://mail.example/dpa")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Add sub-processor").click()
    problems += tab.problems()  # the list, with its success banner and the new row
    record = db.session.query(SubProcessor).one()
    problems += tab.check(stack.url("privacy.change", sub_processor_id=record.id))
    problems += tab.check(stack.url("privacy.remove", sub_processor_id=record.id))
    assert problems == [], "\n".join(problems)
