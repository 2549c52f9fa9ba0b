"""Reading the learner's source with ``ast``: for mistakes that leave no trace in a traceback.

A misspelled ``forward`` makes PyTorch raise from its own code, and layers kept in a plain
Python list simply vanish from ``parameters()``. The only place that still shows the mistake is
the class as the learner wrote it, so these helpers read it and return the line to point at.
"""

from __future__ import annotations

import ast
import difflib
import functools
import inspect
import os
from dataclasses import dataclass

from katacheck.checks.context import is_learner_file, learner_file
from katacheck.result import Location

#: Method names that are not a misspelled ``forward`` even when they look close to it.
_NOT_FORWARD = frozenset({"__init__", "backward", "reward", "reset_parameters", "extra_repr"})


@dataclass(frozen=True)
class ForwardProblem:
    """Why a class has no ``forward``.

    ``kind`` is ``"misspelled"`` (a method with a close name, in ``name``), ``"nested"`` (a
    ``forward`` defined inside another method, ``name``), ``"outside"`` (a ``forward`` at module
    level, after the class) or ``"absent"`` (nothing close; ``line`` is the class itself).
    """

    kind: str
    name: str
    line: int


@dataclass(frozen=True)
class LayerList:
    """Layers kept in a plain Python container: ``self.<attr> = [nn.Linear(...), ...]``."""

    cls: str
    attr: str
    line: int
    container: str  # "list", "tuple" or "dict"


def source_tree(path: str | os.PathLike[str] | None = None) -> ast.Module | None:
    """The parsed learner file (or ``path``), or None when it cannot be read or parsed."""
    path = path or learner_file()
    if not path:
        return None
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return None
    return _parse(os.fspath(path), stamp)


@functools.lru_cache(maxsize=16)
def _parse(path: str, stamp: int) -> ast.Module | None:  # noqa: ARG001 - stamp keys the cache
    try:
        with open(path, encoding="utf-8") as file:
            return ast.parse(file.read(), filename=path)
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return None


def class_node(name: str, path: str | None = None) -> ast.ClassDef | None:
    """The top-level class ``name`` of the learner's file (the last one, as Python keeps)."""
    tree = source_tree(path)
    found = None
    for node in tree.body if tree else ():
        if isinstance(node, ast.ClassDef) and node.name == name:
            found = node
    return found


def module_classes(path: str | None = None) -> list[ast.ClassDef]:
    """The top-level classes that look like ``nn.Module`` subclasses (any base named Module)."""
    tree = source_tree(path)
    return [node for node in (tree.body if tree else ())
            if isinstance(node, ast.ClassDef) and any(_base_name(b) == "Module" for b in node.bases)]


def _base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def misplaced_forward(cls: str, path: str | None = None) -> ForwardProblem | None:
    """Where the ``forward`` of class ``cls`` went, or None when the class is not in the file."""
    node = class_node(cls, path)
    if node is None:
        return None
    methods = [item for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for method in methods:
        if method.name == "forward":
            return None  # it is there; something else is wrong
    for method in methods:
        if method.name not in _NOT_FORWARD and _looks_like_forward(method.name):
            return ForwardProblem("misspelled", method.name, method.lineno)
    for method in methods:
        for inner in ast.walk(method):
            if inner is not method and isinstance(inner, ast.FunctionDef) and inner.name == "forward":
                return ForwardProblem("nested", method.name, inner.lineno)
    tree = source_tree(path)
    after = [item for item in tree.body if item.lineno > node.lineno] if tree else []
    for item in after:
        if isinstance(item, ast.FunctionDef) and (item.name == "forward" or _looks_like_forward(item.name)):
            return ForwardProblem("outside", item.name, item.lineno)
        if isinstance(item, ast.ClassDef):
            break
    return ForwardProblem("absent", cls, node.lineno)


def _looks_like_forward(name: str) -> bool:
    lowered = name.lower().strip("_")
    return lowered.startswith("forward") or difflib.SequenceMatcher(None, lowered, "forward").ratio() >= 0.8


def layer_lists(cls: str | None = None, path: str | None = None) -> list[LayerList]:
    """Layers kept in a plain list, tuple or dict attribute, in class ``cls`` or in any
    ``nn.Module`` class of the file. ``nn.Module`` does not see them: their parameters are
    missing from ``parameters()``, ``.to()`` does not move them, the optimizer never trains them."""
    classes = [class_node(cls, path)] if cls else module_classes(path)
    found = []
    for node in classes:
        if node is None:
            continue
        appended = _appended_layers(node)
        for item in ast.walk(node):
            if not isinstance(item, (ast.Assign, ast.AnnAssign)):
                continue
            targets = item.targets if isinstance(item, ast.Assign) else [item.target]
            for target in targets:
                attr = _self_attribute(target)
                if attr is None or item.value is None:
                    continue
                container = _layer_container(item.value, attr in appended)
                if container:
                    found.append(LayerList(node.name, attr, item.lineno, container))
    return found


def layer_list_location(cls: type) -> Location | None:
    """The line of the learner's class ``cls`` that keeps layers in a plain list, tuple or dict
    (a model whose layers ``parameters()`` cannot see), or None."""
    path = learner_file()
    try:
        defined_in = inspect.getsourcefile(cls)
    except TypeError:
        return None
    if path is None or defined_in is None or not is_learner_file(defined_in):
        return None
    found = layer_lists(cls.__name__, path)
    return Location.at(path, found[0].line) if found else None


def _self_attribute(node: ast.expr) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return None


def _layer_container(value: ast.expr, appended: bool) -> str | None:
    kinds = {ast.List: "list", ast.Tuple: "tuple", ast.Dict: "dict", ast.ListComp: "list",
             ast.DictComp: "dict"}
    kind = kinds.get(type(value))
    if kind is None:
        return None
    elements: list[ast.expr]
    if isinstance(value, (ast.List, ast.Tuple)):
        elements = list(value.elts)
    elif isinstance(value, ast.Dict):
        elements = [v for v in value.values if v is not None]
    elif isinstance(value, ast.ListComp):
        elements = [value.elt]
    else:
        elements = [value.value]  # DictComp
    if any(_is_layer_call(e) for e in elements):
        return kind
    return kind if appended and not elements else None


def _appended_layers(cls: ast.ClassDef) -> set[str]:
    """Attributes that get layers through ``self.attr.append(nn.X(...))`` or ``+= [...]``."""
    names = set()
    for item in ast.walk(cls):
        if (isinstance(item, ast.Call) and isinstance(item.func, ast.Attribute)
                and item.func.attr in {"append", "extend", "insert"}):
            attr = _self_attribute(item.func.value)
            if attr and any(_is_layer_call(a) or _contains_layer_call(a) for a in item.args):
                names.add(attr)
        if isinstance(item, ast.AugAssign):
            attr = _self_attribute(item.target)
            if attr and _contains_layer_call(item.value):
                names.add(attr)
    return names


def _contains_layer_call(node: ast.expr) -> bool:
    return any(_is_layer_call(n) for n in ast.walk(node) if isinstance(n, ast.expr))


def _is_layer_call(node: ast.expr) -> bool:
    """``nn.Linear(...)``, ``torch.nn.Conv2d(...)``, ``Linear(...)``: a call of a class name."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr[:1].isupper() and _base_name(func.value) in {"nn", "torch"}
    return isinstance(func, ast.Name) and func.id[:1].isupper()
