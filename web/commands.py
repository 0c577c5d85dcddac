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
