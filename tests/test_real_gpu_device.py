"""What ``checks.cuda_available()`` / ``checks.cuda_unavailable()`` do on a real GPU, checked on CPU.

CI has no GPU: the real branch is entered here by a stand-in (``torch.cuda.is_available`` answers
True, ``synchronize`` is recorded), which is safe because nothing inside these blocks launches
work. The real device itself is exercised by ``bench/real_cuda.py``.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap

import pytest
import torch

from katacheck.checks import context
from katacheck.checks.cuda_sim import simulated_cuda
from katacheck.checks.device import _TF32_OVERRIDE, cuda_available, cuda_unavailable
from katacheck.checks.diagnose import match

LEARNER = '''
import torch
from torch.cuda import device_count, is_available


def pelo_is_available():
    return torch.device("cuda" if is_available() else "cpu")


def pelo_device_count():
    return torch.device("cuda" if device_count() > 0 else "cpu")


def pelo_modulo():
    return torch.device("cuda" if torch.cuda.device_count() > 0 else "cpu")


def pelo_acelerador():
    return torch.device("cuda" if torch.accelerator.is_available() else "cpu")
'''


@pytest.fixture
def learner(tmp_path):
    path = tmp_path / "aluno_dispositivo.py"
    path.write_text(LEARNER, encoding="utf-8")
    previous = context.learner_file()
    context.set_learner_file(path)
    spec = importlib.util.spec_from_file_location(context.LEARNER_MODULE, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[context.LEARNER_MODULE] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(context.LEARNER_MODULE, None)
    context.set_learner_file(previous)


@pytest.fixture
def real_gpu(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A machine whose torch sees one GPU; what the host waited for is recorded."""
    waits: list[str] = []
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    monkeypatch.setattr(torch.accelerator, "device_count", lambda: 1)
    monkeypatch.setattr(torch.cuda, "is_initialized", lambda: True)  # the block's code used the GPU
    monkeypatch.setattr(torch.cuda, "synchronize", lambda *args, **kwargs: waits.append("synchronize"))
    return waits


@pytest.fixture
def matmul_precision():
    previous = torch.get_float32_matmul_precision()
    yield
    torch.set_float32_matmul_precision(previous)


def test_the_real_branch_multiplies_in_full_float32_and_waits_for_the_device(real_gpu, matmul_precision,
                                                                             monkeypatch):
    monkeypatch.setenv(_TF32_OVERRIDE, "1")
    torch.set_float32_matmul_precision("high")  # a learner's module, at import (TF32)
    with cuda_available() as regime:
        assert regime == "real"
        assert torch.get_float32_matmul_precision() == "highest"
        assert not torch.backends.cuda.matmul.allow_tf32
        assert real_gpu == []
    assert real_gpu == ["synchronize"]  # a late device error belongs to this block's check
    assert torch.get_float32_matmul_precision() == "high"
    assert _TF32_OVERRIDE not in os.environ


def test_a_block_whose_code_never_used_the_gpu_makes_no_cuda_context_to_wait_for(real_gpu, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_initialized", lambda: False)
    with cuda_available() as regime:
        assert regime == "real"
    assert real_gpu == []


def test_a_block_that_failed_is_not_waited_for_and_still_restores_the_precision(real_gpu, matmul_precision):
    torch.set_float32_matmul_precision("medium")
    with pytest.raises(ValueError), cuda_available():
        raise ValueError("a check failed")
    assert real_gpu == []
    assert torch.get_float32_matmul_precision() == "medium"


def test_tf32_set_through_torchs_newer_api_is_turned_off_too(real_gpu, matmul_precision):
    matmul = torch.backends.cuda.matmul
    matmul.fp32_precision = "tf32"  # after which torch.get_float32_matmul_precision() raises
    try:
        with cuda_available():
            assert torch.get_float32_matmul_precision() == "highest" and matmul.fp32_precision == "ieee"
        assert matmul.fp32_precision == "tf32"
    finally:
        matmul.fp32_precision = "ieee"


def test_the_default_precision_is_left_alone(real_gpu, matmul_precision):
    torch.set_float32_matmul_precision("highest")
    with cuda_available():
        torch.set_float32_matmul_precision("high")  # the learner's own choice, inside its function
    assert torch.get_float32_matmul_precision() == "high"


@pytest.mark.parametrize("function", ["pelo_is_available", "pelo_device_count", "pelo_modulo", "pelo_acelerador"])
def test_without_cuda_no_way_of_asking_finds_the_gpu(real_gpu, learner, function):
    choose = getattr(learner, function)
    assert choose().type == "cuda"  # the stand-in GPU, as a real one answers
    with cuda_unavailable():
        assert choose().type == "cpu"
    assert choose().type == "cuda"  # every name is back
    assert learner.is_available is torch.cuda.is_available and learner.device_count is torch.cuda.device_count


@pytest.mark.parametrize("function", ["pelo_is_available", "pelo_device_count", "pelo_modulo", "pelo_acelerador"])
def test_the_simulated_gpu_answers_under_the_names_the_learner_imported(learner, function):
    choose = getattr(learner, function)
    assert choose().type == "cpu"  # this machine has no GPU
    with simulated_cuda():
        assert choose().type == "cuda"
    assert choose().type == "cpu"


PROBE = textwrap.dedent('''
    import os
    os.environ["PYTORCH_NVML_BASED_CUDA_CHECK"] = "1"
    import torch
    calls = []

    def spy(owner, name):
        original = getattr(owner, name)

        def recorded(*args, **kwargs):
            calls.append(name)
            return original(*args, **kwargs)

        setattr(owner, name, recorded)

    for owner, name in [(torch.cuda, "_lazy_init"), (torch.cuda, "init"), (torch.cuda, "is_available"),
                        (torch.cuda, "device_count"), (torch._C, "_cuda_init"), (torch._C, "_cuda_getDeviceCount")]:
        if hasattr(owner, name):
            spy(owner, name)
    from katacheck.runner.worker.forkserver import _import_child_side
    _import_child_side()
    print("worker:", sorted(set(calls)))
    torch.cuda.is_available()  # the probe sees a call: the control
    print("control:", sorted(set(calls)))
''')


def test_the_warm_worker_never_touches_cuda_before_it_forks():
    """A child of a process that initialised CUDA cannot use it ("Cannot re-initialize CUDA in
    forked subprocess"): everything the worker imports once, before forking every kata child,
    must leave CUDA alone, not even asking whether it is there."""
    found = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True)
    lines = dict(line.split(": ", 1) for line in found.stdout.splitlines() if ": " in line)
    assert lines["worker"] == "[]", found.stdout
    assert "is_available" in lines["control"]


#: How a real GPU words the classic device mistakes (PyTorch's own formats: the dispatcher's
#: device check, old and new, TensorIterator's, the tensor's numpy(), the CUDA runtime's).
REAL_MESSAGES = {
    "Expected all tensors to be on the same device, but got mat1 is on cpu, different from other tensors on cuda:0 "
    "(when checking argument in method wrapper_CUDA_addmm)": ("device_mismatch", {"a": "cpu", "b": "cuda:0"}),
    "Expected all tensors to be on the same device, but got mat2 is on cpu, different from other tensors on cuda:0 "
    "(when checking argument in method wrapper_CUDA_mm)": ("device_mismatch", {"a": "cpu", "b": "cuda:0"}),
    "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu! "
    "(when checking argument for argument target in method wrapper_CUDA_nll_loss_forward)":
        ("device_mismatch", {"a": "cuda:0", "b": "cpu"}),
    "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!":
        ("device_mismatch", {"a": "cuda:0", "b": "cpu"}),
    "CUDA error: device-side assert triggered\nCUDA kernel errors might be asynchronously reported at some other "
    "API call, so the stacktrace below might be incorrect.": ("cuda_device_assert", {}),
}


@pytest.mark.parametrize("message", list(REAL_MESSAGES))
def test_the_real_gpus_device_errors_get_their_diagnosis(message):
    code, values = REAL_MESSAGES[message]
    finding = match(RuntimeError(message))
    assert finding is not None and finding.code == code
    assert {key: finding.values[key] for key in values} == values


def test_numpy_of_a_real_cuda_tensor_is_diagnosed():
    message = "can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host memory first."
    finding = match(TypeError(message))
    assert finding is not None and finding.code == "cuda_numpy"
