from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__)


def register(app: Flask) -> None:
    """Add the blueprint to the app, with the routes of each of the package's view modules."""
    import web.auth.oidc  # noqa: F401 - sign-in with school accounts
    import web.auth.oidc_policy  # noqa: F401
    import web.auth.two_step  # noqa: F401 - two-step sign-in for staff
    import web.auth.two_step_admin  # noqa: F401
    from web.auth import views  # noqa: F401 - their routes join bp

    app.register_blueprint(bp)
