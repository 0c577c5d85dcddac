"""CSV downloads that are safe to open in a spreadsheet.

A text cell that starts with =, +, -, @, a tab or a carriage return could be run as a formula (CSV
injection), so it gets a leading apostrophe, which spreadsheets show as text. Numbers are written as
numbers: a number cannot carry a formula, and escaping one would turn a gap of -5.0 into text.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from flask import Response

from web.reports.figures import SUPPRESSED, Cell, Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROUNDING = {"share": 1, "average": 2, "hours": 1}
PERCENT = " (%)"


def safe_text(text: str) -> str:
    """The text, with a leading apostrophe if a spreadsheet could take it for a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_value(cell: Cell) -> str | int | float:
    """What a cell holds in a CSV: shares (and gaps in them) as percentages, text made safe."""
    value = cell.value
    if cell.suppressed:
        return SUPPRESSED
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if cell.kind == "share":
        return round(float(value) * 100, ROUNDING["share"])
    if cell.kind in ROUNDING:
        return round(float(value), ROUNDING[cell.kind])
    return int(value) if isinstance(value, int | Decimal) and value == int(value) else float(value)


def _all_shares(cells: list[Cell]) -> bool:
    return bool(cells) and all(cell.kind == "share" for cell in cells)


def table_csv(table: Table) -> str:
    """The table as CSV text. A column or row of shares says (%) in its heading or label."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    head = [
        heading + (PERCENT if i and _all_shares([row[i] for row in table.rows]) else "")
        for i, heading in enumerate(table.head)
    ]
    writer.writerow([safe_text(heading) for heading in head])
    for row in table.rows:
        label, *cells = row
        first = csv_value(label)
        if isinstance(first, str) and label.kind == "label" and _all_shares(cells):
            first = safe_text(f"{label.value}{PERCENT}")
        writer.writerow([first, *(csv_value(cell) for cell in cells)])
    return out.getvalue()


def download(table: Table, filename: str) -> Response:
    """The table as a CSV file to save (with a byte-order mark, so spreadsheets read it as UTF-8)."""
    response = Response("\ufeff" + table_csv(table), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
