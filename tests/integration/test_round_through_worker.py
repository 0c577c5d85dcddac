"""A matching round started on the web reaches a real worker through the broker, and finishes."""

from __future__ import annotations

from tests import db as factories
from tests.integration.conftest import Stack

ROUND_TIMEOUT = 90  # seconds; a handful of students takes one or two


def wait_for_round(stack: Stack, browser: object, round_id: int) -> dict[str, object]:
    """Poll the round's status JSON, as its page does, until it has finished; fail with the worker's log."""
    status_url = stack.url("careers.round_status", round_id=round_id)

    def finished() -> dict[str, object] | None:
        status = browser.get(status_url).json()  # type: ignore[attr-defined]
        return status if status["status"] in ("succeeded", "failed") else None

    return stack.wait_for(finished, ROUND_TIMEOUT, f"round {round_id} to finish", every=0.5)


def test_a_round_started_by_a_careers_leader_is_run_by_the_worker(stack: Stack) -> None:
    hub = factories.create_hub()
    school = factories.create_school(hub)
    opportunity = factories.create_opportunity(factories.create_employer(hub))
    student = factories.create_student(school)
    factories.create_preference(student, opportunity, rank=1)
    leader = factories.create_user_for("careers_leader", school)
    browser = stack.browser()
    browser.sign_in(leader.email, factories.PASSWORD)

    page = browser.submit(stack.url("careers.rounds"), {"kind": "all", "mechanism": "optimal", "seed": "7"})

    round_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    status = wait_for_round(stack, browser, round_id)
    assert status["status"] == "succeeded", f"{status}\n{stack.log('worker')}"
    assert "matching.run_round" in stack.log("worker")
    assert student.first_name in browser.get(stack.url("careers.round_detail", round_id=round_id)).main_text()
