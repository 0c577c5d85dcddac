"""Command-line tasks: `flask seed-demo`."""

from __future__ import annotations

import click
from flask import Flask

# Made-up school names come from Greater Manchester's places; a few hundred is as many as they make.
MAX_SCHOOLS = 500


def _year_groups(text: str) -> tuple[int, ...]:
    """Year groups from text such as "10,11"; a clear message for anything but numbers 7 to 14."""
    try:
        years = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise click.BadParameter("Enter year groups as numbers separated by commas, like 10,11") from None
    if not years or not all(7 <= year <= 14 for year in years):
        raise click.BadParameter("Enter year groups from 7 to 14, like 10,11")
    return years


def register(app: Flask) -> None:
    """Add the app's commands to `flask`."""

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing if the database already has a hub.")
    @click.option(
        "--schools",
        type=click.IntRange(1, MAX_SCHOOLS),
        help="How many schools (default 3); more are spread over Greater Manchester.",
    )
    @click.option(
        "--students-per-year",
        type=click.IntRange(1, 1000),
        help="Students per school in each of --year-groups (default: 100 a school in Years 10 to 12).",
    )
    @click.option(
        "--year-groups",
        default="10",
        show_default=True,
        help="With --students-per-year: the year groups, e.g. 10,11.",
    )
    @click.option(
        "--opportunities",
        type=click.IntRange(1, 100_000),
        help="Published opportunities in all (default: two or four per vetted employer).",
    )
    def seed_demo(
        if_empty: bool,
        schools: int | None,
        students_per_year: int | None,
        year_groups: str,
        opportunities: int | None,
    ) -> None:
        """Fill the database with a demo careers hub and print one demo login per role; give sizes for a
        larger hub, e.g. --schools 200 --students-per-year 175 --opportunities 12000."""
        from web.demo import Size, seed

        size = Size(
            schools=schools or Size.schools,
            students_per_year=students_per_year,
            year_groups=_year_groups(year_groups),
            opportunities=opportunities,
        )
        seed(if_empty=if_empty, size=size)

    @app.cli.command("create-hub-admin")
    @click.option("--email", required=True, help="The first hub admin's email address.")
    @click.option("--hub", "hub_name", required=True, help="The careers hub's name.")
    @click.option("--area", default="", help="The area the hub covers, e.g. Greater Manchester.")
    @click.password_option(
        envvar="HUB_ADMIN_PASSWORD",
        help="Their password: asked for, twice, unless given here or in HUB_ADMIN_PASSWORD.",
    )
    def create_hub_admin(email: str, hub_name: str, area: str, password: str) -> None:
        """Create a careers hub (if it is new) and its first hub admin, who can then invite everyone else."""
        from web.dao.hubs import create_first_admin

        try:
            hub, user = create_first_admin(email, hub_name, area, password)
        except ValueError as problem:
            raise click.ClickException(str(problem)) from None
        click.echo(f"Hub admin {user.email} can now sign in to {hub.name}.")

    @app.cli.command("reset-two-step")
    @click.option("--email", required=True, help="The email address of the account to reset.")
    def reset_two_step(email: str) -> None:
        """Reset someone's two-step sign-in (a hub admin who lost their phone and recovery codes, whom no
        one in the service can reset): they are signed out and set it up again at their next sign-in."""
        from web.dao import two_step
        from web.dao.base import transaction
        from web.dao.users import get_user_by_email

        user = get_user_by_email(email)
        if user is None or not two_step.is_on(user.id):
            raise click.ClickException("No account with that email address has two-step sign-in turned on")
        with transaction():
            two_step.reset_for(user, None)
        click.echo(
            f"Two-step sign-in for {user.email} is reset; they set it up again when they next sign in."
        )
