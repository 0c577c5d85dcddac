"""Time matcher.slots on a synthetic hub-wide careers-fair season, and print what it gives.

    python -m bench.events [--seed N] [--shares] [--waitlist K] [--repeat R]

The season (make_season): 200 schools of 175 Year 9 pupils (35,000) and 300 events of 40 slots each
(12,000). Each school attends 1 to 3 events. Four events in five are fairs: 4, 5 or 8 aligned periods of 40
to 70 minutes times the stands (40 slots in all), with places for about 80% of the slots its pupils may hold
there (a pupil holds about 3 over about 2 events), spread over the slots at +-30%, so places are short
overall and popular stands far shorter. One in five is a mock-interview day (one slot each per pupil): 40
interviews of 20 minutes, 1 or 2 places each. Events fall on 40 days; a fair starts at 9:00, 9:30 or 10:00,
so events on the same day overlap without being aligned. Each pupil lists 10 to 30 of their school's events'
slots, drawn with a popularity skew (a stand's appeal), with interest scores to 3 decimals around that
appeal; they may hold 2 to 4 slots; 40% have had no encounter yet this year and 30% are disadvantaged or
SEND.
Prints seconds per stage, the total, peak resident memory (ru_maxrss, the process including the
generator, and the child process solving the smaller network apart), places, pupils served by tier
and, with --shares, places within school shares.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from matcher import optimal
from matcher.slots import SlotInstance, allocate_slots, with_slot_shares

DAY = 24 * 60


def make_season(
    seed: int = 0,
    n_schools: int = 200,
    pupils_per_school: int = 175,
    n_events: int = 300,
    slots_per_event: int = 40,
    shares: bool = False,
) -> SlotInstance:
    """A seeded synthetic careers-fair season as a SlotInstance (see the module docstring)."""
    rng = np.random.default_rng(seed)
    interview = rng.random(n_events) < 0.2
    day = rng.integers(0, 40, n_events)
    attends = [rng.choice(n_events, size=int(rng.integers(1, 4)), replace=False) for _ in range(n_schools)]
    attendees = np.bincount(np.concatenate(attends), minlength=n_events) * pupils_per_school

    starts, ends, caps, appeal = [], [], [], []
    for e in range(n_events):
        base = int(day[e]) * DAY + 9 * 60
        if interview[e]:
            t = base + 20 * np.arange(slots_per_event // 4)
            starts.append(np.tile(t, 4))
            ends.append(np.tile(t + 20, 4))
            caps.append(rng.integers(1, 3, slots_per_event))
        else:
            periods = int(rng.choice([4, 5, 8]))
            stands = slots_per_event // periods
            length = int(rng.integers(40, 71))
            t = base + 30 * int(rng.integers(0, 3)) + (length + 10) * np.arange(periods)
            starts.append(np.repeat(t, stands))
            ends.append(np.repeat(t + length, stands))
            # A pupil holds about 3 slots over about 2 events: places for 80% of that, spread over the slots.
            per_slot = 0.8 * 1.5 * attendees[e] / slots_per_event
            caps.append(np.maximum(1, np.rint(per_slot * rng.uniform(0.7, 1.3, slots_per_event))))
        appeal.append(rng.beta(2.0, 3.0, slots_per_event))
    slot_start = np.concatenate(starts).astype(np.int64)
    slot_end = np.concatenate(ends).astype(np.int64)
    capacity = np.concatenate(caps).astype(np.int64)
    slot_appeal = np.concatenate(appeal)
    slot_event = np.repeat(np.arange(n_events, dtype=np.int32), slots_per_event)

    n = n_schools * pupils_per_school
    lists, scores, lengths = [], [], []
    for k in range(n_schools):
        offered = (attends[k][:, None] * slots_per_event + np.arange(slots_per_event)).ravel()
        want = rng.integers(10, 31, pupils_per_school)
        want = np.minimum(want, offered.size)
        # Weighted draws without replacement (exponential keys), so appealing stands are listed more.
        key = rng.exponential(size=(pupils_per_school, offered.size)) / (slot_appeal[offered] + 0.05)
        chosen = np.argsort(key, axis=1)
        taken = np.arange(offered.size) < want[:, None]
        picked = offered[chosen[taken.nonzero()[0], taken.nonzero()[1]]]
        lists.append(picked)
        fit = slot_appeal[picked] + rng.normal(0.0, 0.2, picked.size)
        scores.append(np.round(np.clip(fit, 0.0, 1.0), 3))
        lengths.append(want)
    pref_ptr = np.concatenate([[0], np.cumsum(np.concatenate(lengths))]).astype(np.int64)
    instance = SlotInstance(
        pupil_ids=[f"pupil{p:05d}" for p in range(n)],
        slot_ids=[f"slot{s:05d}" for s in range(slot_start.size)],
        pref_ptr=pref_ptr,
        pref_slot=np.concatenate(lists).astype(np.int32),
        pref_score=np.concatenate(scores).astype(np.float64),
        capacity=capacity,
        slot_start=slot_start,
        slot_end=slot_end,
        slot_event=slot_event,
        event_one_each=interview,
        max_slots=rng.integers(2, 5, n).astype(np.int64),
        no_encounter=rng.random(n) < 0.4,
        priority=rng.random(n) < 0.3,
        pupil_school=np.repeat(np.arange(n_schools, dtype=np.int32), pupils_per_school),
        school_names=[f"school{k:03d}" for k in range(n_schools)],
    )
    return with_slot_shares(instance) if shares else instance


def main() -> None:
    """Generate the season, allocate it and print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shares", action="store_true", help="owe each school its share of places")
    parser.add_argument("--waitlist", type=int, default=None, help="longest waitlist per slot (default: all)")
    parser.add_argument("--repeat", type=int, default=1, help="allocate this many times, print each")
    args = parser.parse_args()
    made = time.perf_counter()
    instance = make_season(args.seed, shares=args.shares)
    print(
        f"season: {instance.n_pupils:,} pupils, {instance.n_slots:,} slots, {instance.pref_slot.size:,} "
        f"listed pairs, {int(instance.capacity.sum()):,} places; "
        f"generated in {time.perf_counter() - made:.2f} s"
    )
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = allocate_slots(instance, seed=args.seed, waitlist=args.waitlist)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        stages = ", ".join(f"{name} {seconds:.2f}" for name, seconds in result.seconds.items())
        print(f"{stages}; total {wall:.2f} s (cpu {cpu:.2f})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    fairness = result.fairness
    print(
        f"peak RSS {peak:,.0f} MB (child solving the smaller network {optimal.child_peak_mb[0]:,.0f} MB); "
        f"pairs (places given) {result.pair_slot.size:,}; places {fairness['places']}"
    )
    print(f"pupils served {fairness['served']:,} of {fairness['pupils']:,}; by depth {fairness['by_depth']}")
    by_tier = fairness["by_tier"]
    assert isinstance(by_tier, dict)
    for name, row in by_tier.items():
        print(f"  {name:26} {row['served']:6,} of {row['pupils']:6,} served, {row['places']:7,} places")
    print(f"waitlist entries {result.waitlist_pupil.size:,}; weights {fairness['weights']}")
    if "school_share" in fairness:
        print(f"school shares {fairness['school_share']}")


if __name__ == "__main__":
    main()
