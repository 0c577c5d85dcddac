"""The planner's vectorised gaps give the ledger's answers (web/planner/entitlements.py) pupil by pupil."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from web.dates import academic_year_of
from web.planner.entitlements import DEFAULT_TARGETS, Item, standing
from web.planner.gaps import PLANNED, Amounts, gaps

# The targets whose periods end with a school year (a provider pair's 28 February is the ledger's alone).
TARGETS = [t for t in DEFAULT_TARGETS if t.due == (7, 31) and not t.t_level_only]
school_day = st.dates(date(2020, 9, 1), date(2029, 7, 31)).filter(lambda day: day.month != 8)
item = st.tuples(st.integers(0, 4), school_day, st.sampled_from(PLANNED), st.integers(0, 12))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(7, 13), min_size=1, max_size=5),
    st.lists(item, max_size=30),
    st.dates(date(2026, 9, 1), date(2027, 7, 31)),
)
def test_gaps_agree_with_each_pupils_standing(
    years: list[int], raw: list[tuple[int, date, str, int]], today: date
) -> None:
    n = len(years)
    items: dict[int, list[Item]] = defaultdict(list)
    sums: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0.0] * 6)
    for pupil, day, measure, amount in raw:
        if pupil >= n:
            continue
        items[pupil].append(Item(day, measure, Decimal(amount)))
        sums[(pupil, academic_year_of(day))][PLANNED.index(measure) + (3 if day > today else 0)] += amount
    keys = sorted(sums)
    values = np.array([sums[k] for k in keys], dtype=float).reshape(-1, 6)
    amounts = Amounts(
        pupil=np.array([k[0] for k in keys], dtype=np.int64),
        year=np.array([k[1] for k in keys], dtype=np.int64),
        done=values[:, :3],
        booked=values[:, 3:],
    )
    for gap in gaps(TARGETS, np.array(years, dtype=np.int64), amounts, today):
        for pupil, year in enumerate(years):
            if not gap.target.applies(year):
                assert gap.short[pupil] == 0 and not gap.at_risk[pupil]
                continue
            expected = standing(gap.target, year, items[pupil], today)
            assert gap.done[pupil] == float(expected.done)
            assert gap.booked[pupil] == float(expected.booked)
            assert gap.at_risk[pupil] == (expected.status == "at_risk")
            open_ = expected.status in ("on_track", "at_risk")
            assert gap.short[pupil] == (float(expected.short) if open_ else 0.0)
