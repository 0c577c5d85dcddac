"""Register your organisation: an employer signs itself up with a careers hub, pending the hub's check."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, link_in, outbox, sent_to
from tests.web.pages import banner, error_messages
from web.extensions import db
from web.models import AuditEvent, Employer, User

PASSWORD = "plenty of words here"


def registration(**overrides: Any) -> dict[str, Any]:
    """A complete, valid registration."""
    fields = {
        "kind": "employer",
        "name": "Zest Kitchens",
        "route": "catering-and-hospitality",
        "postcode": "m1 1ad",
        "contact_name": "Kim Contact",
        "contact_email": "kim@zest.example",
        "contact_phone": "0161 496 0000",
        "email": "Kim@Zest.example",
        "password": PASSWORD,
        "confirm_password": PASSWORD,
    }
    return {**fields, **overrides}


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_anyone_can_open_the_page_and_with_one_hub_it_is_not_asked(client_request: ClientRequest) -> None:
    factories.create_hub()

    page = client_request.get("employers.register")

    assert page.h1.text.strip() == "Register your organisation"
    assert page.find("input", {"name": "hub"}) is None
    assert page.find("select", {"name": "route"})
    assert len(page.select("select[name=route] option")) == 16  # "Choose a sector" and the 15 routes


def test_a_new_employer_is_pending_with_a_first_user_who_is_signed_in(client_request: ClientRequest) -> None:
    hub = factories.create_hub()

    page = client_request.post("employers.register", registration())

    employer = db.session.scalar(select(Employer))
    assert (employer.hub_id, employer.name, employer.route, employer.postcode, employer.status) == (
        hub.id,
        "Zest Kitchens",
        "catering-and-hospitality",
        "M1 1AD",
        "pending",
    )
    assert (employer.contact_name, employer.contact_email, employer.contact_phone) == (
        "Kim Contact",
        "kim@zest.example",
        "0161 496 0000",
    )
    user = db.session.scalar(select(User))
    assert (user.email, user.role, user.employer_id, user.name, user.active) == (
        "kim@zest.example",
        "employer",
        employer.id,
        "Kim Contact",
        True,
    )
    assert page.location == client_request.url("employers.organisation")
    signed_in = client_request.get("employers.organisation")
    assert "Your organisation is registered" in banner(signed_in)
    actions = {(event.action, event.record_type) for event in db.session.scalars(select(AuditEvent))}
    assert actions == {("employer_registered", "employer"), ("user_created", "user")}


def test_the_form_asks_what_kind_of_organisation_it_is_an_employer_unless_changed(
    client_request: ClientRequest,
) -> None:
    factories.create_hub()

    page = client_request.get("employers.register")

    kinds = [box["value"] for box in page.select("input[name=kind]")]
    assert kinds == [
        "employer",
        "fe_college",
        "sixth_form_college",
        "utc",
        "training_provider",
        "apprenticeship_provider",
        "university",
    ]
    assert [box["value"] for box in page.select("input[name=kind][checked]")] == ["employer"]


@pytest.mark.parametrize("kind", ["fe_college", "apprenticeship_provider", "employer"])
def test_a_provider_registers_as_its_kind_and_waits_for_the_hub_as_an_employer_does(
    client_request: ClientRequest, kind: str
) -> None:
    factories.create_hub()

    client_request.post("employers.register", registration(kind=kind))

    employer = db.session.scalar(select(Employer))
    assert (employer.kind, employer.status) == (kind, "pending")


@pytest.mark.parametrize("kind", ["", "school", "EMPLOYER"])
def test_a_kind_not_on_the_list_is_refused(client_request: ClientRequest, kind: str) -> None:
    factories.create_hub()

    page = client_request.post("employers.register", registration(kind=kind), _expected_status=200)

    assert error_messages(page) == ["Select what kind of organisation it is"]
    assert _count(Employer) == _count(User) == 0


def test_the_first_user_can_sign_in_with_their_password_at_once(
    client_request: ClientRequest, app: Flask
) -> None:
    factories.create_hub()
    client_request.post("employers.register", registration())

    someone_else = ClientRequest(app.test_client(), app)
    page = someone_else.post("auth.sign_in", {"email": "kim@zest.example", "password": PASSWORD})

    assert page.location == someone_else.url("employers.opportunities")


def test_the_hubs_admins_are_told_a_new_employer_has_registered(client_request: ClientRequest) -> None:
    hub = factories.create_hub(name="Greater Manchester Careers Hub")
    admin = factories.create_user_for("hub_admin", hub, email="admin@hub.example")
    factories.create_user_for(
        "hub_admin", factories.create_hub(name="Another Hub"), email="other@hub.example"
    )

    client_request.post("employers.register", registration(hub=str(hub.id)))

    deliver_queued()
    assert [message.to for message in outbox()] == [admin.email]
    (message,) = sent_to(admin.email)
    assert message.subject == "A new employer has registered: Zest Kitchens"
    employer = db.session.scalar(select(Employer).where(Employer.name == "Zest Kitchens"))
    assert link_in(message) == f"/hub/employers/{employer.id}"


def test_with_several_hubs_the_employer_chooses_which_to_join(client_request: ClientRequest) -> None:
    factories.create_hub(name="Greater Manchester Careers Hub")
    lancashire = factories.create_hub(name="Lancashire Careers Hub")

    page = client_request.get("employers.register")
    labels = [label.get_text(strip=True) for label in page.select("label[for^=hub]")]
    assert labels == ["Greater Manchester Careers Hub", "Lancashire Careers Hub"]

    unanswered = client_request.post("employers.register", registration(), _expected_status=200)
    assert error_messages(unanswered) == ["Select the careers hub you are joining"]

    client_request.post("employers.register", registration(hub=str(lancashire.id)))
    assert db.session.scalar(select(Employer.hub_id)) == lancashire.id


def test_a_hub_that_is_not_in_the_list_is_refused(client_request: ClientRequest) -> None:
    factories.create_hub()
    factories.create_hub()

    page = client_request.post("employers.register", registration(hub="999999"), _expected_status=200)

    assert error_messages(page) == ["Select the careers hub you are joining"]
    assert _count(Employer) == 0


def test_an_email_address_with_an_account_is_refused_without_saying_whose(
    client_request: ClientRequest,
) -> None:
    hub = factories.create_hub()
    factories.create_user_for("careers_leader", factories.create_school(hub), email="kim@zest.example")

    page = client_request.post(
        "employers.register", registration(email="KIM@zest.example "), _expected_status=200
    )

    assert error_messages(page) == [
        "An account with this email address already exists. Sign in, or use a different email address"
    ]
    assert "careers leader" not in page.get_text(" ", strip=True).lower()
    assert _count(Employer) == 0
    assert _count(User) == 1


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("short one", "short one", "Password must be 10 characters or more"),
        (PASSWORD, PASSWORD + "!", "The passwords do not match. Enter the same password twice"),
        ("x" * 1025, "x" * 1025, "Password must be 1024 characters or fewer"),
        ("", "", "Enter a password"),
    ],
)
def test_a_password_too_short_too_long_or_not_confirmed_is_refused(
    client_request: ClientRequest, password: str, confirm: str, message: str
) -> None:
    factories.create_hub()

    page = client_request.post(
        "employers.register", registration(password=password, confirm_password=confirm), _expected_status=200
    )

    assert message in error_messages(page)
    assert _count(Employer) == _count(User) == 0


def test_a_password_of_exactly_ten_characters_is_enough(client_request: ClientRequest) -> None:
    factories.create_hub()

    client_request.post(
        "employers.register", registration(password="0123456789", confirm_password="0123456789")
    )

    assert _count(Employer) == 1


def test_every_question_left_empty_is_named(client_request: ClientRequest) -> None:
    factories.create_hub()
    empty = dict.fromkeys(registration(), "")

    page = client_request.post("employers.register", empty, _expected_status=200)

    assert error_messages(page) == [
        "Enter the contact's full name",
        "Enter the contact's email address",
        "Enter the contact's telephone number",
        "Select what kind of organisation it is",
        "Enter your organisation's name",
        "Select your organisation's sector",
        "Enter your organisation's postcode",
        "Enter your email address",
        "Enter a password",
        "Enter your password again",
    ]
    assert page.title.text.startswith("Error: ")


def test_a_wrong_postcode_phone_number_or_email_address_is_named(client_request: ClientRequest) -> None:
    factories.create_hub()

    page = client_request.post(
        "employers.register",
        registration(postcode="ZZ1 1ZZ", contact_phone="call me", contact_email="kim at zest", email="kim@"),
        _expected_status=200,
    )

    assert error_messages(page) == [
        "Enter an email address in the correct format, like name@example.com",
        "Enter a telephone number, like 01632 960 001 or 07700 900 982",
        "Enter a real postcode, like M1 1AD",
        "Enter an email address in the correct format, like name@example.com",
    ]


def test_someone_signed_in_is_sent_to_their_own_home(employer_request: ClientRequest) -> None:
    response = employer_request.client.get(employer_request.url("employers.register"))

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/")


def test_with_no_hub_in_the_service_the_page_says_registering_is_not_possible(
    client_request: ClientRequest,
) -> None:
    page = client_request.get("employers.register")

    assert "No careers hub uses this service yet" in page.get_text(" ", strip=True)
    assert page.find("form", method="post") is None


def test_registrations_from_one_address_are_rate_limited_with_a_plain_page(
    client_request: ClientRequest,
) -> None:
    factories.create_hub()
    for n in range(10):
        client_request.post(
            "employers.register",
            registration(email=f"person{n}@example.org", password="x"),
            _expected_status=200,
        )

    response = client_request.client.post(
        client_request.url("employers.register"),
        data={"csrf_token": client_request.csrf_token, **registration()},
    )

    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert _count(Employer) == 0


def test_a_pending_employer_can_save_a_draft_but_not_publish(client_request: ClientRequest) -> None:
    factories.create_hub()
    client_request.post("employers.register", registration())
    from tests.web.employers.test_opportunities import valid_form

    client_request.post("employers.new_opportunity", valid_form())
    opportunity_id = db.session.scalar(
        select(func.max(AuditEvent.record_id)).where(AuditEvent.action == "opportunity_created")
    )
    page = client_request.post(
        "employers.publish_opportunity", opportunity_id=opportunity_id, _follow=True, _expected_status=200
    )

    assert "has not approved your organisation yet" in banner(page)
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "opportunity_published")
        )
        == 0
    )
