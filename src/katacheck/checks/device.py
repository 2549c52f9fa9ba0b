"""Device placement: the GPU when there is one, and everything on the same device.

On machines without CUDA (CI), :func:`cuda_available` runs the learner's code under the
device-tag simulation of :mod:`katacheck.checks.cuda_sim`; where real CUDA exists, the same
checks run on it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import torch

from katacheck.checks.cuda_sim import patch_learner_names, simulated_cuda
from katacheck.checks.failures import fail
from katacheck.checks.patching import patch, patch_all
from katacheck.checks.training import TrainingMonitor


@contextlib.contextmanager
def cuda_available() -> Iterator[str]:
    """A CUDA device is available inside the block: the real one, or a simulated one.

    Yields ``"real"`` or ``"simulated"``. On a real GPU see :func:`_real_cuda`.
    """
    if torch.cuda.is_available():
        with _real_cuda():
            yield "real"
        return
    with simulated_cuda():
        yield "simulated"


#: NVIDIA's PyTorch containers set it: cuBLAS then multiplies float32 in TF32 whatever torch's flags say.
_TF32_OVERRIDE = "TORCH_ALLOW_TF32_CUBLAS_OVERRIDE"


@contextlib.contextmanager
def _real_cuda() -> Iterator[None]:
    """The block's code runs on the real GPU, under two conditions the simulation has by nature.

    - Float32 products in full float32 (``set_float32_matmul_precision("highest")``, no TF32):
      the judges replay the run in float64 on the CPU within float32's rounding, and TF32's
      10-bit mantissa puts kata 05's own solution 1.2e-3 to 1.6e-3 of a step away from the
      replay (emulated over 5 seeds; the tolerance is 1e-3). A precision the learner's module
      set at import (``"high"``, as Lightning's warning suggests) is put back after the block.
    - Every kernel done when the block ends (``torch.cuda.synchronize()``): an error the device
      reports late (a device-side assert: a class index out of range on cuda) fails the check
      that launched it, not a later one, as the CPU simulation's immediate error does.
    """
    os.environ.pop(_TF32_OVERRIDE, None)  # gone before torch reads it (cuBLAS's first use), it no longer counts
    restore = _full_float32_products()
    try:
        yield
        if torch.cuda.is_initialized():  # nothing ran there, nothing to wait for: no context made for it
            torch.cuda.synchronize()
    finally:
        if restore is not None:
            restore()


def _full_float32_products():
    """Set float32 products to full float32; return how to put the learner's setting back (None:
    it was full float32 already)."""
    matmul = torch.backends.cuda.matmul
    try:
        previous = torch.get_float32_matmul_precision()
    except RuntimeError:  # set through torch's newer API (fp32_precision = "tf32"), which it raises on
        previous = None
    if previous == "highest":
        return None
    newer = getattr(matmul, "fp32_precision", None) if previous is None else None
    torch.set_float32_matmul_precision("highest")
    if previous is not None:
        return lambda: torch.set_float32_matmul_precision(previous)
    return None if newer is None else lambda: setattr(matmul, "fp32_precision", newer)


@contextlib.contextmanager
def cuda_unavailable() -> Iterator[None]:
    """No CUDA device inside the block, even on a GPU machine: ``torch.cuda.is_available()``
    answers False and ``torch.cuda.device_count()`` (``torch.accelerator``'s too) 0, also under a
    name the learner's module imported (``from torch.cuda import is_available``). On CI all of
    them say so anyway; on a GPU a choice made by any of them would otherwise find the GPU."""
    absent = {"is_available": _no_cuda, "device_count": _no_devices}
    with contextlib.ExitStack() as stack:
        patch_learner_names(stack, torch.cuda, absent)
        patch_all(stack, torch.cuda, absent)
        accelerator = getattr(torch, "accelerator", None)
        if accelerator is not None and hasattr(accelerator, "device_count"):
            # torch.accelerator.is_available() asks torch.cuda.is_available(), patched above.
            patch_learner_names(stack, accelerator, {"device_count": _no_devices})
            patch(stack, accelerator, "device_count", _no_devices)
        yield


def _no_cuda() -> bool:
    return False


def _no_devices() -> int:
    return 0


def expect_device_type(value: object, expected: str, *, situation: str) -> None:
    """``value`` is a ``torch.device`` of type ``expected`` (``"cuda"`` or ``"cpu"``)."""
    if not isinstance(value, torch.device):
        fail("device_not_device", found=type(value).__name__)
    if value.type != expected:
        fail("device_choice", found=str(value), expected=expected, situation=situation)


def expect_trained_on(monitor: TrainingMonitor, device: str) -> None:
    """Every forward of the watched model had its parameters and its inputs on ``device``."""
    if not monitor.forwards:
        fail("no_forward")
    for record in monitor.forwards:
        if any(not d.startswith(device) for d in record.parameter_devices):
            fail("model_not_on_device", device=device, found=", ".join(sorted(record.parameter_devices)),
                 location=record.location)
        if any(not d.startswith(device) for d in record.input_devices):
            fail("inputs_not_on_device", device=device, found=", ".join(sorted(record.input_devices)),
                 location=record.location)
    # Under a SilentBugMonitor: the targets each training loss compared against (`y`), which a
    # loss computed on `saida.cpu()` keeps off the device without any error.
    for function, found, location in getattr(monitor, "loss_targets", ()):
        if not found.startswith(device):
            fail("labels_not_on_device", device=device, found=found, function=function, location=location)
    for found, location in getattr(monitor, "backward_devices", ()):
        if not found.startswith(device):
            fail("loss_not_on_device", device=device, found=found, location=location)
