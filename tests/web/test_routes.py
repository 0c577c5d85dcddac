"""Guard tests: every route declares who may use it and takes typed parameters."""

from __future__ import annotations

import re

from flask import Flask

from web.models.base import ROLES


def test_every_route_has_a_role_check(app: Flask) -> None:
    unguarded = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "allowed_roles", None)
        if not roles or not set(roles) <= {*ROLES, "public"}:
            unguarded.append(rule.rule)
    assert unguarded == []


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
        "outbox.outbox",
        "accounts.link",
        "accounts.set_password",
        "accounts.reset",
        "employers.register",
    }
