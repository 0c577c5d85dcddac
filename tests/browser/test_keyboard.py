"""Keyboard only: the skip link, each role's main action, and a wide table on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import world as worlds
from tests.browser.tab import PHONE, Tab
from tests.integration.conftest import Stack

MAX_TABS = 50  # more Tab presses than any of these pages has stops before its main action
FOCUS_YELLOW = "rgb(255, 221, 0)"  # #fd0, GOV.UK Frontend's focus colour


def _focused(tab: Tab) -> dict[str, Any]:
    return tab.page.evaluate(
        """() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            const outline = style.outlineStyle === 'none' ? '' : style.outlineColor;
            return {
                name: (element.getAttribute('aria-label') || element.innerText || element.value || '').trim(),
                tag: element.tagName.toLowerCase(),
                focusStyle: [outline, style.boxShadow, style.backgroundColor].join(' '),
            };
        }"""
    )


def _tab_to(tab: Tab, name: str) -> dict[str, Any]:
    """Press Tab until the element called `name` has focus; fail if it never does."""
    seen = []
    for _ in range(MAX_TABS):
        tab.page.keyboard.press("Tab")
        focused = _focused(tab)
        if focused["name"].startswith(name):
            # GOV.UK's focus state shows its yellow: as an outline, a shadow or the background.
            assert FOCUS_YELLOW in focused["focusStyle"], (
                f"{name!r} has focus but does not show it: {focused}"
            )
            return focused
        seen.append(focused["name"][:40])
    raise AssertionError(f"Tab never reached {name!r} on {tab.page.url}; it went through {seen}")


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(
    open_tab,  # type: ignore[no-untyped-def]
) -> None:
    tab = open_tab()
    tab.open("/sign-in")

    tab.page.keyboard.press("Tab")
    assert _focused(tab)["name"] == "Skip to main content"
    tab.page.keyboard.press("Enter")

    # GOV.UK Frontend's skip link script (loaded from app.js, under the CSP) moves focus into <main>.
    assert tab.page.evaluate("document.activeElement.id") == "main-content"
    tab.page.keyboard.press("Tab")
    assert tab.page.get_by_label("Email address").evaluate("field => field === document.activeElement")


MAIN_ACTIONS = {
    "careers_leader": (lambda stack, world: stack.url("careers.rounds"), "Start matching round"),
    "employer": (lambda stack, world: stack.url("employers.opportunities"), "Create an opportunity"),
    "student": (
        lambda stack, world: stack.url("students.offer", allocation_id=world.offer.id),
        "Accept this placement",
    ),
}


@pytest.mark.parametrize("role", sorted(MAIN_ACTIONS))
def test_keyboard_focus_reaches_the_main_action_of_each_role_with_a_visible_focus_style(
    role: str,
    open_tab,  # type: ignore[no-untyped-def]
    stack: Stack,
) -> None:
    world = worlds.build()
    tab = open_tab()
    tab.sign_in(world.users[role].email)
    page_of, action = MAIN_ACTIONS[role]
    tab.open(page_of(stack, world))

    _tab_to(tab, action)


def test_a_student_can_add_a_choice_with_the_keyboard_alone(
    open_tab,  # type: ignore[no-untyped-def]
    stack: Stack,
) -> None:
    world = worlds.build()
    tab = open_tab()
    tab.sign_in(world.users["student"].email)
    tab.open(stack.url("students.opportunity", opportunity_id=world.unchosen.id))

    _tab_to(tab, "Add to my choices")
    with tab.page.expect_navigation():
        tab.page.keyboard.press("Enter")

    assert f"{world.unchosen.title} has been added to your choices" in tab.page.inner_text("main")
    assert tab.console_errors == []


def test_a_table_wider_than_a_phone_scrolls_with_the_arrow_keys_not_the_page(
    open_tab,  # type: ignore[no-untyped-def]
    stack: Stack,
) -> None:
    world = worlds.build()
    tab = open_tab()
    tab.sign_in(world.users["employer"].email)
    tab.open(stack.url("employers.opportunities"))
    tab.page.set_viewport_size(PHONE)

    focused = _tab_to(tab, "Opportunities")
    assert focused["tag"] == "div"
    box = tab.page.get_by_role("region", name="Opportunities")
    assert box.evaluate("box => box.scrollWidth > box.clientWidth"), "the table fits: nothing to scroll"
    tab.page.keyboard.press("ArrowRight")

    tab.page.wait_for_function("() => document.activeElement.scrollLeft > 0")
    assert tab.widths_at(PHONE)[0] <= PHONE["width"]
