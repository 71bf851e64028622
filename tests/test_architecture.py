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
