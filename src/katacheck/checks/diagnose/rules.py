"""The diagnosis rules: which PyTorch (and Python) messages mean which beginner mistake.

Each pattern matches a substring PyTorch has kept stable across versions (prefixes such as
``addmm:`` come and go, so patterns never anchor at the start); where a message changed wording,
the older wording has its own pattern with the same code. Messages were checked on torch 2.15.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from katacheck.checks.diagnose import refine
from katacheck.checks.locations import frames
from katacheck.result import Location

_SHAPE = r"\[[-\d, ]*\]"


@dataclass
class Finding:
    """What a rule found in an exception; refinements add values, a variant or a location."""

    exc: BaseException
    code: str
    values: dict[str, Any] = field(default_factory=dict)
    variant: str | None = None
    location: Location | None = None

    def local(self, function: str, path_end: str) -> dict[str, Any] | None:
        """The locals of the innermost frame running ``function`` in a file ending with
        ``path_end`` (``"torch/nn/modules/linear.py"``), or None."""
        for frame in reversed(frames(self.exc)):
            code = frame.f_code
            if code.co_name == function and code.co_filename.replace(os.sep, "/").endswith(path_end):
                return frame.f_locals
        return None

    def passes_through(self, fragment: str) -> bool:
        """Whether the traceback runs through a file whose path contains ``fragment``."""
        return any(fragment in frame.f_code.co_filename.replace(os.sep, "/") for frame in frames(self.exc))


@dataclass(frozen=True)
class Rule:
    """``code``: the diagnosis; ``pattern``: a regex over ``str(exc)``, whose named groups are
    the values; ``kind``: the exception class name required (any when None); ``within``: only
    when the traceback passes through a file whose path contains it; ``refine``: adds what the
    message does not say."""

    code: str
    pattern: re.Pattern[str]
    kind: str | None = None
    within: str | None = None
    refine: Callable[[Finding], None] | None = None


def _rule(code: str, regex: str, kind: str | None = None, within: str | None = None,
          refine: Callable[[Finding], None] | None = None) -> Rule:
    return Rule(code, re.compile(regex, re.DOTALL), kind, within, refine)


RULES: tuple[Rule, ...] = (
    # --- devices ---------------------------------------------------------------------------
    _rule("device_mismatch",
          r"Expected all tensors to be on the same device.*?(?P<a>cuda:?\d*|cpu|mps|xpu)\b"
          r".*?(?P<b>cuda:?\d*|cpu|mps|xpu)\b"),
    _rule("device_mismatch", r"Expected object of device type (?P<a>\w+) but got device type (?P<b>\w+)"),
    _rule("cuda_not_compiled",
          r"Torch not compiled with CUDA enabled|Found no NVIDIA driver|No CUDA GPUs are available"
          r"|CUDA driver initialization failed"),
    _rule("cuda_numpy", r"can't convert (?P<device>cuda:?\d*) device type tensor to numpy"),
    _rule("cuda_device_assert", r"device-side assert triggered"),
    # --- shapes ----------------------------------------------------------------------------
    _rule("shapes_matmul",
          r"mat1 and mat2 shapes cannot be multiplied \((?P<n>\d+)x(?P<got>\d+) and (?P<want>\d+)x(?P<out>\d+)\)",
          refine=refine.matmul),
    _rule("shapes_matmul",
          r"size mismatch, m1: \[(?P<n>\d+) x (?P<got>\d+)\], m2: \[(?P<want>\d+) x (?P<out>\d+)\]",
          refine=refine.matmul),
    _rule("conv_input_dims",
          r"Expected (?P<unbatched>\d)D \(unbatched\) or (?P<batched>\d)D \(batched\) input to (?P<op>\w+), "
          rf"but got input of size: (?P<shape>{_SHAPE})"),
    _rule("conv_channels",
          rf"weight of size (?P<weight>{_SHAPE}), expected input(?P<input>{_SHAPE}) to have (?P<want>\d+) "
          r"channels, but got (?P<got>\d+) channels"),
    _rule("batchnorm_single",
          rf"Expected more than 1 value per channel when training, got input size torch\.Size\((?P<shape>{_SHAPE})\)"),
    _rule("pool_too_small",
          r"Given input size: \((?P<input>[\dx]+)\)\. Calculated output size: \((?P<output>[\dx]+)\)\. "
          r"Output size is too small"),
    _rule("kernel_too_big",
          r"Calculated padded input size per channel: \((?P<input>[\d x]+)\)\. Kernel size: \((?P<kernel>[\d x]+)\)"),
    _rule("view_stride", r"view size is not compatible with input tensor's size and stride"),
    _rule("reshape_invalid", rf"shape '(?P<shape>{_SHAPE})' is invalid for input of size (?P<size>\d+)"),
    _rule("size_mismatch",
          r"The size of tensor a \((?P<a>\d+)\) must match the size of tensor b \((?P<b>\d+)\) "
          r"at non-singleton dimension (?P<dim>\d+)"),
    _rule("cat_sizes",
          r"Sizes of tensors must match except in dimension (?P<dim>\d+)\. Expected size (?P<want>\d+) "
          r"but got size (?P<got>\d+) for tensor number (?P<index>\d+)"),
    _rule("dim_out_of_range",
          r"Dimension out of range \(expected to be in range of \[(?P<low>-?\d+), (?P<high>-?\d+)\], "
          r"but got (?P<dim>-?\d+)\)"),
    _rule("rnn_input_size",
          r"input\.size\(-1\) must be equal to input_size\. Expected (?P<want>\d+), got (?P<got>\d+)"),
    # --- dtypes ----------------------------------------------------------------------------
    _rule("dtype_mismatch", r"must have the same dtype, but got (?P<a>\w+) and (?P<b>\w+)"),
    _rule("dtype_mismatch", r"to have the same dtype, but got: (?P<a>\w+) != (?P<b>\w+)"),
    _rule("dtype_mismatch", r"expected scalar type (?P<a>\w+) but found (?P<b>\w+)"),
    _rule("dtype_mismatch", r"Expected object of scalar type (?P<a>\w+) but got scalar type (?P<b>\w+)"),
    _rule("dtype_mismatch",
          r"Input type \((?P<a>[\w.]+)\) and (?:weight|bias) type \((?P<b>[\w.]+)\) should be the same",
          refine=refine.input_type),
    _rule("index_dtype",
          r"Expected tensor for argument #\d+ '(?P<arg>\w+)' to have (?:one of )?the following scalar "
          r"types?: (?P<want>[\w, ]+); but got (?P<got>[\w.]+) instead"),
    _rule("grad_needs_float", r"Only Tensors of floating point and complex dtype can require gradients"),
    _rule("mean_dtype",
          r"(?P<func>\w+)\(\): could not infer output dtype\. Input dtype must be either a floating point "
          r"or complex dtype\. Got: (?P<dtype>\w+)"),
    # --- losses and targets ----------------------------------------------------------------
    _rule("target_one_hot",
          r"Expected floating point type for target with class probabilities, got (?P<dtype>\w+)",
          refine=refine.target_one_hot),
    _rule("target_dtype", r"expected target dtype to be Long or Byte, but got (?P<dtype>\w+)"),
    _rule("target_multi", r"0D or 1D target tensor expected, multi-target not supported",
          refine=refine.target_multi),
    _rule("target_out_of_bounds", r"Target (?P<target>-?\d+) is out of bounds", refine=refine.target_bounds),
    _rule("batch_mismatch",
          r"Expected input batch_size \((?P<input>\d+)\) to match target batch_size \((?P<target>\d+)\)"),
    _rule("target_size",
          rf"Using a target size \(torch\.Size\((?P<target>{_SHAPE})\)\) that is different to the input size "
          rf"\(torch\.Size\((?P<input>{_SHAPE})\)\)"),
    _rule("bce_range", r"all elements of input should be between 0 and 1", refine=refine.bce_range),
    _rule("target_float", r"Found dtype (?P<found>\w+) but expected (?P<expected>\w+)"),
    _rule("result_cast", r"result type (?P<result>\w+) can't be cast to the desired output type (?P<output>\w+)",
          refine=refine.result_cast),
    _rule("index_out_of_range", r"index out of range in self", refine=refine.embedding_index),
    # --- autograd --------------------------------------------------------------------------
    _rule("no_grad_fn", r"element 0 of tensors does not require grad"),
    _rule("float_backward", r"'(?P<type>[\w.]+)' object has no attribute 'backward'", kind="AttributeError"),
    _rule("grad_not_scalar", r"grad can be implicitly created only for scalar outputs",
          refine=refine.grad_not_scalar),
    _rule("backward_twice", r"Trying to backward through the graph a second time"),
    _rule("inplace_modified",
          r"modified by an inplace operation: \[(?P<type>[\w.]+) \[(?P<shape>[\d, ]*)\]\]"
          r"(?:, which is output \d+ of (?P<op>\w+?)(?:Backward\d*)?)?, is at version (?P<version>\d+); "
          r"expected version (?P<expected>\d+)",
          refine=refine.inplace),
    _rule("inplace_modified", r"modified by an inplace operation", refine=refine.inplace),
    _rule("leaf_inplace", r"a leaf Variable that requires grad is being used in an in-place operation"),
    _rule("nonleaf_grad", r"The \.grad attribute of a Tensor that is not a leaf Tensor is being accessed"),
    _rule("numpy_requires_grad", r"Can't call numpy\(\) on Tensor that requires grad"),
    # --- modules and optimizers ------------------------------------------------------------
    _rule("super_init", r"cannot assign module before Module\.__init__\(\) call", refine=refine.super_init),
    _rule("super_init", r"cannot assign parameters? before Module\.__init__\(\) call", refine=refine.super_init),
    _rule("missing_forward", r'Module \[(?P<cls>\w+)\] is missing the required "forward" function',
          refine=refine.missing_forward),
    _rule("empty_parameters", r"optimizer got an empty parameter list", refine=refine.empty_parameters),
    _rule("optimizer_not_params", r"'(?P<got>[\w.]+)' object is not iterable", kind="TypeError",
          within="torch/optim/"),
    _rule("optimizer_not_params",
          r"optimizer can only optimize Tensors, but one of the params is (?P<got>[\w.]+)"),
    _rule("optimizer_not_params",
          r"params argument given to the optimizer should be an iterable of Tensors or dicts, "
          r"but got (?P<got>[\w.]+)"),
    _rule("parameter_assign",
          r"cannot assign '(?P<got>[\w.]+)' as parameter '(?P<name>\w+)' \(torch\.nn\.Parameter or None expected\)"),
    _rule("state_dict", r"Error\(s\) in loading state_dict for (?P<cls>\w+)"),
    # --- data ------------------------------------------------------------------------------
    _rule("collate_stack",
          rf"stack expects each tensor to be equal size, but got (?P<a>{_SHAPE}) at entry (?P<i>\d+) and "
          rf"(?P<b>{_SHAPE}) at entry (?P<j>\d+)"),
    _rule("collate_type", r"default_collate: batch must contain .*?found <class '(?P<got>[\w.]+)'>",
          refine=refine.short_class),
    _rule("dataset_no_len", r"object of type '(?P<cls>\w+)' has no len\(\)", kind="TypeError",
          within="torch/utils/data/"),
    _rule("tensor_expected",
          r"(?P<func>\w+)\(\): argument '(?P<arg>\w+)' \(position \d+\) must be Tensor, not (?P<got>[\w.]+)",
          refine=refine.tensor_expected),
    _rule("list_of_tensors", r"only one element tensors can be converted to Python scalars"),
    _rule("ragged_list", r"expected sequence of length (?P<want>\d+) at dim (?P<dim>\d+) \(got (?P<got>\d+)\)"),
    _rule("item_many", r"a Tensor with (?P<n>\d+) elements cannot be converted to Scalar"),
    _rule("bool_ambiguous", r"Boolean value of Tensor with more than one value is ambiguous"),
    _rule("softmax_dim", r"Implicit dimension choice for (?P<func>\w+) has been deprecated"),
    # --- plain Python mistakes around learner code -----------------------------------------
    _rule("none_value", r"'NoneType' object has no attribute '(?P<attr>\w+)'", kind="AttributeError"),
    _rule("none_value", r"unsupported operand type\(s\) for (?P<op>\S+): '(?P<a>[\w.]+)' and 'NoneType'",
          kind="TypeError", refine=refine.none_operand),
    _rule("none_value", r"unsupported operand type\(s\) for (?P<op>\S+): 'NoneType' and '(?P<a>[\w.]+)'",
          kind="TypeError", refine=refine.none_operand),
    _rule("call_arguments",
          r"(?P<func>[\w.<>]+)\(\) takes (?P<want>\d+) positional arguments? but (?P<got>\d+) (?:were|was) given",
          kind="TypeError"),
    _rule("call_missing",
          r"(?P<func>[\w.<>]+)\(\) missing \d+ required (?:positional|keyword-only) arguments?: (?P<names>.+)$",
          kind="TypeError", refine=refine.call_missing),
    _rule("call_keyword", r"(?P<func>[\w.<>]+)\(\) got an unexpected keyword argument '(?P<name>\w+)'",
          kind="TypeError"),
    _rule("missing_name", r"module '(?P<module>[\w.]+)' has no attribute '(?P<name>\w+)'", kind="AttributeError",
          refine=refine.missing_name),
    _rule("undefined_name", r"name '(?P<name>\w+)' is not defined", kind="NameError"),
    _rule("module_not_found", r"No module named '(?P<name>[\w.]+)'", kind="ModuleNotFoundError"),
    _rule("out_of_memory", r"can't allocate memory|CUDA out of memory|DefaultCPUAllocator: not enough memory"),
    _rule("out_of_memory", r"", kind="MemoryError"),
    # A call that never stops calling itself; not an expression too deep for the compiler (a
    # sum of thousands of terms), which the generic message, at its line, names better.
    _rule("recursion", r"^(?!.*during compilation)", kind="RecursionError"),
)

#: Every code :func:`~katacheck.checks.diagnose.diagnose` can give, with the variants
#: (``code.variant``) refinements may choose: each has a message and a hint in every catalog.
CODES: tuple[str, ...] = tuple(dict.fromkeys(rule.code for rule in RULES)) + refine.EXTRA_CODES
VARIANTS: tuple[str, ...] = refine.VARIANTS
