"""Modules of service are imported at the top of a module, never inside a function to dodge a
cycle (the layering itself is checked by import-linter in `make test`: [tool.importlinter])."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICE = Path(__file__).resolve().parents[2] / "service"
SOURCES = sorted(p for p in SERVICE.rglob("*.py") if "migrations" not in p.parts)


def _service_imports(tree: ast.AST) -> list[tuple[ast.AST, str]]:
    found: list[tuple[ast.AST, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node, node.module))
        elif isinstance(node, ast.Import):
            found += [(node, alias.name) for alias in node.names]
    return [(node, name) for node, name in found if name == "service" or name.startswith("service.")]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(SERVICE)))
def test_service_modules_are_imported_at_the_top(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    for node, target in _service_imports(tree):
        line = getattr(node, "lineno", "?")
        assert id(node) in top_level, f"{path.name}:{line} imports {target} inside a block"
