"""Guard: every response carries the security headers, signed-in pages are never cached, and no page has an
inline script other than the GOV.UK template's one, whose hash the Content-Security-Policy allows."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import govuk_frontend_jinja
import pytest
from bs4 import BeautifulSoup
from flask import Flask, url_for
from werkzeug.routing.converters import AnyConverter

from config.settings import get_config
from tests import db as factories
from tests.config.test_settings import PRODUCTION
from web import security
from web.models.base import ROLES

REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin"}
FEATURES_OFF = ("camera", "microphone", "geolocation", "payment", "usb")


def _sha256(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


def _get_urls(app: Flask, ids: dict[str, int | str]) -> list[str]:
    """One URL for every GET route, with ids of records the signed-in user owns (so pages render); a
    parameter this test does not know yet gets 0, whose 404 page must carry the headers too."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        values: dict[str, object] = {name: ids.get(name, 0) for name in rule.arguments if name != "filename"}
        for name, converter in rule._converters.items():
            if isinstance(converter, AnyConverter):  # one of a fixed list: its first
                values[name] = sorted(converter.items)[0]
        if rule.endpoint == "static":
            values["filename"] = "app.js"
        with app.test_request_context():
            urls.append(url_for(rule.endpoint, **values))
    return urls


def _check(path: str, response, signed_in: bool) -> list[str]:  # type: ignore[no-untyped-def]
    headers = response.headers
    problems = []
    csp = headers.get("Content-Security-Policy", "")
    if csp != security.CONTENT_SECURITY_POLICY:
        problems.append(f"Content-Security-Policy is {csp!r}")
    expected = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"}
    problems += [
        f"{name} is {headers.get(name)!r}" for name, value in expected.items() if headers.get(name) != value
    ]
    if headers.get("Referrer-Policy") not in REFERRER_POLICIES:
        problems.append(f"Referrer-Policy is {headers.get('Referrer-Policy')!r}")
    allowed = headers.get("Permissions-Policy", "")
    problems += [
        f"Permissions-Policy leaves {feature} on"
        for feature in FEATURES_OFF
        if f"{feature}=()" not in allowed
    ]
    if "Strict-Transport-Security" in headers:
        problems.append("Strict-Transport-Security sent outside production")
    if signed_in and not path.startswith("/static/") and headers.get("Cache-Control") != "no-store":
        problems.append(f"Cache-Control is {headers.get('Cache-Control')!r} on a signed-in page")
    if response.mimetype == "text/html":
        problems += _inline_code(response.get_data(as_text=True))
    return [f"GET {path} ({response.status_code}): {problem}" for problem in problems]


def _inline_code(html: str) -> list[str]:
    """Inline scripts, event handlers and styles: the CSP blocks each of them, bar the one allowed script."""
    page = BeautifulSoup(html, "html.parser")
    problems = [
        f"inline script {script.string[:60]!r}"
        for script in page.find_all("script")
        if not script.get("src") and _sha256(script.string or "") != security.GOVUK_TEMPLATE_SCRIPT_HASH
    ]
    for element in page.find_all(True):
        handlers = [name for name in element.attrs if name.lower().startswith("on")]
        problems += [f"inline {name} handler on <{element.name}>" for name in handlers]
        if "style" in element.attrs:
            problems.append(f"inline style on <{element.name}>")
        if str(element.get("href", "")).strip().lower().startswith("javascript:"):
            problems.append(f"javascript: link on <{element.name}>")
    problems += ["<style> element" for _ in page.find_all("style")]
    return problems


@pytest.mark.parametrize("role", [*ROLES, None], ids=[*ROLES, "signed_out"])
def test_every_get_route_sends_the_security_headers_and_no_unallowed_inline_code(
    app: Flask,
    role: str | None,
    sign_in_as,  # type: ignore[no-untyped-def]
    client_request,  # type: ignore[no-untyped-def]
) -> None:
    hub = factories.create_hub()
    school = factories.create_school(hub)
    employer = factories.create_employer(hub)
    opportunity = factories.create_opportunity(employer)
    student = factories.create_student(school)
    match_round = factories.create_round(school, status="succeeded", progress=100)
    allocation = factories.create_allocation(match_round, student, opportunity, status="offered")
    factories.create_provider_access_policy(school)  # its public page, at the school's URN
    owned = {"hub_admin": hub, "careers_leader": school, "employer": employer, "student": student}
    # A colleague in the signed-in person's organisation, for pages about another user (students have none).
    colleague_role = role if role in ("hub_admin", "careers_leader", "employer") else "hub_admin"
    colleague = factories.create_user_for(colleague_role, owned[colleague_role])
    ids: dict[str, int | str] = {
        "student_id": student.id,
        "opportunity_id": opportunity.id,
        "round_id": match_round.id,
        "allocation_id": allocation.id,
        "school_id": school.id,
        "employer_id": employer.id,
        "user_id": colleague.id,
        "token": "not-a-real-link",
        "report": "outcomes",
        "hub_id": hub.id,
        "urn": school.urn,
    }
    request = sign_in_as(factories.create_user_for(role, owned[role])) if role else client_request

    problems = []
    pages = 0
    for path in _get_urls(app, ids):
        response = request.client.get(path)
        pages += response.status_code == 200 and response.mimetype == "text/html"
        problems += _check(path, response, signed_in=role is not None)

    assert problems == []
    assert pages > 0, "no page rendered: the test would prove nothing"


def test_the_inline_code_check_finds_scripts_handlers_and_javascript_links() -> None:
    page = '<script>alert(1)</script><a href="javascript:go()">x</a><button onclick="go()">y</button>'

    assert len(_inline_code(page)) == 3


def test_the_allowed_script_hash_is_that_of_the_govuk_template_script() -> None:
    template = Path(govuk_frontend_jinja.__file__).parent / "templates" / "template.html"
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", template.read_text(), re.DOTALL)

    # If govuk-frontend-jinja changes its script, review the new one and put its hash in web/security.py.
    assert [_sha256(script) for script in scripts] == [security.GOVUK_TEMPLATE_SCRIPT_HASH]
    assert f"'{security.GOVUK_TEMPLATE_SCRIPT_HASH}'" in security.CONTENT_SECURITY_POLICY


def test_the_policy_allows_no_inline_code_or_eval_and_no_framing() -> None:
    directives = dict(part.split(" ", 1) for part in security.CONTENT_SECURITY_POLICY.split("; "))

    assert "'unsafe-inline'" not in security.CONTENT_SECURITY_POLICY
    assert "'unsafe-eval'" not in security.CONTENT_SECURITY_POLICY
    assert directives["frame-ancestors"] == "'none'"
    assert directives["script-src"] == f"'self' '{security.GOVUK_TEMPLATE_SCRIPT_HASH}'"


def test_strict_transport_security_is_sent_with_production_settings_only(
    app: Flask,
    client_request,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    production = get_config("production")
    assert get_config("development").HSTS_MAX_AGE == 0
    assert app.config["HSTS_MAX_AGE"] == 0
    assert "Strict-Transport-Security" not in client_request.client.get("/sign-in").headers

    monkeypatch.setitem(app.config, "HSTS_MAX_AGE", production.HSTS_MAX_AGE)

    assert production.HSTS_MAX_AGE >= 365 * 24 * 3600
    header = client_request.client.get("/sign-in").headers.get("Strict-Transport-Security")
    assert header == f"max-age={production.HSTS_MAX_AGE}"
