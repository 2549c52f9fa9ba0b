"""Device-tag simulation of CUDA for machines without a GPU.

Katas that teach "move the model and the data to the GPU" must be verifiable
on CPU-only CI.  Real alternatives do not work there: ``FakeTensorMode`` and
wrapper subclasses abort the whole process as soon as autograd touches a fake
CUDA tensor, and the ``privateuse1`` backend cannot be renamed to ``cuda``.

So this module keeps every tensor a *real CPU tensor* and stores the simulated
device as a plain Python attribute on the tensor object (absent means cpu).
A :class:`~torch.overrides.TorchFunctionMode` intercepts every torch call to

* report ``cuda:0`` from ``t.device`` / ``t.is_cuda`` for tagged tensors,
* make ``.to()`` / ``.cuda()`` / ``.cpu()`` return *new* tensors with the
  target tag, so the classic ``x.to(device)`` without reassignment still
  leaves ``x`` on the cpu, exactly as on a real GPU,
* raise the real "Expected all tensors to be on the same device" error when
  an operation mixes simulated-cuda and cpu tensors,
* propagate the tag to the outputs of every operation,
* model asynchronous kernels: work launched on the device stays *pending* (a
  :class:`DeviceQueue`) until something waits for it, ``torch.cuda.synchronize()`` or a
  device-to-host read (``.item()``, ``.cpu()``, ``.tolist()``, ``print(t)``...), as on real
  CUDA; a clock read (``time.perf_counter()`` & co.) made by the learner's code while work is
  pending measures only the launch, and is recorded with the learner's line.

A few module-level patches (``torch.cuda.is_available`` & co., ``nn.Module``
device methods, ``nn.Parameter.__new__``) complete the picture; all of them
are undone when the context manager exits (:mod:`katacheck.checks.patching`).

Usage::

    with simulated_cuda() as gpu:
        run_learner_code()
    gpu.unsynchronized_reads   # the clock reads made with kernels still pending
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import torch
import torch.utils._device as _torch_device_utils
from torch import nn
from torch.overrides import TorchFunctionMode

from katacheck.checks.context import is_learner_file
from katacheck.checks.locations import CHECKS_DIR
from katacheck.checks.patching import patch, patch_all
from katacheck.checks.tensors import tensors_in
from katacheck.result import Location

__all__ = [
    "CLOCKS",
    "ClockRead",
    "DEVICE_MISMATCH_MESSAGE",
    "DeviceQueue",
    "NUMPY_ON_CUDA_MESSAGE",
    "SIMULATED_DEVICE_NAME",
    "clock_holders",
    "device_queue",
    "learner_modules",
    "patch_learner_names",
    "simulated_cuda",
    "simulated_device_of",
]

SIMULATED_DEVICE_NAME = "Simulated CUDA (katacheck)"
DEVICE_MISMATCH_MESSAGE = (
    "Expected all tensors to be on the same device, but found at least two "
    "devices, cuda:0 and cpu!"
)
NUMPY_ON_CUDA_MESSAGE = (
    "can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to "
    "copy the tensor to host memory first."
)
_INVALID_ORDINAL_MESSAGE = "CUDA error: invalid device ordinal"

# Name of the attribute that marks a tensor as living on the simulated GPU.
# Its presence (value True) means "cuda:0"; absence means "cpu".  A plain
# attribute survives as long as the Python tensor object does (PyTorch keeps
# the PyObject of a tensor alive together with its C++ TensorImpl), which is
# what lets parameters, gradients and optimizer state keep their tag.
_TAG = "_katacheck_simulated_cuda"

_CUDA = torch.device("cuda", 0)

# Guards against nesting: inside the simulation torch.cuda.is_available() is
# patched, so a nested entry could not tell real CUDA from simulated CUDA.
_state_lock = threading.Lock()
_active = False

#: The clocks of :mod:`time` a learner times code with; a read of any of them is watched.
CLOCKS = ("perf_counter", "perf_counter_ns", "time", "time_ns", "monotonic", "monotonic_ns")
# The real clocks, taken before anything is patched: the simulation's own timing (the events'
# record()) must never count as a read by the learner.
_REAL_CLOCKS = {name: getattr(time, name) for name in CLOCKS}


# ---------------------------------------------------------------------------
# Tag helpers
# ---------------------------------------------------------------------------


def simulated_device_of(tensor: torch.Tensor) -> torch.device:
    """Return the device ``tensor`` is on, as the learner's code sees it.

    Works inside and outside :func:`simulated_cuda`: ``cuda:0`` for tensors
    tagged by the simulation, the real device for everything else (a real
    GPU's tensors included: the same checks run there).  Use it in checks
    that run after the learner's code has left the simulation.
    """
    return _CUDA if _is_cuda(tensor) else tensor.device


def _is_cuda(tensor: torch.Tensor) -> bool:
    return getattr(tensor, _TAG, False)


def _set_cuda(tensor: torch.Tensor, cuda: bool) -> None:
    if cuda:
        setattr(tensor, _TAG, True)
    elif _is_cuda(tensor):
        delattr(tensor, _TAG)


def _tag_outputs(result: Any, cuda: bool) -> None:
    """Tag a torch call's result: a tensor, or a tuple/list of tensors."""
    for tensor in tensors_in((result,)):
        _set_cuda(tensor, cuda)


def _target_is_cuda(device: Any) -> bool | None:
    """Classify a ``device=`` value: True for cuda, False for cpu, None otherwise.

    ``None`` (meta, mps, ...) tells callers to leave the call untouched.  A
    cuda index other than 0 fails like on a one-GPU machine.
    """
    if isinstance(device, int) and not isinstance(device, bool):
        device = torch.device("cuda", device)
    else:
        device = torch.device(device)
    if device.type == "cpu":
        return False
    if device.type != "cuda":
        return None
    if device.index not in (None, 0):
        raise RuntimeError(_INVALID_ORDINAL_MESSAGE)
    return True


# ---------------------------------------------------------------------------
# Asynchronous kernels: the device's work queue
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockRead:
    """A clock read by the learner's code while kernels were still pending on the device."""

    clock: str  # "perf_counter", "time", ...
    pending: int  # kernels launched since the last synchronisation
    location: Location | None  # the learner's line that read the clock


@dataclass
class DeviceQueue:
    """The simulated device's stream: a kernel is *launched*, not run, and stays pending until
    something waits for the device (``torch.cuda.synchronize()``, a device-to-host read).

    Real CUDA returns from a kernel launch at once; a clock read right after it measures the
    launch, not the work. The simulation runs every operation on the CPU at once, so this queue
    is what keeps the difference visible.
    """

    #: Kernels launched since the last synchronisation.
    pending: int = 0
    #: How many times the host waited for the device (synchronize or a device-to-host read).
    synchronizations: int = 0
    #: Every clock read of the learner's code made with kernels pending (the first 10 000).
    unsynchronized_reads: list[ClockRead] = field(default_factory=list)

    def launch(self) -> None:
        self.pending += 1

    def synchronize(self) -> None:
        """The host waits until the device is idle."""
        self.pending = 0
        self.synchronizations += 1

    def clock_read(self, clock: str) -> None:
        if not self.pending or len(self.unsynchronized_reads) >= 10_000:
            return
        location = _clock_reader()
        if location is not None:
            self.unsynchronized_reads.append(ClockRead(clock, self.pending, location))


#: The queue of the active simulation (None outside one).
_queue: DeviceQueue | None = None


def device_queue() -> DeviceQueue | None:
    """The work queue of the active :func:`simulated_cuda` block, or None outside one."""
    return _queue


def _launch() -> None:
    if _queue is not None:
        _queue.launch()


def _wait_for_device() -> None:
    if _queue is not None:
        _queue.synchronize()


def _synchronize(*args: Any, **kwargs: Any) -> None:
    """``torch.cuda.synchronize()`` (and the stream's, the event's): wait for the device."""
    _wait_for_device()


def _clock_reader() -> Location | None:
    """The learner's line that read the clock, when the read came straight from the learner's
    file; a wrapper of ours in between (a test's fake clock) is looked through, torch is not."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(CHECKS_DIR):
        frame = frame.f_back
    if frame is None or not is_learner_file(frame.f_code.co_filename):
        return None
    return Location.at(frame.f_code.co_filename, frame.f_lineno)


def _watched_clock(name: str, clock: Callable[[], Any]) -> Callable[[], Any]:
    def read() -> Any:
        if _queue is not None:
            _queue.clock_read(name)
        return clock()

    read.__name__ = read.__qualname__ = name
    read.__wrapped__ = clock  # type: ignore[attr-defined]
    return read


def learner_modules() -> list[Any]:
    """The modules loaded from the learner's file."""
    return [module for module in list(sys.modules.values())
            if isinstance(getattr(module, "__file__", None), str) and is_learner_file(module.__file__)]


def clock_holders() -> list[Any]:
    """The modules whose names may hold a clock of :mod:`time` taken before a block patched it:
    the learner's (``from time import perf_counter``) and :mod:`timeit`, whose ``default_timer``
    is ``time.perf_counter`` under another name (a timer beginners reach for)."""
    holders = learner_modules()
    if "timeit" in sys.modules:
        holders.append(sys.modules["timeit"])
    return holders


def patch_learner_names(stack: contextlib.ExitStack, owner: Any, replacements: dict[str, Any]) -> None:
    """Until ``stack`` closes, the learner's module sees ``replacements`` also under the names it
    bound ``owner``'s functions to before the block (``from torch.cuda import is_available``):
    patching ``owner`` alone leaves those names answering for the machine, so CI and a real GPU
    would disagree. Call it before patching ``owner`` itself (it reads the originals there)."""
    originals = {id(getattr(owner, name)): value for name, value in replacements.items() if hasattr(owner, name)}
    for module in learner_modules():
        for key, value in list(vars(module).items()):
            replacement = originals.get(id(value))
            if replacement is not None:
                patch(stack, module, key, replacement)


def _patch_clocks(stack: contextlib.ExitStack) -> None:
    """Watch every clock of :data:`CLOCKS`: in :mod:`time`, and under any name a module of
    :func:`clock_holders` bound to one before the block."""
    watched = {name: _watched_clock(name, getattr(time, name)) for name in CLOCKS}
    originals = {id(getattr(time, name)): watched[name] for name in CLOCKS}
    patch_all(stack, time, watched)
    for module in clock_holders():
        for key, value in list(vars(module).items()):
            replacement = originals.get(id(value))
            if replacement is not None:
                patch(stack, module, key, replacement)


@contextlib.contextmanager
def _queue_installed() -> Iterator[DeviceQueue]:
    global _queue
    _queue = DeviceQueue()
    try:
        yield _queue
    finally:
        _queue = None


# ---------------------------------------------------------------------------
# Device check for ordinary operations
# ---------------------------------------------------------------------------


def _result_is_cuda(args: tuple, kwargs: dict) -> bool:
    """Decide where an op runs; raise the real error if devices are mixed.

    0-dim tensors may mix freely (real CUDA kernels accept cpu scalars), so
    they only decide the device when no tensor with dimensions is involved.
    """
    saw_cuda = saw_cpu = scalar_cuda = False
    for tensor in tensors_in(args, kwargs):
        cuda = _is_cuda(tensor)
        if tensor.dim() == 0:
            scalar_cuda = scalar_cuda or cuda
        elif cuda:
            saw_cuda = True
        else:
            saw_cpu = True
    if saw_cuda and saw_cpu:
        raise RuntimeError(DEVICE_MISMATCH_MESSAGE)
    return saw_cuda or (scalar_cuda and not saw_cpu)


def _call_checked(func: Callable, args: tuple, kwargs: dict) -> Any:
    cuda = _result_is_cuda(args, kwargs)
    result = func(*args, **kwargs)
    if cuda:
        _launch()
    # An in-place method returns its target, whose device never changes.
    if cuda and not (args and result is args[0]):
        _tag_outputs(result, True)
    return result


def _call_with_device_kwarg(func: Callable, args: tuple, kwargs: dict) -> Any:
    """Factory-style calls (``torch.zeros(..., device="cuda")`` etc.)."""
    cuda = _target_is_cuda(kwargs["device"])
    if cuda is None:
        return func(*args, **kwargs)
    if cuda:
        kwargs = {**kwargs, "device": "cpu"}
    result = func(*args, **kwargs)
    # torch.as_tensor(t, device=...) may hand back ``t`` itself; tagging it
    # would silently move the caller's tensor, so give it a fresh copy.
    if isinstance(result, torch.Tensor) and _is_cuda(result) != cuda:
        if any(result is arg for arg in args):
            result = result.to("cpu", copy=True)
    _tag_outputs(result, cuda)
    if cuda:
        _launch()
    return result


def _with_default_device(func: Callable, kwargs: dict) -> dict:
    """Honour ``torch.set_default_device("cuda")`` / ``with torch.device("cuda"):``.

    PyTorch implements those with its own function mode, which sits *below*
    this one and would add ``device="cuda"`` only after we have run, making
    the factory try to initialise the real (missing) driver.  Add the kwarg
    here instead, for the same set of factory functions.
    """
    default = getattr(_torch_device_utils, "CURRENT_DEVICE", None)
    if default is None or torch.device(default).type != "cuda":
        return kwargs
    if func not in _torch_device_utils._device_constructors():
        return kwargs
    return {**kwargs, "device": default}


# ---------------------------------------------------------------------------
# Handlers for calls that need more than the generic device check
# ---------------------------------------------------------------------------


def _move(tensor: torch.Tensor, cuda: bool, **to_kwargs: Any) -> torch.Tensor:
    """Return ``tensor`` on the simulated device ``cuda`` (with to()'s options).

    A move always copies (``copy=True`` keeps the autograd edge), so the
    source tensor keeps its own device, just like a real host/GPU transfer.
    """
    moving = _is_cuda(tensor) != cuda
    copy = to_kwargs.pop("copy", False) or moving
    result = torch.Tensor.to(tensor, "cpu", copy=copy, **to_kwargs)
    if result is not tensor:
        _set_cuda(result, cuda)
    if moving:
        # Host → device: a copy queued on the stream. Device → host: the host waits for it,
        # and so for every kernel before it.
        (_launch if cuda else _wait_for_device)()
    return result


def _parse_to(args: tuple, kwargs: dict) -> tuple[Any, Any, bool, Any]:
    """``(device, dtype, non_blocking, memory_format)`` of a ``.to(...)`` call, as PyTorch reads
    them. ``device=`` is taken out and read here: inside the simulation PyTorch's own parser
    resolves a keyword device against the default device (the CPU), not the one asked for."""
    if "device" not in kwargs:
        return torch._C._nn._parse_to(*args, **kwargs)
    rest = {key: value for key, value in kwargs.items() if key != "device"}
    device = kwargs["device"]
    _, dtype, non_blocking, memory_format = torch._C._nn._parse_to(*args, **rest)
    if isinstance(device, str) or (isinstance(device, int) and not isinstance(device, bool)):
        device = torch.device("cuda", device) if isinstance(device, int) else torch.device(device)
    return device, dtype, non_blocking, memory_format


def _handle_to(func: Callable, args: tuple, kwargs: dict) -> Any:
    tensor, rest = args[0], args[1:]
    if rest and isinstance(rest[0], torch.Tensor):
        # x.to(other): other's device and dtype.
        other = rest[0]
        to_kwargs = {key: kwargs[key] for key in ("non_blocking", "copy") if key in kwargs}
        return _move(tensor, _is_cuda(other), dtype=other.dtype, **to_kwargs)
    parse_kwargs = {key: value for key, value in kwargs.items() if key != "copy"}
    device, dtype, non_blocking, memory_format = _parse_to(rest, parse_kwargs)
    cuda = _is_cuda(tensor) if device is None else _target_is_cuda(device)
    if cuda is None:
        return func(*args, **kwargs)
    return _move(
        tensor,
        cuda,
        dtype=dtype,
        non_blocking=non_blocking,
        copy=kwargs.get("copy", False),
        memory_format=memory_format or torch.preserve_format,
    )


def _handle_cuda(func: Callable, args: tuple, kwargs: dict) -> Any:
    tensor = args[0]
    device = args[1] if len(args) > 1 else kwargs.get("device")
    if device is not None:
        _target_is_cuda(device)  # validates the ordinal
    return _move(
        tensor,
        True,
        non_blocking=kwargs.get("non_blocking", False),
        memory_format=kwargs.get("memory_format", torch.preserve_format),
    )


def _handle_cpu(func: Callable, args: tuple, kwargs: dict) -> Any:
    return _move(
        args[0], False, memory_format=kwargs.get("memory_format", torch.preserve_format)
    )


def _handle_type_as(func: Callable, args: tuple, kwargs: dict) -> Any:
    # type_as() converts to the other tensor's *type*, device included.
    tensor, other = args[0], args[1]
    return _move(tensor, _is_cuda(other), dtype=other.dtype)


def _handle_host_read(func: Callable, args: tuple, kwargs: dict) -> Any:
    """``.item()``, ``.tolist()``, ``bool(t)``, ``float(t)``...: the host needs the values, so it
    waits for the device to finish the kernels that compute them (and every one before)."""
    if _is_cuda(args[0]):
        _wait_for_device()
    return func(*args, **kwargs)


def _handle_copy(func: Callable, args: tuple, kwargs: dict) -> Any:
    """``dst.copy_(src)`` legally mixes devices: into the device it is queued work, out of it
    the host waits."""
    source = args[1] if len(args) > 1 else kwargs.get("src")
    if isinstance(source, torch.Tensor) and _is_cuda(source) and not _is_cuda(args[0]):
        _wait_for_device()
    result = func(*args, **kwargs)
    if _is_cuda(args[0]):
        _launch()
    return result


def _handle_self_device(func: Callable, args: tuple, kwargs: dict) -> Any:
    """Calls whose result lives on ``self``'s device whatever the other tensors.

    Indexing accepts cpu index tensors on CUDA, ``view_as``/``expand_as`` only
    read the other tensor's shape, and ``new_*`` copy data onto self's device.
    """
    if kwargs.get("device") is not None:
        return _call_with_device_kwarg(func, args, kwargs)
    result = func(*args, **kwargs)
    _tag_outputs(result, _is_cuda(args[0]))
    if _is_cuda(args[0]):
        _launch()
    return result


def _handle_iter(func: Callable, args: tuple, kwargs: dict) -> Any:
    # Tensor.__iter__ unbinds inside the C++ call, outside this mode; tag the
    # rows so ``for row in cuda_tensor`` yields cuda rows.
    rows = list(func(*args, **kwargs))
    _tag_outputs(rows, _is_cuda(args[0]))
    return iter(rows)


def _handle_numpy(func: Callable, args: tuple, kwargs: dict) -> Any:
    if _is_cuda(args[0]):
        if not kwargs.get("force", False):
            raise TypeError(NUMPY_ON_CUDA_MESSAGE)
        _wait_for_device()
    return func(*args, **kwargs)


def _handle_pin_memory(func: Callable, args: tuple, kwargs: dict) -> Any:
    # There is no pinned host memory without a GPU; identity is harmless.
    return args[0]


def _handle_get_device(func: Callable, args: tuple, kwargs: dict) -> Any:
    return 0 if _is_cuda(args[0]) else func(*args, **kwargs)


def _handle_exempt(func: Callable, args: tuple, kwargs: dict) -> Any:
    """Metadata queries and copies/setters that legally mix devices."""
    return func(*args, **kwargs)


def _handle_repr(func: Callable, args: tuple, kwargs: dict) -> Any:
    """``repr()``/``str()`` that print ``device='cuda:0'`` like real CUDA.

    The tensor printer (``torch._tensor_str._str``, which ``Tensor.__repr__``
    wraps) decides on that suffix by reading ``t.device``; run it under a
    fresh instance of the mode so that it sees the simulated device.
    """
    tensor = args[0]
    if not _is_cuda(tensor):
        return func(*args, **kwargs)
    _wait_for_device()  # printing reads the values back
    with _CudaTagMode():
        return torch._tensor_str._str(tensor, tensor_contents=kwargs.get("tensor_contents"))


def _handle_format(func: Callable, args: tuple, kwargs: dict) -> Any:
    # f"{t}" formats 0-dim tensors as numbers, everything else as repr().
    tensor, format_spec = args[0], args[1] if len(args) > 1 else ""
    if not _is_cuda(tensor) or tensor.dim() == 0 or format_spec:
        return func(*args, **kwargs)
    return _handle_repr(torch.Tensor.__repr__, (tensor,), {})


_HANDLERS: dict[Callable, Callable[[Callable, tuple, dict], Any]] = {
    torch.Tensor.to: _handle_to,
    torch.Tensor.cuda: _handle_cuda,
    torch.Tensor.cpu: _handle_cpu,
    torch.Tensor.type_as: _handle_type_as,
    torch.Tensor.__getitem__: _handle_self_device,
    torch.Tensor.view_as: _handle_self_device,
    torch.Tensor.expand_as: _handle_self_device,
    torch.Tensor.reshape_as: _handle_self_device,
    torch.Tensor.new_tensor: _handle_self_device,
    torch.Tensor.new_zeros: _handle_self_device,
    torch.Tensor.new_ones: _handle_self_device,
    torch.Tensor.new_empty: _handle_self_device,
    torch.Tensor.new_full: _handle_self_device,
    torch.Tensor.__iter__: _handle_iter,
    torch.Tensor.numpy: _handle_numpy,
    torch.Tensor.__array__: _handle_numpy,
    torch.Tensor.pin_memory: _handle_pin_memory,
    torch.Tensor.get_device: _handle_get_device,
    torch.Tensor.__repr__: _handle_repr,
    torch.Tensor.__format__: _handle_format,
    # Module._apply asks this before ``param.data = converted``; it compares
    # tensor types, not devices, and must not trip the device check.
    torch._has_compatible_shallow_copy_type: _handle_exempt,
    torch.Tensor.copy_: _handle_copy,  # cross-device copies are legal
    torch.Tensor.set_: _handle_exempt,
    torch.Tensor.__setitem__: _handle_exempt,  # a copy into self
    torch.Tensor.is_set_to: _handle_exempt,
    torch.Tensor.is_same_size: _handle_exempt,
    torch.Tensor.requires_grad_: _handle_exempt,
    # Return Python numbers, nothing to tag (and no need to walk a long list); the host
    # waits for the device to have them.
    torch.Tensor.item: _handle_host_read,
    torch.Tensor.tolist: _handle_host_read,
    torch.Tensor.__bool__: _handle_host_read,
    torch.Tensor.__float__: _handle_host_read,
    torch.Tensor.__int__: _handle_host_read,
    torch.Tensor.__index__: _handle_host_read,
}


def _handle_property(func: Callable, args: tuple, kwargs: dict) -> Any:
    """Property getters (``t.device``, ``t.grad``, ``t.data``, ``t.T``...)."""
    owner = args[0]
    name = func.__self__.__name__
    cuda = _is_cuda(owner)
    if cuda and name == "device":
        return _CUDA
    if name == "is_cuda":
        return cuda
    if cuda and name == "is_cpu":
        return False
    result = func(*args, **kwargs)
    # Gradients are created by the autograd engine in C++, where this mode
    # cannot see them; mirroring the owner's tag on read is what makes
    # ``p.grad`` (used by optimizers and clip_grad_norm_) look like cuda.
    if isinstance(result, torch.Tensor):
        _set_cuda(result, cuda)
    return result


def _handle_setter(func: Callable, args: tuple, kwargs: dict) -> Any:
    """Property setters are exempt from the device check.

    ``t.data = other`` swaps in ``other``'s storage, device included, so the
    owner takes ``other``'s tag (``Module._apply`` relies on this, too).
    """
    result = func(*args, **kwargs)
    if func.__self__.__name__ == "data" and isinstance(args[1], torch.Tensor):
        _set_cuda(args[0], _is_cuda(args[1]))
    return result


class _CudaTagMode(TorchFunctionMode):
    """Routes every torch call through the device-tag logic.

    While ``__torch_function__`` runs, PyTorch pops this mode, so the torch
    calls made by the handlers themselves are not intercepted again.
    """

    def __torch_function__(self, func, types, args=(), kwargs=None):  # noqa: ANN001
        kwargs = kwargs or {}
        handler = _HANDLERS.get(func)
        if handler is not None:
            return handler(func, args, kwargs)
        name = getattr(func, "__name__", None)
        if name == "__get__":
            return _handle_property(func, args, kwargs)
        if name == "__set__":
            return _handle_setter(func, args, kwargs)
        if kwargs.get("device") is None:
            kwargs = _with_default_device(func, kwargs)
        if kwargs.get("device") is not None:
            return _call_with_device_kwarg(func, args, kwargs)
        return _call_checked(func, args, kwargs)


# ---------------------------------------------------------------------------
# nn.Module / nn.Parameter patches
# ---------------------------------------------------------------------------


def _tag_module(module: nn.Module, cuda: bool) -> None:
    """Tag all parameters, buffers and existing gradients of ``module``.

    Depending on ``torch.__future__`` flags, ``Module._apply`` converts a
    parameter via ``param.data = converted``, ``swap_tensors`` or a new
    Parameter; the tag of the converted tensor does not reliably reach the
    Parameter object, so set it explicitly once the conversion is done.
    """
    for param in module.parameters():
        _set_cuda(param, cuda)
        if param.grad is not None:
            _set_cuda(param.grad, cuda)
    for buffer in module.buffers():
        _set_cuda(buffer, cuda)


def _module_target_is_cuda(args: tuple, kwargs: dict) -> bool | None:
    """The simulated device requested by ``Module.to(...)``, if any."""
    if args and isinstance(args[0], torch.Tensor):
        return _is_cuda(args[0])
    if isinstance(kwargs.get("tensor"), torch.Tensor):
        return _is_cuda(kwargs["tensor"])
    device = _parse_to(args, kwargs)[0]
    return None if device is None else _target_is_cuda(device)


def _make_module_patches() -> dict[str, Callable]:
    original_to = nn.Module.to
    original_cuda = nn.Module.cuda
    original_cpu = nn.Module.cpu

    def to(self: nn.Module, *args: Any, **kwargs: Any) -> nn.Module:
        cuda = _module_target_is_cuda(args, kwargs)
        result = original_to(self, *args, **kwargs)
        if cuda is not None:
            _tag_module(self, cuda)
        return result

    def cuda(self: nn.Module, device: Any = None) -> nn.Module:
        if device is not None:
            _target_is_cuda(device)
        result = original_cuda(self)
        _tag_module(self, True)
        return result

    def cpu(self: nn.Module) -> nn.Module:
        result = original_cpu(self)
        _tag_module(self, False)
        return result

    return {"to": to, "cuda": cuda, "cpu": cpu}


def _make_parameter_new() -> staticmethod:
    """Wrap ``Parameter.__new__`` so ``nn.Linear(..., device="cuda")`` keeps the tag.

    ``Parameter(data)`` builds a new Python object around ``data``'s storage,
    which would otherwise drop the tag the factory call put on ``data``.
    """
    original_new = nn.Parameter.__dict__["__new__"].__func__

    def __new__(cls, data=None, requires_grad=True):  # noqa: ANN001, N807
        param = original_new(cls, data, requires_grad)
        if data is not None:
            _set_cuda(param, _is_cuda(data))
        return param

    return staticmethod(__new__)


# ---------------------------------------------------------------------------
# torch.cuda / torch.accelerator stubs
# ---------------------------------------------------------------------------


def _idle() -> bool:
    return _queue is None or not _queue.pending


class _SimulatedStream:
    """Stands in for the CUDA stream: never capturing; its work is the :class:`DeviceQueue`."""

    device = _CUDA

    def is_capturing(self) -> bool:
        return False

    def synchronize(self) -> None:
        _wait_for_device()

    def query(self) -> bool:
        return _idle()


class _SimulatedEvent:
    """Stands in for ``torch.cuda.Event``; timing uses the host clock.

    Learners time GPU code with ``start.record(); ...; end.record();
    torch.cuda.synchronize(); start.elapsed_time(end)``.
    """

    def __init__(self, enable_timing: bool = False, **kwargs: Any) -> None:
        self._time: float | None = None

    def record(self, stream: Any = None) -> None:
        self._time = _REAL_CLOCKS["perf_counter"]()

    def elapsed_time(self, end_event: _SimulatedEvent) -> float:
        if self._time is None or end_event._time is None:
            raise RuntimeError("Both events must be recorded before calculating elapsed time.")
        return (end_event._time - self._time) * 1000.0  # milliseconds, like CUDA

    def synchronize(self) -> None:
        _wait_for_device()

    def wait(self, stream: Any = None) -> None:
        return None

    def query(self) -> bool:
        return _idle()


_DEVICE_PROPERTIES = SimpleNamespace(
    name=SIMULATED_DEVICE_NAME,
    major=8,
    minor=0,
    total_memory=16 * 1024**3,
    multi_processor_count=1,
    is_integrated=False,
    is_multi_gpu_board=False,
)


def _noop(*args: Any, **kwargs: Any) -> None:
    return None


def _set_device(device: Any) -> None:
    _target_is_cuda(device)  # only validates: there is a single device


def _cuda_stubs() -> dict[str, Callable]:
    # Without a driver these would raise (current_device, synchronize,
    # get_device_name, ...); the stubs describe one idle GPU, cuda:0.
    return {
        "is_available": lambda: True,
        "device_count": lambda: 1,
        "current_device": lambda: 0,
        "set_device": _set_device,
        "get_device_name": lambda device=None: SIMULATED_DEVICE_NAME,
        "get_device_capability": lambda device=None: (8, 0),
        "get_device_properties": lambda device=None: _DEVICE_PROPERTIES,
        "mem_get_info": lambda device=None: (
            _DEVICE_PROPERTIES.total_memory,
            _DEVICE_PROPERTIES.total_memory,
        ),
        "reset_peak_memory_stats": _noop,
        "synchronize": _synchronize,
        "current_stream": lambda device=None: _SimulatedStream(),
        "is_current_stream_capturing": lambda: False,
        "Event": _SimulatedEvent,
    }


def _accelerator_stubs() -> dict[str, Callable]:
    # On CUDA-enabled wheels torch.accelerator delegates to the patched
    # torch.cuda.is_available() and then calls into the missing driver (the
    # optimizers do, in _cuda_graph_capture_health_check); on CPU wheels it
    # would report no accelerator.  Stub it so both builds behave the same.
    return {
        "is_available": lambda: True,
        "current_accelerator": lambda check_available=False: torch.device("cuda"),
        "device_count": lambda: 1,
        "current_device_index": lambda: 0,
        "current_device_idx": lambda: 0,
        "set_device_index": _noop,
        "set_device_idx": _noop,
        "synchronize": _synchronize,
        "current_stream": lambda device=None: _SimulatedStream(),
    }


def _pin_memory_identity(data: Any, device: Any = None) -> Any:
    return data


# ---------------------------------------------------------------------------
# Public context manager
# ---------------------------------------------------------------------------


def _install_patches(stack: contextlib.ExitStack) -> None:
    # torch._dynamo indexes every torch.* function when first imported (the
    # optimizers import it lazily).  If that happened while our stubs are in
    # place it would fail on the shared stub objects, or cache the stubs
    # instead of the real functions; import it now, before patching.
    import torch._dynamo  # noqa: F401

    cuda_stubs = _cuda_stubs()
    patch_learner_names(stack, torch.cuda, {name: cuda_stubs[name] for name in ("is_available", "device_count")})
    patch_all(stack, torch.cuda, cuda_stubs)
    accelerator = getattr(torch, "accelerator", None)
    if accelerator is not None:  # torch >= 2.6
        stubs = _accelerator_stubs()
        patch_all(stack, accelerator, {name: stub for name, stub in stubs.items() if hasattr(accelerator, name)})
    # The DataLoader pins batches (in a helper thread with workers, out of
    # reach of the thread-local mode) when pin_memory=True; make it identity.
    patch(stack, torch.utils.data._utils.pin_memory, "pin_memory", _pin_memory_identity)
    patch_all(stack, nn.Module, _make_module_patches())
    # patch() restores the staticmethod itself, read from the class's __dict__.
    patch(stack, nn.Parameter, "__new__", _make_parameter_new())


def _restore_default_device(previous: torch.device | None) -> None:
    # A learner's torch.set_default_device("cuda") would outlive the block
    # and make every later factory call look for the missing driver.
    if _torch_device_utils.CURRENT_DEVICE != previous:
        torch.set_default_device(previous)


@contextlib.contextmanager
def _active_flag() -> Iterator[None]:
    global _active
    with _state_lock:
        if _active:
            raise RuntimeError("simulated_cuda() is already active")
        _active = True
    try:
        yield
    finally:
        with _state_lock:
            _active = False


@contextlib.contextmanager
def simulated_cuda() -> Iterator[DeviceQueue]:
    """Simulate one CUDA GPU (``cuda:0``) on a machine that has none.

    Inside the block ``torch.cuda.is_available()`` is True, tensors and
    modules can be moved with ``.to("cuda")``/``.cuda()``, and mixing
    simulated-cuda with cpu tensors raises PyTorch's device-mismatch
    ``RuntimeError``.  Tensors stay real CPU tensors; read a tensor's
    simulated device with :func:`simulated_device_of`.

    Kernels are asynchronous: the block yields the device's :class:`DeviceQueue`, where the
    work launched stays pending until a synchronisation (``torch.cuda.synchronize()`` or a
    device-to-host read), and where every clock read (:data:`CLOCKS`) the learner's code made
    with work pending is recorded, with its line (``unsynchronized_reads``, still readable
    after the block).

    Everything patched is restored on exit, also when the block raises.  The
    interception is thread-local: only code running in the entering thread
    sees simulated devices.

    Raises:
        RuntimeError: if real CUDA is available (test on it instead), or if
            a simulation is already active.
    """
    with _active_flag():
        if torch.cuda.is_available():
            raise RuntimeError("real CUDA is available; use it instead")
        with contextlib.ExitStack() as stack:
            _install_patches(stack)
            queue = stack.enter_context(_queue_installed())
            _patch_clocks(stack)
            stack.callback(_restore_default_device, _torch_device_utils.CURRENT_DEVICE)
            stack.enter_context(_CudaTagMode())
            yield queue
