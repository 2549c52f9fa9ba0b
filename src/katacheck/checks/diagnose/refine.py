"""Refinements: what a diagnosis can learn beyond the message.

- The tensors PyTorch's own Python code was holding when it raised: the frames stay alive in
  the traceback (the ``input`` a ``nn.Linear.forward`` refused, the ``target`` a loss received).
- The learner's class, read with ``ast`` (:mod:`katacheck.checks.source`), when the mistake is a
  name PyTorch never calls (a misspelled ``forward``) or layers it never sees (a plain list).
- The second run of :mod:`katacheck.checks.anomaly`, for in-place modifications.

A refinement may set ``finding.variant`` (the catalog key ``diagnose.<code>.<variant>``, used when
it found more values to quote), change ``finding.code``, or point ``finding.location`` at a
better line.
"""

from __future__ import annotations

import difflib
import math
import re
import sys
from typing import TYPE_CHECKING, Any

from katacheck.checks import source
from katacheck.checks.context import LEARNER_MODULE, learner_file
from katacheck.checks.locations import frames
from katacheck.result import Location

if TYPE_CHECKING:
    from katacheck.checks.diagnose.rules import Finding

#: Codes only refinements give.
EXTRA_CODES = ("flatten_needed", "library_name")

#: Every ``code.variant`` a refinement may choose.
VARIANTS = (
    "shapes_matmul.matmul", "grad_not_scalar.shape",
    "inplace_modified.plain", "inplace_modified.leaf", "inplace_modified.leaf_changed",
    "inplace_modified.saved", "inplace_modified.changed", "inplace_modified.traced",
    "target_one_hot.shapes", "target_multi.shape", "target_out_of_bounds.classes",
    "bce_range.values", "index_out_of_range.embedding", "super_init.name",
    "missing_forward.misspelled", "missing_forward.nested", "missing_forward.outside",
    "empty_parameters.plain_list", "tensor_expected.none", "none_value.operand",
    "library_name.suggestion",
)

_LINEAR = "torch/nn/modules/linear.py"
_FUNCTIONAL = "torch/nn/functional.py"


def _shape(tensor: Any) -> str | None:
    shape = getattr(tensor, "shape", None)
    return None if shape is None else "[" + ", ".join(str(n) for n in shape) + "]"


def matmul(f: Finding) -> None:
    """A ``nn.Linear`` that got an unflattened image, or a plain matrix product."""
    linear = f.local("forward", _LINEAR)
    if linear is None:
        if "addmm" not in str(f.exc):
            f.variant = "matmul"
        return
    layer, data = linear.get("self"), linear.get("input")
    in_features = getattr(layer, "in_features", None)
    shape = getattr(data, "shape", None)
    if shape is not None and len(shape) > 2 and math.prod(shape[1:]) == in_features:
        f.code = "flatten_needed"
        f.values = {"shape": _shape(data), "features": in_features, "batch": shape[0]}


def input_type(f: Finding) -> None:
    """``Input type (torch.cuda.FloatTensor) and weight type (torch.FloatTensor)``: a device."""
    a, b = f.values["a"], f.values["b"]
    if ("cuda" in a) != ("cuda" in b):
        f.code = "device_mismatch"
        f.values = {"a": "cuda" if "cuda" in a else "cpu", "b": "cuda" if "cuda" in b else "cpu"}


def grad_not_scalar(f: Finding) -> None:
    made = f.local("_make_grads", "torch/autograd/__init__.py")
    tensor = made.get("out") if made else None
    if tensor is None:
        backward = f.local("backward", "torch/_tensor.py")
        tensor = backward.get("self") if backward else None
    if _shape(tensor) is not None:
        f.values["shape"] = _shape(tensor)
        f.variant = "shape"


def inplace(f: Finding) -> None:
    """Point at the in-place line (and the forward line) found by the anomaly-mode rerun."""
    from katacheck.checks.anomaly import trace_of

    trace = trace_of(f.exc)
    changed = trace.changed if trace else None
    saved = trace.saved if trace else None
    if "shape" in f.values:
        f.values["shape"] = f"[{f.values['shape']}]"
    if changed is not None:
        f.values["changed"] = changed.line
    if saved is not None:
        f.values["saved"] = saved.line
    f.location = changed or saved or f.location
    if "shape" not in f.values:
        f.variant = "plain"
    elif "op" not in f.values:
        f.variant = "leaf_changed" if changed else "leaf"
    elif changed and saved:
        f.variant = "traced"
    elif changed or saved:
        f.variant = "changed" if changed else "saved"


def _loss_tensors(f: Finding) -> tuple[Any, Any]:
    for function in ("cross_entropy", "nll_loss", "binary_cross_entropy",
                     "binary_cross_entropy_with_logits", "mse_loss"):
        found = f.local(function, _FUNCTIONAL)
        if found is not None:
            return found.get("input"), found.get("target")
    return None, None


def target_one_hot(f: Finding) -> None:
    output, target = _loss_tensors(f)
    if _shape(output) and _shape(target):
        f.values.update(input=_shape(output), target=_shape(target))
        f.variant = "shapes"


def target_multi(f: Finding) -> None:
    _, target = _loss_tensors(f)
    if _shape(target):
        f.values["target"] = _shape(target)
        f.variant = "shape"


def target_bounds(f: Finding) -> None:
    output, _ = _loss_tensors(f)
    shape = getattr(output, "shape", None)
    if shape is not None and len(shape) >= 1:
        classes = shape[1] if len(shape) >= 2 else shape[0]
        f.values.update(classes=classes, last=classes - 1)
        f.variant = "classes"


def bce_range(f: Finding) -> None:
    output, _ = _loss_tensors(f)
    try:
        low, high = float(output.min()), float(output.max())
    except (AttributeError, RuntimeError, TypeError, ValueError):
        return
    f.values.update(low=f"{low:.2f}", high=f"{high:.2f}")
    f.variant = "values"


def result_cast(f: Finding) -> None:
    """In a loss, an integer target; elsewhere, a float result written into an integer tensor."""
    if _loss_tensors(f) != (None, None):
        f.code = "target_float"
        f.values = {"found": f.values["output"], "expected": f.values["result"]}


def embedding_index(f: Finding) -> None:
    found = f.local("embedding", _FUNCTIONAL)
    if found is None:
        return
    indices, weight = found.get("input"), found.get("weight")
    try:
        f.values.update(index=int(indices.max()), size=int(weight.shape[0]), last=int(weight.shape[0]) - 1)
    except (AttributeError, RuntimeError, TypeError, ValueError, IndexError):
        return
    f.variant = "embedding"


def super_init(f: Finding) -> None:
    found = f.local("__setattr__", "torch/nn/modules/module.py")
    if found is not None and isinstance(found.get("name"), str):
        f.values.update(cls=type(found.get("self")).__name__, name=found["name"])
        f.variant = "name"


def missing_forward(f: Finding) -> None:
    """Read the learner's class: a misspelled name, a ``forward`` inside ``__init__``..."""
    problem = source.misplaced_forward(f.values["cls"])
    path = learner_file()
    if problem is None or path is None:
        return
    f.location = Location.at(path, problem.line)
    f.values.update(name=problem.name, line=problem.line)
    if problem.kind != "absent":
        f.variant = problem.kind


def empty_parameters(f: Finding) -> None:
    """Layers in a plain list: point at the list, in the class of the model being optimized."""
    path = learner_file()
    if path is None:
        return
    lists = source.layer_lists()
    if not lists:
        return
    used = _learner_module_classes(f)
    chosen = next((item for item in lists if item.cls in used), lists[0])
    f.location = Location.at(path, chosen.line)
    f.values.update(cls=chosen.cls, attr=chosen.attr, container=chosen.container)
    f.variant = "plain_list"


def _learner_module_classes(f: Finding) -> set[str]:
    """Names of the ``nn.Module`` objects held by the learner's frames in the traceback."""
    from torch import nn

    from katacheck.checks.context import is_learner_file

    names = set()
    for frame in frames(f.exc):
        if is_learner_file(frame.f_code.co_filename):
            names |= {type(v).__name__ for v in frame.f_locals.values() if isinstance(v, nn.Module)}
    return names


def short_class(f: Finding) -> None:
    """``katacheck_aluno.Amostra`` → ``Amostra``: the learner knows the class by its name."""
    f.values["got"] = f.values["got"].rsplit(".", 1)[-1]


def tensor_expected(f: Finding) -> None:
    if f.values.get("got") == "NoneType":
        f.variant = "none"


def none_operand(f: Finding) -> None:
    f.variant = "operand"


def call_missing(f: Finding) -> None:
    """``'a' and 'b'`` (English) becomes ``a, b`` quoted as code."""
    names = re.findall(r"'(\w+)'", f.values["names"])
    if names:
        f.values["names"] = ", ".join(f"`{name}`" for name in names)


def missing_name(f: Finding) -> None:
    """Our learner module lacks a name; a library lacks one the learner misspelled."""
    module = f.values["module"]
    if module == LEARNER_MODULE:
        return
    f.code = "library_name"
    loaded = sys.modules.get(module)
    close = difflib.get_close_matches(f.values["name"], dir(loaded), n=1) if loaded else []
    if not close and loaded is not None:
        lowered = {name.lower(): name for name in dir(loaded)}
        close = [lowered[f.values["name"].lower()]] if f.values["name"].lower() in lowered else []
    if close:
        f.values["suggestion"] = close[0]
        f.variant = "suggestion"
