"""Code that does not do what it looks like: the real cause, at the learner's line.

A beginner writes ``torch.relu(x)`` alone on a line, ``otimizador.zero_grad`` or ``nn.ReLU``
without parentheses, a layer built inside ``forward``, or the constructor's sizes in another order,
and believes the job is done. The checks see only the downstream symptom (the
ReLU's output never reached the next layer; the gradients piled up), and a diagnosis about
the symptom repeats what the learner thinks they already wrote. This module reads the
learner's source with ``ast`` (never running it, as :mod:`.scan` does) and, when a failure's
code is one a pattern explains, replaces the diagnosis with the pattern's, at its line.

It only ever rewrites the diagnosis of a check that already failed: it cannot fail or pass
anything. The rules are a table: which failures each pattern can explain, and the pattern.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from katacheck.i18n import t
from katacheck.result import CheckResult, Diagnosis, KataResult, Location

#: Functions and methods that return a new tensor and change nothing: a call to one of them
#: whose result is not used does nothing at all.
PURE = frozenset({
    "relu", "sigmoid", "tanh", "softmax", "log_softmax", "leaky_relu", "gelu", "dropout",
    "view", "reshape", "flatten", "squeeze", "unsqueeze", "transpose", "permute", "t", "float",
    "double", "long", "detach", "clone", "contiguous", "abs", "exp", "log", "clamp",
})  # not .to()/.cuda(): a module moves in place, so `modelo.to(dispositivo)` alone is right
#: The activations among them.
ACTIVATIONS = frozenset({"relu", "sigmoid", "tanh", "softmax", "log_softmax", "leaky_relu", "gelu"})
#: Methods that only act when called: named without parentheses, they do nothing.
ACTIONS = frozenset({"zero_grad", "backward", "step", "train", "eval", "is_available", "__init__"})
#: Where the classes a learner instantiates live, by the names the course imports them under,
#: and the family each belongs to (an optimizer is built from parameters; a layer, from options).
NAMESPACES = {"nn": "nn", "torch.nn": "nn", "optim": "optim", "torch.optim": "optim"}
#: Containers whose every item must be a layer already built.
CONTAINERS = frozenset({"Sequential", "ModuleList"})
#: Layers that hold learnable weights: built inside ``forward``, each call makes a new, untrained one.
#: (A ReLU or a Flatten built there is harmless: it has nothing to learn.)
WEIGHTED = frozenset({
    "Linear", "Bilinear", "LazyLinear", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
    "ConvTranspose3d", "Embedding", "EmbeddingBag", "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell",
    "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LayerNorm", "GroupNorm", "MultiheadAttention", "PReLU",
})
#: Activation layers whose options are flags or a dim: a tensor in their parentheses is the
#: learner applying the class as if it were the function.
ACTIVATION_CLASSES = frozenset({
    "ReLU", "ReLU6", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "SiLU", "ELU", "SELU", "Softplus", "Mish",
    "Softmax", "LogSoftmax",
})


@dataclass(frozen=True)
class Finding:
    """A line of the learner's file that does not do what it looks like."""

    code: str
    name: str
    line: int
    #: Which message of ``code`` fits (``<code>.<variant>`` in the catalogs), when several do.
    variant: str | None = None
    #: More placeholders for the message and the hint.
    values: tuple[tuple[str, str], ...] = ()


def discarded_calls(tree: ast.AST, names: frozenset[str] = PURE) -> Iterator[Finding]:
    """``torch.relu(x)`` / ``x.view(...)`` (one of ``names``) as a whole statement: the result
    thrown away. An in-place call (``F.relu(x, inplace=True)``, or a layer built with
    ``inplace=True`` applied alone) does change its input, so it is right alone."""
    in_place = _in_place_layers(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            name = _called_name(node.value.func)
            if name is not None and name.rsplit(".", 1)[-1] in names and name not in in_place \
                    and not _in_place(node.value):
                yield Finding("looks.discarded_result", name, node.lineno)


def discarded_activations(tree: ast.AST) -> Iterator[Finding]:
    """:func:`discarded_calls` of an activation only: what a missing ReLU is explained by."""
    return discarded_calls(tree, ACTIVATIONS)


def named_not_called(tree: ast.AST) -> Iterator[Finding]:
    """``otimizador.zero_grad`` as a statement, or ``torch.cuda.is_available`` as a condition:
    a method named but never called."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Attribute) and node.value.attr in ACTIONS:
            yield Finding("looks.not_called", _dotted(node.value), node.lineno)
        elif isinstance(node, (ast.If, ast.IfExp, ast.While)) and isinstance(node.test, ast.Attribute) \
                and node.test.attr in ACTIONS:
            yield Finding("looks.not_called", _dotted(node.test), node.test.lineno)


def classes_not_instantiated(tree: ast.AST) -> Iterator[Finding]:
    """``self.ativacao = nn.ReLU`` then ``self.ativacao(x)``, ``criterio = nn.MSELoss`` then
    ``criterio(saida, y)``, ``otimizador = torch.optim.Adam`` then ``otimizador.step()``, or
    ``nn.Sequential(..., nn.ReLU, ...)``: a class where an object built from it is needed.

    A class kept to be built later (``fabrica = nn.ReLU`` then ``fabrica()``) is right, and so is
    one tested or inherited from (``isinstance(m, nn.ReLU)``, ``class M(nn.Module)``): only a class
    stored and then used as the object, or put in a container of layers, is this mistake.
    """
    torch = _TorchNames(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (container := torch.class_of(node.func)) is not None \
                and container[1] in CONTAINERS:
            for item in _container_items(node):
                if (found := torch.class_of(item)) is not None:
                    yield Finding("looks.class_not_instance", found[0], item.lineno, variant=found[2])
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found = torch.class_of(node.value)
            if found is None or len(targets) != 1 or not isinstance(targets[0], (ast.Name, ast.Attribute)):
                continue
            if _used_as_object(tree, _dotted(targets[0]), optimizer=found[2] == "optimizer"):
                yield Finding("looks.class_not_instance", found[0], node.lineno, variant=found[2])


def classes_applied(tree: ast.AST) -> Iterator[Finding]:
    """``nn.ReLU(x)`` inside ``forward``: the class called with the tensor, which builds a new
    ReLU layer (the tensor taken as its option) instead of applying one."""
    torch = _TorchNames(tree)
    for forward in _forwards(tree):
        for node in ast.walk(forward):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], _TENSOR_LIKE):
                found = torch.class_of(node.func)
                if found is not None and found[1] in ACTIVATION_CLASSES:
                    yield Finding("looks.class_applied", found[0], node.lineno)


def layers_built_in_forward(tree: ast.AST) -> Iterator[Finding]:
    """``nn.Linear(10, 5)(x)`` or ``self.camada = nn.Linear(...)`` inside ``forward``: a layer with
    weights made anew at every call, which the optimizer (built before) never sees."""
    torch = _TorchNames(tree)
    for forward in _forwards(tree):
        for node in ast.walk(forward):
            if isinstance(node, ast.Call) and (found := torch.class_of(node.func)) is not None and found[1] in WEIGHTED:
                yield Finding("looks.layer_in_forward", found[0], node.lineno)


def constructor_order(tree: ast.AST, reference: ast.AST | None) -> Iterator[Finding]:
    """``def __init__(self, n_oculta, n_entrada, n_saida)`` where the contract (the reference
    solution's signature) is ``(n_entrada, n_oculta, n_saida)``.

    Follows the data, not the names: each parameter's role (the input size, a hidden size, the
    output size) is read from the ``nn.Linear`` calls it feeds, in the learner's class and in the
    reference's, and the roles are compared position by position, since the kata passes the sizes
    by position. A signature in the contract's own order whose layers are wired wrong is a
    different mistake (the layers' sizes), left to the check that found it.
    """
    if reference is None:
        return
    for contract_class in _classes(reference):
        contract = _size_roles(contract_class, _TorchNames(reference))
        learner_class = next((c for c in _classes(tree) if c.name == contract_class.name), None)
        if contract is None or learner_class is None:
            continue
        found = _size_roles(learner_class, _TorchNames(tree), len(contract))
        if found is None or [p for p, _ in found] == [p for p, _ in contract]:
            continue
        roles = [role for _, role in found]
        if roles != [role for _, role in contract] and sorted(roles) == sorted(role for _, role in contract):
            by_role = {role: name for name, role in contract}
            init = _init(learner_class)
            # Other names than the contract's: say which of the contract's each one plays.
            renamed = sorted(p for p, _ in found) != sorted(p for p, _ in contract)
            yield Finding("looks.constructor_order", learner_class.name, init.lineno if init else learner_class.lineno,
                          variant="renamed" if renamed else None, values=(("found", ", ".join(p for p, _ in found)),
                                  ("as_contract", ", ".join(by_role[role] for role in roles)),
                                  ("expected", ", ".join(p for p, _ in contract))))


Finder = Callable[[ast.AST, "ast.AST | None"], Iterator[Finding]]


def _learner_only(finder: Callable[[ast.AST], Iterator[Finding]]) -> Finder:
    """A finder that reads the learner's file alone, as a row of :data:`RULES`."""
    return lambda tree, reference: finder(tree)


@dataclass(frozen=True)
class Rule:
    """When a check fails with one of ``explains``, the earliest of ``finds``'s findings is the
    cause. ``finds`` gets the learner's tree and the reference solution's (None when unknown)."""

    explains: frozenset[str]
    finds: Finder


#: Which symptoms each pattern explains (each found by writing the mistake and reading the code
#: its failure gets: see ``tests/variants/``).
RULES = (
    Rule(frozenset({"judge.activation_unused", "relu_missing", "relu_unused", "relu_result_unused"}),
         _learner_only(discarded_activations)),
    Rule(frozenset({"stale_gradients", "step_without_gradients", "grad_missing_at_step", "judge.params_unchanged",
                    "judge.trajectory", "device_choice", "loss_not_decreasing", "optimizer_never_stepped",
                    "super_init", "validation_train_mode", "train_mode_not_restored", "training_in_eval_mode",
                    "load_not_eval", "resume_mode_changed_train", "resume_mode_changed_eval"}),
         _learner_only(named_not_called)),
    # linear() got a ReLU class or layer; Sigmoid(x) takes no tensor; MSELoss(saida, y) reads the
    # tensors as its options (bool_ambiguous); Adam.zero_grad() without an object (call_missing);
    # nn.Sequential refuses a class (a plain TypeError: unknown).
    Rule(frozenset({"tensor_expected", "call_arguments", "call_missing", "bool_ambiguous", "unknown"}),
         _learner_only(classes_not_instantiated)),
    Rule(frozenset({"tensor_expected", "call_arguments", "unknown"}), _learner_only(classes_applied)),
    # No layer at __init__ (linear_count, no_parameters), or one the optimizer never got.
    Rule(frozenset({"linear_count", "linear_sizes", "no_parameters", "empty_parameters", "grad_missing", "grad_zero",
                    "loss_not_decreasing", "judge.params_unchanged", "judge.trajectory"}),
         _learner_only(layers_built_in_forward)),
    Rule(frozenset({"linear_sizes"}), constructor_order),
)


def refine(result: KataResult, learner_file: Path, reference_file: Path | None = None) -> KataResult:
    """``result`` with each failure a rule explains diagnosed by its real cause.

    ``reference_file`` is the kata's reference solution, read (never run) for its contract: the
    constructor's signature.
    """
    failed = [check for check in result.checks if not check.passed and check.diagnosis is not None]
    if not failed:
        return result
    tree = _parse(learner_file)
    if tree is None:
        return result
    reference = _parse(reference_file) if reference_file is not None else None
    causes: dict[int, Finding | None] = {}  # each rule's cause, looked for once: several checks share it
    return replace(result, checks=tuple(_refined(check, tree, reference, learner_file, causes) for check in result.checks))


def _refined(check: CheckResult, tree: ast.AST, reference: ast.AST | None, learner_file: Path,
             causes: dict[int, Finding | None]) -> CheckResult:
    diagnosis = check.diagnosis
    if check.passed or diagnosis is None:
        return check
    for index, rule in enumerate(RULES):
        if diagnosis.code in rule.explains:
            if index not in causes:
                causes[index] = min(rule.finds(tree, reference), key=lambda finding: finding.line, default=None)
            if causes[index] is not None:
                return replace(check, diagnosis=_diagnosis(causes[index], learner_file))
    return check


def _diagnosis(found: Finding, learner_file: Path) -> Diagnosis:
    key = found.code if found.variant is None else f"{found.code}.{found.variant}"
    values = dict(found.values)
    return Diagnosis(message=t(key, name=found.name, line=found.line, **values),
                     hint=t(f"{key}.hint", name=found.name, **values),
                     location=Location.at(str(learner_file.resolve()), found.line), code=found.code)


def _parse(learner_file: Path) -> ast.AST | None:
    try:
        return ast.parse(learner_file.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None


def _in_place(call: ast.Call) -> bool:
    return any(kw.arg == "inplace" and isinstance(kw.value, ast.Constant) and kw.value.value is True
               for kw in call.keywords)


def _in_place_layers(tree: ast.AST) -> set[str]:
    """What ``self.relu = nn.ReLU(inplace=True)`` names: layers that change their input."""
    return {_dotted(node.targets[0]) for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.Call)
            and _in_place(node.value)}


def _called_name(func: ast.AST) -> str | None:
    return _dotted(func) if isinstance(func, (ast.Attribute, ast.Name)) else None


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):
        parts.append(_dotted(node.func) + "()")
    return ".".join(reversed(parts)) or "?"


#: An argument that is (or computes) a value, not an option written out: ``x``, ``self.camada1(x)``.
_TENSOR_LIKE = (ast.Name, ast.Call, ast.Subscript, ast.BinOp)


class _TorchNames:
    """Which expressions of one file name a class of ``torch.nn`` or ``torch.optim``: ``nn.ReLU``,
    ``torch.optim.Adam``, ``Linear`` after ``from torch.nn import Linear``, ``tnn.ReLU`` after
    ``import torch.nn as tnn``."""

    def __init__(self, tree: ast.AST) -> None:
        self.namespaces = dict(NAMESPACES)
        self.imported: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in NAMESPACES and alias.asname:
                        self.namespaces[alias.asname] = NAMESPACES[alias.name]
            elif isinstance(node, ast.ImportFrom) and node.module:
                self._imported_from(node.module, node.names)

    def _imported_from(self, module: str, names: list[ast.alias]) -> None:
        for alias in names:
            local = alias.asname or alias.name
            if module == "torch" and alias.name in NAMESPACES:
                self.namespaces[local] = NAMESPACES[alias.name]
            family = NAMESPACES.get(".".join(module.split(".")[:2]))
            if family is not None and alias.name[:1].isupper():
                self.imported[local] = family

    def class_of(self, node: ast.AST) -> tuple[str, str, str] | None:
        """``(written name, class name, kind)`` when ``node`` names a class; the kind says what
        its objects are: ``"optimizer"``, ``"loss"`` or ``"layer"``."""
        if isinstance(node, ast.Name) and node.id in self.imported:
            return node.id, node.id, _kind(node.id, self.imported[node.id])
        if isinstance(node, ast.Attribute) and node.attr[:1].isupper():
            family = self.namespaces.get(_dotted(node.value))
            if family is not None:
                return _dotted(node), node.attr, _kind(node.attr, family)
        return None


def _kind(name: str, family: str) -> str:
    if family == "optim":
        return "optimizer"
    return "loss" if name.endswith("Loss") else "layer"


def _container_items(call: ast.Call) -> Iterator[ast.AST]:
    """The items given to ``nn.Sequential(a, b)``, ``nn.ModuleList([a, b])``, ``nn.Sequential(*[a, b])``."""
    for arg in call.args:
        value = arg.value if isinstance(arg, ast.Starred) else arg
        yield from value.elts if isinstance(value, (ast.List, ast.Tuple)) else (value,)


def _used_as_object(tree: ast.AST, target: str, *, optimizer: bool) -> bool:
    """Whether the class stored in ``target`` is used as an object built from it, and never built.

    Used as the object: a method called on it (``otimizador.step()``), or, for a layer or a loss,
    the class applied to values (``self.ativacao(x)``, ``criterio(saida, y)``). Built: called with
    no values (``fabrica()``), or, for an optimizer, called at all (it is built from parameters).
    """
    used = False
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Attribute) and _dotted(node.func.value) == target:
            used = True
        elif isinstance(node.func, (ast.Name, ast.Attribute)) and _dotted(node.func) == target:
            if optimizer or not node.args:
                return False
            used = True
    return used


def _forwards(tree: ast.AST) -> Iterator[ast.FunctionDef]:
    """The ``forward`` methods of the file's classes."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            yield from (item for item in node.body if isinstance(item, ast.FunctionDef) and item.name == "forward")


def _classes(tree: ast.AST) -> Iterator[ast.ClassDef]:
    return (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef))


def _init(cls: ast.ClassDef) -> ast.FunctionDef | None:
    return next((item for item in cls.body if isinstance(item, ast.FunctionDef) and item.name == "__init__"), None)


def _size_roles(cls: ast.ClassDef, torch: _TorchNames, count: int | None = None) -> list[tuple[str, str]] | None:
    """The first ``count`` (default: all) parameters of ``cls.__init__``, each with the role its
    ``nn.Linear`` layers give it: ``"input"`` (the first layer's in_features), ``"output"`` (the
    last one's out_features) or ``"hidden"`` (in between). None when a role is unclear: a size that
    is not a bare parameter, a parameter in no layer or in two roles, layers built in a loop."""
    init = _init(cls)
    if init is None:
        return None
    params = [arg.arg for arg in (*init.args.posonlyargs, *init.args.args)][1:]
    params = params if count is None else params[:count]
    layers = _chain([_linear_sizes(node) for node in ast.walk(init)
                     if isinstance(node, ast.Call) and (found := torch.class_of(node.func)) is not None
                     and found[1] == "Linear"])
    if layers is None or not params or (count is not None and len(params) < count) \
            or any(isinstance(node, (ast.For, ast.While, ast.comprehension)) for node in ast.walk(init)):
        return None
    roles: dict[str, set[str]] = {}
    for index, (size_in, size_out) in enumerate(layers):
        roles.setdefault(size_in, set()).add("input" if index == 0 else "hidden")
        roles.setdefault(size_out, set()).add("output" if index == len(layers) - 1 else "hidden")
    found = [(param, roles.get(param, set())) for param in params]
    if any(len(role) != 1 for _, role in found):
        return None
    return [(param, next(iter(role))) for param, role in found]


def _chain(layers: list[tuple[str, str] | None]) -> list[tuple[str, str]] | None:
    """``layers`` (``(in, out)`` size names) in the order the data goes through them: the first
    takes a size no layer gives, each next one takes what the one before gives. None when the
    sizes are not all bare names, or do not make one chain."""
    if not layers or any(sizes is None for sizes in layers):
        return None
    left = list(layers)
    gives = {size_out for _, size_out in left}
    first = [sizes for sizes in left if sizes[0] not in gives]
    if len(first) != 1:
        return None
    chain = [first[0]]
    left.remove(first[0])
    while left:
        after = [sizes for sizes in left if sizes[0] == chain[-1][1]]
        if len(after) != 1:
            return None
        chain.append(after[0])
        left.remove(after[0])
    return chain


def _linear_sizes(call: ast.Call) -> tuple[str, str] | None:
    """``nn.Linear(a, b)`` (or ``in_features=a, out_features=b``) with ``a`` and ``b`` bare names:
    ``(a, b)``; None otherwise."""
    sizes = dict(zip(("in_features", "out_features"), call.args))
    sizes.update((kw.arg, kw.value) for kw in call.keywords if kw.arg in ("in_features", "out_features"))
    size_in, size_out = sizes.get("in_features"), sizes.get("out_features")
    if isinstance(size_in, ast.Name) and isinstance(size_out, ast.Name):
        return size_in.id, size_out.id
    return None
