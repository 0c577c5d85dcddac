"""The round page under the Content-Security-Policy: its script polls while the round runs and reloads the
page once the worker has finished it."""

from __future__ import annotations

import warnings

from celery import Celery

from config.celery import MATCHING_QUEUE
from tests import db as factories
from tests.browser import world as worlds
from tests.integration.conftest import ROUND_TIMEOUT, Stack
from workers.round_inputs import default_policy


def _send_to_worker(stack: Stack, round_id: int) -> None:
    # Sent by the test, not by the page, so the page is surely showing the round as waiting first.
    sender = Celery(broker=stack.broker, set_as_current=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # kombu's own use of SQLAlchemy's noload
        sender.send_task("matching.run_round", args=[round_id], queue=MATCHING_QUEUE)
    sender.close()


def test_the_round_page_polls_while_the_round_runs_and_reloads_itself_when_it_has_finished(
    open_tab,  # type: ignore[no-untyped-def]
    stack: Stack,
) -> None:
    world = worlds.build()
    match_round = factories.create_round(world.school, policy=default_policy(), seed=3)
    tab = open_tab()
    tab.sign_in(world.users["careers_leader"].email)
    tab.open(stack.url("careers.round_detail", round_id=match_round.id))
    assert tab.page.locator("#round-progress").is_visible()
    problems = tab.problems()

    with tab.page.expect_navigation(timeout=ROUND_TIMEOUT * 1000):  # the script's reload
        _send_to_worker(stack, match_round.id)

    assert tab.page.locator("#round-progress").count() == 0
    assert tab.page.locator("#proposals").is_visible(), tab.page.inner_text("main")
    problems += tab.problems()
    assert problems == [], "\n".join(problems)
