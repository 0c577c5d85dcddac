"""Why the planner gave a pupil a place, in words for the careers leader who approves it."""

from __future__ import annotations

from decimal import Decimal

from web.planner.entitlements import MEASURES

UNITS = {"employer": "encounter", "provider": "provider encounter", "workplace_hours": "hour"}


def reason(
    measure: str, need: Decimal, amount: Decimal, at_risk: bool, priority: bool, tutor_group: str | None
) -> str:
    """ "Hours in workplaces: 9 more hours needed this year (at risk); this gives 3. ..." """
    unit = UNITS.get(measure, "")
    words = (
        f"{MEASURES.get(measure, measure)}: {need:g} more {unit}{'' if need == 1 else 's'} needed this year"
    )
    words += " (at risk)" if at_risk else ""
    words += f"; this gives {amount:g}."
    if priority:
        words += " Disadvantaged or SEND: served before others of the same need."
    if tutor_group:
        words += f" With the whole of tutor group {tutor_group} and its staff."
    return words
