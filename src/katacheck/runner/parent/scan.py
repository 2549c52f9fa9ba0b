"""Reading the learner's file for attempts to fool the checker, before anything runs.

This is the one layer of tamper resistance that learner code cannot reach: the parent reads the
source with ``ast`` and never executes it. It looks for what no kata needs and every trick
does: importing the checker's insides, reassigning attributes of torch, pytest, katacheck,
``builtins`` or ``sys.modules``, walking frames or ``gc``, swapping ``__code__``, tracers,
``atexit``, writing to raw descriptors, signalling processes, skipping checks, and running code
built at run time (``exec``/``eval``), which would hide all of the above from this scan.

It reads exactly what the child will run: the file's bytes, parsed as Python parses them, so a
PEP 263 ``# coding:`` line is honoured (read as UTF-8 text, a ``# coding: utf-7`` file can hide
a line of code inside what looks like a comment, ``+AAo-`` being its newline). The child runs
only UTF-8 sources, compiled from those same bytes (:mod:`katacheck.checks.loading`: no
bytecode cache, any other encoding refused with a neutral diagnosis at the declaration's line,
because a ``latin-1`` line is usually an old editor's habit, not a trick). A file whose coding
line names another encoding is still scanned in it here, so that what it hides is found.

Each finding becomes a ``fatal.tampered.<kind>`` diagnosis pointing at the line. The rules are
deliberately narrow (``import pytest``, ``sys.path.append``, ``gc.collect()``, ``self._x`` and
``ctypes`` stay allowed) so that an honest beginner is never accused: ``tests/test_cheats.py``
runs the scan over every realistic variant, stub and solution and expects silence.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from pathlib import Path

#: Packages that are the checker itself: a kata file has no business importing them.
CHECKER_PACKAGES = frozenset({"katacheck", "_pytest", "pluggy"})
#: Modules whose attributes a kata file must not reassign.
PROTECTED_ROOTS = frozenset({"torch", "pytest", "_pytest", "katacheck", "pluggy", "builtins", "torchvision"})
#: ``sys`` attributes that decide what gets imported.
PROTECTED_SYS = frozenset({"modules", "meta_path", "path_hooks", "path_importer_cache"})
#: Attributes that reach into frames, closures or code objects.
INTERNAL_ATTRS = frozenset({
    "__code__", "__globals__", "__closure__", "cell_contents", "__builtins__", "__self__", "__wrapped__",
    "__subclasses__", "f_back", "f_locals", "f_globals", "f_code", "f_builtins", "tb_frame", "gi_frame",
    "cr_frame", "_getframe", "_current_frames", "get_objects", "get_referrers", "get_referents",
    "currentframe", "getouterframes", "getinnerframes", "walk_stack", "walk_tb", "getclosurevars",
    "pythonapi", "memmove", "memset",
})
TRACING_ATTRS = frozenset({"settrace", "setprofile", "addaudithook", "monitoring", "_settraceallthreads"})
FD_ATTRS = frozenset({"write", "fdopen", "dup", "dup2", "close", "closerange", "set_inheritable", "pwrite", "writev"})
KILL_ATTRS = frozenset({"kill", "killpg", "pthread_kill"})
SKIP_ATTRS = frozenset({"skip", "xfail", "importorskip"})
DYNAMIC_BUILTINS = frozenset({"exec", "eval", "compile", "__import__"})
FD_PATHS = ("/proc/self/", "/dev/fd", "/proc/thread-self/", "katacheck-")
#: Writes under protected modules that honest code does make (settings, not behaviour).
ALLOWED_WRITES = ("torch.backends.",)
_MUTATORS = frozenset({"__setitem__", "__delitem__", "pop", "popitem", "update", "clear", "setdefault",
                       "insert", "append", "extend", "remove"})


@dataclass(frozen=True)
class Finding:
    """One suspicious construct: its kind (``fatal.tampered.<kind>``), what, and where."""

    kind: str
    name: str
    line: int


def scan_file(path: Path) -> list[Finding]:
    """The findings in a learner's file; none when it does not parse (the child reports that)."""
    try:
        source = path.read_bytes()
    except OSError:
        return []
    return scan_source(source)


def scan_source(source: str | bytes) -> list[Finding]:
    """The findings in a learner's source: bytes as they are on disk (a text is taken as the
    UTF-8 file it came from), decoded as Python does, by their coding line if they have one."""
    if isinstance(source, str):
        source = source.encode("utf-8", "surrogateescape")
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, UnicodeError):
        return []
    scanner = _Scanner()
    scanner.visit(tree)
    findings = sorted(scanner.findings, key=lambda f: f.line)
    declaration = _foreign_coding_line(source)
    if declaration is not None:
        # Lines counted in the declared encoding are not the lines an editor shows: the
        # declaration that hid them is the line to point at.
        findings = [replace(finding, line=declaration) for finding in findings]
    return findings


#: PEP 263's coding declaration, on line 1 or 2.
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def _foreign_coding_line(source: bytes) -> int | None:
    """The line (1 or 2) of a coding declaration naming anything but UTF-8, or None."""
    for number, line in enumerate(source.split(b"\n", 2)[:2], start=1):
        found = _CODING.match(line)
        if found:
            name = found.group(1).decode("ascii", "replace").lower().replace("_", "-")
            return None if name in ("utf-8", "utf8", "utf-8-sig") else number
    return None


class _Scanner(ast.NodeVisitor):
    def __init__(self) -> None:
        self.findings: list[Finding] = []
        #: Local name → the module (or module attribute) it is bound to.
        self.aliases: dict[str, str] = {}

    def add(self, kind: str, name: str, node: ast.AST) -> None:
        self.findings.append(Finding(kind, name, getattr(node, "lineno", 0)))

    # -- imports ----------------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._imported(alias.name, node)
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                root = alias.name.split(".")[0]
                self.aliases[root] = root

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level == 0:
            self._imported(module, node)
        for alias in node.names:
            full = f"{module}.{alias.name}" if module else alias.name
            self.aliases[alias.asname or alias.name] = full
            if module in ("gc", "inspect", "traceback", "sys", "ctypes") and alias.name in INTERNAL_ATTRS:
                self.add("internals", full, node)
            elif module in ("sys", "threading") and alias.name in TRACING_ATTRS:
                self.add("tracing", full, node)
            elif module == "os" and alias.name in FD_ATTRS | KILL_ATTRS:
                self.add("fd" if alias.name in FD_ATTRS else "kill", full, node)
            elif module == "pytest" and alias.name in SKIP_ATTRS:
                self.add("skip", full, node)
            elif module == "atexit":
                self.add("atexit", full, node)
            elif module == "sys" and alias.name in PROTECTED_SYS:
                self.add("patch", full, node)

    def _imported(self, module: str, node: ast.AST) -> None:
        root = module.split(".")[0]
        if root in CHECKER_PACKAGES:
            self.add("import", module, node)
        elif root == "atexit":
            self.add("atexit", module, node)

    # -- names and attributes ---------------------------------------------------------------

    def dotted(self, node: ast.AST) -> str | None:
        """``torch.optim.Adam`` for an attribute chain rooted at a known alias, else None."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Subscript):
            inner = self.dotted(node.value)
            return None if inner is None else ".".join([inner + "[…]", *reversed(parts)])
        if not isinstance(node, ast.Name):
            return None
        base = self.aliases.get(node.id, node.id if node.id in ("builtins", "sys", "__builtins__") else None)
        if base is None:
            return None
        return ".".join([base, *reversed(parts)])

    def visit_Name(self, node: ast.Name) -> None:
        if node.id == "__builtins__":
            self.add("internals", "__builtins__", node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        attr = node.attr
        target = self.dotted(node.value)
        root = target.split(".")[0] if target else None
        if attr in INTERNAL_ATTRS:
            self.add("internals", f"{target}.{attr}" if target else attr, node)
        elif attr in TRACING_ATTRS and root in ("sys", "threading"):
            self.add("tracing", f"{target}.{attr}", node)
        elif attr in FD_ATTRS and root == "os":
            self.add("fd", f"{target}.{attr}", node)
        elif attr in KILL_ATTRS and root in ("os", "signal"):
            self.add("kill", f"{target}.{attr}", node)
        elif attr in SKIP_ATTRS and root == "pytest" and target == "pytest":
            self.add("skip", f"pytest.{attr}", node)
        elif root == "atexit":
            self.add("atexit", f"{target}.{attr}", node)
        elif attr.startswith("_") and not attr.startswith("__") and (
            root in PROTECTED_ROOTS or ("hook" in attr and not _is_self(node.value))
        ):
            # torch.optim.optimizer._global_optimizer_pre_hooks, modelo._forward_pre_hooks...
            self.add("internals", f"{target}.{attr}" if target else attr, node)
        self.generic_visit(node)

    # -- writes -----------------------------------------------------------------------------

    def _written(self, target: ast.AST, node: ast.AST) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._written(element, node)
            return
        if isinstance(target, ast.Starred):
            self._written(target.value, node)
            return
        if not isinstance(target, (ast.Attribute, ast.Subscript)):
            return
        name = self.dotted(target)
        if name is None:
            return
        if self._protected(name):
            self.add("patch", name, node)

    def _protected(self, name: str) -> bool:
        if name.startswith(ALLOWED_WRITES):
            return False
        parts = name.replace("[…]", "").split(".")
        if parts[0] in PROTECTED_ROOTS or parts[0] == "__builtins__":
            return True
        return parts[0] == "sys" and len(parts) > 1 and parts[1] in PROTECTED_SYS

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._written(target, node)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._written(node.target, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._written(node.target, node)
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._written(target, node)
        self.generic_visit(node)

    # -- calls ------------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name):
            self._builtin_call(func.id, node)
        elif isinstance(func, ast.Attribute):
            owner = self.dotted(func.value)
            if owner is not None:
                if func.attr in _MUTATORS and self._protected(owner) and owner.split(".")[0] == "sys":
                    self.add("patch", f"{owner}.{func.attr}", node)
                elif owner == "importlib" and func.attr == "import_module":
                    self._imported_dynamically(node)
        self.generic_visit(node)

    def _builtin_call(self, name: str, node: ast.Call) -> None:
        if name in ("setattr", "delattr") and node.args:
            target = self.dotted(node.args[0])
            if target is not None and self._protected(target):
                attr = node.args[1].value if len(node.args) > 1 and isinstance(node.args[1], ast.Constant) else "?"
                self.add("patch", f"{target}.{attr}", node)
        elif name == "__import__":
            self._imported_dynamically(node)
        elif name in DYNAMIC_BUILTINS:
            self.add("dynamic_code", name, node)
        elif name == "open" and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, int):
            self.add("fd", f"open({node.args[0].value})", node)

    def _imported_dynamically(self, node: ast.Call) -> None:
        argument = node.args[0] if node.args else None
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            self._imported(argument.value, node)
        else:
            self.add("dynamic_code", "__import__", node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and any(marker in node.value for marker in FD_PATHS):
            self.add("fd", node.value[:60], node)


def _is_self(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id in ("self", "cls")
