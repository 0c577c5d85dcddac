"""A hub's sub-processors: its hub admin lists them (a GOV.UK form with clear errors, audited), anyone can
read them, and nobody else can change them: other roles are refused and another hub's records do not exist."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.pages import banner, error_messages, rows
from web.extensions import db
from web.models import AuditEvent, Hub, SubProcessor

VALID = {
    "name": "Example Hosting Ltd",
    "purpose": "Hosts the service, its database and its backups",
    "location": "United Kingdom",
    "terms_url": "https://hosting.example/data-processing-agreement",
}


def create_sub_processor(hub: Hub, **overrides: Any) -> SubProcessor:
    record = SubProcessor(hub_id=hub.id, **{**VALID, **overrides})
    db.session.add(record)
    db.session.commit()
    return record


def _hub_of(request: ClientRequest) -> Hub:
    hub = db.session.get(Hub, request.user.hub_id)  # type: ignore[attr-defined]
    assert hub is not None
    return hub


def test_a_hub_admin_adds_a_sub_processor_and_anyone_can_read_it(
    hub_admin_request: ClientRequest, client_request: ClientRequest
) -> None:
    page = hub_admin_request.post("privacy.add", VALID, _follow=True, _expected_status=200)

    assert "Example Hosting Ltd added" in banner(page)
    record = db.session.scalars(select(SubProcessor)).one()
    assert (record.hub_id, record.created_by_id) == (_hub_of(hub_admin_request).id, hub_admin_request.user.id)  # type: ignore[attr-defined]
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.record_id, event.detail) == (
        "sub_processor_added",
        record.id,
        {"hub_id": record.hub_id},
    )

    public = client_request.get("privacy.published", hub_id=record.hub_id)
    assert rows(public, "sub-processors") == [
        [
            "Example Hosting Ltd",
            VALID["purpose"],
            "United Kingdom",
            "Data processing terms of Example Hosting Ltd",
        ]
    ]
    assert public.select_one("#sub-processors a")["href"] == VALID["terms_url"]
    listing = client_request.get("privacy.hubs")
    assert "1 sub-processor" in listing.select_one("#hubs").get_text(" ")


def test_changing_a_sub_processor_saves_and_audits_the_fields_that_changed(
    hub_admin_request: ClientRequest,
) -> None:
    record = create_sub_processor(_hub_of(hub_admin_request))
    form = hub_admin_request.get("privacy.change", sub_processor_id=record.id)
    assert form.select_one("#name")["value"] == "Example Hosting Ltd"

    hub_admin_request.post("privacy.change", {**VALID, "location": "Ireland"}, sub_processor_id=record.id)

    db.session.refresh(record)
    assert record.location == "Ireland"
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.detail) == ("sub_processor_changed", {"fields": ["location"]})


def test_removing_a_sub_processor_asks_first_then_takes_it_off_the_public_list(
    hub_admin_request: ClientRequest, client_request: ClientRequest
) -> None:
    record = create_sub_processor(_hub_of(hub_admin_request))
    hub_id = record.hub_id
    page = hub_admin_request.get("privacy.remove", sub_processor_id=record.id)
    assert "Remove Example Hosting Ltd" in page.h1.get_text()

    hub_admin_request.post("privacy.remove", {}, sub_processor_id=record.id)

    assert db.session.scalars(select(SubProcessor)).all() == []
    assert db.session.scalars(select(AuditEvent.action)).all() == ["sub_processor_removed"]
    public = client_request.get("privacy.published", hub_id=hub_id)
    assert "has not listed its sub-processors yet" in public.select_one("#sub-processors").get_text()


@pytest.mark.parametrize(
    ("changes", "messages"),
    [
        (
            {"name": "", "purpose": "", "location": "", "terms_url": ""},
            [
                "Enter the company's name",
                "Enter what they do with the data",
                "Enter where the data is processed",
                "Enter the link to their data processing terms",
            ],
        ),
        ({"name": "x" * 201}, ["Company name must be 200 characters or fewer"]),
        ({"purpose": "x" * 1001}, ["What they do must be 1000 characters or fewer"]),
        (
            {"terms_url": "hosting.example/terms"},
            ["Enter the link in the correct format, like https://www.example.com/data-processing-terms"],
        ),
        (
            {"terms_url": "javascript:alert(1)"},
            ["Enter the link in the correct format, like https://www.example.com/data-processing-terms"],
        ),
        (
            {"terms_url": "https://[::1"},
            ["Enter the link in the correct format, like https://www.example.com/data-processing-terms"],
        ),
        ({"terms_url": "https://" + "a" * 500}, ["Link to their terms must be 500 characters or fewer"]),
    ],
)
def test_bad_answers_get_a_message_naming_the_field_and_save_nothing(
    changes: dict[str, str], messages: list[str], hub_admin_request: ClientRequest
) -> None:
    page = hub_admin_request.post("privacy.add", {**VALID, **changes}, _expected_status=200)

    assert error_messages(page) == messages
    assert page.title.get_text().startswith("Error: ")
    assert db.session.scalars(select(SubProcessor)).all() == []
    assert db.session.scalars(select(AuditEvent)).all() == []


def test_a_bad_change_leaves_the_saved_record_as_it_was(hub_admin_request: ClientRequest) -> None:
    record = create_sub_processor(_hub_of(hub_admin_request))

    page = hub_admin_request.post(
        "privacy.change",
        {**VALID, "name": "", "location": "Mars"},
        _expected_status=200,
        sub_processor_id=record.id,
    )

    assert error_messages(page) == ["Enter the company's name"]
    db.session.refresh(record)
    assert (record.name, record.location) == ("Example Hosting Ltd", "United Kingdom")


ADMIN_ROUTES = [
    ("privacy.manage", "get", False),
    ("privacy.add", "get", False),
    ("privacy.add", "post", False),
    ("privacy.change", "get", True),
    ("privacy.change", "post", True),
    ("privacy.remove", "get", True),
    ("privacy.remove", "post", True),
]


@pytest.mark.parametrize("role", ["careers_leader", "employer", "student"])
@pytest.mark.parametrize(("endpoint", "method", "names_record"), ADMIN_ROUTES)
def test_other_roles_are_refused_the_hub_admins_pages(
    role: str, endpoint: str, method: str, names_record: bool, sign_in_as
) -> None:  # type: ignore[no-untyped-def]
    record = create_sub_processor(factories.create_hub())
    request = sign_in_as(factories.create_user_for(role))
    values = {"sub_processor_id": record.id} if names_record else {}

    if method == "get":
        request.get(endpoint, _expected_status=403, **values)
    else:
        request.post(endpoint, {**VALID, "name": "Taken over"}, _expected_status=403, **values)

    db.session.refresh(record)
    assert record.name == "Example Hosting Ltd"
    assert db.session.scalars(select(AuditEvent)).all() == []


@pytest.mark.parametrize(
    ("endpoint", "method", "names_record"), [route for route in ADMIN_ROUTES if route[2]]
)
def test_another_hubs_sub_processors_do_not_exist_for_a_hub_admin(
    endpoint: str, method: str, names_record: bool, hub_admin_request: ClientRequest
) -> None:
    theirs = create_sub_processor(factories.create_hub())

    if method == "get":
        hub_admin_request.get(endpoint, _expected_status=404, sub_processor_id=theirs.id)
    else:
        hub_admin_request.post(
            endpoint, {**VALID, "name": "Taken over"}, _expected_status=404, sub_processor_id=theirs.id
        )

    assert db.session.scalars(select(SubProcessor.name)).all() == ["Example Hosting Ltd"]
    assert db.session.scalars(select(AuditEvent)).all() == []


def test_a_hub_admin_sees_and_adds_only_their_own_hubs_list(hub_admin_request: ClientRequest) -> None:
    own = create_sub_processor(_hub_of(hub_admin_request), name="Our Mail Ltd")
    create_sub_processor(factories.create_hub(), name="Their Hosting Ltd")

    page = hub_admin_request.get("privacy.manage")

    assert [row[0] for row in rows(page, "sub-processors")] == ["Our Mail Ltd"]
    assert page.select_one(f'a[href="{hub_admin_request.url("privacy.published", hub_id=own.hub_id)}"]')


def test_nobody_signed_in_is_sent_to_sign_in_from_the_hub_admins_pages(client_request: ClientRequest) -> None:
    response = client_request.client.get(client_request.url("privacy.manage"))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_hub_that_does_not_exist_has_no_public_page(client_request: ClientRequest) -> None:
    client_request.get("privacy.published", hub_id=999, _expected_status=404)


def test_the_public_list_of_hubs_says_when_a_hub_has_listed_none(client_request: ClientRequest) -> None:
    hub = factories.create_hub(name="Northern Careers Hub")

    page = client_request.get("privacy.hubs")

    assert "Northern Careers Hub (no sub-processors listed yet)" in " ".join(
        page.select_one("#hubs").get_text(" ").split()
    )
    assert page.select_one(f'#hubs a[href="{client_request.url("privacy.published", hub_id=hub.id)}"]')
