"""Sign-in with school accounts: a real OpenID Connect provider (tests/oidc/provider.py) started once per
session on a free port, the service configured to use it, and the steps of a journey through it: the
service's redirect, the provider's sign-in form posted over HTTP, and the callback followed back."""

from __future__ import annotations

import os
import queue
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask

from tests.conftest import ClientRequest
from tests.web.auth_two_step.helpers import clock  # noqa: F401 - a fixture

ROOT = Path(__file__).resolve().parents[3]
CLIENT_ID = "arrange-work-experience-tests"


@dataclass
class Provider:
    """The provider process: its address and the client the service is registered as."""

    base: str
    client_id: str
    client_secret: str

    def metadata_url(self, name: str) -> str:
        return f"{self.base}/{name}/.well-known/openid-configuration"


@pytest.fixture(scope="session")
def oidc_provider(app: Flask) -> Iterator[Provider]:
    """The provider, listening on 127.0.0.1 at a port it chose, for the whole session."""
    secret = secrets.token_urlsafe(24)
    callbacks = [f"{app.config['SERVICE_URL']}/sign-in/{name}/callback" for name in ("google", "microsoft")]
    command = [
        sys.executable,
        "-m",
        "tests.oidc.provider",
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        secret,
    ]
    for uri in callbacks:
        command += ["--redirect-uri", uri]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    assert process.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()  # type: ignore[union-attr]
    try:
        first = lines.get(timeout=30)
    except queue.Empty:
        process.kill()
        raise RuntimeError("the OpenID Connect provider did not start in 30 s") from None
    assert first.startswith("listening on "), f"the provider said {first!r} (exit code {process.poll()})"
    try:
        yield Provider(f"http://127.0.0.1:{int(first.split()[-1])}", CLIENT_ID, secret)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def school_accounts(app: Flask, oidc_provider: Provider, monkeypatch: pytest.MonkeyPatch) -> Provider:
    """The service configured with Google and Microsoft both pointing at the test provider."""
    for name in ("google", "microsoft"):
        prefix = f"OIDC_{name.upper()}_"
        monkeypatch.setitem(app.config, prefix + "CLIENT_ID", oidc_provider.client_id)
        monkeypatch.setitem(app.config, prefix + "CLIENT_SECRET", oidc_provider.client_secret)
        monkeypatch.setitem(app.config, prefix + "METADATA_URL", oidc_provider.metadata_url(name))
    return oidc_provider


def person(sub: str, email: str, verified: bool = True, **more: str) -> dict[str, str]:
    """The provider's sign-in form as a test fills it in: who signs in there, and anything to tamper with."""
    return {
        "login_sub": sub,
        "login_email": email,
        "login_email_verified": "true" if verified else "false",
        **more,
    }


@dataclass
class Journey:
    """Where a journey through the provider got to: the authorization request and the callback."""

    authorize_url: str
    callback: str  # path and query, to follow with the test client

    @property
    def state(self) -> str:
        return dict(part.split("=", 1) for part in urlsplit(self.callback).query.split("&"))["state"]


def through_provider(request: ClientRequest, start: str, who: dict[str, str]) -> Journey:
    """Start at the service (a path), sign in at the provider as `who` over HTTP, and return where the
    provider sends the browser back to, without following it."""
    leaving = request.client.get(start)
    assert leaving.status_code == 302, leaving.get_data(as_text=True)[:1000]
    authorize_url = leaving.headers["Location"]
    form = requests.get(authorize_url, timeout=10)
    assert form.status_code == 200, form.text  # the provider accepted the request (nonce, PKCE, redirect)
    back = requests.post(authorize_url, data=who, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    parts = urlsplit(back.headers["Location"])
    return Journey(authorize_url, f"{parts.path}?{parts.query}")


def sign_in_with(request: ClientRequest, start: str, who: dict[str, str]) -> Any:
    """The whole journey: through the provider and back to the service's callback (its response)."""
    journey = through_provider(request, start, who)
    return request.client.get(journey.callback)
