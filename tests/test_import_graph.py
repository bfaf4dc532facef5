"""No import cycle inside ``interviewer/``: the layers only import downwards.

Read from the source (every ``import`` statement, lazy ones inside functions included; only
``if TYPE_CHECKING:`` blocks are left out, as they never run), so the check is fast and
needs no model or device. Inside one package the type hints count too: modules that name
each other's types in a circle are one module split in the wrong place.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "interviewer"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, modules: set[str], type_hints: bool = False) -> set[str]:
    """The interviewer modules ``path`` imports (resolved: ``from . import x`` -> pkg.x)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child) and not type_hints:
                for stmt in child.orelse:
                    visit(stmt)
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                submodules = {f"{target}.{a.name}" for a in child.names} & modules
                found.update(submodules)
                if len(submodules) < len(child.names):  # names defined in ``target`` itself
                    found.add(target)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in modules and m != name}


def import_graph(type_hints: bool = False) -> dict[str, set[str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(p) for p in files}
    return {_module_name(p): _imports(p, modules, type_hints) for p in files}


def within_packages(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Only the imports between modules of the same package (siblings)."""

    def parent(m: str) -> str:
        return m.rpartition(".")[0]

    return {m: {w for w in ws if parent(w) == parent(m)} for m, ws in graph.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
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
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return found


def test_the_graph_sees_imports() -> None:
    graph = import_graph()
    assert "interviewer.speech_acts" in graph["interviewer.grading.evidence"]
    assert "interviewer.catalog.rounds" in graph["interviewer.grading.rubric"]
    # A cycle built on purpose is found.
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_no_import_cycle_inside_interviewer() -> None:
    assert cycles(import_graph()) == []


def test_type_hint_imports_are_seen_when_asked_for() -> None:
    # incremental.py names a type of another package under TYPE_CHECKING only.
    plain, hinted = import_graph(), import_graph(type_hints=True)
    assert all(plain[m] <= hinted[m] for m in plain)
    assert hinted != plain


def test_no_cycle_inside_a_package_even_through_type_hints() -> None:
    assert cycles(within_packages(import_graph(type_hints=True))) == []
