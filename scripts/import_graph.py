"""Figures of app's import graph: units, arrows, cycles and imports that run upward.

    python scripts/import_graph.py            # this tree, by package and by module
    python scripts/import_graph.py --root /path/to/an/older/checkout

A unit is a top-level package of `app` (or a top-level module, such as main.py); an arrow is
"some module of unit A imports some module of unit B". Levels are the longest chain below a
unit; an import runs upward when it goes to a unit whose level is not below its own, which
can only happen on a cycle. The same figures are given between modules.
"""

from __future__ import annotations

import argparse
import ast
from collections import defaultdict
from pathlib import Path


def module_imports(root: Path) -> dict[str, set[str]]:
    """Every module of `app` (dotted name) and the `app` modules it imports."""
    modules: dict[str, Path] = {}
    for path in sorted((root / "app").rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                if target in modules and target != name:
                    graph[name].add(target)
    return graph


def collapse(graph: dict[str, set[str]], unit_of: dict[str, str]) -> dict[str, set[str]]:
    units: dict[str, set[str]] = defaultdict(set)
    for source, targets in graph.items():
        units[unit_of[source]]
        for target in targets:
            if unit_of[target] != unit_of[source]:
                units[unit_of[source]].add(unit_of[target])
    return dict(units)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def levels(graph: dict[str, set[str]]) -> dict[str, int]:
    """Longest chain below each node, cycles counted once (their members share a level)."""
    component_of = {n: n for n in graph}
    for component in cycles(graph):
        for member in component:
            component_of[member] = component[0]
    level: dict[str, int] = {}

    def depth(node: str, seen: frozenset[str]) -> int:
        key = component_of[node]
        if key in level:
            return level[key]
        below = [
            depth(t, seen | {key})
            for n in graph
            if component_of[n] == key
            for t in graph[n]
            if component_of[t] != key and component_of[t] not in seen
        ]
        level[key] = 1 + max(below, default=-1)
        return level[key]

    return {n: depth(n, frozenset()) for n in graph}


def report(name: str, graph: dict[str, set[str]]) -> None:
    arrows = sum(len(t) for t in graph.values())
    level = levels(graph)
    upward = sum(1 for s, ts in graph.items() for t in ts if level[t] >= level[s])
    found = cycles(graph)
    print(
        f"{name}: {len(graph)} units, {arrows} arrows, {max(level.values()) + 1} levels, "
        f"{len(found)} cycles, {upward} upward imports"
    )
    for component in found:
        print("  cycle:", " <-> ".join(component))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    graph = module_imports(args.root)
    report("modules", graph)
    unit_of = {m: ".".join(m.split(".")[:2]) for m in graph}
    report("packages", collapse(graph, unit_of))


if __name__ == "__main__":
    main()
