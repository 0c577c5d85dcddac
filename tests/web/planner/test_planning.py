"""The term's plan from arrays: seats and reach hold, scarce places go to pupils at risk first, a whole
tutor group goes together, and the same seed gives the same plan."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from web.planner.planning import Offers, Pupils, greedy, plan_term


def _pupils(
    n: int, year: int = 8, at_risk: list[bool] | None = None, group: list[int] | None = None
) -> Pupils:
    need = np.zeros((n, 3))
    need[:, 2] = 6.0
    risky = np.zeros((n, 3), dtype=bool)
    risky[:, 2] = at_risk if at_risk is not None else False
    return Pupils(
        school=np.zeros(n, dtype=np.int64),
        year_group=np.full(n, year, dtype=np.int64),
        priority=np.zeros(n, dtype=bool),
        group=np.array(group if group is not None else [-1] * n, dtype=np.int64),
        need=need,
        at_risk=risky,
    )


def _offers(
    seats: list[int], whole: list[bool] | None = None, km: list[float] | None = None, years=(8,)
) -> Offers:
    m = len(seats)
    mask = np.zeros((m, 15), dtype=bool)
    mask[:, list(years)] = True
    return Offers(
        measure=np.full(m, 2, dtype=np.int64),
        amount=np.full(m, 3.0),
        sessions=np.ones(m, dtype=np.int64),
        seats=np.array(seats, dtype=np.int64),
        smallest=np.ones(m, dtype=np.int64),
        whole_group=np.array(whole or [False] * m, dtype=bool),
        years=mask,
        km=np.array([km or [1.0] * m]),
    )


def test_a_scarce_place_goes_to_the_pupil_at_risk() -> None:
    plan = plan_term(
        _pupils(3, at_risk=[False, True, False]), _offers([1]), np.zeros(0, np.int64), np.zeros(0, np.int64)
    )
    assert plan.pupil.tolist() == [1]


def test_out_of_reach_or_of_another_year_is_never_planned() -> None:
    offers = _offers([5, 5], km=[1.0, np.inf])
    plan = plan_term(_pupils(4), offers, np.zeros(0, np.int64), np.zeros(0, np.int64))
    assert set(plan.offer.tolist()) == {0}
    assert (
        plan_term(_pupils(4, year=10), offers, np.zeros(0, np.int64), np.zeros(0, np.int64)).pupil.size == 0
    )


def test_a_whole_group_goes_together_when_it_fits() -> None:
    pupils = _pupils(6, group=[0, 0, 0, 1, 1, -1])
    offers = _offers([3, 1], whole=[True, False])
    plan = plan_term(pupils, offers, np.array([0, 0]), np.array([8, 8]))
    assert len(plan.groups) == 1
    g, o = plan.groups[0]
    members = [p for p, each in enumerate([0, 0, 0, 1, 1, -1]) if each == g]
    assert o == 0 and sorted(plan.pupil[plan.offer == 0].tolist()) == members


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.lists(st.integers(1, 6), min_size=1, max_size=6), st.integers(0, 3))
def test_seats_hold_one_place_an_offer_and_the_seed_decides(n: int, seats: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    pupils = _pupils(n, at_risk=(rng.random(n) < 0.5).tolist())
    offers = _offers(seats)
    plan = plan_term(pupils, offers, np.zeros(0, np.int64), np.zeros(0, np.int64), seed=seed)
    again = plan_term(pupils, offers, np.zeros(0, np.int64), np.zeros(0, np.int64), seed=seed)
    assert plan.pupil.tolist() == again.pupil.tolist() and plan.offer.tolist() == again.offer.tolist()
    assert (np.bincount(plan.offer, minlength=len(seats)) <= np.array(seats)).all()
    pairs = set(zip(plan.pupil.tolist(), plan.offer.tolist(), strict=True))
    assert len(pairs) == plan.pupil.size
    # Every pupil short of the hours is planned while seats are left, as the first-come baseline would.
    assert plan.pupil.size == min(n, sum(seats))
    assert greedy(pupils, offers).pupil.size == min(n, sum(seats))
