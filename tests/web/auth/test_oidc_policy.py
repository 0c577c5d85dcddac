"""The hub admin's sign-in settings per school (and for the hub's own admins): saved, checked, audited, and
refused to anyone but an admin of the school's own hub."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.pages import banner, error_messages
from web.dao import identities
from web.extensions import db
from web.models import AuditEvent, SignInPolicy


def _policies() -> list[SignInPolicy]:
    db.session.expire_all()
    return list(db.session.scalars(select(SignInPolicy)))


def test_a_hub_admin_sets_which_accounts_and_domains_a_school_can_sign_in_with(
    hub_admin_request: ClientRequest,
) -> None:
    hub = db.session.get(factories.Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined]
    school = factories.create_school(hub, name="Oakfield Academy")
    page = hub_admin_request.get("auth.school_sign_in", school_id=school.id)
    assert page.select_one("h1").get_text(strip=True) == "Sign-in for Oakfield Academy"
    # Neither provider has a client id in the tests' settings: the page says ticking has no effect yet.
    assert "Google and Microsoft sign-in is not set up on this service yet" in page.text

    saved = hub_admin_request.post(
        "auth.school_sign_in",
        {
            "providers": ["google", "microsoft"],
            "domains": "Oakfield.sch.uk\n\n@pupils.oakfield.sch.uk\noakfield.sch.uk",
        },
        school_id=school.id,
    )
    assert saved.location == f"/hub/schools/{school.id}/sign-in"
    [policy] = _policies()
    assert (policy.school_id, policy.hub_id) == (school.id, None)
    assert policy.providers == ["google", "microsoft"]
    assert policy.domains == ["oakfield.sch.uk", "pupils.oakfield.sch.uk"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in_policy_saved"))
    assert (event.record_type, event.record_id, event.user_id) == (
        "school",
        school.id,
        hub_admin_request.user.id,
    )  # type: ignore[attr-defined]

    page = hub_admin_request.get("auth.school_sign_in", school_id=school.id)
    assert "Sign-in settings saved" in banner(page)
    assert [box["value"] for box in page.select("input[name=providers][checked]")] == ["google", "microsoft"]
    assert (
        page.select_one("textarea[name=domains]").get_text().strip()
        == "oakfield.sch.uk\npupils.oakfield.sch.uk"
    )

    # Unticking both turns it off; the domains may go too.
    hub_admin_request.post("auth.school_sign_in", {"domains": ""}, school_id=school.id)
    [policy] = _policies()
    assert policy.providers == [] and policy.domains == []
    assert not identities.allows(policy, "google", "a@oakfield.sch.uk")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"providers": ["google"], "domains": "oakfield sch uk"},
            "Enter email domains like oakfield.sch.uk, not oakfield sch uk",
        ),
        (
            {"providers": ["google"], "domains": "name@"},
            "Enter email domains like oakfield.sch.uk, not name@",
        ),
        (
            {"providers": ["google"], "domains": ""},
            "Enter the email domains that can sign in with these accounts",
        ),
        ({"providers": ["facebook"], "domains": "oakfield.sch.uk"}, "Select accounts from the list"),
        (
            {"providers": ["google"], "domains": "\n".join(f"school{n}.sch.uk" for n in range(21))},
            "Enter 20 email domains or fewer",
        ),
        ({"providers": ["google"], "domains": "a" * 30000}, "Email domains must be 5080 characters or fewer"),
    ],
    ids=["spaces", "an address", "none", "unknown provider", "too many", "too long"],
)
def test_bad_sign_in_settings_get_a_message_and_nothing_is_saved(
    hub_admin_request: ClientRequest, data: dict[str, Any], message: str
) -> None:
    hub = db.session.get(factories.Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined]
    school = factories.create_school(hub)
    page = hub_admin_request.post("auth.school_sign_in", data, school_id=school.id, _expected_status=200)
    assert error_messages(page) == [message]
    assert page.title.get_text().startswith("Error: ")
    assert _policies() == []


def test_a_hub_admin_sets_how_the_hubs_own_admins_sign_in(hub_admin_request: ClientRequest) -> None:
    page = hub_admin_request.get("auth.hub_sign_in")
    assert page.select_one("h1").get_text(strip=True) == "Sign-in for your hub's admins"
    hub_admin_request.post("auth.hub_sign_in", {"providers": ["microsoft"], "domains": "gmca.gov.uk"})
    [policy] = _policies()
    assert (policy.hub_id, policy.school_id) == (hub_admin_request.user.hub_id, None)  # type: ignore[attr-defined]
    assert identities.policy_for_user(hub_admin_request.user) is not None  # type: ignore[attr-defined]
    assert identities.allows(policy, "microsoft", "ade@gmca.gov.uk")
    assert not identities.allows(policy, "google", "ade@gmca.gov.uk")
    assert not identities.allows(policy, "microsoft", "ade@gmca.gov.uk.evil.example")


def test_an_admin_of_another_hub_cannot_see_or_change_a_schools_sign_in_settings(
    hub_admin_request: ClientRequest,
) -> None:
    elsewhere = factories.create_school(factories.create_hub(name="Another hub"))
    hub_admin_request.get("auth.school_sign_in", _expected_status=404, school_id=elsewhere.id)
    data = {"providers": ["google"], "domains": "evil.example"}
    hub_admin_request.post("auth.school_sign_in", data, _expected_status=404, school_id=elsewhere.id)
    hub_admin_request.get("auth.school_sign_in", _expected_status=404, school_id=2**31 - 1)
    assert _policies() == []


@pytest.mark.parametrize("role", ["careers_leader", "employer", "student"])
def test_other_roles_are_refused_the_sign_in_settings(sign_in_as: Any, role: str) -> None:
    user = factories.create_user_for(role)
    school = factories.create_school()
    request = sign_in_as(user)
    request.get("auth.school_sign_in", _expected_status=403, school_id=school.id)
    request.get("auth.hub_sign_in", _expected_status=403)
    request.post(
        "auth.hub_sign_in", {"providers": ["google"], "domains": "evil.example"}, _expected_status=403
    )
    assert _policies() == []


def test_someone_not_signed_in_is_sent_to_sign_in(client_request: ClientRequest) -> None:
    school = factories.create_school()
    response = client_request.client.get(client_request.url("auth.school_sign_in", school_id=school.id))
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")
