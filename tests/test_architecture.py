"""The floors of the house: imports run from a higher floor to a lower one, never up, and the
checker imports nothing of the project (a model bug must not hide behind itself)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# package -> the project packages it may import (README, "Stages and packages")
MAY_IMPORT: dict[str, set[str]] = {
    "contracts": set(),
    "checker": set(),
    "geodata": {"contracts"},
    "optimizer": {"contracts"},
    "maps": {"contracts", "geodata"},
    "whatif": {"contracts", "geodata", "optimizer", "checker", "maps"},
    "mobilize": {"contracts", "geodata", "optimizer", "checker", "maps", "whatif"},
    "benchmarks": {"contracts", "geodata", "optimizer", "checker", "whatif"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out & set(MAY_IMPORT)


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_imports_only_run_down(package: str) -> None:
    wrong = {
        f"{path.relative_to(ROOT)} imports {sorted(bad)}"
        for path in (ROOT / package).rglob("*.py")
        if (bad := _imports(path) - MAY_IMPORT[package] - {package})
    }
    assert not wrong, sorted(wrong)


def test_every_package_is_on_a_floor() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
    assert packages == set(MAY_IMPORT)


# The solver's own API, and the modules that may touch it (the issue's "one backend
# interface": the search reaches a solver through optimizer/backend.py, which builds on
# optimizer/solve.py's loading of a model; benchmarks measure solver options directly).
SOLVER_APIS = {"highspy", "ortools", "pyscipopt"}
SOLVER_DOORS = {"optimizer/backend.py", "optimizer/solve.py"}


def _solver_uses(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names} & SOLVER_APIS
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module.split(".")[0]} & SOLVER_APIS
            if node.module == "optimizer.solve" and any(a.name == "highs_with"
                                                        for a in node.names):
                found.add("highs_with")
    return found


def test_the_solver_is_reached_only_through_the_backend() -> None:
    wrong = {
        f"{rel} uses {sorted(used)}"
        for package in sorted(set(MAY_IMPORT) - {"benchmarks"})
        for path in (ROOT / package).rglob("*.py")
        if (rel := path.relative_to(ROOT).as_posix()) not in SOLVER_DOORS
        and (used := _solver_uses(path))
    }
    assert not wrong, sorted(wrong)
