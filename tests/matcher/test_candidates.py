"""Hard rules: who may be offered what, before any scoring."""

from __future__ import annotations

from datetime import date

import numpy as np

from matcher.candidates import Candidates, candidates
from matcher.people import Opportunity, Student
from matcher.policy import Policy
from matcher.postcodes import PostcodeIndex
from tests.matcher.people import START, TODAY, create_opportunity, create_student


def offered(
    postcodes: PostcodeIndex,
    students: list[Student],
    opportunities: list[Opportunity],
    policy: Policy | None = None,
) -> list[list[str]]:
    """Each student's candidate opportunity ids, in candidate order."""
    found = candidates(students, opportunities, policy or Policy(), postcodes, TODAY)
    return [
        [opportunities[o].id for o in found.opportunity[found.ptr[s] : found.ptr[s + 1]]]
        for s in range(len(students))
    ]


def found_for(postcodes: PostcodeIndex, student: Student, opportunities: list[Opportunity]) -> Candidates:
    return candidates([student], opportunities, Policy(), postcodes, TODAY)


def test_an_opportunity_for_other_year_groups_is_not_offered(postcodes: PostcodeIndex) -> None:
    sixth_form = create_opportunity(id="sixth", year_groups=(12, 13))
    assert offered(postcodes, [create_student(year_group=10)], [sixth_form, create_opportunity()]) == [["o1"]]


def test_a_student_under_the_minimum_age_on_the_first_day_is_not_offered_it(postcodes: PostcodeIndex) -> None:
    sixteen_plus = create_opportunity(min_age=16, year_groups=(11,))
    turns_16_on_the_day = create_student(year_group=11, date_of_birth=date(2011, 6, 7))
    turns_16_the_day_after = create_student(id="s2", year_group=11, date_of_birth=date(2011, 6, 8))
    assert date(2027, 6, 7) == START
    assert offered(postcodes, [turns_16_on_the_day, turns_16_the_day_after], [sixteen_plus]) == [["o1"], []]


def test_the_policy_kind_filter_keeps_other_kinds_out(postcodes: PostcodeIndex) -> None:
    mentoring = create_opportunity(id="mentor", kind="mentoring")
    policy = Policy(kinds=frozenset({"work_experience"}))
    assert offered(postcodes, [create_student()], [mentoring, create_opportunity()], policy) == [["o1"]]


def test_a_place_the_student_refused_before_is_never_offered_again_even_if_they_ranked_it(
    postcodes: PostcodeIndex,
) -> None:
    places = [create_opportunity(id="o1"), create_opportunity(id="o2"), create_opportunity(id="o3")]
    refused = create_student(ranked=("o1", "o2"), refused=("o1", "gone"))
    other = create_student(id="s2", ranked=("o1",))
    refused_offers, other_offers = offered(postcodes, [refused, other], places)
    assert refused_offers == ["o2", "o3"]  # ranked first, then the nearest
    assert sorted(other_offers) == ["o1", "o2", "o3"]


def test_an_opportunity_without_seats_is_not_offered(postcodes: PostcodeIndex) -> None:
    full = create_opportunity(id="full", capacity=0)
    assert offered(postcodes, [create_student()], [full]) == [[]]


def test_an_opportunity_that_has_already_started_is_not_offered(postcodes: PostcodeIndex) -> None:
    started = create_opportunity(start=date(2026, 11, 16), end=date(2026, 11, 27))
    assert offered(postcodes, [create_student()], [started]) == [[]]


def test_an_opportunity_clashing_with_an_accepted_placement_is_not_offered(postcodes: PostcodeIndex) -> None:
    same_week = create_opportunity(id="clash")
    next_week = create_opportunity(id="free", start=date(2027, 6, 14), end=date(2027, 6, 18))
    # Accepted placement Friday 11 June to Monday 14 June: touches both ends inclusively.
    busy = create_student(busy=((date(2027, 6, 11), date(2027, 6, 13)),))
    assert offered(postcodes, [busy], [same_week, next_week]) == [["free"]]
    touching = create_student(busy=((date(2027, 6, 4), date(2027, 6, 7)),))
    assert offered(postcodes, [touching], [same_week, next_week]) == [["free"]]
    unrelated = create_student(
        busy=((date(2027, 1, 4), date(2027, 1, 8)), (date(2027, 7, 5), date(2027, 7, 9)))
    )
    assert sorted(offered(postcodes, [unrelated], [same_week, next_week])[0]) == ["clash", "free"]


def test_distance_keeps_manchester_places_and_drops_london_for_a_manchester_student(
    postcodes: PostcodeIndex,
) -> None:
    city_centre = create_opportunity(id="city", postcode="M1 1AA")  # ~2.3 km from M13 9PL
    salford = create_opportunity(id="salford", postcode="M5 4WT")  # ~3 km
    london = create_opportunity(id="london", postcode="SW1A 1AA")  # ~260 km
    found = found_for(postcodes, create_student(max_travel_km=10.0), [london, salford, city_centre])
    assert [["london", "salford", "city"][o] for o in found.opportunity] == ["city", "salford"]
    home, centre, office = postcodes.lookup(["M13 9PL", "M1 1AA", "M5 4WT"])
    expected = [np.hypot(*(centre - home)) / 1000, np.hypot(*(office - home)) / 1000]
    assert np.allclose(found.distance_km, expected, rtol=1e-5)
    assert 2.0 < expected[0] < 2.5 < 3.0 < expected[1] < 3.5
    only_near = create_student(max_travel_km=2.5)
    assert offered(postcodes, [only_near], [london, salford, city_centre]) == [["city"]]


def test_remote_opportunities_are_offered_whatever_the_distance(postcodes: PostcodeIndex) -> None:
    remote = create_opportunity(id="remote", remote=True, postcode=None)
    london = create_opportunity(id="london", postcode="SW1A 1AA")
    found = found_for(postcodes, create_student(), [remote, london])
    assert found.opportunity.tolist() == [0]
    assert found.remote.tolist() == [True]
    assert found.distance_km.tolist() == [0.0]


def test_a_student_without_a_postcode_gets_only_remote_opportunities(postcodes: PostcodeIndex) -> None:
    remote = create_opportunity(id="remote", remote=True, postcode=None)
    assert offered(postcodes, [create_student(postcode=None)], [create_opportunity(), remote]) == [["remote"]]


def test_an_unknown_student_postcode_means_remote_only_and_is_reported(postcodes: PostcodeIndex) -> None:
    remote = create_opportunity(id="remote", remote=True, postcode=None)
    students = [create_student(), create_student(id="s2", postcode="ZZ1 1ZZ")]
    found = candidates(students, [create_opportunity(), remote], Policy(), postcodes, TODAY)
    assert found.unlocated_students.tolist() == [1]
    assert offered(postcodes, students, [create_opportunity(), remote])[1] == ["remote"]


def test_an_in_person_opportunity_with_an_unknown_postcode_is_reported_and_not_offered(
    postcodes: PostcodeIndex,
) -> None:
    lost = create_opportunity(id="lost", postcode="ZZ1 1ZZ")
    found = candidates([create_student()], [lost, create_opportunity()], Policy(), postcodes, TODAY)
    assert found.unlocated_opportunities.tolist() == [0]
    assert found.opportunity.tolist() == [1]


def test_the_nearest_are_kept_up_to_the_list_length(postcodes: PostcodeIndex) -> None:
    places = postcodes.in_district("M14", 30, seed=3)
    opportunities = [create_opportunity(id=f"o{i}", postcode=p) for i, p in enumerate(places)]
    student = create_student(postcode="M14 5RW", max_travel_km=50.0)
    found = found_for(postcodes, student, opportunities)
    xy = postcodes.lookup(places)
    home = postcodes.lookup(["M14 5RW"])[0]
    km = np.sqrt(((xy - home) ** 2).sum(axis=1)) / 1000
    # Several postcodes can share a grid reference, so compare distances, not which of equals was kept.
    assert np.allclose(found.distance_km, np.sort(km)[: Policy().list_length])
    assert np.allclose(found.distance_km, km[found.opportunity])


def test_the_search_widens_past_ineligible_neighbours(postcodes: PostcodeIndex) -> None:
    # The 40 nearest are for sixth formers; the 3 that fit a Year 10 student lie beyond them.
    places = postcodes.in_district("M14", 43, seed=4)
    home = postcodes.lookup(["M14 5RW"])[0]
    by_distance = sorted(places, key=lambda p: float(((postcodes.lookup([p])[0] - home) ** 2).sum()))
    opportunities = [
        create_opportunity(id=f"o{i}", postcode=p, year_groups=(12,) if i < 40 else (10,))
        for i, p in enumerate(by_distance)
    ]
    found = found_for(postcodes, create_student(postcode="M14 5RW", max_travel_km=50.0), opportunities)
    assert found.opportunity.tolist() == [40, 41, 42]


def test_own_ranked_opportunities_come_first_in_their_order_when_they_pass(postcodes: PostcodeIndex) -> None:
    near = create_opportunity(id="near", postcode="M13 9PL")
    far_ranked = create_opportunity(id="ranked-far", postcode="M5 4WT")
    london = create_opportunity(id="london", postcode="SW1A 1AA")
    student = create_student(ranked=("london", "ranked-far", "gone", "near"))
    found = found_for(postcodes, student, [near, far_ranked, london])
    assert found.opportunity.tolist() == [1, 0]
    assert found.rank.tolist() == [1, 3]


def test_same_inputs_give_the_same_candidates(postcodes: PostcodeIndex) -> None:
    places = postcodes.in_district("E08000003", 60, seed=5)
    opportunities = [
        create_opportunity(id=f"o{i}", postcode=p, remote=i % 7 == 0) for i, p in enumerate(places)
    ]
    students = [create_student(id=f"s{i}", postcode=p) for i, p in enumerate(places[:20])]
    first = candidates(students, opportunities, Policy(list_length=5, remote_length=2), postcodes, TODAY)
    again = candidates(students, opportunities, Policy(list_length=5, remote_length=2), postcodes, TODAY)
    assert first.opportunity.tolist() == again.opportunity.tolist()
    assert (first.remote.reshape(-1) | (first.distance_km <= 10)).all()
    per_student = first.ptr[1:] - first.ptr[:-1]
    assert (per_student <= 7).all()
    assert first.remote.astype(int).sum() <= 2 * len(students)


def test_remote_options_are_capped_and_prefer_the_students_first_route(postcodes: PostcodeIndex) -> None:
    remote = [
        create_opportunity(
            id=f"r{i}", remote=True, postcode=None, route="digital" if i < 3 else "care-services"
        )
        for i in range(12)
    ]
    student = create_student(routes=("digital",), postcode=None)
    found = candidates([student], remote, Policy(remote_length=4), postcodes, TODAY)
    ids = [remote[o].id for o in found.opportunity]
    assert len(ids) == 4
    assert set(ids[:3]) == {"r0", "r1", "r2"}


def test_remote_options_are_spread_over_students_not_all_the_same(postcodes: PostcodeIndex) -> None:
    remote = [create_opportunity(id=f"r{i}", remote=True, postcode=None) for i in range(30)]
    students = [create_student(id=f"s{i}", postcode=None, routes=()) for i in range(30)]
    found = candidates(students, remote, Policy(remote_length=2), postcodes, TODAY)
    assert (np.diff(found.ptr) == 2).all()
    assert len(set(found.opportunity.tolist())) > 10


def test_a_refused_place_does_not_shorten_the_students_list(postcodes: PostcodeIndex) -> None:
    places = [create_opportunity(id="o1"), create_opportunity(id="o2")]
    policy = Policy(list_length=1, remote_length=0)
    [[nearest]] = offered(postcodes, [create_student()], places, policy)
    other = "o2" if nearest == "o1" else "o1"
    assert offered(postcodes, [create_student(refused=(nearest,))], places, policy) == [[other]]
