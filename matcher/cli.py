"""Command line: python -m matcher allocate INSTANCE.json --mechanism optimal|stable [--seed N] [--out F]."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from time import perf_counter

from matcher.allocation import MECHANISMS, allocate
from matcher.io import InstanceError, dump_result, load_instance


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m matcher", description="Allocate work-experience placements."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("allocate", help="allocate an instance file and write the result JSON")
    run.add_argument("instance", type=Path, help="allocation-instance/1 JSON file")
    run.add_argument("--mechanism", choices=MECHANISMS, default="optimal")
    run.add_argument("--seed", type=int, default=0, help="seed of the tie-breaking lottery")
    run.add_argument("--out", type=Path, help="result file (default: standard output)")
    args = parser.parse_args(argv)
    if args.seed < 0:
        parser.error("--seed must be a whole number >= 0")  # numpy's seeded generators refuse negatives
    if args.out is not None and not args.out.resolve().parent.is_dir():
        parser.error(
            f"--out: no directory {args.out.resolve().parent}"
        )  # say so before a long solve, not after

    started = perf_counter()
    try:
        instance = load_instance(args.instance)
    except (InstanceError, OSError) as error:
        # Data errors exit like usage errors (status 2) but without the usage text, which would not help.
        print(f"error: {error}", file=sys.stderr)
        return 2
    loaded = perf_counter()
    result = allocate(instance, mechanism=args.mechanism, seed=args.seed)
    result = replace(result, seconds={"load": loaded - started, **result.seconds})
    data = dump_result(instance, result)
    if args.out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        _write_atomically(args.out, data)
    return 0


def _write_atomically(path: Path, data: bytes) -> None:
    # A crash mid-write must not leave a half result that looks like a whole one.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
