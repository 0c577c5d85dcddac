"""python -m matcher allocate writes a result, or exits 2 naming the bad record and writes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.matcher.instances import create_document, create_placement, create_student

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "matcher", *args], cwd=ROOT, capture_output=True, timeout=60)


def write(path: Path, students: list[dict[str, object]]) -> Path:
    path.write_bytes(
        orjson.dumps(create_document(students, [create_placement("p1"), create_placement("p2")]))
    )
    return path


def test_cli_writes_the_result_to_the_out_file(tmp_path: Path) -> None:
    instance = write(tmp_path / "instance.json", [create_student("s1", ["p1"]), create_student("s2", ["p1"])])
    out = tmp_path / "result.json"
    done = run("allocate", str(instance), "--mechanism", "stable", "--seed", "3", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == b""
    result = orjson.loads(out.read_bytes())
    assert result["format"] == "allocation-result/1" and result["seed"] == 3
    assert len(result["assignments"]) == 1 and len(result["unassigned"]) == 1
    assert {"load", "solve"} <= set(result["seconds"])


def test_cli_writes_the_result_to_stdout_without_out(tmp_path: Path) -> None:
    instance = write(tmp_path / "instance.json", [create_student("s1", ["p2", "p1"])])
    done = run("allocate", str(instance), "--mechanism", "stable")
    assert done.returncode == 0, done.stderr
    assert orjson.loads(done.stdout)["assignments"] == {"s1": "p2"}


def test_cli_exits_2_naming_the_record_and_writes_nothing_for_a_malformed_instance(tmp_path: Path) -> None:
    instance = write(
        tmp_path / "instance.json", [create_student("s1", ["p1"]), create_student("s17", ["p99"])]
    )
    out = tmp_path / "result.json"
    done = run("allocate", str(instance), "--mechanism", "stable", "--out", str(out))
    assert done.returncode == 2
    assert done.stderr.decode().strip() == 'error: student "s17": preference "p99" is not a placement'
    assert done.stdout == b""
    assert list(tmp_path.iterdir()) == [instance]


def test_cli_exits_2_for_bad_json_and_a_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"{not json")
    done = run("allocate", str(bad), "--mechanism", "stable", "--out", str(tmp_path / "out.json"))
    assert done.returncode == 2 and done.stderr.startswith(b"error: not valid JSON")
    missing = run("allocate", str(tmp_path / "missing.json"), "--mechanism", "stable")
    assert missing.returncode == 2 and missing.stderr.startswith(b"error: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json"]


def test_cli_refuses_an_unknown_mechanism_like_argparse(tmp_path: Path) -> None:
    instance = write(tmp_path / "instance.json", [create_student("s1", ["p1"])])
    done = run("allocate", str(instance), "--mechanism", "fastest")
    assert done.returncode == 2 and b"invalid choice" in done.stderr


def test_cli_refuses_a_negative_seed(tmp_path: Path) -> None:
    instance = write(tmp_path / "instance.json", [create_student("s1", ["p1"])])
    done = run("allocate", str(instance), "--mechanism", "stable", "--seed", "-1")
    assert done.returncode == 2 and b"--seed must be a whole number >= 0" in done.stderr


def test_cli_refuses_an_out_file_in_a_missing_directory_before_solving(tmp_path: Path) -> None:
    instance = write(tmp_path / "instance.json", [create_student("s1", ["p1"])])
    done = run(
        "allocate", str(instance), "--mechanism", "stable", "--out", str(tmp_path / "no" / "result.json")
    )
    assert done.returncode == 2 and b"--out: no directory" in done.stderr


def test_cli_runs_the_optimal_mechanism_by_default(tmp_path: Path) -> None:
    pytest.importorskip("matcher.optimal", reason="matcher.optimal is not importable yet")
    instance = write(
        tmp_path / "instance.json", [create_student("s1", ["p1", "p2"]), create_student("s2", ["p1"])]
    )
    done = run("allocate", str(instance))
    assert done.returncode == 0, done.stderr
    result = orjson.loads(done.stdout)
    assert result["mechanism"] == "optimal"
    assert result["assignments"] == {"s1": "p2", "s2": "p1"}  # both placed, which only optimal promises
