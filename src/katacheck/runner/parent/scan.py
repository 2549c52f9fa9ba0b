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
#: Functions that hand out a module by its name, already imported or not (no finder is asked for
#: a module already in ``sys.modules``, so the child's import guard never sees them).
BY_NAME = frozenset({"import_module", "resolve_name", "getmodule", "find_spec", "_gcd_import", "__import__"})
#: Modules whose private attributes a kata file has no business reading either.
PRIVATE_ROOTS = frozenset({"importlib", "pkgutil", "sys"})
#: A string that names a module of the checker itself (``"katacheck.checks.curves"``,
#: ``"_pytest.runner:runtestprotocol"``): whatever it is handed to, it reaches the checker.
_CHECKER_NAME = re.compile(r"^(?:katacheck|_pytest|pluggy)(?:$|\.|:(?!\s))")
SKIP_ATTRS = frozenset({"skip", "xfail", "importorskip"})
DYNAMIC_BUILTINS = frozenset({"exec", "eval", "compile", "__import__"})
FD_PATHS = ("/proc/self/", "/dev/fd", "/proc/thread-self/", "katacheck-")
#: Writes under protected modules that honest code does make (settings, not behaviour).
ALLOWED_WRITES = ("torch.backends.",)
_MUTATORS = frozenset({"__setitem__", "__delitem__", "pop", "popitem", "update", "clear", "setdefault",
                       "insert", "append", "extend", "remove"})


class Unscannable(Exception):
    """The source is nested too deeply for ``ast`` to read: it must not run unread."""


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
    except (RecursionError, MemoryError) as error:
        # Nested deeper than the parser goes (a sum of thousands of terms): the child's compile
        # stops at the same depth, but a file this layer cannot read does not run.
        raise Unscannable(type(error).__name__) from None
    scanner = _Scanner()
    scanner.walk(tree)
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
        #: The ``func`` nodes of the calls seen (a call is visited before its function).
        self.called: set[int] = set()

    def add(self, kind: str, name: str, node: ast.AST) -> None:
        self.findings.append(Finding(kind, name, getattr(node, "lineno", 0)))

    def walk(self, tree: ast.AST) -> None:
        """Every node, in source order (depth first), with an explicit stack: a tree as deep as
        the parser allows (a sum of a thousand terms) must not exhaust this process's recursion
        limit. The ``visit_*`` methods look at one node each, never at its children."""
        stack = [tree]
        while stack:
            node = stack.pop()
            visitor = getattr(self, "visit_" + type(node).__name__, None)
            if visitor is not None:
                visitor(node)
            stack.extend(reversed(list(ast.iter_child_nodes(node))))

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
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            if isinstance(node, ast.Attribute):
                parts.append(node.attr)
            else:
                parts.append("[…]")
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        base = self.aliases.get(node.id, node.id if node.id in ("builtins", "sys", "__builtins__") else None)
        if base is None:
            return None
        dotted = base
        for part in reversed(parts):
            dotted += part if part == "[…]" else "." + part
        return dotted

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
        elif attr in PROTECTED_SYS and (target == "sys" or _attribute_named(node.value, "sys")):
            # Reading them is enough: sys.modules hands out any module already imported (the
            # checker's own), by a name no import statement spells and no finder is asked for.
            self.add("internals", f"sys.{attr}", node)
        elif attr == "__dict__" and (target == "sys" or _attribute_named(node.value, "sys")):
            self.add("internals", "sys.__dict__", node)
        elif attr in BY_NAME and id(node) not in self.called:
            self.add("dynamic_code", attr, node)  # kept to be called later, with any name
        elif attr.startswith("_") and not attr.startswith("__") and (
            root in PROTECTED_ROOTS or root in PRIVATE_ROOTS or ("hook" in attr and not _is_self(node.value))
        ):
            # torch.optim.optimizer._global_optimizer_pre_hooks, modelo._forward_pre_hooks...
            self.add("internals", f"{target}.{attr}" if target else attr, node)

    # -- writes -----------------------------------------------------------------------------

    def _written(self, target: ast.AST, node: ast.AST) -> None:
        targets = [target]
        while targets:  # unpacking targets, nested as deep as the parser allows
            target = targets.pop()
            if isinstance(target, (ast.Tuple, ast.List)):
                targets.extend(reversed(target.elts))
            elif isinstance(target, ast.Starred):
                targets.append(target.value)
            elif isinstance(target, (ast.Attribute, ast.Subscript)):
                name = self.dotted(target)
                if name is not None and self._protected(name):
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

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._written(node.target, node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._written(node.target, node)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._written(target, node)

    # -- calls ------------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        self.called.add(id(func))
        if isinstance(func, ast.Name):
            alias = self.aliases.get(func.id, "")
            if alias.rpartition(".")[2] in BY_NAME and alias.partition(".")[0] in ("importlib", "pkgutil", "inspect"):
                self._imported_dynamically(node, func.id)  # from importlib import import_module
            else:
                self._builtin_call(func.id, node)
        elif isinstance(func, ast.Attribute):
            owner = self.dotted(func.value)
            if func.attr in BY_NAME:
                # importlib.import_module, pkgutil.resolve_name, inspect.getmodule...: whoever
                # the owner is (a module reached through another module's attribute too).
                self._imported_dynamically(node, func.attr)
            elif owner is not None:
                if func.attr in _MUTATORS and self._protected(owner) and owner.split(".")[0] == "sys":
                    self.add("patch", f"{owner}.{func.attr}", node)

    def _builtin_call(self, name: str, node: ast.Call) -> None:
        if name in ("setattr", "delattr") and node.args:
            target = self.dotted(node.args[0])
            if target is not None and self._protected(target):
                attr = node.args[1].value if len(node.args) > 1 and isinstance(node.args[1], ast.Constant) else "?"
                self.add("patch", f"{target}.{attr}", node)
        elif name == "__import__":
            self._imported_dynamically(node)
        elif name in ("vars", "getattr", "dir") and node.args and self.dotted(node.args[0]) == "sys":
            self.add("internals", f"{name}(sys)", node)
        elif name in DYNAMIC_BUILTINS:
            self.add("dynamic_code", name, node)
        elif name == "open" and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, int):
            self.add("fd", f"open({node.args[0].value})", node)

    def _imported_dynamically(self, node: ast.Call, function: str = "__import__") -> None:
        argument = node.args[0] if node.args else None
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            self._imported(argument.value.partition(":")[0], node)
        else:
            self.add("dynamic_code", function, node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if not isinstance(node.value, str):
            return
        if any(marker in node.value for marker in FD_PATHS):
            self.add("fd", node.value[:60], node)
        elif _CHECKER_NAME.match(node.value):
            # Handed to importlib, pkgutil.resolve_name, sys.modules or anything else that takes a
            # module's name: the checker's own code, the reference rule included.
            self.add("import", node.value[:60], node)


def _attribute_named(node: ast.AST, name: str) -> bool:
    """``<anything>.sys``: a module reached as another module's attribute (``os.sys``)."""
    return isinstance(node, ast.Attribute) and node.attr == name


def _is_self(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id in ("self", "cls")
