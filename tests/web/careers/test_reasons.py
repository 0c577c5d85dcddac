"""A proposal's reasons as the careers leader reads them."""

from __future__ import annotations

from web.careers.reasons import reasons


def test_an_online_place_counts_no_travel_not_nearness_to_home() -> None:
    online = reasons({"parts": {"online": 0.5, "route": 0.3}, "distance_km": None})
    assert online == [
        ("Online, so the student has no travel", 0.5),
        ("In an occupational route the student chose", 0.3),
    ]
    near = reasons({"parts": {"distance": 0.4}, "distance_km": 2.0})
    assert near == [("Near the student's home", 0.4)]
