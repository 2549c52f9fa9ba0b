"""Device placement: the GPU when there is one, and everything on the same device.

On machines without CUDA (CI), :func:`cuda_available` runs the learner's code under the
device-tag simulation of :mod:`katacheck.checks.cuda_sim`; where real CUDA exists, the same
checks run on it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

from katacheck.checks.cuda_sim import simulated_cuda
from katacheck.checks.failures import fail
from katacheck.checks.patching import patch
from katacheck.checks.training import TrainingMonitor


@contextlib.contextmanager
def cuda_available() -> Iterator[str]:
    """A CUDA device is available inside the block: the real one, or a simulated one.

    Yields ``"real"`` or ``"simulated"``.
    """
    if torch.cuda.is_available():
        yield "real"
        return
    with simulated_cuda():
        yield "simulated"


@contextlib.contextmanager
def cuda_unavailable() -> Iterator[None]:
    """``torch.cuda.is_available()`` answers False inside the block, even on a GPU machine."""
    with contextlib.ExitStack() as stack:
        patch(stack, torch.cuda, "is_available", _no_cuda)
        yield


def _no_cuda() -> bool:
    return False


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
