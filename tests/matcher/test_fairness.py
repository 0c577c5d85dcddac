"""The fairness report counts coverage, rank received, reserve fill and pathway share correctly."""

from __future__ import annotations

import dataclasses

import numpy as np
import orjson
import pytest

from bench.synthetic import make_instance
from matcher.fairness import fairness_report
from matcher.instance import Instance
from matcher.shares import with_school_shares
from tests.matcher.instances import create_instance, create_placement, create_student


def small_instance() -> Instance:
    return create_instance(
        [
            create_student("s1", ["p1", "p2"], categories=["disadvantaged"], school="A"),
            create_student("s2", ["p1", "p2"], school="A"),
            create_student("s3", ["p2"], categories=["disadvantaged", "send"], school="B"),
            create_student("s4", ["p1"], school="B"),
        ],
        [
            create_placement("p1", 2, reserves={"disadvantaged": 1, "send": 1}),
            create_placement("p2", 2, reserves={"send": 1}),
        ],
    )


def test_coverage_and_mean_rank_are_reported_overall_by_category_and_by_school() -> None:
    instance = small_instance()
    # s1 -> p2 (rank 2), s2 -> p1 (rank 1), s3 -> p2 (rank 1), s4 unplaced.
    report = fairness_report(instance, np.array([1, 0, 1, -1], dtype=np.int32))
    assert report["overall"] == {
        "students": 4,
        "assigned": 3,
        "coverage": 0.75,
        "mean_rank": pytest.approx(4 / 3),
    }
    assert report["rank_counts"] == [2, 1]
    by_category = report["by_category"]
    assert by_category["disadvantaged"] == {"students": 2, "assigned": 2, "coverage": 1.0, "mean_rank": 1.5}
    assert by_category["send"] == {"students": 1, "assigned": 1, "coverage": 1.0, "mean_rank": 1.0}
    assert report["by_school"] == {
        "A": {"students": 2, "assigned": 2, "coverage": 1.0, "mean_rank": 1.5},
        "B": {"students": 2, "assigned": 1, "coverage": 0.5, "mean_rank": 1.0},
    }


def test_a_group_with_nobody_placed_has_no_mean_rank() -> None:
    report = fairness_report(small_instance(), np.full(4, -1, dtype=np.int32))
    assert report["overall"] == {"students": 4, "assigned": 0, "coverage": 0.0, "mean_rank": None}


def test_reserve_fill_counts_category_students_up_to_the_seats_reserved() -> None:
    # p1 holds s2 only (no category), p2 holds s1 and s3: its send seat is filled by s3.
    report = fairness_report(small_instance(), np.array([1, 0, 1, -1], dtype=np.int32))
    assert report["reserves"] == {
        "disadvantaged": {"seats": 1, "filled": 0},
        "send": {"seats": 2, "filled": 1},
    }


def test_pathway_share_is_reported_when_pathways_are_given() -> None:
    report = fairness_report(
        small_instance(), np.array([1, 0, 1, -1], dtype=np.int32), placement_pathway=["technical", "academic"]
    )
    assert report["pathway_share"] == {
        "technical": pytest.approx(1 / 3),
        "academic": pytest.approx(2 / 3),
        "both": 0,
    }
    assert "pathway_share" not in fairness_report(small_instance(), np.full(4, -1, dtype=np.int32))


def test_an_unknown_pathway_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown pathway 'vocational'"):
        fairness_report(
            small_instance(), np.full(4, -1, dtype=np.int32), placement_pathway=["vocational", "both"]
        )


def test_the_report_is_ready_for_json_at_scale() -> None:
    instance = make_instance(5000, 2000, seed=1, n_schools=30, reserved_share=0.3)
    assignment = np.where(np.arange(5000) % 3 == 0, -1, instance.pref_placement[instance.pref_ptr[:-1]])
    report = fairness_report(instance, assignment.astype(np.int32), ["both"] * 2000)
    assert orjson.loads(orjson.dumps(report)) == report
    assert report["overall"]["assigned"] == 5000 - 1667  # type: ignore[index]


def test_with_school_shares_each_school_shows_its_share_beside_its_students_placed() -> None:
    instance = with_school_shares(small_instance())  # 4 seats for 2 + 2 students: 2 each
    report = fairness_report(instance, np.array([1, 0, 1, -1], dtype=np.int32))
    assert report["by_school"] == {
        "A": {"students": 2, "assigned": 2, "coverage": 1.0, "mean_rank": 1.5, "share": 2},
        "B": {"students": 2, "assigned": 1, "coverage": 0.5, "mean_rank": 1.0, "share": 2},
    }
    assert report["school_share"] == {"seats": 4, "within": 3, "beyond": 0}
    assert "school_share" not in fairness_report(small_instance(), np.full(4, -1, dtype=np.int32))


def test_students_past_their_schools_share_are_counted_beyond_it() -> None:
    instance = dataclasses.replace(small_instance(), school_share=np.array([1, 3], dtype=np.int64))
    report = fairness_report(instance, np.array([1, 0, 1, -1], dtype=np.int32))
    assert report["school_share"] == {"seats": 4, "within": 2, "beyond": 1}
