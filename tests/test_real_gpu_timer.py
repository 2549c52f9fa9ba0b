"""Kata 07's fake clock on a real GPU: the device itself says when the host waited for it.

Under the simulation the clock learns of a wait from the simulated queue. On a real GPU each
timed call launches a long kernel and records an event after it, and the backlog reaches the
clock once every event is done: so any way of waiting counts (``torch.cuda.synchronize()``,
``.item()``, a stream's or an event's ``synchronize``), and a clock read that did not wait finds
the kernels running. CI has no GPU: here a stand-in device plays the GPU's part (kernels run
until something waits), and the real one is exercised by ``bench/real_cuda.py``.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest
import torch

from katacheck.checks import context, timing
from katacheck.checks.failures import KataFailure

LEARNER = '''
import time

import torch


def sincroniza(funcao, dispositivo, repeticoes=10):
    funcao()
    torch.cuda.synchronize()
    inicio = time.perf_counter()
    for _ in range(repeticoes):
        funcao()
    torch.cuda.synchronize()
    return (time.perf_counter() - inicio) / repeticoes


def espera_pelo_valor(funcao, dispositivo, repeticoes=10):
    funcao()
    torch.cuda.current_stream().synchronize()
    inicio = time.perf_counter()
    for _ in range(repeticoes):
        funcao()
    torch.zeros(1, device=dispositivo).item()  # ler um valor da GPU espera por ela
    return (time.perf_counter() - inicio) / repeticoes


def sem_sincronizar(funcao, dispositivo, repeticoes=10):
    funcao()
    inicio = time.perf_counter()  # <- comeco
    for _ in range(repeticoes):
        funcao()
    return (time.perf_counter() - inicio) / repeticoes  # <- fim


def so_no_fim(funcao, dispositivo, repeticoes=10):
    funcao()
    inicio = time.perf_counter()  # <- inicio
    for _ in range(repeticoes):
        funcao()
    torch.cuda.synchronize()
    return (time.perf_counter() - inicio) / repeticoes
'''


class StandInGPU:
    """A GPU whose kernels run until the host waits for them (the host is infinitely fast)."""

    def __init__(self) -> None:
        self.running = 0

    def wait(self, *args, **kwargs) -> None:
        self.running = 0

    def sleep(self, cycles: int) -> None:
        assert cycles == timing.REAL_KERNEL_CYCLES
        self.running += 1

    def event(self):
        gpu = self

        class Event:
            def record(self) -> None:
                self.ticket = gpu.running

            def query(self) -> bool:
                return gpu.running == 0

        return Event()


@pytest.fixture
def gpu(monkeypatch: pytest.MonkeyPatch) -> StandInGPU:
    device = StandInGPU()
    monkeypatch.setattr(torch.cuda, "_sleep", device.sleep)
    monkeypatch.setattr(torch.cuda, "Event", device.event)
    monkeypatch.setattr(torch.cuda, "synchronize", device.wait)

    class Stream:
        synchronize = staticmethod(device.wait)

    monkeypatch.setattr(torch.cuda, "current_stream", lambda *a: Stream())

    def zeros(*args, device=None, **kwargs):  # a device-to-host read waits for the device
        class Value:
            def item(self):
                gpu_device.wait()
                return 0.0

        return Value()

    gpu_device = device
    monkeypatch.setattr(torch, "zeros", zeros)
    return device


@pytest.fixture
def learner(tmp_path):
    path = tmp_path / "aluno_tempo.py"
    path.write_text(LEARNER, encoding="utf-8")
    previous = context.learner_file()
    context.set_learner_file(path)
    spec = importlib.util.spec_from_file_location(context.LEARNER_MODULE, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[context.LEARNER_MODULE] = module
    spec.loader.exec_module(module)
    lines = {line.split("# <- ")[1]: number for number, line in enumerate(LEARNER.splitlines(), 1) if "# <- " in line}
    yield module, lines
    sys.modules.pop(context.LEARNER_MODULE, None)
    context.set_learner_file(previous)


DURATIONS = [0.005, 0.007, 0.011, 0.013]


def observe(timer) -> timing.TimingRun:
    return timing.observe_timing(timer, "cuda", repetitions=4, warmup=0.5, durations=DURATIONS)


@pytest.mark.parametrize("name", ["sincroniza", "espera_pelo_valor"])
def test_any_wait_for_the_device_brings_the_work_to_the_clock(gpu, learner, name):
    run = observe(getattr(learner[0], name))
    assert run.calls == 5 and run.unsynchronized_reads == []
    timing.expect_synchronized(run)
    timing.expect_mean(run)
    assert gpu.running == 0


def test_a_timer_that_never_waits_measures_the_launches_and_is_named_at_its_line(gpu, learner):
    aluno, lines = learner
    run = observe(aluno.sem_sincronizar)
    assert run.result == pytest.approx(timing.LAUNCH_SECONDS)
    # Both reads found kernels running: the warm-up's at the start, the timed calls' at the end.
    assert [read.location.line for read in run.unsynchronized_reads] == [lines["comeco"], lines["fim"]]
    with pytest.raises(KataFailure) as failure:
        timing.expect_synchronized(run)
    assert failure.value.diagnosis.code == "clock_not_synchronized"
    assert gpu.running == 0  # the test waited for what the learner left running


def test_a_timer_that_waits_only_at_the_end_starts_its_clock_with_the_warm_up_running(gpu, learner):
    aluno, lines = learner
    run = observe(aluno.so_no_fim)
    assert [read.location.line for read in run.unsynchronized_reads] == [lines["inicio"]]
    with pytest.raises(KataFailure):
        timing.expect_mean(run)  # the warm-up's 0.5 s reached the clock inside the measurement
