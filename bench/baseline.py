"""The benchmark's baseline: the plain OR-Tools script a competent outsider would write for `optimal`.

    python -m bench.baseline INSTANCE.json RESULT.json

It reads the JSON with the standard library, builds the textbook network arc by arc (each student sends one
unit either to a placement on their list or, at a large cost, straight to the sink as "unassigned"; a
(placement, school) node carries each max_per_school cap), solves with SimpleMinCostFlow.solve and writes the
assignments. Scores become integers at the engine's scale (matcher.optimal.SCALE), so both reach the same
optimum. Phase timings go to standard error for the benchmark's breakdown.
"""

from __future__ import annotations

import json
import sys
import time

from ortools.graph.python import min_cost_flow

SCALE = 1000  # as matcher.optimal.SCALE; repeated so the script stands alone


def main(instance_path: str, result_path: str) -> None:
    """Solve the instance's optimal allocation and write {"assignments": {student: placement}}."""
    started = time.perf_counter()
    with open(instance_path) as f:
        data = json.load(f)
    loaded = time.perf_counter()

    students = data["students"]
    placements = data["placements"]
    scores = data["scores"]
    n, m = len(students), len(placements)
    placement_index = {p["id"]: j for j, p in enumerate(placements)}
    sink = n + m
    # An extra student placed must outweigh any total score difference: scores are at most SCALE each and
    # at most n students are placed, so a bonus of SCALE * (n + 1) per unassigned student does it.
    unassigned_cost = SCALE * (n + 1)

    flow = min_cost_flow.SimpleMinCostFlow()
    pair_arcs = []
    gateways: dict[tuple[int, str], int] = {}
    next_node = sink + 1
    for s, student in enumerate(students):
        school = student.get("school")
        for p_id in student["preferences"]:
            j = placement_index[p_id]
            cost = SCALE - round(scores[student["id"]][p_id] * SCALE)
            cap = placements[j].get("max_per_school")
            head = n + j
            if cap is not None and school is not None:
                key = (j, school)
                if key not in gateways:
                    gateways[key] = next_node
                    flow.add_arc_with_capacity_and_unit_cost(next_node, n + j, cap, 0)
                    next_node += 1
                head = gateways[key]
            arc = flow.add_arc_with_capacity_and_unit_cost(s, head, 1, cost)
            pair_arcs.append((arc, s, j))
        flow.add_arc_with_capacity_and_unit_cost(s, sink, 1, unassigned_cost)
        flow.set_node_supply(s, 1)
    for j, placement in enumerate(placements):
        flow.add_arc_with_capacity_and_unit_cost(n + j, sink, placement["capacity"], 0)
    flow.set_node_supply(sink, -n)
    built = time.perf_counter()

    status = flow.solve()
    if status != flow.OPTIMAL:
        sys.exit(f"min-cost flow did not solve: {status}")
    solved = time.perf_counter()

    assignments = {}
    for arc, s, j in pair_arcs:
        if flow.flow(arc) > 0:
            assignments[students[s]["id"]] = placements[j]["id"]
    with open(result_path, "w") as f:
        json.dump({"assignments": assignments}, f)
    written = time.perf_counter()
    timings = {
        "load": loaded - started,
        "build": built - loaded,
        "solve": solved - built,
        "write": written - solved,
    }
    print(json.dumps(timings), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
