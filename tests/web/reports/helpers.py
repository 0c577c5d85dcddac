"""Reading the report pages' tables and the CSV downloads."""

from __future__ import annotations

import csv
import io

from bs4 import BeautifulSoup


def table_rows(page: BeautifulSoup, table_id: str) -> dict[str, list[str]]:
    """A figures table's rows by their first cell's text, each the rest of its cells' text."""
    table = page.select_one(f"table#{table_id}")
    assert table is not None, f"no table #{table_id}"
    rows = {}
    for row in table.select("tbody tr"):
        cells = [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        rows[cells[0]] = cells[1:]
    return rows


def csv_rows(data: bytes) -> list[list[str]]:
    """A CSV download's rows (its byte-order mark removed)."""
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
