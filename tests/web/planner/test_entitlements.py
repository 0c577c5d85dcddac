"""The ledger's arithmetic: periods, milestones and statuses, as web/planner/entitlements.py states them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from web.planner.entitlements import DEFAULT_TARGETS, Item, ledger, past_spans, period, standing

TARGETS = {target.key: target for target in DEFAULT_TARGETS}
ENCOUNTER, KS3, PROVIDERS = TARGETS["encounter"], TARGETS["ks3_workplace"], TARGETS["providers_8_9"]
OCTOBER, MARCH = date(2026, 10, 5), date(2027, 3, 1)


def hours(day: date, amount: int) -> Item:
    return Item(day, "workplace_hours", Decimal(amount))


def test_a_span_counts_from_the_start_of_its_first_year_to_its_due_day() -> None:
    assert period(KS3, 8, OCTOBER) == (date(2025, 9, 1), date(2028, 7, 31))
    assert period(ENCOUNTER, 11, OCTOBER) == (date(2026, 9, 1), date(2027, 7, 31))
    assert period(PROVIDERS, 9, MARCH) == (date(2025, 9, 1), date(2027, 2, 28))


def test_early_in_the_year_a_pupil_not_behind_is_on_track_and_later_at_risk() -> None:
    # Year 8: milestone 15 hours by July, 5 by the end of Year 7; 6 hours done in Year 7.
    items = [hours(date(2026, 6, 1), 6)]
    assert standing(KS3, 8, items, OCTOBER).status == "on_track"
    later = standing(KS3, 8, items, MARCH)
    assert (later.status, later.done, later.due_this_year, later.short) == ("at_risk", 6, 15, 9)


def test_booked_hours_cover_the_milestone() -> None:
    items = [hours(date(2026, 6, 1), 6), hours(date(2027, 5, 10), 10)]
    result = standing(KS3, 8, items, MARCH)
    assert (result.status, result.done, result.booked) == ("on_track", 6, 10)


def test_behind_last_year_is_at_risk_even_in_autumn() -> None:
    assert standing(KS3, 8, [hours(date(2026, 6, 1), 2)], OCTOBER).status == "at_risk"


def test_the_whole_span_done_is_done_and_an_ended_span_short_is_missed() -> None:
    assert standing(KS3, 8, [hours(date(2026, 1, 1), 30)], OCTOBER).status == "done"
    ended = past_spans(list(DEFAULT_TARGETS), 10, [hours(date(2025, 3, 1), 12)], OCTOBER)
    ks3 = next(s for s in ended if s.target.key == "ks3_workplace")
    assert (ks3.status, ks3.done) == ("missed", 12)


def test_an_encounter_last_year_does_not_count_this_year() -> None:
    items = [Item(date(2026, 7, 1), "employer", Decimal(1))]
    assert standing(ENCOUNTER, 9, items, MARCH).done == 0
    assert (
        standing(ENCOUNTER, 9, [*items, Item(date(2027, 2, 1), "employer", Decimal(1))], MARCH).status
        == "done"
    )


def test_only_the_targets_of_the_pupils_year_and_t_level_apply() -> None:
    keys = [s.target.key for s in ledger(list(DEFAULT_TARGETS), 12, [], OCTOBER)]
    assert keys == ["encounter", "ks5_placement", "providers_12_13"]
    assert "t_level" in [s.target.key for s in ledger(list(DEFAULT_TARGETS), 12, [], OCTOBER, t_level=True)]


@given(
    st.lists(st.tuples(st.dates(date(2024, 9, 1), date(2028, 8, 31)), st.integers(0, 20)), max_size=12),
    st.dates(date(2026, 9, 1), date(2027, 8, 31)),
    st.integers(7, 9),
)
def test_done_and_booked_split_the_items_in_the_period(
    raw: list[tuple[date, int]], today: date, year_group: int
) -> None:
    items = [hours(day, amount) for day, amount in raw]
    result = standing(KS3, year_group, items, today)
    start, end = period(KS3, year_group, today)
    inside = [item for item in items if start <= item.on_date <= end]
    assert result.done + result.booked == sum(item.amount for item in inside)
    assert result.done == sum(item.amount for item in inside if item.on_date <= today)
    assert result.status == "done" if result.done >= KS3.final else result.status != "done"
