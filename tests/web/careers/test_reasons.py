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


def test_plain_words_say_from_school_for_a_pupil_measured_from_there() -> None:
    from types import SimpleNamespace

    from web.careers.reasons import plain_reasons

    def row(parts: dict[str, float]) -> SimpleNamespace:
        explanation = {"parts": parts, "distance_km": 3.2}
        return SimpleNamespace(explanation=explanation, rank=None, route="digital", remote=False)

    assert "About 3 km from school" in plain_reasons(row({"from_school": 0.3}))
    assert "About 3 km from home" in plain_reasons(row({"distance": 0.3}))
