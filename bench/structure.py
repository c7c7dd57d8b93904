"""The shape of the code: modules per layer, import circles, the largest functions.

Run: ``python bench/structure.py``. Layers come from the import contracts in
``pyproject.toml``; circles from every import statement (inside functions too, type-only
imports aside), found by grimp, the graph import-linter uses.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "dashboard"


def import_graph() -> grimp.ImportGraph:
    return grimp.build_graph(PACKAGE, exclude_type_checking_imports=True)


def circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every group of modules that import each other, directly or not (Tarjan's strongly
    connected components of more than one module, or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(start: str) -> None:
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if not child.startswith(PACKAGE):
                    continue
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))

    for module in sorted(m for m in graph.modules if m.startswith(PACKAGE)):
        if module not in index:
            visit(module)
    return sorted(found)


def layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    main = next(c for c in contracts if c["type"] == "layers")
    return [[m.strip() for m in layer.split("|")] for layer in main["layers"]]


def modules_per_layer(graph: grimp.ImportGraph) -> list[tuple[str, int]]:
    mine = {m for m in graph.modules if m.startswith(PACKAGE)}
    rows, placed = [], set()
    for layer in layers():
        members = {m for m in mine for top in layer if m == top or m.startswith(top + ".")}
        placed |= members
        rows.append((" | ".join(layer), len(members)))
    packages = {m for m in mine if graph.find_children(m)}  # a package's __init__ only names it
    rows.append(("(outside every layer)", len(mine - placed - packages)))
    return rows


def largest_functions(count: int = 10) -> list[tuple[int, str]]:
    sizes = []
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                sizes.append((length, f"{path.relative_to(ROOT)}:{node.name}"))
    return sorted(sizes, reverse=True)[:count]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    graph = import_graph()
    print("modules per layer")
    for layer, n in modules_per_layer(graph):
        print(f"  {n:3d}  {layer}")
    found = circles(graph)
    print(f"import circles: {len(found)}")
    for group in found:
        print("  " + " <-> ".join(group))
    print("largest functions (lines)")
    for length, name in largest_functions():
        print(f"  {length:4d}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
