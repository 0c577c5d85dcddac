"""The report pages in Chromium: no axe-core violation, no console error (a CSP violation is one) and no
sideways scrolling on a 375 px wide phone; the charts are named images with the table beside them."""

from __future__ import annotations

from tests import db as factories
from tests.browser import world as worlds
from tests.integration.conftest import Stack
from web.extensions import db
from web.models import Hub


def test_the_hub_admins_report_pages_are_accessible_without_console_errors_or_sideways_scroll(
    open_tab,  # type: ignore[no-untyped-def]
    stack: Stack,
) -> None:
    world = worlds.build()
    hub = db.session.get(Hub, world.school.hub_id)
    for n in range(30):  # enough schools for a second page of the schools table
        factories.create_school(hub, name=f"Academy with a rather long name for a school {n:02d}")
    tab = open_tab()
    tab.sign_in(world.users["hub_admin"].email)
    url = stack.url
    pages = [
        url("reports.hub"),
        url("reports.hub", year_group=10, page=2),
        url("reports.hub", year=1900),  # its error summary
        url("reports.hub_school", school_id=world.school.id),
        url("reports.api_keys"),
    ]
    problems = [problem for path in pages for problem in tab.check(path)]
    tab.open(url("reports.hub"))
    problems += _clipped_tables(tab)
    # A new key, shown once.
    tab.open(url("reports.api_keys"))
    tab.page.get_by_label("Name of the key").fill("Hub dashboard")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Create key").click()
    assert len(tab.page.get_by_label("Your new key").input_value()) >= 43
    problems += tab.problems()
    assert problems == [], "\n".join(problems)


def test_the_careers_leaders_report_page_is_accessible_and_its_charts_are_named_images(
    open_tab,  # type: ignore[no-untyped-def]
    stack: Stack,
) -> None:
    world = worlds.build()
    tab = open_tab()
    tab.sign_in(world.users["careers_leader"].email)
    problems = tab.check(stack.url("reports.school"))
    charts = tab.page.get_by_role("img", name="Benchmark 5: encounters with employers")
    assert charts.count() == 1
    assert tab.page.get_by_role("region", name="Benchmark 5: encounters with employers: figures").count() == 1
    for name in (
        "Share with an encounter this year, by year group",
        "Provider encounters against the 28 February deadlines",
        "Technical and academic share of encounters",
    ):
        assert tab.page.get_by_role("img", name=name).count() == 1, name
    assert problems == [], "\n".join(problems)


def _clipped_tables(tab) -> list[str]:  # type: ignore[no-untyped-def]
    """Tables that scroll inside a box narrower than the page's main column at desktop width: they would fit
    if given the whole width, so scrolling them hides figures for nothing."""
    clipped = tab.page.evaluate(
        """() => [...document.querySelectorAll('.app-table-scroll')]
          .filter(box => box.scrollWidth > box.clientWidth
                         && box.clientWidth < box.closest('main').clientWidth - 60)
          .map(box => box.querySelector('table').id + ' is clipped by '
                      + (box.scrollWidth - box.clientWidth) + ' px')"""
    )
    return [f"{tab.page.url}: {problem}" for problem in clipped]
