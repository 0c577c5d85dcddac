"""Pupils to the time slots of encounter events: the rules, the order of service, waitlists, explanations."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import optimal, slot_flow
from matcher.slots import (
    SlotInstance,
    allocate_slots,
    explain_slots,
    invite_limit,
    no_show_rate,
    pupil_tiers,
    summaries,
    with_slot_shares,
)

Slot = tuple[str, int, int, int, int]  # id, start, end, event, capacity


def create_pupil(id: str, slots: dict[str, float], **overrides: Any) -> dict[str, Any]:
    """A pupil listing slots with scores; max 3 slots, no flags, school 0 unless given."""
    return {
        "id": id,
        "slots": slots,
        "max": 3,
        "no_encounter": False,
        "priority": False,
        "school": 0,
        **overrides,
    }


def create_slots(
    pupils: list[dict[str, Any]], slots: list[Slot], one_each: list[bool] | None = None
) -> SlotInstance:
    """A SlotInstance from pupil records and (id, start, end, event, capacity) slots; two schools A and B."""
    index = {s[0]: i for i, s in enumerate(slots)}
    events = max((s[3] for s in slots), default=0) + 1
    lists = [list(p["slots"].items()) for p in pupils]
    return SlotInstance(
        pupil_ids=[p["id"] for p in pupils],
        slot_ids=[s[0] for s in slots],
        pref_ptr=np.concatenate([[0], np.cumsum([len(x) for x in lists])]).astype(np.int64),
        pref_slot=np.array([index[s] for x in lists for s, _ in x], dtype=np.int32),
        pref_score=np.array([v for x in lists for _, v in x], dtype=np.float64),
        capacity=np.array([s[4] for s in slots], dtype=np.int64),
        slot_start=np.array([s[1] for s in slots], dtype=np.int64),
        slot_end=np.array([s[2] for s in slots], dtype=np.int64),
        slot_event=np.array([s[3] for s in slots], dtype=np.int32),
        event_one_each=np.array(one_each if one_each is not None else [False] * events, dtype=bool),
        max_slots=np.array([p["max"] for p in pupils], dtype=np.int64),
        no_encounter=np.array([p["no_encounter"] for p in pupils], dtype=bool),
        priority=np.array([p["priority"] for p in pupils], dtype=bool),
        pupil_school=np.array([p["school"] for p in pupils], dtype=np.int32),
        school_names=["A", "B"],
    )


def given_slots(instance: SlotInstance, seed: int = 0) -> dict[str, set[str]]:
    """Each pupil's slots by id after allocating."""
    result = allocate_slots(instance, seed=seed)
    out: dict[str, set[str]] = {p: set() for p in instance.pupil_ids}
    for p, s in zip(result.pair_pupil.tolist(), result.pair_slot.tolist(), strict=True):
        out[instance.pupil_ids[p]].add(instance.slot_ids[s])
    return out


# --- brute force: every allocation of a tiny instance, ranked by the rules' order ---


def groups_by_hand(instance: SlotInstance, p: int) -> list[int]:
    """Clash group of each of p's entries: union of overlapping slots and slots of one one-each event."""
    lo, hi = int(instance.pref_ptr[p]), int(instance.pref_ptr[p + 1])
    slots = instance.pref_slot[lo:hi].tolist()
    parent = list(range(len(slots)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in itertools.combinations(range(len(slots)), 2):
        a, b = slots[i], slots[j]
        overlap = (
            instance.slot_start[a] < instance.slot_end[b] and instance.slot_start[b] < instance.slot_end[a]
        )
        event = instance.slot_event[a]
        same_once = event == instance.slot_event[b] and bool(instance.event_one_each[event])
        if overlap or same_once:
            parent[root(i)] = root(j)
    return [root(i) for i in range(len(slots))]


def rank_key(
    instance: SlotInstance, chosen: list[tuple[int, ...]], classes_first: bool = False
) -> tuple[Any, ...]:
    """(places, pupils with >= d slots by depth then tier, -places past shares, score points)."""
    tier = pupil_tiers(instance)
    held = [len(c) for c in chosen]
    seats = sum(held)
    depth = max(instance.max_slots.max(initial=0), 1)
    classes = tuple(
        sum(1 for p, h in enumerate(held) if h >= d and tier[p] == t)
        for d in range(1, depth + 1)
        for t in range(4)
    )
    # As matcher.optimal: the fewest places past their school's share (with a pupil of no school, giving
    # them the place is not past any share; with every pupil at a school, the most places within shares).
    within = 0
    if instance.school_share is not None:
        for k in range(len(instance.school_names)):
            places = sum(h for p, h in enumerate(held) if instance.pupil_school[p] == k)
            within -= max(places - int(instance.school_share[k]), 0)
    points = sum(round(instance.pref_score[e] * 1000) for c in chosen for e in c)
    return (classes, seats, within, points) if classes_first else (seats, classes, within, points)


def best_by_hand(instance: SlotInstance, classes_first: bool = False) -> tuple[Any, ...]:
    """The best rank_key over every allocation that keeps rules 1 and 2 (with clash groups)."""
    options = []
    for p in range(instance.n_pupils):
        lo, hi = int(instance.pref_ptr[p]), int(instance.pref_ptr[p + 1])
        group = groups_by_hand(instance, p)
        mine = []
        for size in range(min(int(instance.max_slots[p]), hi - lo) + 1):
            for pick in itertools.combinations(range(hi - lo), size):
                if len({group[i] for i in pick}) == size:
                    mine.append(tuple(lo + i for i in pick))
        options.append(mine)
    best: tuple[Any, ...] | None = None
    for chosen in itertools.product(*options):
        used = np.bincount(instance.pref_slot[[e for c in chosen for e in c]], minlength=instance.n_slots)
        if (used <= instance.capacity).all():
            key = rank_key(instance, list(chosen), classes_first)
            best = key if best is None or key > best else best
    assert best is not None
    return best


def random_tiny(rng: np.random.Generator) -> SlotInstance:
    """3 to 4 pupils, 3 to 5 slots over two events (the second sometimes one-each), lists of 1 to 3."""
    n_slots = int(rng.integers(3, 6))
    slots: list[Slot] = []
    for s in range(n_slots):
        start = int(rng.integers(0, 5))
        slots.append(
            (
                f"s{s}",
                start,
                start + int(rng.integers(1, 3)),
                int(rng.integers(0, 2)),
                int(rng.integers(0, 3)),
            )
        )
    pupils = []
    for p in range(int(rng.integers(3, 5))):
        listed = rng.choice(n_slots, size=int(rng.integers(1, 4)), replace=False)
        pupils.append(
            create_pupil(
                f"p{p}",
                {f"s{s}": float(rng.choice([0.2, 0.5, 0.9])) for s in listed},
                max=int(rng.integers(1, 4)),
                no_encounter=bool(rng.random() < 0.5),
                priority=bool(rng.random() < 0.5),
                school=int(rng.integers(-1, 2)),
            )
        )
    instance = create_slots(pupils, slots, [False, bool(rng.random() < 0.5)])
    return with_slot_shares(instance) if rng.random() < 0.5 else instance


def test_the_allocation_is_the_best_by_the_rules_order_on_every_tiny_instance_by_brute_force() -> None:
    rng = np.random.default_rng(11)
    for _ in range(120):
        instance = random_tiny(rng)
        result = allocate_slots(instance, seed=int(rng.integers(0, 100)))
        chosen: list[tuple[int, ...]] = [() for _ in range(instance.n_pupils)]
        for p, e in zip(result.pair_pupil.tolist(), result.pair_entry.tolist(), strict=True):
            chosen[p] += (e,)
        assert rank_key(instance, chosen) == best_by_hand(instance)


def test_serving_breadth_and_priority_first_never_leaves_a_place_empty_by_brute_force() -> None:
    rng = np.random.default_rng(12)
    for _ in range(60):
        instance = random_tiny(rng)
        classes_first = best_by_hand(instance, classes_first=True)
        assert classes_first[1] == best_by_hand(instance)[0]


def with_twins(instance: SlotInstance, rng: np.random.Generator) -> SlotInstance:
    """The instance with some pupils twice or three times, alike in everything but their ids."""
    copies = np.ones(instance.n_pupils, dtype=np.int64)
    copies[rng.choice(instance.n_pupils, size=2, replace=False)] = [2, int(rng.integers(2, 4))]
    who = np.repeat(np.arange(instance.n_pupils), copies)
    lists = [np.arange(instance.pref_ptr[p], instance.pref_ptr[p + 1]) for p in who.tolist()]
    entries = np.concatenate(lists).astype(np.int64)
    return replace(
        instance,
        pupil_ids=[f"{instance.pupil_ids[p]}-{i}" for i, p in enumerate(who.tolist())],
        pref_ptr=np.concatenate([[0], np.cumsum([x.size for x in lists])]).astype(np.int64),
        pref_slot=instance.pref_slot[entries],
        pref_score=instance.pref_score[entries],
        max_slots=instance.max_slots[who],
        no_encounter=instance.no_encounter[who],
        priority=instance.priority[who],
        pupil_school=instance.pupil_school[who],
    )


def test_pupils_alike_share_a_node_and_still_get_the_best_allocation_by_brute_force() -> None:
    rng = np.random.default_rng(14)
    for _ in range(25):
        instance = with_twins(random_tiny(rng), rng)
        kind, _ = slot_flow.pupil_kinds(
            instance.pref_ptr,
            instance.pref_slot,
            instance.pref_score,
            instance.max_slots,
            pupil_tiers(instance),
            instance.pupil_school,
        )
        assert np.unique(kind).size < instance.n_pupils
        result = allocate_slots(instance, seed=int(rng.integers(0, 100)))
        chosen: list[tuple[int, ...]] = [() for _ in range(instance.n_pupils)]
        for p, e in zip(result.pair_pupil.tolist(), result.pair_entry.tolist(), strict=True):
            chosen[p] += (e,)
        for p, entries in enumerate(chosen):
            group, lo = groups_by_hand(instance, p), int(instance.pref_ptr[p])
            assert len({group[e - lo] for e in entries}) == len(entries)  # one place per clash group
        assert rank_key(instance, chosen) == best_by_hand(instance)


def side_by_side(a: SlotInstance, b: SlotInstance) -> SlotInstance:
    """One instance holding a and b with nothing in common but the schools' names: two networks."""
    m, events = a.n_slots, a.event_one_each.size
    return SlotInstance(
        pupil_ids=a.pupil_ids + [f"b-{p}" for p in b.pupil_ids],
        slot_ids=a.slot_ids + [f"b-{s}" for s in b.slot_ids],
        pref_ptr=np.concatenate([a.pref_ptr, a.pref_ptr[-1] + b.pref_ptr[1:]]),
        pref_slot=np.concatenate([a.pref_slot, m + b.pref_slot]).astype(np.int32),
        pref_score=np.concatenate([a.pref_score, b.pref_score]),
        capacity=np.concatenate([a.capacity, b.capacity]),
        slot_start=np.concatenate([a.slot_start, b.slot_start]),
        slot_end=np.concatenate([a.slot_end, b.slot_end]),
        slot_event=np.concatenate([a.slot_event, events + b.slot_event]).astype(np.int32),
        event_one_each=np.concatenate([a.event_one_each, b.event_one_each]),
        max_slots=np.concatenate([a.max_slots, b.max_slots]),
        no_encounter=np.concatenate([a.no_encounter, b.no_encounter]),
        priority=np.concatenate([a.priority, b.priority]),
        pupil_school=np.concatenate([a.pupil_school, b.pupil_school]).astype(np.int32),
        school_names=a.school_names,
    )


def test_separate_networks_solved_in_two_processes_are_as_good_as_solved_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(13)
    children = 0
    for _ in range(4):
        instance = side_by_side(random_tiny(rng), random_tiny(rng))
        instance = replace(instance, school_share=None)  # shares would join the two through the schools
        keys = []
        for split_from in (10**9, 1):
            monkeypatch.setattr(slot_flow, "SPLIT_FROM", split_from)
            peak = [0.0]  # a child that solved a network reports its peak memory here
            monkeypatch.setattr(optimal, "child_peak_mb", peak)
            result = allocate_slots(instance, seed=3)
            children += peak[0] > 0.0
            chosen: list[tuple[int, ...]] = [() for _ in range(instance.n_pupils)]
            for p, e in zip(result.pair_pupil.tolist(), result.pair_entry.tolist(), strict=True):
                chosen[p] += (e,)
            keys.append(rank_key(instance, chosen))
        assert keys[0] == keys[1]
    assert children >= 2  # some halves have no place to give, so not every pair makes two networks


# --- properties: rules 1, 2 and 4 on random instances ---


@st.composite
def slot_instances(draw: st.DrawFn) -> SlotInstance:
    n_slots = draw(st.integers(1, 7))
    slots: list[Slot] = []
    for s in range(n_slots):
        start = draw(st.integers(0, 8))
        slots.append(
            (
                f"s{s}",
                start,
                start + draw(st.integers(1, 4)),
                draw(st.integers(0, 2)),
                draw(st.integers(0, 3)),
            )
        )
    pupils = []
    for p in range(draw(st.integers(0, 8))):
        listed = draw(st.lists(st.integers(0, n_slots - 1), unique=True, max_size=5))
        scores = {f"s{s}": draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])) for s in listed}
        pupils.append(
            create_pupil(
                f"p{p}",
                scores,
                max=draw(st.integers(0, 3)),
                no_encounter=draw(st.booleans()),
                priority=draw(st.booleans()),
                school=draw(st.integers(-1, 1)),
            )
        )
    instance = create_slots(pupils, slots, [False, draw(st.booleans()), draw(st.booleans())])
    return with_slot_shares(instance) if draw(st.booleans()) else instance


@settings(max_examples=60, deadline=None)
@given(instance=slot_instances(), seed=st.integers(0, 1000))
def test_places_keep_capacities_lists_and_each_pupils_most(instance: SlotInstance, seed: int) -> None:
    result = allocate_slots(instance, seed=seed)
    assert (np.bincount(result.pair_slot, minlength=instance.n_slots) <= instance.capacity).all()
    assert (instance.pref_slot[result.pair_entry] == result.pair_slot).all()
    lo, hi = instance.pref_ptr[result.pair_pupil], instance.pref_ptr[result.pair_pupil + 1]
    assert ((lo <= result.pair_entry) & (result.pair_entry < hi)).all()
    assert (result.held <= instance.max_slots).all()
    assert result.held.sum() == result.pair_slot.size


@settings(max_examples=60, deadline=None)
@given(instance=slot_instances(), seed=st.integers(0, 1000))
def test_no_pupil_is_in_two_slots_at_once_or_two_of_a_one_each_event(
    instance: SlotInstance, seed: int
) -> None:
    result = allocate_slots(instance, seed=seed)
    start, end, event = instance.slot_start, instance.slot_end, instance.slot_event
    for p in range(instance.n_pupils):
        mine = result.pair_slot[result.pair_pupil == p].tolist()
        for a, b in itertools.combinations(mine, 2):
            assert not (start[a] < end[b] and start[b] < end[a])
            assert not (event[a] == event[b] and instance.event_one_each[event[a]])


@settings(max_examples=40, deadline=None)
@given(instance=slot_instances(), seed=st.integers(0, 1000))
def test_the_same_instance_and_seed_give_the_same_result(instance: SlotInstance, seed: int) -> None:
    first, second = allocate_slots(instance, seed=seed), allocate_slots(instance, seed=seed)
    for name in ("pair_pupil", "pair_slot", "pair_entry", "waitlist_ptr", "waitlist_pupil", "tier"):
        assert np.array_equal(getattr(first, name), getattr(second, name))


@settings(max_examples=40, deadline=None)
@given(instance=slot_instances(), seed=st.integers(0, 1000))
def test_waitlists_hold_only_pupils_who_listed_the_slot_and_could_take_it(
    instance: SlotInstance, seed: int
) -> None:
    result = allocate_slots(instance, seed=seed)
    start, end, event = instance.slot_start, instance.slot_end, instance.slot_event
    for s in range(instance.n_slots):
        waiting = result.waitlist_pupil[result.waitlist_ptr[s] : result.waitlist_ptr[s + 1]].tolist()
        assert len(set(waiting)) == len(waiting)
        for p in waiting:
            listed = instance.pref_slot[instance.pref_ptr[p] : instance.pref_ptr[p + 1]].tolist()
            mine = result.pair_slot[result.pair_pupil == p].tolist()
            assert s in listed and s not in mine and result.held[p] < instance.max_slots[p]
            for h in mine:
                assert not (start[s] < end[h] and start[h] < end[s])
                assert not (event[s] == event[h] and instance.event_one_each[event[s]])


# --- the order of service, case by case ---


def test_every_pupils_first_slot_comes_before_anyones_second() -> None:
    slots = [("morning", 0, 60, 0, 1), ("noon", 60, 120, 0, 1)]
    first = create_pupil("first", {"morning": 1.0, "noon": 1.0}, no_encounter=True, priority=True)
    other = create_pupil("other", {"noon": 0.1})
    assert given_slots(create_slots([first, other], slots)) == {"first": {"morning"}, "other": {"noon"}}


def test_pupils_with_no_encounter_come_first_then_priority_then_the_rest() -> None:
    slots = [("stand", 0, 60, 0, 1)]
    rest = create_pupil("rest", {"stand": 1.0})
    prio = create_pupil("prio", {"stand": 0.5}, priority=True)
    fresh = create_pupil("fresh", {"stand": 0.1}, no_encounter=True)
    assert given_slots(create_slots([rest, prio, fresh], slots))["fresh"] == {"stand"}
    assert given_slots(create_slots([rest, prio], slots))["prio"] == {"stand"}
    both = create_pupil("both", {"stand": 0.0}, no_encounter=True, priority=True)
    assert given_slots(create_slots([fresh, both], slots))["both"] == {"stand"}


def test_the_most_places_are_filled_even_where_a_priority_pupil_could_have_taken_either() -> None:
    slots = [("a", 0, 60, 0, 1), ("b", 0, 60, 0, 1)]
    first = create_pupil("first", {"a": 1.0, "b": 0.0}, no_encounter=True, max=1)
    other = create_pupil("other", {"a": 1.0}, max=1)
    assert given_slots(create_slots([first, other], slots)) == {"first": {"b"}, "other": {"a"}}


def test_among_equals_the_higher_interest_score_wins() -> None:
    slots = [("stand", 0, 60, 0, 1)]
    pupils = [create_pupil("low", {"stand": 0.3}), create_pupil("high", {"stand": 0.8})]
    assert given_slots(create_slots(pupils, slots))["high"] == {"stand"}


def test_with_shares_each_school_gets_its_share_before_scores_count() -> None:
    slots = [("stand", 0, 60, 0, 2)]
    pupils = [
        create_pupil("a1", {"stand": 0.9}, school=0),
        create_pupil("a2", {"stand": 0.9}, school=0),
        create_pupil("b1", {"stand": 0.1}, school=1),
        create_pupil("b2", {"stand": 0.1}, school=1),
    ]
    plain = create_slots(pupils, slots)
    assert given_slots(plain)["b1"] | given_slots(plain)["b2"] == set()
    shared = with_slot_shares(plain)
    assert shared.school_share is not None and shared.school_share.tolist() == [1, 1]
    got = given_slots(shared)
    assert len(got["a1"] | got["a2"]) == 1 and len(got["b1"] | got["b2"]) == 1


def test_a_one_each_event_gives_a_pupil_one_slot_however_many_they_may_hold() -> None:
    slots = [("nine", 0, 20, 0, 1), ("ten", 60, 80, 0, 1)]
    pupils = [create_pupil("p", {"nine": 1.0, "ten": 1.0}, max=2)]
    assert len(given_slots(create_slots(pupils, slots, [True]))["p"]) == 1
    assert len(given_slots(create_slots(pupils, slots, [False]))["p"]) == 2


def test_slots_that_only_touch_do_not_clash_but_a_chain_of_overlaps_gives_one() -> None:
    touching = [("a", 0, 60, 0, 1), ("b", 60, 120, 0, 1)]
    pupil = [create_pupil("p", {"a": 1.0, "b": 1.0})]
    assert given_slots(create_slots(pupil, touching))["p"] == {"a", "b"}
    # a and c do not overlap, but each overlaps b: the conservative rule gives one of the three.
    chain = [("a", 0, 60, 0, 1), ("b", 30, 90, 0, 1), ("c", 60, 120, 0, 1)]
    pupil = [create_pupil("p", {"a": 1.0, "b": 1.0, "c": 1.0})]
    assert len(given_slots(create_slots(pupil, chain))["p"]) == 1


def test_the_seed_settles_ties_and_another_seed_may_settle_them_otherwise() -> None:
    slots = [("stand", 0, 60, 0, 1)]
    instance = create_slots([create_pupil("x", {"stand": 0.5}), create_pupil("y", {"stand": 0.5})], slots)
    winners = {allocate_slots(instance, seed=seed).pair_pupil.tolist()[0] for seed in range(20)}
    assert winners == {0, 1}


def test_a_waitlist_is_in_service_order_bounded_and_skips_pupils_at_their_most() -> None:
    slots = [("popular", 0, 60, 0, 1), ("other", 100, 160, 0, 3)]
    pupils = [
        create_pupil("holder", {"popular": 1.0}, no_encounter=True, priority=True),
        create_pupil("full", {"popular": 1.0, "other": 1.0}, max=1),
        create_pupil("one_already", {"popular": 0.9, "other": 1.0}, no_encounter=True),
        create_pupil("none_low", {"popular": 0.2}),
        create_pupil("none_high", {"popular": 0.8}),
        create_pupil("none_fresh", {"popular": 0.1}, no_encounter=True),
    ]
    instance = create_slots(pupils, slots)
    result = allocate_slots(instance)
    waiting = result.waitlist_pupil[result.waitlist_ptr[0] : result.waitlist_ptr[1]]
    assert [instance.pupil_ids[p] for p in waiting] == ["none_fresh", "none_high", "none_low", "one_already"]
    bounded = allocate_slots(instance, waitlist=2)
    assert (
        bounded.waitlist_pupil[bounded.waitlist_ptr[0] : bounded.waitlist_ptr[1]].tolist()
        == waiting[:2].tolist()
    )


def test_the_fairness_report_counts_pupils_served_by_tier_and_school() -> None:
    slots = [("stand", 0, 60, 0, 1)]
    pupils = [
        create_pupil("a", {"stand": 1.0}, no_encounter=True),
        create_pupil("b", {"stand": 1.0}, school=1),
    ]
    fairness = allocate_slots(with_slot_shares(create_slots(pupils, slots))).fairness
    assert fairness["served"] == 1 and fairness["places"] == {"capacity": 1, "filled": 1, "slots_full": 1}
    assert fairness["by_tier"]["no encounter"] == {"pupils": 1, "served": 1, "places": 1}  # type: ignore[index]
    assert fairness["by_school"]["B"] == {"pupils": 1, "served": 0, "places": 0, "share": 0}  # type: ignore[index]


def test_an_explanation_says_why_a_pupil_missed_a_slot_and_where_they_wait() -> None:
    slots = [("stand", 0, 60, 0, 1), ("talk", 30, 90, 0, 5)]
    pupils = [
        create_pupil("ana", {"stand": 1.0}, no_encounter=True),
        create_pupil("ben", {"stand": 1.0, "talk": 0.5}),
    ]
    instance = create_slots(pupils, slots)
    lines = explain_slots(instance, allocate_slots(instance), 1)
    assert lines[0].startswith("ben was in priority group 4 of 4")
    assert "ben was given 1 of the 3 slots they may hold: talk." in lines
    assert any(line.startswith("stand: it is at the same time as talk") for line in lines)
    lines = explain_slots(instance, allocate_slots(instance), 0)
    assert "ana was given 1 of the 3 slots they may hold: stand." in lines


def test_an_explanation_of_a_full_slot_names_who_took_it_and_the_waitlist_place() -> None:
    slots = [("stand", 0, 60, 0, 1)]
    pupils = [create_pupil("ana", {"stand": 1.0}, no_encounter=True), create_pupil("ben", {"stand": 1.0})]
    instance = create_slots(pupils, slots)
    line = explain_slots(instance, allocate_slots(instance), 1)[-1]
    assert line.startswith("stand: it was full: its 1 places went to 1 pupils of an earlier priority group")
    assert line.endswith("They are number 1 on its waitlist.")


def test_each_pupils_brief_reason_counts_the_full_slots_they_missed_and_their_schools_share() -> None:
    slots = [("stand", 0, 60, 0, 1), ("talk", 60, 120, 0, 5)]
    pupils = [
        create_pupil("ana", {"stand": 1.0}, no_encounter=True),
        create_pupil("ben", {"stand": 1.0, "talk": 0.5}, school=1),
    ]
    instance = with_slot_shares(create_slots(pupils, slots))
    ana, ben = summaries(instance, allocate_slots(instance))
    assert ana.startswith("Priority group 2 of 4: no encounter yet this school year, so served second.")
    assert "Given 1 of the 3 slots they may hold." in ana
    assert "Given 1 of the 3 slots they may hold; 1 more they might have taken were full." in ben
    assert "Their school was owed 3 places and was given 1." in ben


def test_an_instance_that_does_not_hang_together_is_refused() -> None:
    slots = [("stand", 0, 60, 0, 1)]
    with pytest.raises(ValueError, match="same slot twice"):
        twice = create_slots([create_pupil("p", {"stand": 1.0})], slots)
        allocate_slots(
            SlotInstance(
                **{
                    **twice.__dict__,
                    "pref_ptr": np.array([0, 2]),
                    "pref_slot": np.array([0, 0], np.int32),
                    "pref_score": np.array([1.0, 1.0]),
                }
            )
        )
    with pytest.raises(ValueError, match="end after it starts"):
        allocate_slots(create_slots([create_pupil("p", {"stand": 1.0})], [("stand", 60, 60, 0, 1)]))


def test_invitations_cover_the_no_show_rate_rounded_up_and_clipped() -> None:
    assert invite_limit(9, 0.1) == 10
    assert invite_limit(10, 0.1) == 12
    assert invite_limit(10, 0.9) == 20  # rate clipped to 0.5
    assert invite_limit(10, -0.2) == 10
    assert invite_limit(0, 0.3) == 0


def test_the_no_show_rate_starts_at_the_prior_and_moves_toward_the_registers() -> None:
    assert no_show_rate(0, 0) == pytest.approx(0.1)
    assert no_show_rate(10, 10) == pytest.approx(12 / 30)
    assert no_show_rate(10_000, 2_000) == pytest.approx(0.2, abs=0.001)
    with pytest.raises(ValueError):
        no_show_rate(5, 6)
