"""The package structure holds: no import circles (function-level imports included), layers only
import downwards, backends are imported in one module each, and no module is over 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("tools", "knowledge", "assistant", "ui")
#: a package may import only the packages after it in this order (ui is on top)
LAYER = {"tools": 0, "knowledge": 1, "assistant": 2, "ui": 3}
MAX_LINES = 400


def module_files() -> dict[str, Path]:
    mods = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            mods[name] = path
    return mods


def imported_names(path: Path, module: str, known: set[str] | None = None) -> set[str]:
    """Every module this file imports, wherever the import statement is (functions, TYPE_CHECKING).

    ``from pkg import name`` imports ``pkg.name`` when that is a module in ``known``, else ``pkg``.
    """
    is_package = path.name == "__init__.py"
    known = known or set()
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                names.add(submodule if submodule in known else target)
    return names


def import_graph() -> dict[str, set[str]]:
    mods = module_files()
    graph: dict[str, set[str]] = {}
    for module, path in mods.items():
        edges = set()
        for name in imported_names(path, module, set(mods)):
            while name and name not in mods:  # ``import pkg.mod.attr`` -> the nearest module
                name = name.rpartition(".")[0]
            if name and name != module:
                edges.add(name)
        graph[module] = edges
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


def test_no_import_circles() -> None:
    assert find_cycles(import_graph()) == []


def test_the_cycle_finder_sees_function_level_imports(tmp_path: Path) -> None:
    a = tmp_path / "a.py"
    a.write_text("def f():\n    from tools import b\n")
    assert imported_names(a, "tools.a", {"tools.b"}) == {"tools.b"}
    assert imported_names(a, "tools.a", set()) == {"tools"}
    assert find_cycles({"x": {"y"}, "y": {"x"}, "z": {"x"}}) == [["x", "y"]]


def test_layers_only_import_downwards() -> None:
    upward = [
        (module, target)
        for module, targets in import_graph().items()
        for target in targets
        if LAYER[target.split(".")[0]] > LAYER[module.split(".")[0]]
    ]
    assert upward == []


@pytest.mark.parametrize(
    ("library", "owner"),
    [("chromadb", "knowledge.store"), ("openai", "assistant.chat.models"),
     ("langchain_openai", "assistant.chat.models"), ("gradio", None)],
)
def test_backends_are_imported_in_one_place(library: str, owner: str | None) -> None:
    mods = module_files()
    importers = {
        module for module, path in mods.items()
        if any(n == library or n.startswith(library + ".") for n in imported_names(path, module))
    }
    if owner is None:  # gradio: only the web app's modules
        assert importers and all(m.startswith("ui.") for m in importers)
    else:
        assert importers == {owner}


def test_tools_import_no_frameworks() -> None:
    forbidden = ("langchain", "langchain_core", "gradio", "chromadb", "openai")
    offenders = [
        (module, name)
        for module, path in module_files().items() if module.startswith("tools")
        for name in imported_names(path, module) if name.split(".")[0] in forbidden
    ]
    assert offenders == []


def test_no_module_over_400_lines() -> None:
    long = {m: n for m, p in module_files().items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
