"""Instances are read per the format page, malformed ones refused naming the record; results written."""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.synthetic import make_instance
from matcher import InstanceError, allocate, dump_result, load_instance
from matcher.io import dump_instance
from tests.matcher.instances import create_document, create_placement, create_student, documents

FORMAT_PAGE_EXAMPLE = b"""{
  "format": "allocation-instance/1",
  "students": [
    {"id": "s1", "preferences": ["p3", "p1"], "categories": ["disadvantaged"], "school": "A"}
  ],
  "placements": [
    {"id": "p1", "capacity": 2, "reserves": {"disadvantaged": 1}, "max_per_school": 1},
    {"id": "p3", "capacity": 1}
  ],
  "scores": {"s1": {"p3": 0.82, "p1": 0.40}}
}"""


def good_document() -> dict[str, Any]:
    document = create_document(
        [
            create_student("s1", ["p1", "p2"], categories=["disadvantaged"], school="A"),
            create_student("s2", ["p2"], school="B"),
            create_student("s3", []),
        ],
        [
            create_placement("p1", 2, reserves={"disadvantaged": 1}, max_per_school=1),
            create_placement("p2", 1),
        ],
        {"s1": {"p1": 0.5, "p2": 0.25}, "s2": {"p2": 1}},
    )
    document["school_share"] = {"B": 1, "A": 1}
    return document


def test_the_format_page_example_loads_into_arrays() -> None:
    instance = load_instance(FORMAT_PAGE_EXAMPLE)
    assert instance.student_ids == ["s1"]
    assert instance.placement_ids == ["p1", "p3"]
    assert instance.pref_placement.tolist() == [1, 0]
    assert instance.pref_score.tolist() == [0.82, 0.40]
    assert instance.capacity.tolist() == [2, 1]
    assert instance.max_per_school.tolist() == [1, -1]
    assert instance.school_names == ["A"] and instance.student_school.tolist() == [0]
    assert instance.category_names == ["disadvantaged"]
    assert instance.student_categories.tolist() == [[True]]
    assert instance.reserve_ptr.tolist() == [0, 1, 1]
    assert instance.reserve_seats.tolist() == [1]


def test_load_instance_reads_a_path(tmp_path: Any) -> None:
    path = tmp_path / "instance.json"
    path.write_bytes(FORMAT_PAGE_EXAMPLE)
    assert load_instance(path).student_ids == ["s1"]
    assert load_instance(str(path)).student_ids == ["s1"]


def test_a_student_with_no_preferences_needs_no_scores() -> None:
    instance = load_instance(orjson.dumps(good_document()))
    assert instance.pref_ptr.tolist() == [0, 2, 3, 3]


def test_school_shares_are_read_by_school_name_in_the_order_of_school_names() -> None:
    assert load_instance(orjson.dumps(good_document())).school_share.tolist() == [1, 1]  # type: ignore[union-attr]
    document = good_document()
    document["school_share"] = {"B": 0, "A": 2}
    assert load_instance(orjson.dumps(document)).school_share.tolist() == [2, 0]  # type: ignore[union-attr]
    del document["school_share"]
    assert load_instance(orjson.dumps(document)).school_share is None


def broken(change: Any) -> bytes:
    document = good_document()
    change(document)
    return orjson.dumps(document)


def set_(path: tuple[Any, ...], value: Any) -> Any:
    def change(document: dict[str, Any]) -> None:
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


MALFORMED = {
    "bad JSON": (b'{"format": ', "not valid JSON"),
    "wrong format": (
        broken(set_(("format",), "allocation-instance/2")),
        '"format" must be "allocation-instance/1"',
    ),
    "students not a list": (broken(set_(("students",), {})), '"students" must be a JSON array'),
    "unknown preference": (
        broken(set_(("students", 1, "preferences"), ["p99"])),
        'student "s2": preference "p99" is not a placement',
    ),
    "preference not a string": (
        broken(set_(("students", 1, "preferences"), [2])),
        'student "s2": preference 2 is not a placement',
    ),
    "preference listed twice": (
        broken(set_(("students", 1, "preferences"), ["p2", "p2"])),
        'student "s2": preference "p2" is listed twice',
    ),
    "duplicate student id": (broken(set_(("students", 2, "id"), "s1")), 'student "s1": duplicate id'),
    "student id not a string": (broken(set_(("students", 1, "id"), 7)), 'student #2: "id" must be a string'),
    "duplicate placement id": (
        broken(lambda d: d["placements"].append(create_placement("p1"))),
        'placement "p1": duplicate id',
    ),
    "missing score": (
        broken(set_(("scores", "s1"), {"p1": 0.5})),
        'student "s1": no score for preference "p2"',
    ),
    "missing scores row": (broken(lambda d: d["scores"].pop("s2")), 'student "s2": no scores'),
    "score not a number": (
        broken(set_(("scores", "s2", "p2"), "high")),
        'student "s2": score for "p2" must be a finite number, not "high"',
    ),
    "score a boolean": (broken(set_(("scores", "s2", "p2"), True)), 'student "s2": score for "p2"'),
    "negative capacity": (
        broken(set_(("placements", 1, "capacity"), -1)),
        'placement "p2": capacity must be a whole number from 0 to 2147483647, not -1',
    ),
    "fractional capacity": (broken(set_(("placements", 1, "capacity"), 1.5)), 'placement "p2": capacity'),
    "huge capacity": (
        broken(lambda d: None).replace(b'"id":"p2","capacity":1', b'"id":"p2","capacity":' + b"9" * 30),
        'placement "p2": capacity must',
    ),
    "capacity past the limit": (
        broken(set_(("placements", 1, "capacity"), 2**31)),
        'placement "p2": capacity',
    ),
    "missing capacity": (broken(lambda d: d["placements"][1].pop("capacity")), 'placement "p2": capacity'),
    "reserves over capacity": (
        broken(set_(("placements", 0, "reserves"), {"disadvantaged": 2, "send": 1})),
        'placement "p1": reserves (3 seats) exceed capacity (2)',
    ),
    "negative reserve": (
        broken(set_(("placements", 0, "reserves"), {"disadvantaged": -1})),
        'placement "p1": reserve for "disadvantaged" must be a whole number from 0',
    ),
    "reserves not an object": (
        broken(set_(("placements", 0, "reserves"), ["disadvantaged"])),
        'placement "p1": "reserves" must be an object',
    ),
    "zero max_per_school": (
        broken(set_(("placements", 0, "max_per_school"), 0)),
        'placement "p1": max_per_school must be a whole number from 1 to 2147483647, not 0',
    ),
    "fractional max_per_school": (
        broken(set_(("placements", 0, "max_per_school"), 1.5)),
        'placement "p1": max_per_school',
    ),
    "categories not a list": (
        broken(set_(("students", 0, "categories"), "disadvantaged")),
        'student "s1": "categories" must be a list',
    ),
    "school not a string": (
        broken(set_(("students", 1, "school"), 3)),
        'student "s2": "school" must be a string',
    ),
    "school shares not an object": (
        broken(set_(("school_share",), [1, 1])),
        '"school_share" must be an object of school -> seats',
    ),
    "share for no student's school": (
        broken(set_(("school_share", "C"), 1)),
        '"school_share": "C" is no student\'s school',
    ),
    "school without a share": (
        broken(lambda d: d["school_share"].pop("A")),
        '"school_share": no share for school "A"',
    ),
    "negative share": (
        broken(set_(("school_share", "B"), -1)),
        '"school_share" for "B" must be a whole number from 0 to 2147483647, not -1',
    ),
    "fractional share": (broken(set_(("school_share", "A"), 0.5)), '"school_share" for "A" must be'),
}


@pytest.mark.parametrize("kind", MALFORMED)
def test_each_kind_of_malformed_instance_gives_a_message_naming_the_record(kind: str) -> None:
    data, message = MALFORMED[kind]
    with pytest.raises(InstanceError) as error:
        load_instance(data)
    assert message in str(error.value)


def test_the_first_offending_record_is_named() -> None:
    document = good_document()
    document["students"][1]["preferences"] = ["p98"]
    document["students"][2]["preferences"] = ["p99"]
    with pytest.raises(InstanceError, match='student "s2": preference "p98"'):
        load_instance(orjson.dumps(document))


@settings(max_examples=50, deadline=None)
@given(documents())
def test_an_instance_survives_a_round_trip_through_json(document: dict[str, Any]) -> None:
    instance = load_instance(orjson.dumps(document))
    again = load_instance(dump_instance(instance))
    for name in ("student_ids", "placement_ids", "school_names", "category_names"):
        assert getattr(again, name) == getattr(instance, name)
    if instance.school_share is None:
        assert again.school_share is None
    else:
        assert again.school_share is not None
        assert np.array_equal(again.school_share, instance.school_share)
    for name in (
        "pref_ptr",
        "pref_placement",
        "pref_score",
        "capacity",
        "max_per_school",
        "student_school",
        "student_categories",
        "reserve_ptr",
        "reserve_category",
        "reserve_seats",
    ):
        assert np.array_equal(getattr(again, name), getattr(instance, name)), name


def test_a_synthetic_instance_survives_a_round_trip_through_json() -> None:
    instance = make_instance(500, 200, seed=3, n_schools=5, capped_share=0.3, reserved_share=0.3)
    again = load_instance(dump_instance(instance))
    assert np.array_equal(again.pref_placement, instance.pref_placement)
    assert np.array_equal(again.pref_score, instance.pref_score)
    assert np.array_equal(again.reserve_seats, instance.reserve_seats)


def test_the_result_is_written_exactly_per_the_format_page() -> None:
    instance = load_instance(orjson.dumps(good_document()))
    result = allocate(instance, mechanism="stable", seed=4)
    written = orjson.loads(dump_result(instance, result))
    assert list(written) == [
        "format",
        "mechanism",
        "seed",
        "assignments",
        "unassigned",
        "objective",
        "fairness",
        "seconds",
    ]
    assert written["format"] == "allocation-result/1"
    assert written["mechanism"] == "stable" and written["seed"] == 4
    assert written["assignments"] == {"s1": "p1", "s2": "p2"}
    assert written["unassigned"] == ["s3"]
    assert written["objective"] == {"assigned": 2, "total_score": 1.5}
    assert written["fairness"]["overall"]["coverage"] == pytest.approx(2 / 3)
    assert set(written["seconds"]) >= {"solve"}


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-2, 2) | st.sampled_from(["p1", "s1", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["p1", "p2", "id"]), inner),
    max_leaves=4,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_corruption_is_either_valid_or_refused_with_a_named_message(data: st.DataObject) -> None:
    document = good_document()
    path = data.draw(st.sampled_from(paths(document)))
    set_(path, data.draw(JSON_VALUES))(document)
    try:
        load_instance(orjson.dumps(document))
    except InstanceError as error:
        assert str(error) != "malformed instance"
