"""Reading pages in tests: tables, error summaries and banners as plain text."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag


def _text(element: Tag) -> str:
    return " ".join(element.get_text(" ").split())


def rows(page: BeautifulSoup, table_id: str, cells: str = "th, td") -> list[list[str]]:
    """The text of each body row's cells (header and data cells unless told) in the table with this id."""
    table = page.select_one(f"#{table_id}")
    assert table is not None, f"no #{table_id} on the page"
    return [[_text(cell) for cell in row.select(cells)] for row in table.select("tbody tr")]


def error_messages(page: BeautifulSoup) -> list[str]:
    """The messages in the page's error summary."""
    return [_text(item) for item in page.select(".govuk-error-summary__list li")]


def banner(page: BeautifulSoup) -> str:
    """The text of the notification banners."""
    return " ".join(_text(item) for item in page.select(".govuk-notification-banner"))
