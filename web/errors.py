"""Error pages in GOV.UK style."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

TITLES = {
    400: "Sorry, there is a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "Sorry, you cannot do that here",
    413: "The file is too big",
    429: "Too many attempts",
}
DETAILS = {429: "Wait a few minutes, then try again."}


def register(app: Flask) -> None:
    """Render HTTP errors as pages."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_template(
            "error.html", title="Your form has expired", detail="Go back, reload the page and try again."
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        title = TITLES.get(code, "Sorry, there is a problem with the service")
        return render_template("error.html", title=title, detail=DETAILS.get(code, "")), code
