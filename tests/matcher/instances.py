"""Test data: small instances written as the JSON documents an analyst would, plus a hypothesis strategy."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import strategies as st

from matcher.instance import Instance
from matcher.io import load_instance

CATEGORIES = ("disadvantaged", "send")
SCHOOLS = ("A", "B", None)


def create_student(id: str, preferences: list[str], **overrides: Any) -> dict[str, Any]:
    """A student record; categories and school only when given."""
    return {"id": id, "preferences": preferences, **overrides}


def create_placement(id: str, capacity: int = 1, **overrides: Any) -> dict[str, Any]:
    """A placement record; reserves and max_per_school only when given."""
    return {"id": id, "capacity": capacity, **overrides}


def create_document(
    students: list[dict[str, Any]],
    placements: list[dict[str, Any]],
    scores: dict[str, dict[str, float]] | None = None,
) -> dict[str, Any]:
    """An instance document; scores default to 1.0 for every listed pair."""
    if scores is None:
        scores = {s["id"]: {p: 1.0 for p in s["preferences"]} for s in students if s["preferences"]}
    return {
        "format": "allocation-instance/1",
        "students": students,
        "placements": placements,
        "scores": scores,
    }


def create_instance(*args: Any, **kwargs: Any) -> Instance:
    """An Instance loaded from create_document(...), so tests go through the real reader."""
    return load_instance(orjson.dumps(create_document(*args, **kwargs)))


@st.composite
def documents(
    draw: st.DrawFn,
    max_students: int = 6,
    max_placements: int = 4,
    reserves: bool = True,
    caps: bool = True,
    ties: bool = True,
    shares: bool = True,
) -> dict[str, Any]:
    """Small random instance documents, with reserves, school caps, school shares and tied scores unless
    turned off (shares only where caps bring schools, and then in about half the documents)."""
    n = draw(st.integers(1, max_students))
    m = draw(st.integers(1, max_placements))
    placement_ids = [f"p{j}" for j in range(m)]
    placements = []
    for pid in placement_ids:
        capacity = draw(st.integers(0, 3))
        record = create_placement(pid, capacity)
        if reserves and capacity and draw(st.booleans()):
            order = draw(st.permutations(CATEGORIES))[: draw(st.integers(1, len(CATEGORIES)))]
            left = capacity
            record["reserves"] = {}
            for category in order:
                seats = draw(st.integers(0, left))
                record["reserves"][category] = seats
                left -= seats
        if caps and draw(st.booleans()):
            record["max_per_school"] = draw(st.integers(1, 2))
        placements.append(record)
    students = []
    scores: dict[str, dict[str, float]] = {}
    # With ties, scores come from a tiny set so the lottery decides often; without, they are all distinct.
    distinct = iter(draw(st.permutations(range(n * m))))
    for i in range(n):
        sid = f"s{i}"
        prefs = draw(st.permutations(placement_ids))[: draw(st.integers(0, m))]
        record = create_student(sid, list(prefs))
        if reserves:
            record["categories"] = draw(st.lists(st.sampled_from(CATEGORIES), unique=True, max_size=2))
        school = draw(st.sampled_from(SCHOOLS)) if caps else None
        if school is not None:
            record["school"] = school
        students.append(record)
        if prefs:
            scores[sid] = {p: float(draw(st.integers(0, 2))) if ties else next(distinct) / 10 for p in prefs}
    document = create_document(students, placements, scores)
    if shares and caps and draw(st.booleans()):
        schools = sorted({record["school"] for record in students if "school" in record})
        document["school_share"] = {name: draw(st.integers(0, 3)) for name in schools}
    return document
