"""flask create-hub-admin: the first hub and the admin who invites everyone else."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from tests.conftest import ClientRequest
from web.extensions import db
from web.models import Hub, User

PASSWORD = "a long enough password"


def _create(app: Flask, *args: str) -> object:
    return app.test_cli_runner().invoke(args=["create-hub-admin", *args])


def test_create_hub_admin_makes_the_hub_and_an_admin_who_can_sign_in(
    app: Flask, client_request: ClientRequest
) -> None:
    result = _create(
        app, "--email", "First@Hub.example", "--hub", "  Tees  Valley Careers Hub ", "--password", PASSWORD
    )
    assert result.exit_code == 0, result.output
    assert "Hub admin first@hub.example can now sign in to Tees Valley Careers Hub." in result.output
    hub = db.session.scalar(select(Hub))
    admin = db.session.scalar(select(User))
    assert (hub.name, admin.role, admin.hub_id) == ("Tees Valley Careers Hub", "hub_admin", hub.id)
    page = client_request.post("auth.sign_in", {"email": "first@hub.example", "password": PASSWORD})
    assert page.location.endswith("/hub/")


def test_create_hub_admin_refuses_a_taken_email_a_short_password_and_a_blank_hub(app: Flask) -> None:
    assert _create(app, "--email", "a@hub.example", "--hub", "Hub", "--password", PASSWORD).exit_code == 0
    taken = _create(app, "--email", "A@hub.example", "--hub", "Hub", "--password", PASSWORD)
    short = _create(app, "--email", "b@hub.example", "--hub", "Hub", "--password", "short")
    blank = _create(app, "--email", "c@hub.example", "--hub", "  ", "--password", PASSWORD)
    assert "a@hub.example already has an account" in taken.output and taken.exit_code == 1
    assert "at least 10 characters" in short.output and short.exit_code == 1
    assert "Give the hub's name" in blank.output and blank.exit_code == 1
    assert len(db.session.scalars(select(User)).all()) == 1
    assert len(db.session.scalars(select(Hub)).all()) == 1


def test_create_hub_admin_takes_the_password_from_the_environment_or_asks_for_it_twice(app: Flask) -> None:
    runner = app.test_cli_runner()
    from_env = runner.invoke(
        args=["create-hub-admin", "--email", "env@hub.example", "--hub", "Hub"],
        env={"HUB_ADMIN_PASSWORD": PASSWORD},
    )
    asked = runner.invoke(
        args=["create-hub-admin", "--email", "asked@hub.example", "--hub", "Hub"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert from_env.exit_code == 0 and "Password" not in from_env.output, from_env.output
    assert asked.exit_code == 0 and "Repeat for confirmation" in asked.output, asked.output
    assert set(db.session.scalars(select(User.email))) == {"env@hub.example", "asked@hub.example"}
