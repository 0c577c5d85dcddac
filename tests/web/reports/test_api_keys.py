"""The hub admin's API keys: a new key's secret is shown once and only its hash kept; a revoked key stops
working at once."""

from __future__ import annotations

import hashlib

from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from web.extensions import db
from web.models import AuditEvent, Hub, HubApiToken


def _hub(request: ClientRequest) -> Hub:
    return db.session.get(Hub, request.user.hub_id)  # type: ignore[attr-defined]


def test_a_new_keys_secret_is_shown_once_and_only_its_hash_is_kept(
    app: Flask, hub_admin_request: ClientRequest
) -> None:
    page = hub_admin_request.post("reports.api_keys", {"name": "Hub dashboard"}, _expected_status=200)
    secret = page.select_one("input#new-key")["value"]
    assert len(secret) >= 43  # 256 bits
    key = db.session.scalars(select(HubApiToken)).one()
    assert (key.hub_id, key.name, key.created_by_id) == (
        hub_admin_request.user.hub_id,  # type: ignore[attr-defined]
        "Hub dashboard",
        hub_admin_request.user.id,  # type: ignore[attr-defined]
    )
    assert key.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(db.session.scalars(select(AuditEvent.detail)).all())
    # The key works, and the page never shows the secret again.
    api = app.test_client().get(
        f"/api/v1/hubs/{key.hub_id}/reports/benchmarks", headers={"Authorization": f"Bearer {secret}"}
    )
    assert api.status_code == 200
    again = hub_admin_request.get("reports.api_keys")
    assert secret not in str(again) and "Hub dashboard" in again.select_one("#api-keys-table").get_text()


def test_a_key_needs_a_name(hub_admin_request: ClientRequest) -> None:
    page = hub_admin_request.post("reports.api_keys", {"name": "  "}, _expected_status=200)
    assert "Enter a name for the key" in page.select_one(".govuk-error-summary").get_text()
    assert db.session.scalars(select(HubApiToken)).all() == []


def test_a_revoked_key_stops_working(app: Flask, hub_admin_request: ClientRequest) -> None:
    key, secret = factories.create_api_key(_hub(hub_admin_request), name="Old dashboard")
    path = f"/api/v1/hubs/{key.hub_id}/reports/schools"
    headers = {"Authorization": f"Bearer {secret}"}
    assert app.test_client().get(path, headers=headers).status_code == 200
    page = hub_admin_request.post("reports.revoke_api_key", key_id=key.id, _follow=True, _expected_status=200)
    assert "The key 'Old dashboard' is revoked" in page.get_text()
    assert db.session.get(HubApiToken, key.id).revoked_at is not None
    assert app.test_client().get(path, headers=headers).status_code == 401
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions == ["api_key_revoked"]
    # Revoking it again changes nothing.
    page = hub_admin_request.post("reports.revoke_api_key", key_id=key.id, _follow=True, _expected_status=200)
    assert "already revoked" in page.get_text()
    assert db.session.scalars(select(AuditEvent.action)).all() == ["api_key_revoked"]
