"""The import graph: layers point one way (core <- models <- pipeline <- criteria <- app) and no
module imports itself back through others.

Read from the source with ``ast`` (every ``import`` anywhere in a module, function-level ones
included, since a deferred import is still a dependency), so the test needs nothing installed
beyond the repository.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# installed name -> folder (pyproject.toml package-dir)
PACKAGES = {"mednec": "mednec", "mednec.models": "models", "mednec.pipeline": "pipeline",
            "mednec.criteria": "criteria"}
# lower layers first; a module may import its own layer and the layers before it
LAYERS = ("mednec.core", "mednec.models", "mednec.pipeline", "mednec.criteria", "mednec")


def modules() -> dict[str, Path]:
    """Every mednec module name -> its file (Alembic revision scripts excluded)."""
    out: dict[str, Path] = {}
    for package, folder in PACKAGES.items():
        for path in (REPO / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = [p for p in path.relative_to(REPO / folder).with_suffix("").parts if p != "__init__"]
            out[".".join([package, *parts])] = path
    return out


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The mednec modules ``path`` imports (``from pkg import submodule`` names the submodule)."""
    deps: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("mednec"):
            subs = {f"{node.module}.{a.name}" for a in node.names} & known.keys()
            deps |= subs
            if len(subs) < len(node.names):
                deps.add(node.module)
        elif isinstance(node, ast.Import):
            deps |= {a.name for a in node.names if a.name.startswith("mednec")}
    return deps & known.keys()


def layer(module: str) -> int:
    """Index of the layer ``module`` belongs to (the longest matching prefix)."""
    return max((i for i, name in enumerate(LAYERS) if module == name or module.startswith(name + ".")),
               key=lambda i: len(LAYERS[i]))


GRAPH = {name: imports(path, modules()) - {name} for name, path in modules().items()}


def test_graph_is_read() -> None:
    """The reader sees the real graph (so an empty one cannot pass the tests below)."""
    assert "mednec.pipeline.facts" in GRAPH and "mednec.criteria.evaluator" in GRAPH
    assert "mednec.core.errors" in GRAPH["mednec.pipeline.resources"]
    assert "mednec.worker" in GRAPH["mednec.triage"]


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if layer(m) < LAYERS.index("mednec")))
def test_lower_layers_never_import_upward(module: str) -> None:
    """models, pipeline and criteria import only their own layer and those below (and the core)."""
    upward = sorted(d for d in GRAPH[module] if layer(d) > layer(module) and d != "mednec")
    assert not upward, f"{module} imports {upward}"


def test_core_imports_nothing_of_mednec() -> None:
    """The core is the bottom: every layer may import it, it imports none."""
    for module, deps in GRAPH.items():
        if layer(module) == 0:
            assert all(layer(d) == 0 for d in deps), f"{module} imports {sorted(deps)}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    """The finder itself: a three-module loop is reported, a chain is not."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_import_cycles() -> None:
    """No module reaches itself through its imports (deferred, function-level ones included)."""
    assert _cycles(GRAPH) == []


def test_no_private_cpython_module_is_imported() -> None:
    """CPython's private modules (the ``re`` parser and its kin) change without notice."""
    private = ("re._", "sre_", "_sre", "importlib._bootstrap", "collections.abc._")
    offenders = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            found = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [f"{node.module}.{a.name}" for a in node.names] if isinstance(node, ast.ImportFrom) and node.module \
                else []
            offenders += [f"{name}:{node.lineno} {f}" for f in found if f.startswith(private)]
    assert not offenders, offenders
