"""The warm worker and its forked children: what each run inherits, floods, deaths, cleanup.

Every test goes through :func:`katacheck.runner.run_kata`, the function every command uses, with
real workers and real forks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from katacheck.plugins import get_pack
from katacheck.render.report import render_text
from katacheck.runner.parent import dsession, run_kata, shutdown

REPO = Path(__file__).resolve().parents[1]


def _file(tmp_path: Path, kata_id: str, body: str) -> Path:
    learner = tmp_path / f"{kata_id}.py"
    learner.write_text(textwrap.dedent(body), encoding="utf-8")
    return learner


def _solution_with(tmp_path: Path, kata_id: str, extra: str) -> Path:
    """The kata's reference solution with ``extra`` appended inside ``treinar``'s loop file."""
    source = (REPO / "katas" / kata_id / "solution.py").read_text(encoding="utf-8")
    return _file(tmp_path, kata_id, source + "\n" + textwrap.dedent(extra))


def test_a_print_flood_never_changes_a_verdict(tmp_path):
    """A correct solution that prints millions of lines, at Python level and straight to the
    descriptors (as C code does), still passes; the report keeps the head and the tail."""
    learner = _solution_with(tmp_path, "03_adam", """
        import sys
        _treinar = treinar

        def treinar(modelo, X, y, epocas=100):
            for i in range(1_000_000):
                print("linha", i)
            bloco = "x" * (1 << 20) + "\\n"
            for _ in range(200):  # 200 MB past Python's own buffering: far beyond every file cap
                sys.__stdout__.write(bloco)
            sys.__stdout__.flush()
            return _treinar(modelo, X, y, epocas)
    """)
    kata = get_pack("fundamentos").get("03_adam")
    result = run_kata(kata, learner, timeout=120)
    assert result.passed, render_text(result)
    printed = next(check.output for check in result.checks if check.output)
    assert printed.startswith("linha 0\n") and printed.endswith("linha 999999")
    assert "caracteres omitidos no meio" in printed


def test_raw_output_keeps_its_head_and_tail_and_says_what_was_dropped(tmp_path):
    learner = _file(tmp_path, "03_adam", """
        import sys
        sys.__stdout__.write("COMEÇO\\n" + "y" * (5 << 20) + "\\nFIM\\n")
        sys.__stdout__.flush()
        import os
        raise SystemExit(3)
    """)
    kata = get_pack("fundamentos").get("03_adam")
    result = run_kata(kata, learner)
    assert not result.passed
    assert result.output.startswith("COMEÇO") and "FIM" in result.output[-1100:]
    assert "caracteres omitidos no meio" in result.output and len(result.output) < 2200


def test_each_run_is_a_fresh_fork_that_sees_nothing_of_the_last(tmp_path):
    """State a learner leaves in one run (a module global, a patched torch) is gone in the next:
    every child is forked from the pristine worker."""
    (tmp_path / "a").mkdir()
    first = _file(tmp_path / "a", "01_duas_camadas", """
        import torch
        torch.deixado_aqui = 1
        raise RuntimeError("primeira")
    """)
    kata = get_pack("fundamentos").get("01_duas_camadas")
    run_kata(kata, first)
    (tmp_path / "b").mkdir()
    second = _file(tmp_path / "b", "01_duas_camadas", """
        import torch
        assert not hasattr(torch, "deixado_aqui"), "herdou o estado da outra execução"
        from torch import nn

        class DuasCamadas(nn.Module):
            def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
                super().__init__()
                self.camada1 = nn.Linear(n_entrada, n_oculta)
                self.camada2 = nn.Linear(n_oculta, n_saida)

            def forward(self, x):
                return self.camada2(self.camada1(x))
    """)
    result = run_kata(kata, second)
    assert result.passed, render_text(result)


def test_the_child_holds_no_descriptor_but_its_own(tmp_path):
    """stdin is /dev/null, 1 and 2 the output pipe, 3 the results pipe; the worker's control
    socket and everything else are closed before the learner's code exists (pytest itself then
    dups stderr and opens /dev/null)."""
    learner = _file(tmp_path, "01_duas_camadas", """
        import os
        alvos = []
        for n in sorted(os.listdir("/proc/self/fd"), key=int):
            try:
                alvos.append(n + "=" + os.readlink("/proc/self/fd/" + n))
            except OSError:  # the descriptor listdir itself used
                pass
        raise RuntimeError("descritores " + " ".join(alvos))
    """)
    kata = get_pack("fundamentos").get("01_duas_camadas")
    result = run_kata(kata, learner, scan=False)
    message = result.checks[0].diagnosis.message
    targets = dict(item.split("=", 1) for item in message.split("descritores ")[1].split())
    assert targets["0"] == "/dev/null" and targets["1"] == targets["2"] != targets["3"], message
    assert not any(target.startswith("socket:") for target in targets.values()), "no control socket"
    assert {t for t in targets.values() if t.startswith("pipe:")} == {targets["1"], targets["3"]}, message


def test_the_child_may_start_only_so_many_tasks(tmp_path):
    """RLIMIT_NPROC caps the tasks of the child (and all it starts) at the machine's count when
    it started plus MAX_NEW_TASKS: a fork bomb fails with BlockingIOError before the process
    table fills (root is exempt by the kernel, so the limit itself is what is checked here)."""
    from katacheck.runner.child.main import MAX_NEW_TASKS

    learner = _file(tmp_path, "01_duas_camadas", """
        import resource
        raise RuntimeError("nproc %d %d" % resource.getrlimit(resource.RLIMIT_NPROC))
    """)
    result = run_kata(get_pack("fundamentos").get("01_duas_camadas"), learner, scan=False)
    message = result.checks[0].diagnosis.message
    soft, hard = map(int, message.split("nproc ")[1].split()[:2])
    with open("/proc/loadavg", encoding="ascii") as loadavg:
        tasks_now = int(loadavg.read().split()[3].split("/")[1])
    assert 0 < soft == hard <= tasks_now + 2 * MAX_NEW_TASKS, message


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_no_child_can_open_its_workers_or_the_parents_memory(tmp_path):
    """A kata child opened /proc/<its worker>/mem for writing with a plain open(): the worker forks
    every later run (the judge of verify too), and every object sits at the same address in both.
    The worker and the parent are not dumpable, so another process of the same user cannot (the
    kernel still lets root); the child inherits it."""
    import ctypes

    learner = _file(tmp_path, "01_duas_camadas", """
        import ctypes
        raise RuntimeError("dumpable %d" % ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))
    """)
    result = run_kata(get_pack("fundamentos").get("01_duas_camadas"), learner, scan=False)
    assert "dumpable 0" in result.checks[0].diagnosis.message, render_text(result)
    assert ctypes.CDLL(None).prctl(3, 0, 0, 0, 0) == 0, "the parent, which decides, is not dumpable either"


def test_a_kata_file_too_large_to_be_one_is_never_read(tmp_path):
    """The parent (no memory limit of its own) would read, parse and walk it before anything
    runs: a 150 MB file took 2 minutes and 5.5 GB. Over MAX_SOURCE_MB, it is refused at once."""
    learner = tmp_path / "01_duas_camadas.py"
    source = (REPO / "katas" / "01_duas_camadas" / "solution.py").read_text(encoding="utf-8")
    learner.write_text(source + "x = 1\n" * (dsession.MAX_SOURCE_MB * 2**20 // 6 + 1), encoding="utf-8")
    started = time.monotonic()
    result = run_kata(get_pack("fundamentos").get("01_duas_camadas"), learner)
    assert result.fatal is not None and result.fatal.code == "fatal.learner_file.too_large", render_text(result)
    assert f"{dsession.MAX_SOURCE_MB} MB" in result.fatal.message and not result.checks
    assert time.monotonic() - started < 5


def test_a_symlinked_kata_file_is_refused_before_anything_runs(tmp_path):
    target = tmp_path / "outro.py"
    target.write_text((REPO / "katas" / "01_duas_camadas" / "solution.py").read_text(), encoding="utf-8")
    (tmp_path / "01_duas_camadas.py").symlink_to(target)
    kata = get_pack("fundamentos").get("01_duas_camadas")
    result = run_kata(kata, tmp_path / "01_duas_camadas.py")
    assert not result.passed and result.fatal.code == "fatal.learner_file.symlink"
    assert "link simbólico" in result.fatal.message and "katacheck reset 01_duas_camadas" in result.fatal.hint


def test_a_folder_named_like_the_kata_file_is_not_a_pass(tmp_path):
    (tmp_path / "02_relu.py").mkdir()
    kata = get_pack("fundamentos").get("02_relu")
    result = run_kata(kata, tmp_path / "02_relu.py")
    assert not result.passed and result.fatal.code == "fatal.learner_file.not_a_file"


def test_a_dead_worker_is_replaced_and_its_run_fails(tmp_path):
    """The worker killed while its child runs: that run is a failure, and the next one gets a
    fresh worker."""
    kata = get_pack("fundamentos").get("03_adam")
    (tmp_path / "a").mkdir()
    hanging = _file(tmp_path / "a", "03_adam", """
        import time

        def treinar(modelo, X, y, epocas=100):
            time.sleep(60)
    """)

    import threading

    def kill_the_worker() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            busy = list(dsession._pool._busy)
            if busy and busy[0].child_pid:
                busy[0].process.kill()
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_the_worker)
    killer.start()
    result = run_kata(kata, hanging, timeout=50)
    killer.join()
    assert not result.passed and result.fatal is not None
    (tmp_path / "b").mkdir()
    solution = _file(tmp_path / "b", "03_adam", (REPO / "katas" / "03_adam" / "solution.py").read_text())
    assert run_kata(kata, solution).passed


def test_a_worker_started_by_a_thread_that_ended_still_serves(tmp_path):
    """grade and verify --all replace a dead worker from a pool thread that ends soon after: the
    replacement must not die with that thread (as PR_SET_PDEATHSIG would have it)."""
    import threading

    def replace_one() -> None:
        worker = dsession._pool.acquire()
        dsession._pool.release(worker, healthy=False)  # the replacement starts in this thread

    thread = threading.Thread(target=replace_one)
    thread.start()
    thread.join()
    time.sleep(0.5)
    kata = get_pack("fundamentos").get("03_adam")
    solution = _file(tmp_path, "03_adam", (REPO / "katas" / "03_adam" / "solution.py").read_text())
    assert run_kata(kata, solution).passed


def test_a_worker_that_cannot_start_is_katachecks_failure_not_the_learners(tmp_path, monkeypatch):
    kata = get_pack("fundamentos").get("01_duas_camadas")
    learner = _file(tmp_path, "01_duas_camadas", (REPO / "katas" / "01_duas_camadas" / "solution.py").read_text())
    shutdown()
    # A worker that cannot import torch: an installation broken under our feet.
    from katacheck.runner.parent.workermanage import Worker

    broken = ("import json, socket, sys; socket.socket(fileno=int(sys.argv[1]))"
              ".send(json.dumps({'error': 'ModuleNotFoundError: No module named torch'}).encode())")
    monkeypatch.setattr(Worker, "COMMAND", (sys.executable, "-I", "-c", broken))
    result = run_kata(kata, learner)
    assert not result.passed and result.fatal.code == "fatal.worker"
    assert "nada do seu código rodou" in result.fatal.message and "No module named torch" in result.fatal.message
    shutdown()


def test_no_worker_outlives_the_command(tmp_path):
    """A parent killed outright (SIGKILL: no atexit, no cleanup) takes its workers with it."""
    script = textwrap.dedent("""
        import os, sys, time
        from katacheck.runner.parent import warm_up
        from katacheck.runner.parent import dsession
        warm_up(2)
        for worker in list(dsession._pool._idle):
            worker.wait_ready()
        print(" ".join(str(w.process.pid) for w in dsession._pool._idle), flush=True)
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    pids = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(pids) == 2
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in pids)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for init to reap it is gone for our purposes
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.fixture(autouse=True, scope="module")
def _stop_workers():
    yield
    shutdown()


def test_saving_a_model_with_torch_save_is_not_taken_for_tampering(tmp_path: Path) -> None:
    # The first torch.save stores copyreg's __slotnames__ cache on torch.Tensor: a class the
    # tripwire guards. The worker fills it before its snapshot, so an honest save is no cheat.
    kata = get_pack("fundamentos").get("01_duas_camadas")
    learner = tmp_path / "01_duas_camadas.py"
    learner.write_text(kata.solution_path.read_text(encoding="utf-8") + textwrap.dedent("""

        import io

        torch.save(DuasCamadas().state_dict(), io.BytesIO())
    """), encoding="utf-8")
    result = run_kata(kata, learner)
    assert result.fatal is None and result.passed, render_text(result)


def test_a_file_swapped_after_the_scan_never_runs(tmp_path, monkeypatch):
    """The parent scans the bytes it read; the child compiles the file again. A process an earlier
    run left behind (no sandbox in verify) could swap the file in between, and what the scan
    alone catches would run unread: the child compiles the learner's file only from the bytes
    whose hash the parent sent, and the swap is said neutrally (an honest save mid-run reads
    the same), before anything of the new file runs."""
    clean = (REPO / "katas" / "01_duas_camadas" / "solution.py").read_bytes()
    learner = _file(tmp_path, "01_duas_camadas", """
        import sys
        open("rodou.txt", "w").write("o arquivo trocado rodou")
        _ref = sys.modules["kata" + "check.checks"]
    """)
    monkeypatch.setattr(dsession, "_read_source", lambda path: clean)
    result = run_kata(get_pack("fundamentos").get("01_duas_camadas"), learner)
    assert result.fatal is not None and result.fatal.code == "fatal.source_changed", render_text(result)
    assert "Tentativa" not in result.fatal.message and result.fatal.hint
    assert not (tmp_path / "rodou.txt").exists()
    monkeypatch.undo()
    learner.write_bytes(clean)
    assert run_kata(get_pack("fundamentos").get("01_duas_camadas"), learner).passed
