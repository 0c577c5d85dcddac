"""Pages of long lists (schools, employers, students, opportunities): which page was asked for, and the
GOV.UK pagination component's links, which keep the list's filters."""

from __future__ import annotations

from collections.abc import Callable
from math import ceil

from flask import request

from web.fields import whole_number

PER_PAGE = 50


def page_count(matching: int, per_page: int = PER_PAGE) -> int:
    """How many pages `matching` rows fill (one, however few)."""
    return max(1, ceil(matching / per_page))


def asked_page(pages: int, text: str | None = None) -> int:
    """The page asked for (`text`, else ?page= in the query string), within 1..pages; anything else is the
    first."""
    number = whole_number(request.args.get("page") if text is None else text, 6) or 1
    return min(max(number, 1), pages)


def pagination(page: int, pages: int, link: Callable[[int], str], label: str) -> dict[str, object]:
    """GOV.UK pagination: the first and last pages, this one and its neighbours, ellipses between; no
    items when everything fits on one page."""
    items: list[dict[str, object]] = []
    for number in range(1, pages + 1):
        if number in (1, pages) or abs(number - page) <= 1:
            items.append({"number": number, "href": link(number), "current": number == page})
        elif not items[-1].get("ellipsis"):
            items.append({"ellipsis": True})
    return {
        "items": items if pages > 1 else [],
        "previous": {"href": link(page - 1)} if page > 1 else None,
        "next": {"href": link(page + 1)} if page < pages else None,
        "landmarkLabel": label,
    }
