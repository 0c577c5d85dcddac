"""From people to an Instance: own ranking first, then by score; seats, caps, schools, reserves."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from matcher.instance import NO_CAP
from matcher.pipeline import build_instance, find_pair, prepare
from matcher.policy import CATEGORIES, Policy
from matcher.postcodes import PostcodeIndex
from matcher.scores import explain
from matcher.segments import order_within
from tests.matcher.people import TODAY, create_opportunity, create_student


def test_the_students_own_ranking_comes_first_then_the_rest_by_score(postcodes: PostcodeIndex) -> None:
    opportunities = [
        create_opportunity(id="bakery", route="catering-and-hospitality", pathway="academic", title="Bakery"),
        create_opportunity(id="games", title="Games studio", description="coding computer games"),
        create_opportunity(id="clinic", route="health-and-science", title="Clinic", pathway="academic"),
        create_opportunity(id="studio", title="Software studio"),
    ]
    student = create_student(ranked=("clinic", "bakery"), pathway_interest="technical")
    instance, found, scores = prepare([student], opportunities, Policy(), postcodes, TODAY)
    listed = [instance.placement_ids[p] for p in instance.pref_placement]
    assert listed[:2] == ["clinic", "bakery"]
    rest = instance.pref_score[2:]
    assert set(listed[2:]) == {"games", "studio"}
    assert (rest[:-1] >= rest[1:]).all()
    # Each listed score is the pair's total, so its explanation is what the careers leader reads.
    for position, p in enumerate(instance.pref_placement):
        k = find_pair(found, 0, int(p))
        assert sum(explain(scores, k).values()) == instance.pref_score[position]


def test_the_list_keeps_all_own_ranked_and_at_most_list_length_others(postcodes: PostcodeIndex) -> None:
    places = postcodes.in_district("M14", 12, seed=7)
    opportunities = [create_opportunity(id=f"o{i}", postcode=p) for i, p in enumerate(places)]
    student = create_student(postcode="M14 5RW", ranked=("o11", "o10", "o9"))
    policy = Policy(list_length=4)
    instance, _, _ = prepare([student], opportunities, policy, postcodes, TODAY)
    ids = [instance.placement_ids[p] for p in instance.pref_placement]
    assert ids[:3] == ["o11", "o10", "o9"]
    assert len(ids) == 3 + 4
    assert len(set(ids)) == len(ids)


def test_seats_caps_schools_and_categories_come_from_people_and_policy(postcodes: PostcodeIndex) -> None:
    opportunities = [create_opportunity(id="a", capacity=3, max_per_school=1), create_opportunity(id="b")]
    students = [
        create_student(id="s1", school="Oak", disadvantaged=True),
        create_student(id="s2", school="Ash", send=True, has_workplace_experience=True),
    ]
    instance, _, _ = prepare(students, opportunities, Policy(max_per_school=2), postcodes, TODAY)
    assert instance.capacity.tolist() == [3, 2]
    assert instance.max_per_school.tolist() == [1, 2]
    assert instance.school_names == ["Ash", "Oak"]
    assert instance.student_school.tolist() == [1, 0]
    assert instance.category_names == list(CATEGORIES)
    assert instance.student_categories.tolist() == [[True, False, True], [False, True, False]]
    uncapped, _, _ = prepare(students, opportunities[1:], Policy(), postcodes, TODAY)
    assert uncapped.max_per_school.tolist() == [NO_CAP]


def test_a_hub_wide_policy_gives_each_school_its_share_of_the_seats(postcodes: PostcodeIndex) -> None:
    opportunities = [create_opportunity(id="a", capacity=3), create_opportunity(id="b", capacity=1)]
    schools = ["Oak", "Oak", "Oak", "Ash", "Ash", "Elm"]
    students = [create_student(id=f"s{i}", school=school) for i, school in enumerate(schools)]
    shared, _, _ = prepare(students, opportunities, Policy(school_share=True), postcodes, TODAY)
    # 4 seats for 6 students: quotas Ash 4/3, Elm 2/3, Oak 2; the leftover seat to Elm (remainder 2/3).
    assert shared.school_names == ["Ash", "Elm", "Oak"]
    assert shared.school_share is not None and shared.school_share.tolist() == [1, 1, 2]
    plain, _, _ = prepare(students, opportunities, Policy(), postcodes, TODAY)
    assert plain.school_share is None


def test_reserves_are_shares_or_seats_in_the_policys_order_never_beyond_capacity(
    postcodes: PostcodeIndex,
) -> None:
    opportunities = [
        create_opportunity(id="big", capacity=10),
        create_opportunity(id="one", capacity=1),
        create_opportunity(id="three", capacity=3),
    ]
    policy = Policy(reserves={"send": 2, "disadvantaged": 0.25})
    instance, _, _ = prepare([create_student()], opportunities, policy, postcodes, TODAY)
    names = instance.category_names
    per_placement = [
        [
            (names[c], int(seats))
            for c, seats in zip(
                instance.reserve_category[instance.reserve_ptr[p] : instance.reserve_ptr[p + 1]],
                instance.reserve_seats[instance.reserve_ptr[p] : instance.reserve_ptr[p + 1]],
                strict=True,
            )
        ]
        for p in range(3)
    ]
    # 10 seats: 2 for SEND, then a quarter (2.5, rounded half up to 3) for disadvantaged students.
    assert per_placement == [
        [("send", 2), ("disadvantaged", 3)],
        [("send", 1)],
        [("send", 2), ("disadvantaged", 1)],
    ]


def test_a_student_with_no_candidates_gets_an_empty_list(postcodes: PostcodeIndex) -> None:
    students = [create_student(id="far", postcode="SW1A 1AA"), create_student()]
    instance, _, _ = prepare(students, [create_opportunity()], Policy(), postcodes, TODAY)
    assert np.diff(instance.pref_ptr).tolist() == [0, 1]


def test_build_instance_keeps_every_opportunity_as_a_placement(postcodes: PostcodeIndex) -> None:
    opportunities = [create_opportunity(), create_opportunity(id="closed", capacity=0)]
    _, found, scores = prepare([create_student()], opportunities, Policy(), postcodes, TODAY)
    instance = build_instance([create_student()], opportunities, found, scores, Policy())
    assert instance.placement_ids == ["o1", "closed"]
    assert instance.pref_placement.tolist() == [0]


@given(st.lists(st.lists(st.floats(-5, 5), max_size=6), min_size=1, max_size=8))
def test_sorting_within_groups_matches_a_stable_sort_by_group_then_key(groups: list[list[float]]) -> None:
    key = np.array([x for g in groups for x in g], dtype=np.float64)
    group = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    ptr = np.concatenate([[0], np.cumsum([len(g) for g in groups])]).astype(np.int64)
    assert order_within(ptr, key).tolist() == np.lexsort((key, group)).tolist()


def test_an_empty_round_gives_an_empty_instance(postcodes: PostcodeIndex) -> None:
    instance, found, scores = prepare([], [], Policy(), postcodes, TODAY)
    assert (instance.n_students, instance.n_placements, len(found), len(scores)) == (0, 0, 0, 0)
