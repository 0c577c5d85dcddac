"""The optimal mechanism: place as many students as possible, then maximise the total score.

It is a min-cost flow, solved by OR-Tools. Each placement supplies its seats and each student demands one;
a placement's arcs go to the students who listed it. Where a placement has a max_per_school cap, its arcs
to a school's students leave from a gateway node (placement, school) fed by one arc that carries the cap,
so the cap counts every seat (reserves do not apply in this mechanism).

Cardinality first: `solve_max_flow_with_min_cost` computes a maximum flow and then the cheapest flow of that
value, with the choice of which students send flow left to the min-cost stage. That is the lexicographic
optimum with no per-assignment bonus, so arc costs stay small (the scores alone, to SCALE), which keeps the
cost-scaling solver to few refinements and far from int64 overflow at national scale.

School shares (Instance.school_share, set for hub-wide rounds; see matcher/shares.py) are honoured softly
and lexicographically: among the allocations placing the most students, as many students as possible are
placed within their school's share, and among those the total score is the largest. Each student with a
school then sends their unit through a school node to one sink, by an arc of the share's capacity at no
cost or an arc for the rest at a penalty above any total score difference. A share is never a cap: the
maximum flow is the same as without shares, so a seat no other school can use still goes to a school past
its share. Without shares the network is exactly the one described above.

Separate networks (no student or placement in common) are separate problems with the same optimum taken
apart. The solver holds the GIL, so from _SPLIT_FROM arcs the components are packed into two parts and the
smaller part is solved in a child Python process at the same time as the larger one here (the synthetic
national round of bench.pipeline splits in two: there years 12 and 13 share no opportunity with
years 7 to 11).

The lottery among equal-valued optima: the seed permutes the student nodes and the order of the arcs. The
solver is deterministic, so the same instance and seed give the same assignment; a different seed makes it
meet students and arcs in another order and so break ties differently. The optimum value never depends on
the seed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import numpy as np
import scipy.sparse as sp
from ortools.graph.python import min_cost_flow
from scipy.sparse.csgraph import connected_components

from matcher.instance import NO_CAP, UNASSIGNED, FloatArray, Instance, Int32Array, IntArray

# Scores are compared to 3 decimals; finer differences are ties for the lottery. Both the engine and the
# benchmark baseline use this scale so they reach the same optimum.
SCALE = 1000
# OR-Tools scales costs by the node count during cost scaling; stay well inside int64.
_MAX_SCALED_COST = 2**62
_PROCESSES = 2  # separate networks solved at once; this machine class has two cores
_SPLIT_FROM = 1_000_000  # arcs: below this starting a process costs more than it saves, so one network
# The largest peak resident memory (MB) of a child process solving a separate network, this process.
child_peak_mb = [0.0]
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # where a child finds matcher


def integer_costs(pref_score: FloatArray) -> IntArray:
    """Non-negative integer arc costs: the best score costs 0, lower scores cost more, in 1/SCALE steps."""
    if pref_score.size == 0:
        return np.zeros(0, dtype=np.int64)
    value: IntArray = np.rint(pref_score * SCALE).astype(np.int64)
    cost: IntArray = value.max() - value
    # Dividing by the common step keeps the optimum and shrinks the largest cost, so fewer refinements.
    step = int(np.gcd.reduce(cost))
    if step > 1:
        cost //= step
    return cost


def solve_optimal(instance: Instance, seed: int) -> Int32Array:
    """Assignment (placement index per student, -1 for none) maximising placed students, then total score."""
    n, m = instance.n_students, instance.n_placements
    assignment = np.full(n, UNASSIGNED, dtype=np.int32)
    if n == 0 or m == 0 or instance.pref_placement.size == 0:
        return assignment

    rng = np.random.default_rng(seed)
    student = np.repeat(np.arange(n, dtype=np.int32), np.diff(instance.pref_ptr))
    placement = instance.pref_placement.astype(np.int32, copy=False)
    cost = integer_costs(instance.pref_score)
    # Pairs with a placement of no seats can never carry flow.
    useful = instance.capacity[placement] > 0
    if not useful.all():
        student, placement, cost = student[useful], placement[useful], cost[useful]
    if student.size == 0:
        return assignment
    _check_cost_range(cost, n + m + student.size)  # gateways are at most one per pair

    # The lottery: a seeded order of arcs and a seeded numbering of students.
    order = rng.permutation(student.size)
    student, placement, cost = student[order], placement[order], cost[order]
    student_node = rng.permutation(n).astype(np.int32)

    # Arcs run from placements to students: the solver needs about a quarter less time this way round
    # than from students to placements (measured at 100,000 and 650,000 students), for the same optimum.
    source, gate_tail, gate_head, gate_capacity = _sources(instance, student, placement, n)
    heads = student_node[student]
    n_nodes = n + m + gate_tail.size
    # Students listing a usable placement want one seat; placements offer their seats.
    supply = np.zeros(n_nodes, dtype=np.int64)
    supply[heads] = -1
    offering = np.flatnonzero(np.bincount(placement, minlength=m) > 0)
    supply[n + offering] = instance.capacity[offering]

    # Networks that share no node are separate problems: solved apart, the optimum is the same. The solver
    # holds the GIL, so at national scale (where year groups split the round in two) the second part is
    # solved in a child process at the same time as the first, on this machine class's second core.
    tails = np.concatenate([source, gate_tail])
    arc_heads = np.concatenate([heads, gate_head])
    capacity = np.concatenate([np.ones(heads.size, np.int64), gate_capacity])
    cost_all = np.concatenate([cost, np.zeros(gate_tail.size, np.int64)])
    shared = instance.school_share is not None
    if shared:
        # Appended after the pair arcs, so flow[: heads.size] below still reads the pairs.
        (share_tail, share_head, share_capacity, share_cost), supply = _share_arcs(
            instance, student, student_node, cost, supply
        )
        tails = np.concatenate([tails, share_tail])
        arc_heads = np.concatenate([arc_heads, share_head])
        capacity = np.concatenate([capacity, share_capacity])
        cost_all = np.concatenate([cost_all, share_cost])
    del source, gate_head, gate_capacity, cost
    # With shares every student reaches one sink, so the network is one component: nothing to split.
    split = tails.size >= _SPLIT_FROM and not shared
    part = _parts(instance, student_node, gate_tail, _PROCESSES) if split else None
    arc_part = part[tails] if part is not None else None
    if part is None or arc_part is None or not arc_part.any():  # one part: the network as it is
        flow = _solve_network(tails, arc_heads, capacity, cost_all, supply)
    else:
        jobs = []
        for p in np.unique(arc_part).tolist():
            arcs = np.flatnonzero(arc_part == p)
            nodes = np.flatnonzero(part == p)  # in node order, so the seeded numbering of students holds
            local = np.full(n_nodes, -1, dtype=np.int32)
            local[nodes] = np.arange(nodes.size, dtype=np.int32)
            network = (
                local[tails[arcs]],
                local[arc_heads[arcs]],
                capacity[arcs],
                cost_all[arcs],
                supply[nodes],
            )
            jobs.append((arcs, network))
        # The largest here, the rest in the child; only the parts' copies are kept while solving.
        jobs.sort(key=lambda job: -job[0].size)
        flow = np.zeros(tails.size, dtype=np.int64)
        del part, arc_part, local, tails, arc_heads, capacity, cost_all
        for (arcs, _), part_flow in zip(jobs, _solve_at_once([network for _, network in jobs]), strict=True):
            flow[arcs] = part_flow
    used = flow[: heads.size] > 0
    assignment[student[used]] = placement[used]
    return assignment


def _solve_network(
    tails: Int32Array, heads: Int32Array, capacity: IntArray, cost: IntArray, supply: IntArray
) -> IntArray:
    """Flow on each arc of a maximum flow of least cost (supplies positive, demands negative)."""
    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, capacity, cost)
    given = np.flatnonzero(supply != 0).astype(np.int32)
    smcf.set_nodes_supplies(given, supply[given])
    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow did not solve: {status!r}")
    flow: IntArray = smcf.flows(np.asarray(arcs, dtype=np.int32)).astype(np.int64)
    return flow


def solve_network(
    tails: Int32Array, heads: Int32Array, capacity: IntArray, cost: IntArray, supply: IntArray
) -> IntArray:
    """Flow on each arc of a maximum flow of least cost: the solver this mechanism uses, for matcher.slots."""
    return _solve_network(tails, heads, capacity, cost, supply)


def cost_fits(largest: int, n_nodes: int) -> bool:
    """Whether arc costs up to `largest` on `n_nodes` nodes stay inside the solver's scaled int64 range."""
    return largest * (n_nodes + 2) * 4 <= _MAX_SCALED_COST


def solve_apart(
    tails: Int32Array,
    heads: Int32Array,
    capacity: IntArray,
    cost: IntArray,
    supply: IntArray,
    sink: int,
    split_from: int = _SPLIT_FROM,
) -> IntArray:
    """As solve_network, with the networks that meet only at `sink` packed in two and solved at once.

    Apart from a sink that only receives (its demand at least what its arcs bring), the components are
    separate problems with the same optimum taken apart; each part gets its own copy of the sink.
    """
    if tails.size < split_from:
        return _solve_network(tails, heads, capacity, cost, supply)
    n_nodes = supply.size
    inner = (heads != sink) & (tails != sink)
    links = sp.coo_matrix(
        (np.ones(int(inner.sum()), dtype=np.int8), (tails[inner], heads[inner])), shape=(n_nodes, n_nodes)
    ).tocsr()
    _, label = connected_components(links, directed=True, connection="weak")
    node_part = _pack(np.bincount(label[tails], minlength=int(label.max()) + 1), _PROCESSES)[label]
    arc_part = node_part[tails]  # an arc into the sink goes with its tail
    if not arc_part.any():
        return _solve_network(tails, heads, capacity, cost, supply)
    jobs = []
    for p in np.unique(arc_part).tolist():
        arcs = np.flatnonzero(arc_part == p)
        nodes = np.flatnonzero(node_part == p)
        nodes = np.append(nodes[nodes != sink], sink)  # in node order, so a seeded numbering holds
        local = np.full(n_nodes, -1, dtype=np.int32)
        local[nodes] = np.arange(nodes.size, dtype=np.int32)
        part_supply = supply[nodes]
        part_supply[-1] = -int(capacity[arcs[heads[arcs] == sink]].sum())
        jobs.append((arcs, (local[tails[arcs]], local[heads[arcs]], capacity[arcs], cost[arcs], part_supply)))
    jobs.sort(key=lambda job: -job[0].size)  # the largest here, the rest in the child
    flow = np.zeros(tails.size, dtype=np.int64)
    for (arcs, _), part_flow in zip(jobs, _solve_at_once([network for _, network in jobs]), strict=True):
        flow[arcs] = part_flow
    return flow


def _pack(arcs: IntArray, k: int) -> Int32Array:
    """Each component's part, 0..k-1, by arc counts, largest first onto the lightest part."""
    load = np.zeros(k, dtype=np.int64)
    part_of = np.zeros(arcs.size, dtype=np.int32)
    for c in np.argsort(-arcs, kind="stable"):
        if arcs[c] == 0:
            break  # components without arcs: part 0
        lightest = int(np.argmin(load))
        part_of[c] = lightest
        load[lightest] += arcs[c]
    return part_of


_Network = tuple[Int32Array, Int32Array, IntArray, IntArray, IntArray]


def _solve_at_once(networks: list[_Network]) -> list[IntArray]:
    """Each network's flows: the first solved here, each other in a child Python process at the same time.

    A child gets its network and returns its flows through files in a temporary folder, so its memory
    is its own (and measured as such); a child that fails has its network solved here instead.
    """
    with tempfile.TemporaryDirectory(prefix="matcher-optimal-") as folder:
        children: list[tuple[subprocess.Popen[bytes] | None, str]] = []
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (_ROOT, env.get("PYTHONPATH"))))
        for i, network in enumerate(networks[1:]):
            given, out = os.path.join(folder, f"network{i}.npz"), os.path.join(folder, f"flow{i}.npy")
            np.savez(given, *network)
            command = [sys.executable, "-m", "matcher.optimal", given, out]
            try:
                child = subprocess.Popen(
                    command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL
                )
            except OSError:
                child = None  # no process to be had: solved here below
            children.append((child, out))
        try:
            flows = [_solve_network(*networks[0])]
        except BaseException:
            for child, _ in children:
                if child is not None:
                    child.kill()
                    child.wait()
            raise
        for (child, out), network in zip(children, networks[1:], strict=True):
            if child is not None and child.wait() == 0:
                flows.append(np.load(out))
                with open(out + ".peak_kb") as note:
                    child_peak_mb[0] = max(child_peak_mb[0], int(note.read()) / 1024)
            else:
                flows.append(_solve_network(*network))
    return flows


def _solve_file(given: str, out: str) -> None:
    """A child's work: the network in `given` (saved by _solve_at_once), its flows to `out`."""
    with np.load(given) as saved:
        tails, heads, capacity, cost, supply = (saved[f"arr_{i}"] for i in range(5))
    np.save(out, _solve_network(tails, heads, capacity, cost, supply))
    # This process's own peak (VmHWM is reset by exec, unlike ru_maxrss), for an honest total.
    try:
        with open("/proc/self/status") as status:
            peak = next((line.split()[1] for line in status if line.startswith("VmHWM:")), "0")
    except OSError:  # not Linux
        peak = "0"
    with open(out + ".peak_kb", "w") as note:
        note.write(peak)


def _parts(instance: Instance, student_node: Int32Array, gate_tail: Int32Array, k: int) -> Int32Array:
    """Each node's part, 0..k-1: the network's connected components packed into k parts of about equal
    arc counts. Components come from the lists as they stand (already grouped by student, so no sort);
    a gateway node is in its placement's."""
    n, m = instance.n_students, instance.n_placements
    pairs = instance.pref_placement.size
    indptr = np.concatenate([instance.pref_ptr, np.full(m, pairs, dtype=np.int64)])
    lists = sp.csr_matrix(
        (np.ones(pairs, dtype=np.int8), n + instance.pref_placement, indptr), shape=(n + m, n + m)
    )
    _, label = connected_components(lists, directed=True, connection="weak")
    arcs = np.bincount(label[n + instance.pref_placement], minlength=int(label.max()) + 1)
    part_of = _pack(arcs, k)  # students without a list and placements nobody listed: no arcs, part 0
    part = np.empty(n + m + gate_tail.size, dtype=np.int32)
    part[student_node] = part_of[label[:n]]
    part[n:] = np.concatenate([part_of[label[n:]], part_of[label[gate_tail]]])
    return part


def _sources(
    instance: Instance, student: Int32Array, placement: Int32Array, n: int
) -> tuple[Int32Array, Int32Array, Int32Array, IntArray]:
    """Tail node of each pair arc, and the gateway arcs (placement -> gateway, capacity the cap)."""
    m = instance.n_placements
    tail = (n + placement).astype(np.int32)
    school = instance.student_school[student]
    cap = instance.max_per_school[placement]
    gated = (cap != NO_CAP) & (school >= 0)
    empty = np.zeros(0, dtype=np.int32)
    if not gated.any():
        return tail, empty, empty, np.zeros(0, dtype=np.int64)
    # One gateway node per (placement, school) pair that occurs, numbered after the placements.
    n_schools = max(len(instance.school_names), int(school.max()) + 1)
    key = placement[gated].astype(np.int64) * n_schools + school[gated]
    gate_key, gate_index = np.unique(key, return_inverse=True)
    tail[gated] = (n + m + gate_index).astype(np.int32)
    gate_node = (n + m + np.arange(gate_key.size)).astype(np.int32)
    gate_placement = (gate_key // n_schools).astype(np.int32)
    gate_capacity = instance.max_per_school[gate_placement].astype(np.int64)
    return tail, (n + gate_placement).astype(np.int32), gate_node, gate_capacity


def _share_arcs(
    instance: Instance, student: Int32Array, student_node: Int32Array, cost: IntArray, supply: IntArray
) -> tuple[tuple[Int32Array, Int32Array, IntArray, IntArray], IntArray]:
    """Arcs that route each student with a school through a school node to one sink, and the new supplies.

    A school node reaches the sink by an arc of its share's capacity at no cost and an arc for the rest at
    a penalty larger than any difference of total score, so the min-cost stage first places as many
    students as it can within their school's share and only then maximises the score. The max-flow stage
    sees every student reach the sink as before, so the number placed is the same as without shares.
    """
    share = instance.school_share
    assert share is not None
    n_schools = len(share)
    school = instance.student_school
    if n_schools != len(instance.school_names) or (school.size and int(school.max()) >= n_schools):
        raise ValueError(f"school_share has {n_schools} entries for {len(instance.school_names)} schools")
    active = np.zeros(instance.n_students, dtype=bool)
    active[student] = True
    schooled = np.flatnonzero(active & (school >= 0))
    base = supply.size  # school nodes come after every other node, then the sink
    sink = base + n_schools
    members = np.bincount(school[schooled], minlength=n_schools).astype(np.int64)
    within = np.minimum(share, members)
    # Pair costs are never negative, so two allocations differ in score cost by at most what one can
    # cost: the largest pair cost times the most students that can be placed.
    offered = np.flatnonzero(supply[instance.n_students : instance.n_students + instance.n_placements] > 0)
    most_placed = min(int(active.sum()), int(instance.capacity[offered].sum()))
    penalty = (int(cost.max()) if cost.size else 0) * most_placed + 1
    over = np.flatnonzero(members > within)
    if over.size and penalty * (base + n_schools + 3) * 4 > _MAX_SCALED_COST:  # as _check_cost_range
        raise ValueError(
            f"scores spread too wide to weigh school shares above them for {most_placed} students; "
            "rescale the scores"
        )
    kept = np.flatnonzero(within > 0)
    tails = np.concatenate([student_node[schooled], base + kept, base + over]).astype(np.int32)
    heads = np.concatenate([base + school[schooled], np.full(kept.size + over.size, sink)]).astype(np.int32)
    capacity = np.concatenate([np.ones(schooled.size, np.int64), within[kept], members[over] - within[over]])
    arc_cost = np.zeros(tails.size, dtype=np.int64)
    arc_cost[schooled.size + kept.size :] = penalty
    new_supply = np.concatenate([supply, np.zeros(n_schools + 1, dtype=np.int64)])
    new_supply[student_node[schooled]] = 0
    new_supply[sink] = -schooled.size
    return (tails, heads, capacity, arc_cost), new_supply


def _check_cost_range(cost: IntArray, n_nodes: int) -> None:
    """Refuse scores so spread that the solver's scaled costs could overflow int64."""
    largest = int(cost.max()) if cost.size else 0
    if largest and largest * (n_nodes + 2) * 4 > _MAX_SCALED_COST:
        raise ValueError(
            f"scores span {largest / SCALE:g}, too wide for exact integer costs at {n_nodes} nodes; "
            "rescale the scores"
        )


if __name__ == "__main__":
    _solve_file(sys.argv[1], sys.argv[2])
