"""Where sign-in sends someone who was asked to sign in on the way to a page: back to that page when it is a
path on this site that their role may see, otherwise their role's home."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.exceptions import HTTPException

# The longest path worth returning to; anything longer is not a link this service wrote.
MAX_LENGTH = 2000
# Browsers drop tabs and line breaks from a URL and read "\" as "/", so "/\t/evil.example" or
# "/\evil.example" would go to another host: a path holding any of them (or any space) is refused.
_UNSAFE = re.compile(r"[\s\\\x00-\x1f\x7f]")


def return_path(target: str | None, role: str) -> str | None:
    """The path (and query) to go back to after sign-in, or None: only a path on this site ("/" once, no
    scheme or host), to a page that exists and that `role` may use."""
    if not target or len(target) > MAX_LENGTH or _UNSAFE.search(target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    try:
        endpoint, _ = current_app.url_map.bind("localhost").match(parts.path, method="GET")
    except HTTPException:  # no such page, or one that redirects elsewhere
        return None
    allowed = getattr(current_app.view_functions.get(endpoint), "allowed_roles", ())
    if role not in allowed or endpoint.startswith("auth."):
        return None  # a page they would be refused, or sign-in itself: their home is where they mean to go
    return target
