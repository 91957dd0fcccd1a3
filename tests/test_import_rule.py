"""Imports flow one way (docs/architecture.md): core ← accounts/audit ← domain apps ←
observatory/retention ← demo. This test reads every module of ours and fails on an import
the table below does not allow — a circle between apps starts with such an import."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tranquillite"
FOUNDATION = {"core", "accounts", "audit"}
# What each app may import, besides itself.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "audit": {"core"},
    "accounts": {"core", "audit"},
    "governance": FOUNDATION,
    "strategy": FOUNDATION | {"governance"},
    "people": FOUNDATION | {"governance"},
    "letters": FOUNDATION,
    "followups": FOUNDATION | {"governance", "people", "letters"},
    "community_service": FOUNDATION | {"people", "letters"},
    "retention": FOUNDATION | {"governance", "people", "letters", "followups", "community_service"},
    "observatory": FOUNDATION
    | {"governance", "people", "followups", "strategy", "community_service"},
    "field": FOUNDATION,
    # The API reads and writes the domain apps through their services; no domain app
    # imports it.
    "api": FOUNDATION | {"field"},
}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    type_checking_only: set[int] = set()
    for node in ast.walk(tree):
        # `if TYPE_CHECKING:` imports exist for the type checker only, never at run time.
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            type_checking_only |= {id(child) for child in ast.walk(node)}
    apps = set()
    for node in ast.walk(tree):
        if id(node) in type_checking_only:
            continue
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "tranquillite" and len(parts) > 1:
                apps.add(parts[1])
    return apps


def test_every_app_is_in_the_table():
    apps = {path.name for path in PACKAGE.iterdir() if (path / "apps.py").exists()}
    assert apps - {"demo"} == set(ALLOWED)


def test_imports_flow_one_way():
    wrong = []
    for app, allowed in ALLOWED.items():
        for path in (PACKAGE / app).rglob("*.py"):
            for other in imported_apps(path) - allowed - {app}:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {other}")
    assert wrong == []
