"""Role checks: every view carries one, and a guard test makes sure of it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])


def role_required(*roles: str) -> Callable[[F], F]:
    """Let only signed-in users with one of these roles through; others get 403, strangers sign in."""

    def decorate(view: F) -> F:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                from web.extensions import login_manager

                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        checked.allowed_roles = roles  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    """Mark a view as open to everyone (sign-in, the parent's consent link), so the guard test knows."""
    view.allowed_roles = ("public",)  # type: ignore[attr-defined]
    return view


def owned_or_404(record: Any, **owner: int | None) -> Any:
    """The record if its owner columns match (e.g. employer_id=...); 404 otherwise, so ids reveal nothing."""
    if record is None or any(
        value is None or getattr(record, column) != value for column, value in owner.items()
    ):
        abort(404)
    return record
