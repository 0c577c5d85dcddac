"""Scores: each part means what its label says, and an explanation adds up to the score."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.candidates import candidates
from matcher.people import Opportunity, Student
from matcher.policy import PARTS, Policy
from matcher.postcodes import PostcodeIndex
from matcher.scores import PART_LABELS, Scores, explain, score
from matcher.text import tfidf
from tests.matcher.people import TODAY, create_opportunity, create_student


def scored(
    postcodes: PostcodeIndex,
    students: list[Student],
    opportunities: list[Opportunity],
    policy: Policy | None = None,
) -> Scores:
    policy = policy or Policy()
    found = candidates(students, opportunities, policy, postcodes, TODAY)
    assert len(found) == len(students) * len(opportunities), "every pair should be a candidate here"
    # Put pairs in (student, opportunity) order: equidistant candidates may come in any order.
    order = np.lexsort((found.opportunity, found.student))
    found = replace(
        found,
        student=found.student[order],
        opportunity=found.opportunity[order],
        distance_km=found.distance_km[order],
        remote=found.remote[order],
        rank=found.rank[order],
    )
    return score(students, opportunities, found, policy)


def test_explanations_add_up_to_the_score_exactly(postcodes: PostcodeIndex) -> None:
    students = [
        create_student(id=f"s{i}", disadvantaged=i % 2 == 0, send=i % 3 == 0, pathway_interest=p)
        for i, p in enumerate(["technical", "academic", "both"])
    ]
    opportunities = [
        create_opportunity(id="dev"),
        create_opportunity(id="law", route="legal-finance-and-accounting", pathway="academic", title="Law"),
        create_opportunity(id="online", remote=True, postcode=None, pathway="both"),
    ]
    scores = scored(postcodes, students, opportunities, Policy(text=0.7, distance=0.3, send=0.1))
    for k in range(len(scores)):
        parts = explain(scores, k)
        assert list(parts) == list(PARTS)
        assert sum(parts.values()) == scores.total[k]


def test_every_part_has_a_label_for_people() -> None:
    assert set(PART_LABELS) == set(PARTS)


def test_the_technical_boost_applies_to_technical_opportunities_for_students_open_to_them(
    postcodes: PostcodeIndex,
) -> None:
    students = [create_student(id=p, pathway_interest=p) for p in ("technical", "academic", "both")]
    technical = create_opportunity(id="tech", pathway="technical")
    academic = create_opportunity(id="acad", pathway="academic")
    scores = scored(postcodes, students, [technical, academic], Policy(technical=0.4))
    # Pairs in order: (technical student: tech, acad), (academic: ...), (both: ...).
    boost = scores.parts["technical"].tolist()
    assert boost == [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    assert explain(scores, 0)["technical"] == 0.4
    assert scores.parts["pathway"].tolist() == [1.0, 0.0, 0.0, 1.0, 1.0, 1.0]


def test_a_t_level_placement_counts_as_technical(postcodes: PostcodeIndex) -> None:
    placement = create_opportunity(kind="t_level_placement", pathway="both", year_groups=(12,), min_age=16)
    student = create_student(year_group=12, date_of_birth=create_student().date_of_birth.replace(year=2010))
    assert scored(postcodes, [student], [placement]).parts["technical"].tolist() == [1.0]


def test_priority_parts_follow_the_student(postcodes: PostcodeIndex) -> None:
    newcomer = create_student(id="new", disadvantaged=True, send=True)
    experienced = create_student(id="old", has_workplace_experience=True)
    scores = scored(postcodes, [newcomer, experienced], [create_opportunity()])
    assert scores.parts["no_experience"].tolist() == [1.0, 0.0]
    assert scores.parts["disadvantaged"].tolist() == [1.0, 0.0]
    assert scores.parts["send"].tolist() == [1.0, 0.0]
    policy = Policy()
    gap = policy.no_experience + policy.disadvantaged + policy.send
    assert math.isclose(scores.total[0] - scores.total[1], gap)


def test_route_match_is_one_of_the_students_routes(postcodes: PostcodeIndex) -> None:
    student = create_student(routes=("health-and-science", "digital"))
    care = create_opportunity(id="care", route="care-services")
    scores = scored(postcodes, [student], [create_opportunity(), care])
    assert scores.parts["route"].tolist() == [1.0, 0.0]


def test_distance_decays_with_the_policys_length_and_remote_scores_in_full(postcodes: PostcodeIndex) -> None:
    remote = create_opportunity(id="remote", remote=True, postcode=None)
    policy = Policy(distance_decay_km=5.0)
    found = candidates([create_student()], [create_opportunity(), remote], policy, postcodes, TODAY)
    scores = score([create_student()], [create_opportunity(), remote], found, policy)
    by_id = dict(zip(found.opportunity.tolist(), scores.parts["distance"].tolist(), strict=True))
    assert by_id[1] == 1.0
    km = float(found.distance_km[found.opportunity.tolist().index(0)])
    assert math.isclose(by_id[0], math.exp(-km / 5.0), rel_tol=1e-6)


def test_shared_words_raise_the_text_part(postcodes: PostcodeIndex) -> None:
    coder = create_student(statement="I love coding computer games and software")
    games = create_opportunity(id="games", title="Games software studio", description="Coding computer games")
    bakery = create_opportunity(
        id="bakery", title="Bakery", description="Bread and cakes", route="catering-and-hospitality"
    )
    text = scored(postcodes, [coder], [games, bakery]).parts["text"]
    assert text[0] > 0.3
    assert text[1] < text[0]


def test_the_tfidf_rows_match_scikit_learns_vectorizer() -> None:
    texts = [
        "I love coding, building robots and the Café’s coffee!",
        "Nursing: caring for patients in hospital; NHS trust.",
        "",
        "a I",
        "Software developer — write code and test it.\nA second line",
        "robots robots robots code x_y 2027",
        "The and of",
    ]
    ours = tfidf(texts)
    theirs = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    assert ours.shape == theirs.shape
    # Columns are in a different order, so compare what is used: every pair's cosine similarity.
    assert np.allclose((ours @ ours.T).toarray(), (theirs @ theirs.T).toarray(), atol=1e-6)


def test_a_students_own_ranking_scores_most_for_the_first_choice_and_nothing_unranked(
    postcodes: PostcodeIndex,
) -> None:
    opportunities = [create_opportunity(id=name) for name in ("a", "b", "c", "d")]
    students = [create_student(id="s", ranked=("c", "a", "b"))]
    scores = scored(postcodes, students, opportunities)
    choice = dict(zip("abcd", scores.parts["choice"].tolist(), strict=True))
    assert choice == {"c": 1.0, "a": np.float32(2 / 3), "b": np.float32(1 / 3), "d": 0.0}
    assert scores.weights["choice"] == max(scores.weights.values())
