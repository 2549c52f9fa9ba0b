"""The layout shows the processes: which code runs where, read from every module's imports.

katacheck runs in three kinds of process, and each module belongs to one of them (or is shared
by all). The table below is the architecture: read it first.

- **parent**: the ``katacheck`` command and plain ``pytest`` in a workspace. It must start fast
  and never runs anything from the workspace, so it never imports torch at module level.
- **worker**: a warm process that imports torch and the child side once, then forks kata
  children. It never needs the parent's code.
- **child**: the forked kata child, next to learner code: the checks API hidden tests call and
  the child side of the runner. Learner code can reach whatever it imports, so it imports
  nothing of the parent nor of the worker.
- **judge**: forked from the worker like a child, but it never runs learner code: it recomputes
  each kata's rule from the evidence a child sent. It may use the child's trusted code (the
  test data), never the parent's.
- **shared**: pure modules every process uses (the result model, the messages, the packs...).
  They import only each other.

Imports are read with ``ast``, never by importing: module-level and function-level (lazy) ones,
``import x`` and ``from x import y``, relative ones resolved; ``if TYPE_CHECKING:`` blocks are
left out (they never run). On top of the rules per process, the import graph has no cycle,
lazy imports included: a cycle hidden in a function still means two modules that cannot be
understood, or loaded, one without the other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PARENT, WORKER, CHILD, JUDGE, SHARED = "parent", "worker", "child", "judge", "shared"

#: Where each module runs. ``"x.*"`` is the package ``x`` and everything under it; any other
#: entry is that one module. The most specific entry wins. A module no entry covers fails the
#: test: a new module gets its line here.
LAYOUT: dict[str, str] = {
    # The katacheck command, plain pytest in a workspace, and what only they use.
    "katacheck.__main__": PARENT,
    "katacheck.cli.*": PARENT,
    "katacheck.grading.*": PARENT,
    "katacheck.reports.*": PARENT,
    "katacheck.render.*": PARENT,
    "katacheck.hints": PARENT,
    "katacheck.workspace": PARENT,
    "katacheck.pytest_plugin": PARENT,
    "katacheck.runner.parent.*": PARENT,  # with the facade the parent calls (run_kata, warm_up...)
    "katacheck.verifying": PARENT,  # run, record, offer hints: verify's and the notebook's
    # The notebook: the magics run in the Jupyter/Colab kernel, the parent's side (IPython,
    # never torch); the course notebook and its cells are plain JSON, for init and grade.
    "katacheck.notebook.*": PARENT,
    # Course authors' tools (katacheck dev): scaffolds, and calibration run in kata children.
    "katacheck.authoring.scaffold": PARENT,
    "katacheck.authoring.calibration": PARENT,
    # katacheck dev check: validation, the runs over seeds, the variants' parser.
    "katacheck.authoring": PARENT,
    "katacheck.authoring.check": PARENT,
    "katacheck.authoring.validate": PARENT,
    "katacheck.authoring.variants": PARENT,
    # The warm worker that forks kata children.
    "katacheck.runner.worker.*": WORKER,
    # The kata child: the checks API of hidden tests, and the child side of the runner.
    "katacheck.checks.*": CHILD,
    "katacheck.runner.child.*": CHILD,
    # The judge, forked from the worker like a child but never next to learner code: it
    # recomputes each kata's rule from the evidence, with the pack's (trusted) test helpers.
    "katacheck.judge": JUDGE,
    "katacheck.runner.judge.*": JUDGE,
    # Pure modules every process uses.
    "katacheck": SHARED,
    "katacheck._toml": SHARED,
    "katacheck.builtin": SHARED,
    "katacheck.errors": SHARED,
    "katacheck.hookspecs": SHARED,
    "katacheck.i18n": SHARED,
    "katacheck.packs": SHARED,
    "katacheck.plugins": SHARED,
    "katacheck.result": SHARED,
    "katacheck.settings": SHARED,  # the KATACHECK_* environment variables
    "katacheck.runner": SHARED,  # only the docstring of the three processes
    "katacheck.runner.channel": SHARED,
    "katacheck.runner.hardening": SHARED,  # what the parent and the worker do to their own process
}

#: What each process may import of katacheck, besides itself.
MAY_IMPORT: dict[str, frozenset[str]] = {
    PARENT: frozenset({PARENT, SHARED}),
    WORKER: frozenset({WORKER, CHILD, JUDGE, SHARED}),
    CHILD: frozenset({CHILD, SHARED}),
    JUDGE: frozenset({JUDGE, CHILD, SHARED}),
    SHARED: frozenset({SHARED}),
}

#: TEMPORARY, to be emptied: imports inside src/katacheck/runner/ that break the rules above,
#: known and left to the runner's rewrite, as ``(importer, imported)``. An entry that no longer
#: matches a broken rule fails the test, so the list only shrinks.
KNOWN_RUNNER_VIOLATIONS: frozenset[tuple[str, str]] = frozenset()
#: TEMPORARY, to be emptied: the same, in shared modules outside the runner.
KNOWN_SHARED_VIOLATIONS: frozenset[tuple[str, str]] = frozenset()
KNOWN_VIOLATIONS = KNOWN_RUNNER_VIOLATIONS | KNOWN_SHARED_VIOLATIONS
#: Not violations: functions a host program calls by name, in the parent's process only, whose
#: import runs inside the function. IPython's ``%load_ext katacheck`` calls
#: ``katacheck.load_ipython_extension`` in the kernel; no other process calls it (a learner's
#: file may not even import katacheck). As ``(importer, imported)``; a module-level import
#: still breaks the rule, and an entry whose import is gone fails the test.
HOST_ENTRY_POINTS: frozenset[tuple[str, str]] = frozenset({("katacheck", "katacheck.notebook.magics")})
#: TEMPORARY, to be emptied: imports that close a known cycle, left out of the cycle test.
#: Same rule: an entry whose import is gone fails the test.
KNOWN_CYCLE_EDGES: frozenset[tuple[str, str]] = frozenset()

SOURCE = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "katacheck"


@dataclass(frozen=True)
class Import:
    """One import statement's target, as seen from the module that runs it."""

    importer: str
    imported: str
    line: int
    #: Runs when the module is imported (not inside a function).
    module_level: bool
    #: Not a statement: Python runs a module's package ``__init__`` before the module itself.
    implicit: bool = False

    def __str__(self) -> str:
        if self.implicit:
            return f"{self.importer} → {self.imported} (its package, run first)"
        where = "" if self.module_level else ", inside a function"
        return f"{self.importer} → {self.imported} (line {self.line}{where})"


# -- reading the source ----------------------------------------------------------------------


def module_files() -> dict[str, Path]:
    """Every module of the package, by dotted name (a package by its ``__init__``)."""
    modules = {}
    for path in sorted((SOURCE / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SOURCE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = module_files()


def is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def imports_of(module: str) -> list[Import]:
    """What ``module`` imports, every statement but those under ``if TYPE_CHECKING:``."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"), filename=str(MODULES[module]))
    return [Import(module, target, node.lineno, module_level)
            for node, module_level in _import_nodes(tree.body, module_level=True)
            for target in _targets(module, node)]


def _import_nodes(body: list[ast.stmt], *, module_level: bool) -> Iterator[tuple[ast.stmt, bool]]:
    """Every import statement under ``body``, with whether it runs at import time."""
    reader = _ImportReader(module_level)
    for node in body:
        reader.visit(node)
    yield from reader.found


class _ImportReader(ast.NodeVisitor):
    def __init__(self, module_level: bool) -> None:
        self.found: list[tuple[ast.stmt, bool]] = []
        self.functions = 0 if module_level else 1

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions += 1
        self.generic_visit(node)
        self.functions -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        if not _is_type_checking(node.test):
            self.generic_visit(node)
            return
        for statement in node.orelse:  # only the ``else`` of ``if TYPE_CHECKING:`` ever runs
            self.visit(statement)

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        self.found.append((node, self.functions == 0))

    visit_ImportFrom = visit_Import


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The modules a statement imports: ``from x import y`` is ``x.y`` when that is a module
    of ours, else ``x``; relative names are resolved against ``module``'s package."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module if is_package(module) else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES]
    names_only = len(submodules) < len(node.names)
    return submodules + ([base] if names_only else [])


def package_import(module: str) -> list[Import]:
    """Importing ``a.b.c`` runs ``a.b``'s ``__init__`` first: for the rules per process, that
    counts as an import (a child module under a parent-side package loads the parent's code).
    Not for cycles: a package importing its own modules is how packages are made."""
    package = module.rpartition(".")[0]
    return [Import(module, package, 0, module_level=True, implicit=True)] if package else []


#: Every import statement of the package (TYPE_CHECKING left out).
STATEMENTS = [found for module in MODULES for found in imports_of(module)]
#: What loading each module loads: its statements and its package.
IMPORTS = STATEMENTS + [found for module in MODULES for found in package_import(module)]
OURS = [found for found in IMPORTS if found.imported in MODULES]


# -- the table -------------------------------------------------------------------------------


def side_of(module: str) -> str | None:
    """The process ``module`` runs in, by the most specific entry of :data:`LAYOUT`."""
    best, length = None, -1
    for pattern, side in LAYOUT.items():
        package = pattern.removesuffix(".*")
        covers = module == package or (pattern.endswith(".*") and module.startswith(package + "."))
        if covers and len(package) > length:
            best, length = side, len(package)
    return best


def test_every_module_has_its_place_in_the_table():
    unplaced = [module for module in MODULES if side_of(module) is None]
    assert not unplaced, f"add these modules to LAYOUT, with the process they run in: {unplaced}"


def test_every_line_of_the_table_still_names_a_module():
    stale = [pattern for pattern in LAYOUT if pattern.removesuffix(".*") not in MODULES]
    assert not stale, f"LAYOUT names modules that no longer exist: {stale}"


# -- the rules -------------------------------------------------------------------------------


def _breaks_a_rule(found: Import) -> bool:
    importer, imported = side_of(found.importer), side_of(found.imported)
    # A module missing from the table fails test_every_module_has_its_place_in_the_table.
    return None not in (importer, imported) and imported not in MAY_IMPORT[importer]


def test_each_process_imports_only_what_it_may():
    """Child code never imports the parent's or the worker's; the worker never the parent's;
    shared modules only each other."""
    broken = [found for found in OURS if _breaks_a_rule(found)
              and (found.importer, found.imported) not in KNOWN_VIOLATIONS
              and not ((found.importer, found.imported) in HOST_ENTRY_POINTS and not found.module_level)]
    assert not broken, "imports across processes:\n" + "\n".join(
        f"  {found}: {side_of(found.importer)} imports {side_of(found.imported)}" for found in broken)


def test_the_known_violations_are_still_there():
    """The allow-lists only shrink: an entry whose import is gone (or no longer breaks a rule)
    must leave its list."""
    present = {(found.importer, found.imported) for found in OURS if _breaks_a_rule(found)}
    gone = sorted(KNOWN_VIOLATIONS - present)
    assert not gone, f"fixed: remove from the known violations: {gone}"
    misfiled = sorted(entry for entry in KNOWN_RUNNER_VIOLATIONS if not entry[0].startswith("katacheck.runner."))
    assert not misfiled, f"KNOWN_RUNNER_VIOLATIONS is for src/katacheck/runner/ only: {misfiled}"


def test_the_host_entry_points_import_inside_a_function():
    present = {(found.importer, found.imported) for found in STATEMENTS if not found.module_level}
    gone = sorted(HOST_ENTRY_POINTS - present)
    assert not gone, f"no longer imported inside a function: remove from HOST_ENTRY_POINTS: {gone}"


def module_level_closure(module: str) -> set[str]:
    """Every module that importing ``module`` imports, ours and others (module-level only)."""
    edges: dict[str, list[str]] = {}
    for found in IMPORTS:
        if found.module_level:
            edges.setdefault(found.importer, []).append(found.imported)
    seen, stack = set(), [module]
    while stack:
        current = stack.pop()
        for imported in edges.get(current, ()):
            if imported not in seen:
                seen.add(imported)
                if imported in MODULES:
                    stack.append(imported)
    return seen


@pytest.mark.parametrize("module", [m for m in MODULES if side_of(m) in (PARENT, SHARED)])
def test_the_parent_never_imports_torch_at_module_level(module):
    """Importing a parent (or shared) module must not load torch, directly or through another
    module: the command starts in a fraction of a second, torch takes seconds."""
    heavy = sorted(name for name in module_level_closure(module) if name == "torch" or name.startswith("torch."))
    assert not heavy, f"importing {module} imports {heavy}"


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or not (Tarjan's strongly
    connected components with more than one module), each sorted, in a stable order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for following in sorted(edges.get(node, ())):
            if following not in index:
                visit(following)
                low[node] = min(low[node], low[following])
            elif following in stack:
                low[node] = min(low[node], index[following])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def test_cycles_are_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b", "c"}, "b": {"c"}}) == []


def test_no_import_cycles():
    # A host entry point is no dependency of katacheck's own code: IPython calls it once
    # katacheck is loaded, and what it loads (everything else) imports the package root.
    statements = [found for found in OURS if not found.implicit and found.imported != found.importer
                  and (found.importer, found.imported) not in KNOWN_CYCLE_EDGES
                  and not ((found.importer, found.imported) in HOST_ENTRY_POINTS and not found.module_level)]
    edges: dict[str, set[str]] = {}
    for found in statements:
        edges.setdefault(found.importer, set()).add(found.imported)
    groups = cycles(edges)
    report = [
        "\n".join(f"  {found}" for found in statements if found.importer in group and found.imported in group)
        for group in groups
    ]
    assert not groups, "modules that import each other:\n" + "\n\n".join(report)


def test_the_known_cycle_edges_are_still_there():
    present = {(found.importer, found.imported) for found in OURS if not found.implicit}
    gone = sorted(KNOWN_CYCLE_EDGES - present)
    assert not gone, f"fixed: remove from KNOWN_CYCLE_EDGES: {gone}"


def test_the_reader_sees_lazy_imports_and_skips_type_checking():
    """The reader itself, on a snippet with each kind of import."""
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from katacheck.packs import Kata\n"
        "def f():\n    from katacheck.checks import reference\n    from . import result\n"
    )
    found = [(target, level) for node, level in _import_nodes(tree.body, module_level=True)
             for target in _targets("katacheck.i18n", node)]
    assert found == [("typing", True), ("katacheck.checks.reference", False), ("katacheck.result", False)]
