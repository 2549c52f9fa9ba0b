"""Code that does not do what it looks like: the real cause, at the learner's line.

A beginner writes ``torch.relu(x)`` alone on a line, or ``otimizador.zero_grad`` without
parentheses, and believes the job is done. The checks see only the downstream symptom (the
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
ACTIONS = frozenset({"zero_grad", "backward", "step", "train", "eval", "is_available"})


@dataclass(frozen=True)
class Finding:
    """A line of the learner's file that does not do what it looks like."""

    code: str
    name: str
    line: int


def discarded_calls(tree: ast.AST, names: frozenset[str] = PURE) -> Iterator[Finding]:
    """``torch.relu(x)`` / ``x.view(...)`` (one of ``names``) as a whole statement: the result
    thrown away."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            name = _called_name(node.value.func)
            if name is not None and name.rsplit(".", 1)[-1] in names:
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


@dataclass(frozen=True)
class Rule:
    """When a check fails with one of ``explains``, the first of ``finds``'s findings is the cause."""

    explains: frozenset[str]
    finds: Callable[[ast.AST], Iterator[Finding]]


#: Which symptoms each pattern explains.
RULES = (
    Rule(frozenset({"judge.activation_unused", "relu_missing", "relu_unused"}), discarded_activations),
    Rule(frozenset({"stale_gradients", "step_without_gradients", "grad_missing_at_step", "judge.params_unchanged",
                    "judge.trajectory", "device_choice", "loss_not_decreasing", "optimizer_never_stepped"}),
         named_not_called),
)


def refine(result: KataResult, learner_file: Path) -> KataResult:
    """``result`` with each failure a rule explains diagnosed by its real cause."""
    failed = [check for check in result.checks if not check.passed and check.diagnosis is not None]
    if not failed:
        return result
    tree = _parse(learner_file)
    if tree is None:
        return result
    return replace(result, checks=tuple(_refined(check, tree, learner_file) for check in result.checks))


def _refined(check: CheckResult, tree: ast.AST, learner_file: Path) -> CheckResult:
    diagnosis = check.diagnosis
    if check.passed or diagnosis is None:
        return check
    for rule in RULES:
        if diagnosis.code in rule.explains:
            found = next(rule.finds(tree), None)
            if found is not None:
                return replace(check, diagnosis=_diagnosis(found, learner_file))
    return check


def _diagnosis(found: Finding, learner_file: Path) -> Diagnosis:
    return Diagnosis(message=t(found.code, name=found.name, line=found.line), hint=t(f"{found.code}.hint", name=found.name),
                     location=Location.at(str(learner_file.resolve()), found.line), code=found.code)


def _parse(learner_file: Path) -> ast.AST | None:
    try:
        return ast.parse(learner_file.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None


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
