"""Shared bits for the careers leader page tests."""

from __future__ import annotations

from bs4 import BeautifulSoup

from tests.conftest import ClientRequest
from web.extensions import db
from web.models import School


def rows(page: BeautifulSoup, table_id: str) -> list[list[str]]:
    """The text of each body row's cells in the table with this id."""
    table = page.select_one(f"#{table_id}")
    assert table is not None, f"no #{table_id} on the page"
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")] for row in table.select("tbody tr")
    ]


def school_of(request: ClientRequest) -> School:
    """The careers leader's own school."""
    return db.session.get(School, request.user.school_id)  # type: ignore[attr-defined]


def error_messages(page: BeautifulSoup) -> list[str]:
    """The messages in the page's error summary."""
    return [item.get_text(strip=True) for item in page.select(".govuk-error-summary__list li")]
