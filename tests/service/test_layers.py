"""The package layering of service/, read from the source: which layer may import which.

* Nothing below the HTTP layer (commands, queries, audit, timers, persistence, core) imports
  service.http; the JSON API and the pages share reads through service.queries, never each other.
* Modules of service are imported at the top of a module, not inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICE = Path(__file__).resolve().parents[2] / "service"
BELOW_HTTP = ("commands", "queries", "audit", "timers", "persistence", "core")
FORBIDDEN = {
    **{f"service.{layer}": ("service.http",) for layer in BELOW_HTTP},
    "service.http.api": ("service.http.web",),
    "service.http.web": ("service.http.api",),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(SERVICE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(tree: ast.AST) -> list[tuple[ast.AST, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node, node.module))
        elif isinstance(node, ast.Import):
            found += [(node, alias.name) for alias in node.names]
    return found


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


SOURCES = sorted(p for p in SERVICE.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(SERVICE)))
def test_layering(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = module_name(path)
    top_level = {id(node) for node in tree.body}
    for node, target in imports(tree):
        for layer, banned in FORBIDDEN.items():
            if within(module, layer):
                assert not any(within(target, b) for b in banned), f"{module} imports {target}"
        if within(target, "service") and id(node) not in top_level:
            pytest.fail(f"{module}:{node.lineno} imports {target} inside a function or block")
