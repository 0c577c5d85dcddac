"""Locust users for the hub benchmark's page load (python -m bench.hub --pages runs them headless).

One page a run: BENCH_PATH, signed in with the session cookie in BENCH_COOKIE (none for the hello-world
app), each user waiting about BENCH_WAIT seconds between requests (0: the next request as soon as the
last one is answered). Anything but a 200 counts as a failure: a redirect to the sign-in page would
otherwise look like a fast page.
"""

from __future__ import annotations

import os

from locust import FastHttpUser, between, constant, task

PATH = os.environ.get("BENCH_PATH", "/")
COOKIE = os.environ.get("BENCH_COOKIE", "")
WAIT = float(os.environ.get("BENCH_WAIT", "0"))


class PageUser(FastHttpUser):
    """A person loading the same page again and again."""

    wait_time = between(WAIT / 2, WAIT * 3 / 2) if WAIT else constant(0)

    @task
    def page(self) -> None:
        """GET the page; anything but a 200 is a failure."""
        headers = {"Cookie": COOKIE} if COOKIE else {}
        with self.client.get(
            PATH, headers=headers, name=PATH, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
