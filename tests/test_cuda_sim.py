"""Tests for katacheck.checks.cuda_sim, the CPU-only simulation of CUDA.

Every learner variant runs the way a kata's solution would: the device is
chosen with ``torch.cuda.is_available()``, so the same code also runs on a
real GPU.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from katacheck import checks
from katacheck.checks.cuda_sim import (
    DEVICE_MISMATCH_MESSAGE,
    NUMPY_ON_CUDA_MESSAGE,
    SIMULATED_DEVICE_NAME,
    simulated_cuda,
    simulated_device_of,
)

if torch.cuda.is_available():  # pragma: no cover - the simulation refuses to run
    pytest.skip("real CUDA is available; the simulation is not used", allow_module_level=True)

MISMATCH = "Expected all tensors to be on the same device"
CUDA0 = torch.device("cuda", 0)


# ---------------------------------------------------------------------------
# Learner code
# ---------------------------------------------------------------------------


def pick_device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def regression_data(n: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    X = torch.randn(n, 10)
    y = X @ torch.randn(10, 1) + 0.5
    return X, y


def classification_data(n: int = 256) -> tuple[torch.Tensor, torch.Tensor]:
    X = torch.randn(n, 8)
    y = (X[:, 0] + X[:, 1] > 0).long() + (X[:, 2] > 0.8).long()
    return X, y


def train_linear(
    opt_cls: type[torch.optim.Optimizer],
    lr: float,
    *,
    move: str = "to",
    steps: int = 50,
) -> tuple[list[float], nn.Module]:
    """The correct learner loop (``move`` selects .to(device) or .cuda())."""
    device = pick_device()
    X, y = regression_data()
    model = nn.Linear(10, 1)
    if move == "to":
        model.to(device)
    else:
        model.cuda()
    optimizer = opt_cls(model.parameters(), lr=lr)
    X, y = X.to(device), y.to(device)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.mse_loss(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses, model


def train_mlp_with_loader() -> tuple[list[float], float, nn.Module]:
    """MLP + CrossEntropy + DataLoader (pin_memory) + clip_grad_norm_."""
    device = pick_device()
    X, y = classification_data()
    loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True, pin_memory=True)
    model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3)).to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(6):
        epoch_loss = 0.0
        for xb, yb in loader:
            xb, yb = xb.to(device, non_blocking=True), yb.to(device)
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            optimizer.step()
            epoch_loss += loss.item()
        losses.append(epoch_loss / len(loader))
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            correct += (model(xb).argmax(dim=1) == yb).sum().item()
    return losses, correct / len(X), model


def assert_on_simulated_cuda(model: nn.Module) -> None:
    for param in model.parameters():
        assert param.device == CUDA0 and param.is_cuda
        assert param.grad is not None and param.grad.device.type == "cuda"


# ---------------------------------------------------------------------------
# 1, 2, 10: correct learner code trains
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opt_cls", "lr"), [(torch.optim.SGD, 0.05), (torch.optim.Adam, 0.05)], ids=["SGD", "Adam"]
)
def test_correct_linear_loop_trains_on_simulated_cuda(opt_cls, lr):
    torch.manual_seed(0)
    with simulated_cuda():
        losses, model = train_linear(opt_cls, lr)
        assert next(model.parameters()).device.type == "cuda"
        assert_on_simulated_cuda(model)
    assert losses[-1] < 0.2 * losses[0]
    # The tags remain readable after the block, for checks that run later.
    assert simulated_device_of(model.weight) == CUDA0
    assert simulated_device_of(model.weight.grad) == CUDA0


def test_mlp_with_cross_entropy_and_dataloader_trains():
    torch.manual_seed(0)
    with simulated_cuda():
        losses, accuracy, model = train_mlp_with_loader()
        assert next(model.parameters()).device.type == "cuda"
        assert_on_simulated_cuda(model)
    assert losses[-1] < 0.6 * losses[0]
    assert accuracy > 0.8


def test_module_cuda_style_works():
    torch.manual_seed(0)
    with simulated_cuda():
        losses, model = train_linear(torch.optim.SGD, 0.05, move="cuda")
        assert_on_simulated_cuda(model)
    assert losses[-1] < 0.2 * losses[0]


def test_optimizer_created_before_moving_the_model_still_trains():
    torch.manual_seed(0)
    with simulated_cuda():
        device = pick_device()
        X, y = regression_data()
        model = nn.Linear(10, 1)
        optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
        params_before = list(model.parameters())
        model.to(device)
        assert all(a is b for a, b in zip(params_before, model.parameters()))
        X, y = X.to(device), y.to(device)
        losses = []
        for _ in range(50):
            optimizer.zero_grad()
            loss = F.mse_loss(model(X), y)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        assert_on_simulated_cuda(model)
        assert simulated_device_of(optimizer.state[model.weight]["exp_avg"]) == CUDA0
    assert losses[-1] < 0.2 * losses[0]


# ---------------------------------------------------------------------------
# 3-6: the classic bugs raise the real device-mismatch error
# ---------------------------------------------------------------------------


def test_model_not_moved_raises_device_mismatch():
    with simulated_cuda():
        device = pick_device()
        X, _ = regression_data()
        model = nn.Linear(10, 1)
        X = X.to(device)
        with pytest.raises(RuntimeError, match=MISMATCH) as excinfo:
            model(X)
    assert str(excinfo.value) == DEVICE_MISMATCH_MESSAGE


def test_data_not_moved_raises_device_mismatch():
    with simulated_cuda():
        device = pick_device()
        X, _ = regression_data()
        model = nn.Linear(10, 1).to(device)
        with pytest.raises(RuntimeError, match=MISMATCH):
            model(X)


def test_to_without_reassignment_leaves_the_tensor_on_cpu():
    with simulated_cuda():
        device = pick_device()
        X, y = regression_data()
        model = nn.Linear(10, 1).to(device)
        X.to(device)  # the classic bug: result thrown away
        y.to(device)
        assert X.device.type == "cpu" and not X.is_cuda
        with pytest.raises(RuntimeError, match=MISMATCH):
            F.mse_loss(model(X), y)


@pytest.mark.parametrize("loss_name", ["mse_loss", "cross_entropy"])
def test_targets_not_moved_raise_inside_the_loss(loss_name):
    with simulated_cuda():
        device = pick_device()
        if loss_name == "mse_loss":
            X, y = regression_data()
            model, loss_fn = nn.Linear(10, 1), F.mse_loss
        else:
            X, y = classification_data(32)
            model, loss_fn = nn.Linear(8, 3), nn.CrossEntropyLoss()
        model.to(device)
        pred = model(X.to(device))  # the forward pass is fine...
        assert pred.is_cuda
        with pytest.raises(RuntimeError, match=MISMATCH):
            loss_fn(pred, y)  # ...the loss mixes cuda predictions and cpu targets
        assert loss_fn(pred, y.to(device)).is_cuda


def test_zero_dim_cpu_tensors_may_mix_with_cuda_tensors():
    with simulated_cuda():
        a = torch.randn(3, 4, device="cuda")
        out = a * torch.tensor(2.0) + torch.tensor(1.0)
        assert out.is_cuda
        with pytest.raises(RuntimeError, match=MISMATCH):
            torch.cat([a, torch.randn(3, 4)])


# ---------------------------------------------------------------------------
# 7: numpy
# ---------------------------------------------------------------------------


def test_numpy_on_cuda_tensor_raises_the_real_type_error():
    with simulated_cuda():
        model = nn.Linear(10, 1).to(pick_device())
        X, _ = regression_data(8)
        pred = model(X.to(pick_device()))
        with pytest.raises(TypeError) as excinfo:
            pred.numpy()
        assert str(excinfo.value) == NUMPY_ON_CUDA_MESSAGE
        with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
            np.asarray(pred.detach())
        host = pred.detach().cpu().numpy()
        assert isinstance(host, np.ndarray) and host.shape == (8, 1)
        assert isinstance(pred.sum().item(), float)
        assert len(pred.tolist()) == 8


# ---------------------------------------------------------------------------
# 8: everything is restored
# ---------------------------------------------------------------------------


def _plain_cpu_training_loss_ratio() -> float:
    torch.manual_seed(1)
    X, y = regression_data()
    model = nn.Linear(10, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    first = last = None
    for _ in range(30):
        optimizer.zero_grad()
        loss = F.mse_loss(model(X), y)
        loss.backward()
        optimizer.step()
        first = loss.item() if first is None else first
        last = loss.item()
    assert model.weight.device.type == "cpu"
    assert simulated_device_of(model.weight.grad) == torch.device("cpu")
    return last / first


def _snapshot() -> dict[str, object]:
    return {
        "is_available": torch.cuda.is_available,
        "device_count": torch.cuda.device_count,
        "current_device": torch.cuda.current_device,
        "Module.to": nn.Module.to,
        "Module.cuda": nn.Module.cuda,
        "Module.cpu": nn.Module.cpu,
        "Parameter.__new__": nn.Parameter.__dict__["__new__"],
        "pin_memory": torch.utils.data._utils.pin_memory.pin_memory,
    }


def _assert_restored(before: dict[str, object], real_available: bool) -> None:
    assert _snapshot() == before
    assert torch.cuda.is_available() is real_available
    assert torch.overrides._get_current_function_mode_stack() == []
    fresh = torch.zeros(3)
    assert fresh.device.type == "cpu" and not fresh.is_cuda
    assert simulated_device_of(fresh) == torch.device("cpu")
    assert "device=" not in repr(torch.ones(2))
    assert _plain_cpu_training_loss_ratio() < 0.5


def test_everything_is_restored_after_the_block():
    before, real_available = _snapshot(), torch.cuda.is_available()
    with simulated_cuda():
        assert torch.cuda.is_available()
        assert nn.Module.to is not before["Module.to"]
        train_linear(torch.optim.SGD, 0.05, steps=3)
    _assert_restored(before, real_available)


def test_everything_is_restored_after_an_exception():
    before, real_available = _snapshot(), torch.cuda.is_available()
    with pytest.raises(RuntimeError, match=MISMATCH):
        with simulated_cuda():
            nn.Linear(10, 1)(torch.randn(2, 10).cuda())
    _assert_restored(before, real_available)
    with simulated_cuda():  # and it can be entered again
        assert torch.cuda.is_available()


def test_default_device_set_by_the_learner_is_reset():
    with simulated_cuda():
        torch.set_default_device("cuda")
        assert torch.ones(1).is_cuda
    assert torch.get_default_device() == torch.device("cpu")
    assert simulated_device_of(torch.ones(1)) == torch.device("cpu")


def test_an_untagged_tensor_is_on_its_own_device_a_real_gpu_included():
    # The checks that read devices through simulated_device_of run on a real GPU too (kata 07's
    # matrix products): an untagged tensor is where torch says, not "cpu" by default. A meta
    # tensor stands in for a real GPU's here.
    assert simulated_device_of(torch.empty(2, device="meta")) == torch.device("meta")


def test_refuses_to_run_when_real_cuda_is_available(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    with pytest.raises(RuntimeError, match="real CUDA is available; use it instead"):
        with simulated_cuda():
            pass  # pragma: no cover


def test_refuses_to_nest():
    with simulated_cuda():
        with pytest.raises(RuntimeError, match="already active"):
            with simulated_cuda():
                pass  # pragma: no cover
        assert torch.cuda.is_available()  # the outer block is intact


# ---------------------------------------------------------------------------
# 9 and the smaller pieces of the simulation
# ---------------------------------------------------------------------------


def test_modules_built_with_device_cuda_are_on_cuda():
    with simulated_cuda():
        layer = nn.Linear(3, 2, device="cuda")
        assert layer.weight.device == CUDA0 and layer.bias.device == CUDA0
        param = nn.Parameter(torch.zeros(2, device="cuda"))
        assert param.is_cuda
        assert layer(torch.randn(4, 3, device="cuda")).is_cuda


def test_torch_cuda_api_answers_like_one_gpu():
    with simulated_cuda():
        assert torch.cuda.is_available()
        assert torch.cuda.device_count() == 1
        assert torch.cuda.get_device_name() == SIMULATED_DEVICE_NAME
        assert torch.cuda.get_device_name(0) == SIMULATED_DEVICE_NAME
        assert torch.cuda.current_device() == 0
        assert torch.cuda.synchronize() is None
        torch.cuda.manual_seed(0)
        torch.cuda.empty_cache()
        torch.backends.cudnn.benchmark = True
        torch.backends.cudnn.benchmark = False
        with pytest.raises(RuntimeError, match="invalid device ordinal"):
            torch.zeros(1, device="cuda:1")


@pytest.mark.parametrize(
    "factory",
    [
        lambda d: torch.zeros(2, 3, device=d),
        lambda d: torch.ones(2, device=d),
        lambda d: torch.empty(2, device=d),
        lambda d: torch.rand(2, device=d),
        lambda d: torch.randn(2, device=d),
        lambda d: torch.randint(0, 5, (2,), device=d),
        lambda d: torch.tensor([1.0, 2.0], device=d),
        lambda d: torch.arange(4, device=d),
        lambda d: torch.full((2,), 7.0, device=d),
        lambda d: torch.zeros_like(torch.ones(2), device=d),
        lambda d: torch.randn_like(torch.ones(2), device=d),
    ],
    ids=["zeros", "ones", "empty", "rand", "randn", "randint", "tensor", "arange", "full",
         "zeros_like", "randn_like"],
)
def test_factory_functions_with_device_are_tagged(factory):
    with simulated_cuda():
        assert factory("cuda").device == CUDA0
        assert factory(torch.device("cuda")).is_cuda
        assert factory(pick_device()).is_cuda
        assert factory("cpu").device.type == "cpu"


def test_tensor_moves_return_new_tensors_and_keep_autograd():
    with simulated_cuda():
        x = torch.randn(2, 3, requires_grad=True)
        for move in (
            lambda t: t.to("cuda"),
            lambda t: t.to(torch.device("cuda")),
            lambda t: t.to("cuda:0"),
            lambda t: t.cuda(),
            lambda t: t.to(pick_device()),
        ):
            moved = move(x)
            assert moved is not x and moved.is_cuda and not x.is_cuda
        xc = x.cuda()
        assert xc.cuda() is xc and xc.to("cuda") is xc
        assert xc.to(torch.float64).is_cuda and xc.to(torch.float64).dtype == torch.float64
        back = xc.cpu()
        assert back.device.type == "cpu" and xc.is_cuda
        assert xc.to("cpu").device.type == "cpu"
        (back * 2).sum().backward()
        assert torch.equal(x.grad, torch.full((2, 3), 2.0))
        assert xc.data.is_cuda and xc.detach().is_cuda
        assert "device='cuda:0'" in repr(xc)


def test_module_cpu_moves_parameters_and_grads_back():
    with simulated_cuda():
        model = nn.Linear(3, 1).cuda()
        model(torch.randn(4, 3).cuda()).sum().backward()
        assert model.weight.grad.is_cuda
        model.cpu()
        assert not model.weight.is_cuda and not model.weight.grad.is_cuda
        assert model(torch.randn(4, 3)).device.type == "cpu"


# -- every form of .to() / .cuda() real PyTorch accepts, against its own argument parsing ------

_TO_FORMS = [
    (("cuda",), {}), (("cuda:0",), {}), ((0,), {}), ((), {"device": "cuda"}), ((), {"device": 0}),
    ((), {"device": "cuda:0"}), ("DEVICE", {}), ((), {"device": "DEVICE"}),
    (("cuda", torch.float64), {}), ((), {"device": "cuda", "dtype": torch.float64}),
    (("cuda",), {"dtype": torch.float64}), (("cuda",), {"non_blocking": True}),
    ((), {"device": "cuda", "non_blocking": True}), ((torch.float64,), {}), ((), {"dtype": torch.float64}),
    (("cpu",), {}), ((), {"device": "cpu"}),
]


def _resolve(form):
    args, kwargs = form
    device = torch.device("cuda")
    if args == "DEVICE":
        args = (device,)
    kwargs = {key: (device if value == "DEVICE" else value) for key, value in kwargs.items()}
    return tuple(args), kwargs


@pytest.mark.parametrize("form", _TO_FORMS, ids=lambda form: repr(form))
def test_tensor_and_module_to_read_their_arguments_as_pytorch_does(form):
    args, kwargs = _resolve(form)
    parsed_device, parsed_dtype, _, _ = torch._C._nn._parse_to(*args, **kwargs)  # outside: real parsing
    expected_device = "cuda:0" if parsed_device is not None and parsed_device.type == "cuda" else "cpu"
    with checks.cuda_available():  # the simulated device shows only inside the simulation
        tensor = torch.zeros(3).to(*args, **kwargs)
        module = nn.Linear(3, 1).to(*args, **kwargs)
        assert str(tensor.device) == expected_device
        assert str(module.weight.device) == expected_device
        assert tensor.dtype == (parsed_dtype or torch.float32)


@pytest.mark.parametrize(("args", "kwargs"), [((), {}), ((0,), {}), ((), {"device": 0}), (("cuda",), {}),
                                              ((), {"non_blocking": True})])
def test_cuda_accepts_what_pytorch_accepts(args, kwargs):
    with checks.cuda_available():
        assert str(torch.zeros(2).cuda(*args, **kwargs).device) == "cuda:0"
        device_only = {key: value for key, value in kwargs.items() if key == "device"}
        assert str(nn.Linear(2, 1).cuda(*args[:1], **device_only).weight.device) == "cuda:0"


# ---------------------------------------------------------------------------
# Asynchronous kernels: pending work, synchronisation, clock reads
# ---------------------------------------------------------------------------


def test_kernels_stay_pending_until_the_host_waits_for_them():
    with simulated_cuda() as gpu:
        a = torch.randn(8, 8, device="cuda")
        assert gpu.pending == 1 and not torch.cuda.current_stream().query()
        b = a @ a
        assert gpu.pending == 2
        torch.cuda.synchronize()
        assert gpu.pending == 0 and gpu.synchronizations == 1 and torch.cuda.current_stream().query()
        host = torch.randn(8, 8)
        host @ host  # cpu work is not queued on the device
        assert gpu.pending == 0
        device_copy = host.to("cuda")  # a host → device copy is queued
        assert gpu.pending == 1 and device_copy.is_cuda
    assert gpu.synchronizations == 1 and simulated_device_of(b) == CUDA0


@pytest.mark.parametrize("read", [
    lambda t: t.sum().item(), lambda t: t.cpu(), lambda t: t.to("cpu"), lambda t: t.tolist(),
    lambda t: float(t.sum()), lambda t: bool(t.sum() > 0), lambda t: int(t.sum()), lambda t: repr(t),
    lambda t: torch.empty(4).copy_(t), lambda t: torch.cuda.current_stream().synchronize(),
    lambda t: torch.accelerator.synchronize(),
], ids=["item", "cpu", "to_cpu", "tolist", "float", "bool", "int", "repr", "copy_to_host",
        "stream_synchronize", "accelerator_synchronize"])
def test_device_to_host_reads_synchronise_as_on_real_cuda(read):
    with simulated_cuda() as gpu:
        t = torch.randn(4, device="cuda") * 2
        assert gpu.pending
        read(t)
        assert gpu.pending == 0 and gpu.synchronizations >= 1


_TIMED = '''
import time
from time import perf_counter as relogio

import torch


def sem_sincronizar(a):
    inicio = time.perf_counter()
    a @ a
    return time.perf_counter() - inicio  # <- fim


def com_sincronizar(a):
    torch.cuda.synchronize()
    inicio = time.perf_counter()
    a @ a
    torch.cuda.synchronize()
    return time.perf_counter() - inicio


def importado_antes(a):
    a @ a
    return relogio()  # <- importado


def outros_relogios(a):
    a @ a
    return time.time(), time.monotonic_ns()  # <- outros


def item_sincroniza(a):
    inicio = time.perf_counter()
    (a @ a).sum().item()
    return time.perf_counter() - inicio
'''


@pytest.fixture
def timed_learner(tmp_path):
    """A learner's file with timing functions, imported as the kata child imports one."""
    import importlib.util
    import sys

    from katacheck.checks import context

    path = tmp_path / "aluno_tempo.py"
    path.write_text(_TIMED, encoding="utf-8")
    previous = context.learner_file()
    context.set_learner_file(path)
    spec = importlib.util.spec_from_file_location(context.LEARNER_MODULE, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[context.LEARNER_MODULE] = module
    spec.loader.exec_module(module)
    lines = {line.split("# <- ")[1]: number for number, line in enumerate(_TIMED.splitlines(), 1) if "# <- " in line}
    yield module, lines
    sys.modules.pop(context.LEARNER_MODULE, None)
    context.set_learner_file(previous)


def test_a_clock_read_with_work_pending_is_named_at_the_learners_line(timed_learner):
    aluno, lines = timed_learner
    with simulated_cuda() as gpu:
        a = torch.randn(16, 16, device="cuda")
        torch.cuda.synchronize()
        aluno.sem_sincronizar(a)
    # The first read found the device idle; the second measured only the launch.
    assert [(read.clock, read.pending, read.location.line) for read in gpu.unsynchronized_reads] == \
        [("perf_counter", 1, lines["fim"])]
    assert gpu.unsynchronized_reads[0].location.path.endswith("aluno_tempo.py")


@pytest.mark.parametrize("timer", ["com_sincronizar", "item_sincroniza"])
def test_synchronised_timing_leaves_no_record(timed_learner, timer):
    aluno, _ = timed_learner
    with simulated_cuda() as gpu:
        a = torch.randn(16, 16, device="cuda")
        a.sum().item()  # the data is ready before the timer starts
        getattr(aluno, timer)(a)
    assert gpu.unsynchronized_reads == [] and gpu.synchronizations >= 1


def test_every_clock_is_watched_even_under_a_name_imported_before(timed_learner):
    aluno, lines = timed_learner
    with simulated_cuda() as gpu:
        a = torch.randn(4, 4, device="cuda")
        aluno.importado_antes(a)
        aluno.outros_relogios(a)
    assert [(read.clock, read.location.line) for read in gpu.unsynchronized_reads] == [
        ("perf_counter", lines["importado"]), ("time", lines["outros"]), ("monotonic_ns", lines["outros"])]


def test_clock_reads_outside_the_learners_file_are_not_recorded(timed_learner):
    import time

    with simulated_cuda() as gpu:
        torch.randn(4, device="cuda")
        time.perf_counter()  # this test's own read, not the learner's
        torch.cuda.Event(enable_timing=True).record()  # the simulation's own clock
    assert gpu.pending == 1 and gpu.unsynchronized_reads == []


def test_the_clocks_are_restored_after_the_block(timed_learner):
    import time

    aluno, _ = timed_learner
    before = (time.perf_counter, time.time, time.monotonic_ns, aluno.relogio)
    with simulated_cuda():
        assert time.perf_counter is not before[0] and aluno.relogio is not before[3]
        assert time.perf_counter.__wrapped__ is before[0]
    assert (time.perf_counter, time.time, time.monotonic_ns, aluno.relogio) == before
    from katacheck.checks.cuda_sim import device_queue

    assert device_queue() is None
