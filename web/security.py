"""Security headers on every response: one after_request, so no view can forget them."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_login import current_user
from werkzeug.wrappers import Response

# The one inline script we allow: govuk_frontend_jinja's template.html marks the body js-enabled before it
# renders, so nothing flashes unstyled. Its text never changes per request, so a hash (the one GOV.UK
# Frontend publishes for it) needs no nonce plumbing; a test fails if the library's script changes.
GOVUK_TEMPLATE_SCRIPT_HASH = "sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw="

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' '{GOVUK_TEMPLATE_SCRIPT_HASH}'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Features the service never uses; turning them off means an injected script cannot use them either.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
}


def register(app: Flask) -> None:
    """Add the security headers to every response the app sends."""
    app.after_request(_add_headers)


def _add_headers(response: Response) -> Response:
    # A page that set a stricter header of its own keeps it (the consent link's no-referrer, say).
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    max_age = current_app.config.get("HSTS_MAX_AGE", 0)
    if max_age:
        response.headers["Strict-Transport-Security"] = f"max-age={max_age}"
    # Static files are the same for everyone; asking who is signed in would cost a query per file.
    if request.endpoint != "static" and current_user.is_authenticated:
        # A signed-in page holds someone's personal data: keep it out of every cache, the browser's too.
        response.headers["Cache-Control"] = "no-store"
    return response
