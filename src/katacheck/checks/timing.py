"""Timing code (kata 07): a warm-up call, the mean over the repetitions, a GPU timer that waits.

The learner's ``medir_tempo(funcao, dispositivo, repeticoes)`` is given a :class:`TimedWork` as
``funcao``: it counts its calls, and the test decides how long each one takes. The time the
learner's code reads is a fake clock (:class:`FakeClock`, every clock of :mod:`time`, also under
a name imported before), which only moves when the work does:

- on the CPU, a call of ``funcao`` moves the clock by its duration;
- on the GPU, a call only *launches* its work (a kernel on the device, a few microseconds on the
  clock): its duration is added to the device's backlog, which reaches the clock when the host
  waits for the device (``torch.cuda.synchronize()``, a device-to-host read). Under the simulated
  GPU that wait is the :class:`~katacheck.checks.cuda_sim.DeviceQueue`'s. On a real one, the
  device itself says it: each call launches a kernel that keeps the GPU busy for a while
  (:data:`REAL_KERNEL_CYCLES`) and records an event after it, and the backlog has run once every
  event is done. Whatever made the host wait (``synchronize`` of the device, of a stream or of an
  event, ``.item()``, ``.cpu()``), the kernels are done; a clock read without one finds them
  running.

So the numbers themselves say what the code did: a timer without the warm-up, with it, summed
or averaged, synchronised or not, each returns its own value, which the judge recomputes from
the durations alone. A clock read with work pending is also named at the learner's line (the
simulation records it).
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from katacheck.checks import cuda_sim
from katacheck.checks.context import record_note
from katacheck.checks.failures import call_learner, fail
from katacheck.checks.locations import location_in_stack
from katacheck.checks.patching import patch, wrap
from katacheck.i18n import t
from katacheck.result import Location

#: What a kernel launch costs on the fake clock (seconds): real launches take microseconds.
LAUNCH_SECONDS = 1e-5
#: Largest relative gap between the learner's mean and the durations' mean (the launches of a
#: synchronised GPU timer add n · LAUNCH_SECONDS / n = 1e-5 s to a mean of milliseconds: 0.1 %).
MEAN_TOLERANCE = 0.01
#: The contract's default number of repetitions.
DEFAULT_REPETITIONS = 10
#: The product the real speed-up is shown for: ``comparar``'s default size in the contract.
SPEEDUP_SIZE = 2048
#: How long each timed call keeps a real GPU busy, in GPU clock cycles (``torch.cuda._sleep``):
#: about 25 ms at 2 GHz, thousands of times what Python takes between a launch and the next
#: clock read, so a read that did not wait always finds the kernel still running.
REAL_KERNEL_CYCLES = 50_000_000
#: Where the fake clock starts (seconds), so that a timer that reads it once is not 0 by chance.
_START = 1_000.0


@dataclass
class FakeClock:
    """The time the learner's code reads: host time, plus the device's backlog once waited for."""

    now: float = _START
    backlog: float = 0.0
    _seen_syncs: int = 0
    #: On a real GPU, an event after each kernel launched since the backlog last ran.
    _launched: list[Any] = field(default_factory=list)
    #: How many times anything read one of the clocks of :mod:`time` this clock stands in for.
    reads: int = 0
    #: Clock reads made with device work pending (recorded here on a real GPU only; the
    #: simulation records its own, :attr:`DeviceQueue.unsynchronized_reads`).
    unsynchronized_reads: list[cuda_sim.ClockRead] = field(default_factory=list)

    def _waited(self) -> bool:
        """Did the host wait for the device since the backlog last ran?"""
        queue = cuda_sim.device_queue()
        if queue is not None:
            waited, self._seen_syncs = queue.synchronizations != self._seen_syncs, queue.synchronizations
            return waited
        if all(event.query() for event in self._launched):
            self._launched.clear()
            return True
        return False

    def settle(self) -> None:
        """If the host waited for the device since last time, the backlog has run."""
        if self._waited():
            self.now += self.backlog
            self.backlog = 0.0

    def launched(self, event: Any) -> None:
        """A kernel went to the real GPU; ``event`` (recorded after it) says when it is done."""
        self._launched.append(event)

    def run(self, seconds: float, on_device: bool) -> None:
        self.settle()
        if on_device:
            self.now += LAUNCH_SECONDS
            self.backlog += seconds
        else:
            self.now += seconds

    def read(self, name: str) -> float | int:
        self.reads += 1
        self.settle()
        if self.backlog and cuda_sim.device_queue() is None:
            location = location_in_stack()
            if location is not None and len(self.unsynchronized_reads) < 10_000:
                self.unsynchronized_reads.append(cuda_sim.ClockRead(name, 1, location))
        if name.endswith("_ns"):
            return int(self.now * 1e9)
        return self.now

    @contextlib.contextmanager
    def installed(self) -> Iterator[FakeClock]:
        """The clocks of :data:`~katacheck.checks.cuda_sim.CLOCKS` read this clock inside the
        block, in :mod:`time` and under the names the learner's module bound to them."""
        with contextlib.ExitStack() as stack:
            for name in cuda_sim.CLOCKS:
                wrap(stack, time, name, self._reader(name))
            current = {id(getattr(time, name).__wrapped__): getattr(time, name) for name in cuda_sim.CLOCKS}
            for module in cuda_sim.clock_holders():
                for key, value in list(vars(module).items()):
                    if id(value) in current:
                        patch(stack, module, key, current[id(value)])
            yield self

    def _reader(self, name: str):
        def wrapper(underlying):
            def read(*args: Any) -> float | int:
                underlying()  # the simulation's watched clock: it records a read with work pending
                return self.read(name)

            return read

        return wrapper


class TimedWork:
    """The ``funcao`` a test gives the learner's timer: call ``k`` lasts ``durations[k]`` seconds
    of the fake clock (call 0 is the warm-up, ``warmup`` seconds: a first call pays for
    allocations and kernel selection). On the GPU each call also launches a kernel: a small
    product on the simulated one, a busy wait with an event after it on a real one."""

    def __init__(self, clock: FakeClock, warmup: float, durations: Sequence[float], device: str) -> None:
        self.clock = clock
        self.warmup = warmup
        self.durations = list(durations)
        self.on_device = torch.device(device).type == "cuda"
        self.real_gpu = self.on_device and cuda_sim.device_queue() is None
        self.calls = 0
        self._operand = torch.ones(4, 4, device=device) if self.on_device and not self.real_gpu else None

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        seconds = self.warmup if self.calls == 0 else self.durations[(self.calls - 1) % len(self.durations)]
        self.calls += 1
        if self.real_gpu:
            torch.cuda._sleep(REAL_KERNEL_CYCLES)
            event = torch.cuda.Event()
            event.record()
            self.clock.launched(event)
        elif self._operand is not None:
            self._operand @ self._operand  # a kernel, queued on the simulated device
        self.clock.run(seconds, self.on_device)


@dataclass
class TimingRun:
    """One call of the learner's timer on a :class:`TimedWork`."""

    device: str
    repetitions: int
    warmup: float
    durations: list[float]
    calls: int
    result: Any
    unsynchronized_reads: list[cuda_sim.ClockRead]
    #: Reads of the clocks of :mod:`time` during the call (0: the timer used another clock).
    clock_reads: int = 0

    @property
    def expected(self) -> float:
        return math.fsum(self.durations[:self.repetitions]) / self.repetitions


def observe_timing(medir_tempo, device: str, *, repetitions: int | None, warmup: float,
                   durations: Sequence[float]) -> TimingRun:
    """Call ``medir_tempo(funcao, device, repeticoes=repetitions)`` on a fake clock (inside
    ``checks.cuda_available()`` for ``"cuda"``); ``repetitions=None`` leaves the learner's
    default (the contract's 10)."""
    clock = FakeClock()
    queue = cuda_sim.device_queue()
    if queue is not None:
        torch.cuda.synchronize()  # nothing of the test's own is pending when the learner starts
    seen = len(queue.unsynchronized_reads) if queue is not None else 0
    with clock.installed():
        work = TimedWork(clock, warmup, durations, device)
        if queue is not None:
            queue.synchronize()  # the operand's creation: ready before the learner's code runs
        clock.settle()
        try:
            if repetitions is None:
                result = call_learner(medir_tempo, work, device)
            else:
                result = call_learner(medir_tempo, work, device, repeticoes=repetitions)
        finally:
            if work.real_gpu:
                torch.cuda.synchronize()  # what the learner left running does not reach the next check
    reads = (queue.unsynchronized_reads[seen:] if queue is not None else []) + clock.unsynchronized_reads
    n = DEFAULT_REPETITIONS if repetitions is None else repetitions
    return TimingRun(device, n, warmup, list(durations[:n]), work.calls, result, reads, clock.reads)


def _close(found: float, expected: float) -> bool:
    return abs(found - expected) <= MEAN_TOLERANCE * abs(expected)


def seconds_or_none(result: Any) -> float | None:
    """What the learner's timer returned, as seconds for the judge: a number, or a tensor of one
    (``.item()`` is what the checks read too); None for anything else."""
    if isinstance(result, torch.Tensor) and result.numel() == 1:
        result = result.item()
    if isinstance(result, bool) or not isinstance(result, (int, float)):
        return None
    return float(result)


def _seconds(run: TimingRun) -> float:
    seconds = seconds_or_none(run.result)
    if seconds is None:
        fail("timing_not_number", found=type(run.result).__name__)
    return seconds


def expect_warmup(run: TimingRun) -> None:
    """``funcao`` ran once more than ``repeticoes``: the warm-up, then the timed calls."""
    n = run.repetitions
    if run.calls == n and not _one_call_short(run):
        fail("timing_no_warmup", calls=run.calls, repetitions=n)
    if run.calls != n + 1:
        fail("timing_calls", calls=run.calls, repetitions=n, expected=n + 1)


def _one_call_short(run: TimingRun) -> bool:
    """A warm-up, then a loop one call short (``range(1, repeticoes)``): the time of the first
    ``n - 1`` calls, divided by ``n`` or ``n - 1``; without the warm-up, the slow first call
    would be in it."""
    found, n = seconds_or_none(run.result), run.repetitions
    timed = math.fsum(run.durations[:n - 1])
    return found is not None and n > 1 and (_close(found, timed / n) or _close(found, timed / (n - 1)))


def expect_mean(run: TimingRun) -> None:
    """The result is the mean seconds of the ``repeticoes`` timed calls (the warm-up left out)."""
    found = _seconds(run)
    n, expected = run.repetitions, run.expected
    if _close(found, expected):
        return
    total = expected * n
    values = {"found": f"{found:.6g}", "expected": f"{expected:.6g}", "repetitions": n}
    if _close(found, total):
        fail("timing_sum", **values)
    # No warm-up call: the first, slow call was timed in place of the last one.
    if run.calls == n and _close(found, (math.fsum(run.durations[:n - 1]) + run.warmup) / n):
        fail("timing_no_warmup", calls=run.calls, repetitions=n)
    # The warm-up timed with the calls (averaged over n or n + 1).
    if any(_close(found, value) for value in ((total + run.warmup) / n, (total + run.warmup) / (n + 1))):
        fail("timing_warmup_timed", warmup=f"{run.warmup:g}", **values)
    if _close(found, expected * 1000) or _close(found, total * 1000):
        fail("timing_milliseconds", **values)
    if run.calls == n and _one_call_short(run):
        fail("timing_calls", calls=run.calls, repetitions=n, expected=n + 1)
    if run.clock_reads == 0:  # time.process_time(), torch.cuda.Event: not the wall clock asked for
        fail("timing_no_clock", **values)
    fail("timing_mean", **values)


def expect_synchronized(run: TimingRun) -> None:
    """No clock read of the learner's code found the GPU with work still pending."""
    if run.unsynchronized_reads:
        read = run.unsynchronized_reads[0]
        fail("clock_not_synchronized", clock=read.clock, pending=read.pending, location=read.location)


@dataclass(frozen=True)
class MatmulCall:
    shape: tuple[tuple[int, ...], ...]
    device: str
    location: Location | None


class MatmulWatcher(TorchFunctionMode):
    """Records every matrix product (``@``, ``torch.mm``, ``torch.matmul``) and its device."""

    _NAMES = frozenset({"matmul", "mm", "__matmul__", "__rmatmul__"})

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[MatmulCall] = []

    def __torch_function__(self, func, types, args=(), kwargs=None):  # noqa: ANN001
        kwargs = kwargs or {}
        if getattr(func, "__name__", "") in self._NAMES and len(self.calls) < 10_000:
            tensors = [a for a in args if isinstance(a, torch.Tensor)]
            if tensors:
                device = cuda_sim.simulated_device_of(tensors[0]).type
                self.calls.append(MatmulCall(tuple(tuple(t.shape) for t in tensors), device, location_in_stack()))
        return func(*args, **kwargs)


def expect_comparison(result: Any, size: int, calls: Sequence[MatmulCall], devices: Sequence[str]) -> dict[str, float]:
    """``comparar(size)`` returned ``{device: seconds}`` for exactly ``devices``, each a positive
    number, and timed a ``size × size`` matrix product on each of them."""
    if not isinstance(result, dict):
        fail("comparison_not_dict", found=type(result).__name__)
    keys = sorted(str(key) for key in result)
    if keys != sorted(devices):
        fail("comparison_keys", found=", ".join(keys) or "—", expected=", ".join(sorted(devices)))
    seconds = {}
    for device in devices:
        value = result[device]
        if isinstance(value, torch.Tensor) and value.numel() == 1:
            value = value.item()
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (math.isfinite(value) and value > 0):
            fail("comparison_value", device=device, found=repr(value)[:60])
        square = (size, size)
        if not any(call.device == device and call.shape and all(s == square for s in call.shape) for call in calls):
            fail("comparison_no_matmul", device=device, size=size)
        seconds[device] = float(value)
    return seconds


def note_speedup(comparar, regime: str) -> None:
    """Under ``comparar``'s check, what the learner's own timer says of the GPU, for real.

    ``regime`` is what :func:`~katacheck.checks.device.cuda_available` yielded. On a real GPU,
    ``comparar(tamanho=SPEEDUP_SIZE)`` runs again, off every fake clock and watcher, and the note
    gives both times and the speed-up; under the simulation (no GPU here), which checks the code
    but measures no speed, the note says so and where the figure would appear. Information only:
    the verdict comes from the checks, and this runs after they passed.
    """
    if regime != "real":
        record_note(t("note.speedup_simulated", size=SPEEDUP_SIZE))
        return
    times = _positive_times(call_learner(comparar, tamanho=SPEEDUP_SIZE))
    if times is None:
        record_note(t("note.speedup_unmeasured", size=SPEEDUP_SIZE))
        return
    cpu, gpu = times
    key = "note.speedup" if cpu >= gpu else "note.speedup_cpu_faster"
    record_note(t(key, gpu=torch.cuda.get_device_name(), size=SPEEDUP_SIZE, cpu=_milliseconds(cpu),
                  cuda=_milliseconds(gpu), ratio=_ratio(max(cpu, gpu) / min(cpu, gpu))))


def _positive_times(result: Any) -> tuple[float, float] | None:
    """``(cpu, cuda)`` seconds from a ``comparar`` result, or None where they are not two positive
    finite numbers."""
    if not isinstance(result, dict):
        return None
    times = []
    for device in ("cpu", "cuda"):
        value = result.get(device)
        if isinstance(value, torch.Tensor) and value.numel() == 1:
            value = value.item()
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (math.isfinite(value) and value > 0):
            return None
        times.append(float(value))
    return times[0], times[1]


def _milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.3g} ms"


def _ratio(ratio: float) -> str:
    return f"{ratio:.0f}" if ratio >= 10 else f"{ratio:.1f}"
