"""Every page of the journey, as each role sees it in Chromium: no axe-core violation (other than the one
documented upstream exception), no console error (a CSP violation is one), and no sideways scrolling on a
375 px wide phone."""

from __future__ import annotations

import pytest

from tests import db as factories
from tests.browser import world as worlds
from tests.browser.tab import is_upstream_exception
from tests.integration.conftest import Stack
from web.models.base import ROLES


def _pages(stack: Stack, world: worlds.World, role: str) -> list[tuple[str, int]]:
    """(path, expected status) of every page this role's journey passes through."""
    url = stack.url
    pages = {
        "hub_admin": [
            url("hub.overview"),
            url("hub.schools"),
            url("hub.new_school"),
            url("hub.school", school_id=world.school.id),
            url("hub.edit_school", school_id=world.school.id),
            url("hub.employers"),
            url("hub.employer", employer_id=world.pending_employer.id),
            url("hub.employer_check", employer_id=world.pending_employer.id),
            url("hub.rounds"),
            url("hub.round_detail", round_id=world.hub_round.id),
            url("hub.what_if_start"),
            url("hub.compare", round_id=world.what_if[0].id),
            url("hub.encounter_offers"),
            url("hub.record_dbs_check", offer_id=world.mentoring.id),
            url("hub.encounter_requests"),
            url("encounters.events"),
            url("encounters.new_event"),
            url("encounters.event", event_id=world.event.id),
            url("encounters.event", event_id=world.draft_event.id),
            url("encounters.allocation", allocation_id=world.event_allocation.id),
            url("encounters.event_register", event_id=world.event.id),
            url("planner.forecast"),
            url("planner.forecast", measure="workplace_hours", by="month"),
            url("accounts.team"),
            url("accounts.invite"),
            url("accounts.deactivate", user_id=world.colleagues["hub_admin"].id),
        ],
        "careers_leader": [
            url("careers.students"),
            url("careers.student", student_id=world.student.id),
            url("careers.rounds"),
            url("careers.round_detail", round_id=world.finished_round.id),
            url("careers.approve_all", round_id=world.finished_round.id),
            url("careers.round_detail", round_id=world.hub_round.id),
            url("careers.approve_all", round_id=world.hub_round.id),
            url("careers.what_if_start"),
            url("careers.import_students"),
            url("careers.roll_over"),
            url("careers.placements"),
            url("careers.placement", allocation_id=world.under_way.id),
            url("careers.placement", allocation_id=world.accepted.id),
            url("careers.check_ins", allocation_id=world.under_way.id),
            url("careers.encounters"),
            url("careers.encounter_gaps"),
            url("careers.encounter_requests"),
            url("careers.new_encounter_request"),
            url("careers.provider_requests"),
            url("careers.provider_access"),
            url("careers.own_placements"),
            url("careers.own_placement", placement_id=world.own_placement.id),
            url("encounters.school_events"),
            url("encounters.event_register", event_id=world.event.id),
            url("accounts.team"),
        ],
        "employer": [
            url("employers.opportunities"),
            url("employers.new_opportunity"),
            url("employers.edit_opportunity", opportunity_id=world.draft.id),
            url("employers.opportunity", opportunity_id=world.published.id),
            url("employers.students_coming", opportunity_id=world.published.id),
            url("employers.close_opportunity", opportunity_id=world.published.id),
            url("employers.students_coming", opportunity_id=world.under_way.opportunity_id),
            url("employers.placement", allocation_id=world.under_way.id),
            url("employers.decline_placement", allocation_id=world.under_way.id),
            url("employers.placement_outcome", allocation_id=world.under_way.id),
            url("employers.placement_feedback", allocation_id=world.under_way.id),
            url("employers.encounter_offers"),
            url("employers.new_encounter_offer"),
            url("employers.encounter_requests"),
            url("employers.organisation"),
            url("employers.edit_organisation"),
            url("encounters.employer_events"),
            url("encounters.event_register", event_id=world.event.id),
            url("encounters.organisation_feedback", event_id=world.event.id),
            url("accounts.team"),
        ],
        "student": [
            url("students.home"),
            url("students.interests"),
            url("students.opportunities"),
            url("students.opportunity", opportunity_id=world.published.id),
            url("students.choices"),
            url("students.offers"),
            url("students.offer", allocation_id=world.offer.id),
            url("students.offer", allocation_id=world.accepted.id),
            url("students.withdraw", allocation_id=world.accepted.id),
            url("students.record"),
            url("students.reflection", allocation_id=world.completed.id),
            url("students.own_placements"),
            url("students.propose_own_placement"),
            url("students.own_placement", placement_id=world.own_placement.id),
            url("students.change_own_placement", placement_id=world.own_placement.id),
            url("encounters.pupil_events"),
            url("encounters.pupil_feedback", place_id=world.attended.id),
        ],
    }[role]
    # The error pages as a signed-in person meets them: another role's page, and one that is not there.
    other = url("hub.overview") if role != "hub_admin" else url("students.home")
    return [(path, 200) for path in pages] + [(other, 403), ("/no-such-page", 404)]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_each_role_is_accessible_without_console_errors_or_sideways_scroll(
    role: str,
    open_tab,  # type: ignore[no-untyped-def]
    stack: Stack,
) -> None:
    world = worlds.build()
    tab = open_tab()
    tab.sign_in(world.users[role].email)
    pages = _pages(stack, world, role)
    problems = [problem for path, status in pages for problem in tab.check(path, status)]
    assert problems == [], "\n".join(problems)
    assert tab.pages_checked == len(pages)


def test_the_sign_in_and_error_pages_are_accessible_without_console_errors_or_sideways_scroll(
    open_tab,  # type: ignore[no-untyped-def]
    stack: Stack,
) -> None:
    tab = open_tab()
    problems = tab.check("/sign-in") + tab.check("/no-such-page", 404)
    # The pages of people without an account yet: registering an employer, a reset, a link run out.
    problems += tab.check(stack.url("employers.register")) + tab.check(stack.url("accounts.reset"))
    problems += tab.check(stack.url("accounts.link", token="run-out"), 404)
    # A school's provider access policy, public by law, and the address of a school that has none.
    school = factories.create_school()
    factories.create_provider_access_policy(school)
    problems += tab.check(stack.url("schools.published_policy", urn=school.urn))
    problems += tab.check(stack.url("schools.published_policy", urn="999999"), 404)
    # The sign-in page again, showing its error summary after a wrong password.
    tab.open("/sign-in")
    tab.submit_sign_in("nobody@example.org", "not the password")
    assert tab.page.title().startswith("Error: ")
    problems += tab.problems()
    assert problems == [], "\n".join(problems)


def test_the_parents_consent_page_is_accessible_without_console_errors_or_sideways_scroll(
    open_tab,  # type: ignore[no-untyped-def]
    stack: Stack,
) -> None:
    world = worlds.build()
    tab = open_tab()
    problems = tab.check(world.consent_link) + tab.check("/consent/not-a-real-link", 404)
    # Its error summary, after sending the form with nothing chosen.
    tab.open(world.consent_link)
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Send my answer").click()
    assert tab.page.title().startswith("Error: ")
    problems += tab.problems()
    assert problems == [], "\n".join(problems)


def test_the_provider_access_form_with_its_errors_is_accessible_without_console_errors_or_sideways_scroll(
    open_tab,  # type: ignore[no-untyped-def]
    stack: Stack,
) -> None:
    world = worlds.build()
    tab = open_tab()
    tab.sign_in(world.users["careers_leader"].email)
    tab.open(stack.url("careers.provider_access"))
    tab.page.fill("#blackout_1_label", "Mock exams")  # a blackout row without its dates
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Publish policy").click()
    assert tab.page.title().startswith("Error: ")
    problems = tab.problems()
    assert problems == [], "\n".join(problems)


def test_only_aria_expanded_on_govuk_radios_that_reveal_a_question_is_excused() -> None:
    radio = {
        "html": '<input class="govuk-radios__input" id="location" name="location" type="radio" '
        'value="workplace" aria-controls="conditional-location" aria-expanded="false">',
        "failureSummary": 'Fix all of the following:\n  ARIA attribute is not allowed: aria-expanded="false"',
    }
    pressed = {**radio, "failureSummary": radio["failureSummary"] + ', aria-pressed="true"'}

    assert is_upstream_exception({"id": "aria-allowed-attr", "nodes": [radio]})
    assert not is_upstream_exception({"id": "aria-allowed-attr", "nodes": [radio, pressed]})
    assert not is_upstream_exception({"id": "aria-required-attr", "nodes": [radio]})
