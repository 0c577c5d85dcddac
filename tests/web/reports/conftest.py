"""Reports are worked out as on one fixed day, so the figures these tests expect never drift."""

from __future__ import annotations

from datetime import date

import pytest

TODAY = date(2026, 12, 4)  # in the academic year 2026 to 2027


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    """The report pages and the API think it is TODAY."""
    monkeypatch.setattr("web.reports.views.london_today", lambda: TODAY)
    monkeypatch.setattr("web.reports.api.london_today", lambda: TODAY)
    return TODAY
