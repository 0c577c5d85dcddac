"""Guard tests: every route declares who may use it and takes typed parameters."""

from __future__ import annotations

import re

from flask import Flask

from web.models.base import ROLES
from web.reports.api import API_KEY

# Read-only methods: the only ones a route checked by an API key (rather than a signed-in role) may take.
READ_ONLY = {"GET", "HEAD", "OPTIONS"}


def test_every_route_has_a_role_check(app: Flask) -> None:
    unguarded = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "allowed_roles", None)
        by_role = bool(roles) and set(roles) <= {*ROLES, "public"}
        if not by_role and tuple(roles or ()) != (API_KEY,):
            unguarded.append(rule.rule)
    assert unguarded == []


def test_api_key_routes_are_the_read_only_reports_api_and_nothing_else(app: Flask) -> None:
    by_key = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and API_KEY in app.view_functions[rule.endpoint].allowed_roles
    ]
    assert by_key, "the reports API has no routes"
    for rule in by_key:
        assert app.view_functions[rule.endpoint].allowed_roles == (API_KEY,), rule.rule  # never with a role
        assert rule.rule.startswith("/api/v1/hubs/<int:hub_id>/"), rule.rule  # the key is checked per hub
        assert set(rule.methods or ()) <= READ_ONLY, rule.rule
    # Everything under /api/ is the key's, apart from the API's public OpenAPI document.
    api = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")}
    assert api - {rule.endpoint for rule in by_key} == {"api.openapi_document"}


def test_every_url_parameter_is_typed(app: Flask) -> None:
    untyped = [rule.rule for rule in app.url_map.iter_rules() if re.search(r"<(?!\w+:)\w+>", rule.rule)]
    assert untyped == []


def test_public_routes_are_only_sign_in_accounts_and_consent_links(app: Flask) -> None:
    public = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and app.view_functions[rule.endpoint].allowed_roles == ("public",)
    }
    # The outbox is public because whoever reads a first invitation has no account yet; it exists only
    # where OUTBOX_PAGE is set (never in production: tests/config).
    assert public <= {
        "auth.index",
        "auth.sign_in",
        "parents.consent",
        # A parent's link to their child's entitlements, and the page its cookie opens (checked there).
        "family.start",
        "family.child",
        "outbox.outbox",
        "accounts.link",
        "accounts.set_password",
        "accounts.reset",
        # Sign-in with Google or Microsoft: the button, the provider's return, an invitation taken up there.
        "auth.oidc_sign_in",
        "auth.oidc_callback",
        "auth.oidc_accept_invitation",
        "employers.register",
        "api.openapi_document",  # describes the reports API; holds no data
        "schools.published_policy",  # a school's provider access policy, public by law
        # Privacy notices, the accessibility statement and hubs' sub-processors: for people without accounts.
        "privacy.index",
        "privacy.schedule",  # the retention schedule, which privacy notices point to
        "privacy.notice",
        "privacy.accessibility",
        "privacy.hubs",
        "privacy.published",
    }
