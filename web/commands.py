"""Command-line tasks: `flask seed-demo`."""

from __future__ import annotations

import click
from flask import Flask


def register(app: Flask) -> None:
    """Add the app's commands to `flask`."""

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing if the database already has a hub.")
    def seed_demo(if_empty: bool) -> None:
        """Fill the database with a demo careers hub and print one demo login per role."""
        from web.demo import seed

        seed(if_empty=if_empty)

    @app.cli.command("create-hub-admin")
    @click.option("--email", required=True, help="The first hub admin's email address.")
    @click.option("--hub", "hub_name", required=True, help="The careers hub's name.")
    @click.option("--area", default="", help="The area the hub covers, e.g. Greater Manchester.")
    @click.password_option(help="Their password (asked for, twice, if not given).")
    def create_hub_admin(email: str, hub_name: str, area: str, password: str) -> None:
        """Create a careers hub (if it is new) and its first hub admin, who can then invite everyone else."""
        from web.dao.hubs import create_first_admin

        try:
            hub, user = create_first_admin(email, hub_name, area, password)
        except ValueError as problem:
            raise click.ClickException(str(problem)) from None
        click.echo(f"Hub admin {user.email} can now sign in to {hub.name}.")
