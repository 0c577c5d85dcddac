"""Accounts: emailed links, choosing a password, resets and each organisation's team.

The blueprint is here; register() brings in the routes of views.py (links, resets) and team.py.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("accounts", __name__, url_prefix="/account")


def register(app: Flask) -> None:
    """Add the blueprint to the app, with the routes of each of the package's view modules."""
    import web.accounts.views  # noqa: F401 - first, as its routes were registered first
    from web.accounts import team  # noqa: F401 - their routes join bp

    app.register_blueprint(bp)
