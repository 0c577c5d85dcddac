"""Tests read today's date inside the test: a date read when the module is imported is yesterday's for a
test that runs after midnight, so the suite would fail across midnight."""

from __future__ import annotations

import ast
from pathlib import Path

CLOCKS = {"today", "london_today", "utcnow", "now"}


def _reads_the_clock(node: ast.AST) -> bool:
    return any(
        isinstance(call, ast.Call)
        and (getattr(call.func, "attr", None) or getattr(call.func, "id", None)) in CLOCKS
        for call in ast.walk(node)
    )


def _import_time_reads(tree: ast.Module) -> list[int]:
    """Lines where the module, a class body or a decorator reads the clock as the module is imported."""
    found = []
    bodies = [tree.body] + [node.body for node in tree.body if isinstance(node, ast.ClassDef)]
    for body in bodies:
        for node in body:
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.Expr)) and _reads_the_clock(node):
                found.append(node.lineno)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                evaluated = [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]
                found += [part.lineno for part in evaluated if part is not None and _reads_the_clock(part)]
    return found


def test_a_module_level_date_is_found() -> None:
    assert _import_time_reads(ast.parse("from datetime import date\nTODAY = date.today()\n")) == [2]
    assert _import_time_reads(ast.parse("@mark(when=london_today())\ndef test(): pass\n")) == [1]
    assert _import_time_reads(ast.parse("def today():\n    return date.today()\n")) == []


def test_no_test_module_reads_the_date_when_imported() -> None:
    here = Path(__file__).parent
    found = [
        f"{path.relative_to(here)}:{line}"
        for path in sorted(here.rglob("*.py"))
        for line in _import_time_reads(ast.parse(path.read_text(), str(path)))
    ]
    assert found == []
