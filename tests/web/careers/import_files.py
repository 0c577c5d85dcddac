"""Making MIS export files for the import tests: real UPNs, and CSV bytes as an MIS gives them."""

from __future__ import annotations

import csv
import io
from typing import Any

from web.careers.import_csv import upn_check_letter

HEADER = [
    "UPN",
    "Legal Forename",
    "Preferred Forename",
    "Legal Surname",
    "DOB",
    "Year",
    "Postcode",
    "Pupil Premium",
    "SEN Status",
    "Email",
    "Primary Contact",
    "Primary Contact Email",
]


def upn(n: int) -> str:
    """The n-th made-up UPN, with its right check letter."""
    rest = f"801200005{n:03d}"
    return upn_check_letter(rest) + rest


def pupil(n: int, **overrides: Any) -> dict[str, str]:
    """A row for the n-th pupil, keyed by HEADER's column names."""
    row = {
        "UPN": upn(n),
        "Legal Forename": f"Pupil{n}",
        "Preferred Forename": "",
        "Legal Surname": f"Surname{n:03d}",
        "DOB": "27/03/2011",
        "Year": "Year 10",
        "Postcode": "M14 5TP",
        "Pupil Premium": "N",
        "SEN Status": "N",
        "Email": f"pupil{n}@school.example.org",
        "Primary Contact": f"Parent {n}",
        "Primary Contact Email": f"parent{n}@example.org",
    }
    return {**row, **overrides}


def csv_bytes(rows: list[dict[str, str]], header: list[str] | None = None, encoding: str = "utf-8") -> bytes:
    """The rows as a CSV file with a header row, each row's missing columns empty."""
    header = header or HEADER
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return out.getvalue().encode(encoding)
