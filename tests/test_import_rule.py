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
    | {
        "governance",
        "people",
        "followups",
        "strategy",
        "community_service",
        "technical_issues",
        "tensions",
        "field",
    },
    "field": FOUNDATION,
    # Technical issues are raised from the daily log (field) and give indicator sources to
    # the action sheets (strategy.sources only).
    "technical_issues": FOUNDATION | {"field", "strategy"},
    # Tension alerts: the field's teams and the council's monitoring cell.
    "tensions": FOUNDATION | {"governance", "field"},
    # The API reads and writes the domain apps through their services; no domain app
    # imports it.
    "api": FOUNDATION | {"field", "technical_issues"},
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


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path, known: set[str]) -> set[str]:
    """Modules of ours this file imports, at the top or inside a function (a deferred import
    is still a circle: it only hides it until run time). `if TYPE_CHECKING:` blocks count too,
    as the brief's circle tool counts them."""
    tree = ast.parse(path.read_text(), filename=str(path))
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [*package.split(".")[: len(package.split(".")) - node.level + 1], base]
                ).strip(".")
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            # The longest known module the name starts with: `from x import y` may name a
            # module y or an object of x.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def test_no_import_circle_between_modules():
    """No circle at all, not even between two files of one app (a task module and the
    service it calls): pass the function, or move the shared piece down."""
    paths = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    known = set(paths)
    graph = {name: _imported_modules(path, known) for name, path in paths.items()}
    # A package imports its own submodules when they are loaded; that is not a circle.
    for name in graph:
        graph[name] = {m for m in graph[name] if not name.startswith(m + ".")}
    circles = []
    for start in sorted(graph):
        # Depth-first search for a path leading back to `start`.
        stack = [(start, [start])]
        seen = set()
        while stack:
            node, trail = stack.pop()
            for following in graph[node]:
                if following == start:
                    circles.append(" -> ".join([*trail, start]))
                elif following not in seen and following > start:
                    seen.add(following)
                    stack.append((following, [*trail, following]))
    assert circles == []
