"""The bubblewrap sandbox of ``katacheck grade`` (:mod:`katacheck.runner.parent.sandbox`).

A tiny Python runs inside :func:`wrap` once (a few seconds: it imports torch) and reports what
it could and could not do; each test reads one of its observations. Then a real worker starts
through :func:`wrap` and reports ready over its socket pair. The sandboxed tests skip where
bwrap cannot run (not installed, no user namespaces); the command-line tests need no bwrap.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from katacheck.runner.parent import sandbox

USABLE, WHY_NOT = sandbox.probe()
needs_bwrap = pytest.mark.skipif(not USABLE, reason=f"bwrap does not work here: {WHY_NOT or 'not installed'}")

#: What the sandboxed Python does; it prints one JSON object of observations.
PROBE = textwrap.dedent('''
    import json, os, socket, sys

    args = json.loads(sys.argv[1])
    seen = {"home": os.environ.get("HOME"), "cwd": os.getcwd(), "kept": os.environ.get("KATACHECK_SANDBOX_TEST")}

    def read(path):
        try:
            with open(path, "rb") as file:
                return {"read": file.read().decode("utf-8", "replace")}
        except OSError as error:
            return {"error": type(error).__name__}

    import torch
    seen["torch"] = torch.ones(3).sum().item()
    connections = {}
    for host, port in [("127.0.0.1", args["port"]), ("1.1.1.1", 53)]:
        try:
            socket.create_connection((host, port), timeout=3).close()
            connections[host] = "connected"
        except OSError as error:
            connections[host] = type(error).__name__
    seen["connections"] = connections
    seen["reads"] = {name: read(path) for name, path in args["reads"].items()}
    try:
        seen["home_listing"] = os.listdir(args["real_home"])
    except OSError as error:
        seen["home_listing"] = type(error).__name__
    with open("escrito.txt", "w") as file:
        file.write("ok")
    seen["wrote_scratch"] = open("escrito.txt").read() == "ok"
    seen["writes_elsewhere"] = {}
    for path in args["writes"]:
        try:
            open(path, "w").close()
            seen["writes_elsewhere"][path] = "written"
        except OSError as error:
            seen["writes_elsewhere"][path] = type(error).__name__
    pid = os.fork()
    if pid == 0:
        os._exit(7)
    seen["fork_status"] = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    print(json.dumps(seen))
''')


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory):
    """Two workers' scratch folders, a pack with one kata, and a file in the real home."""
    root = tmp_path_factory.mktemp("sandbox")
    scratch, other = root / "worker-1", root / "worker-2"
    scratch.mkdir()
    other.mkdir()
    (other / "01_soma.py").write_text("segredo de outra pessoa\n", encoding="utf-8")
    kata = root / "pack" / "01_soma"
    (kata / "__pycache__").mkdir(parents=True)
    (kata / "kata.toml").write_text('title = "Soma"\norder = 1\n', encoding="utf-8")
    (kata / "solution.py").write_text("RESPOSTA = 42\n", encoding="utf-8")
    (kata / "__pycache__" / "solution.cpython-311.pyc").write_bytes(b"RESPOSTA compilada")
    (kata / "test_kata.py").write_text("def test_soma():\n    pass\n", encoding="utf-8")
    home_file = Path.home() / f".katacheck-sandbox-test-{os.getpid()}"
    home_file.write_text("segredo do professor\n", encoding="utf-8")
    try:
        yield {"root": root, "scratch": scratch, "other": other, "kata": kata, "home_file": home_file}
    finally:
        home_file.unlink()


@pytest.fixture(scope="module")
def observed(place):
    """The sandboxed Python's observations, with a server listening on the loopback outside."""
    installed = sandbox.kata_solutions(sandbox.python_paths())
    listener = socket.create_server(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    scratch, kata = place["scratch"], place["kata"]
    (scratch / "probe.py").write_text(PROBE, encoding="utf-8")
    reads = {
        "other_submission": str(place["other"] / "01_soma.py"),
        "solution": str(kata / "solution.py"),
        "compiled_solution": str(kata / "__pycache__" / "solution.cpython-311.pyc"),
        "tests": str(kata / "test_kata.py"),
        "home_file": str(place["home_file"]),
        **{f"installed:{path}": str(path) for path in installed},
    }
    args = {"port": port, "reads": reads, "real_home": str(Path.home()),
            "writes": [str(kata / "novo.py"), "/novo.txt", str(Path(sys.prefix) / "novo.txt")]}
    # With a bounded tmpfs as the writable folder, the teacher's scratch folder is the inbox.
    probe = str(sandbox.inbox(scratch) / "probe.py") if sandbox.uses_inbox() else "probe.py"
    command = sandbox.wrap([sys.executable, "-I", probe, json.dumps(args)], scratch=scratch,
                           readable=[kata], hidden=sandbox.kata_solutions([kata]) + installed)
    try:
        # Outside, the server takes connections: inside, only the sandbox can stop one.
        socket.create_connection(("127.0.0.1", port), timeout=3).close()
        done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "KATACHECK_SANDBOX_TEST": "kept"})
    finally:
        listener.close()
    assert done.returncode == 0, done.stderr
    return {**json.loads(done.stdout), "installed": installed}


@needs_bwrap
def test_python_and_torch_import_inside(observed) -> None:
    assert observed["torch"] == 3.0


@needs_bwrap
def test_no_network_not_even_the_loopback(observed) -> None:
    assert observed["connections"]["127.0.0.1"] == "ConnectionRefusedError", "a listening server outside"
    assert observed["connections"]["1.1.1.1"] != "connected"


@needs_bwrap
def test_another_workers_scratch_folder_is_not_there(observed) -> None:
    assert observed["reads"]["other_submission"] == {"error": "FileNotFoundError"}


@needs_bwrap
def test_the_solutions_cannot_be_read_the_hidden_tests_can(observed) -> None:
    for name in ["solution", "compiled_solution"] + [f"installed:{path}" for path in observed["installed"]]:
        assert not observed["reads"][name].get("read"), name
    assert "def test_soma" in observed["reads"]["tests"]["read"]


def test_the_installed_katas_solutions_are_found() -> None:
    # A built katacheck carries its katas inside the package: their solutions are hidden too.
    from katacheck.builtin import katas_directory

    found = sandbox.kata_solutions([katas_directory(), *sandbox.python_paths()])
    assert katas_directory() / "04_zero_grad" / "solution.py" in found
    assert all(path.name.startswith("solution.") for path in found)


@needs_bwrap
def test_the_real_home_is_not_there(observed, place) -> None:
    assert observed["reads"]["home_file"] == {"error": "FileNotFoundError"}
    listing = observed["home_listing"]
    assert place["home_file"].name not in (listing if isinstance(listing, list) else [])


@needs_bwrap
def test_writes_go_to_the_scratch_folder_only(observed, place) -> None:
    if sandbox.uses_inbox():
        # The writable folder is the sandbox's own bounded tmpfs: nothing reaches the teacher's disk.
        assert observed["wrote_scratch"] and not (place["scratch"] / "escrito.txt").exists()
    else:
        assert observed["wrote_scratch"] and (place["scratch"] / "escrito.txt").read_text() == "ok"
    assert set(observed["writes_elsewhere"].values()) == {"OSError"}, observed["writes_elsewhere"]
    assert not (place["kata"] / "novo.py").exists()


@needs_bwrap
def test_home_is_the_scratch_folder_and_the_rest_of_the_environment_is_kept(observed, place) -> None:
    assert observed["home"] == observed["cwd"] == str(place["scratch"])
    assert observed["kept"] == "kept"


@needs_bwrap
def test_fork_works_inside(observed) -> None:
    assert observed["fork_status"] == 7


@needs_bwrap
def test_a_real_worker_reports_ready_through_the_sandbox(place) -> None:
    """Started from a thread that then ends (as replacement workers are): it must survive it,
    get its socket through bwrap, and end when our end of the socket closes."""
    from katacheck.runner.parent.workermanage import Worker, child_environment

    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    started: list[subprocess.Popen] = []

    def start() -> None:
        command = sandbox.wrap([*Worker.COMMAND, str(theirs.fileno())], scratch=place["scratch"],
                               readable=[place["kata"]], hidden=sandbox.kata_solutions([place["kata"]]))
        started.append(subprocess.Popen(command, pass_fds=(theirs.fileno(),), env=child_environment(),
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, start_new_session=True))

    thread = threading.Thread(target=start)
    thread.start()
    thread.join()
    theirs.close()
    (process,) = started
    try:
        ours.settimeout(120)
        message = json.loads(ours.recv(1 << 16) or b"{}")
        if "ready" not in message:
            process.kill()
            pytest.fail(f"{message}: {process.communicate()[1].decode()[-2000:]}")
        assert process.poll() is None
        ours.close()
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()


@needs_bwrap
def test_info_fd_tells_the_pid_that_ends_the_sandbox(place) -> None:
    read_end, write_end = os.pipe()
    command = sandbox.wrap(["/bin/sh", "-c", "sleep 60"], scratch=place["scratch"], readable=[], hidden=[],
                           info_fd=write_end)
    process = subprocess.Popen(command, pass_fds=(write_end,), start_new_session=True)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as info:
            first = json.loads(info.read())["child-pid"]
        os.kill(first, signal.SIGKILL)
        assert process.wait(timeout=10) != 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# -- the command line, and the modes (no bwrap needed) ----------------------------------------


def _binds(command: list[str]) -> list[tuple[str, str, str]]:
    """The (option, source, target) mounts of a bwrap command line, in order."""
    args = command[:command.index("--")]
    return [(args[i], args[i + 1], args[i + 2]) for i in range(len(args) - 2)
            if args[i] in ("--ro-bind", "--bind", "--dev-bind")]


def test_the_command_line(place) -> None:
    kata, scratch = place["kata"], place["scratch"]
    command = sandbox.wrap(["python", "-c", "pass"], scratch=scratch, readable=[kata],
                           hidden=[kata / "solution.py"])
    assert command[-4:] == ["--", "python", "-c", "pass"]
    for option in ("--unshare-all", "--new-session"):
        assert option in command
    assert "--die-with-parent" not in command, "it fires when the starting *thread* ends"
    binds = _binds(command)
    targets = [target for _, _, target in binds]
    if sandbox.uses_inbox():
        # The writable folder: a tmpfs of TMPFS_BYTES at the scratch path; the teacher's folder
        # only read only, as the inbox beside it.
        assert [b for b in binds if b[0] == "--bind"] == []
        assert ("--ro-bind", str(scratch), str(sandbox.inbox(scratch))) in binds
        i = command.index(str(scratch), command.index("--tmpfs", command.index(str(sandbox.inbox(scratch)))))
        assert command[i - 3:i] == ["--size", str(sandbox.TMPFS_BYTES), "--tmpfs"]
    else:
        assert [b for b in binds if b[0] == "--bind"] == [("--bind", str(scratch), str(scratch))]
    assert ("--ro-bind", str(kata), str(kata)) in binds
    # The mask comes after the folder that shows the file.
    assert targets.index(str(kata / "solution.py")) > targets.index(str(kata))
    assert ("--ro-bind", os.devnull, str(kata / "solution.py")) in binds
    # The Python environment, exactly; never the home folder, nor / itself.
    home = Path.home()
    for target in targets:
        assert Path(target) not in (home, *home.parents), target
    assert str(Path(sys.prefix)) in targets or any(Path(sys.prefix).is_relative_to(t) for t in targets)
    i = command.index("--chdir")
    assert command[i + 1] == str(scratch)
    assert ["--setenv", "HOME", str(scratch)] == command[command.index("HOME") - 1:command.index("HOME") + 2]


def test_the_current_folder_is_never_bound(place, monkeypatch: pytest.MonkeyPatch) -> None:
    # `python -m katacheck grade .` from the class folder puts it on sys.path.
    monkeypatch.chdir(place["root"])
    monkeypatch.setattr(sys, "path", [str(place["root"]), *sys.path])
    targets = [target for _, _, target in _binds(sandbox.wrap(["true"], scratch=place["scratch"], readable=[],
                                                               hidden=[]))]
    assert str(place["root"]) not in targets


def test_none_needs_no_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "probe", lambda: pytest.fail("probed"))
    assert sandbox.resolve("none") == "none"


def test_auto_follows_the_probe_and_bwrap_insists(monkeypatch: pytest.MonkeyPatch) -> None:
    from katacheck.errors import ExitCode, KatacheckError

    monkeypatch.setattr(sandbox, "probe", lambda: (True, None))
    assert sandbox.resolve("auto") == sandbox.resolve("bwrap") == "bwrap"
    monkeypatch.setattr(sandbox, "probe", lambda: (False, "bwrap: No permissions to create a new namespace"))
    assert sandbox.resolve("auto") == "none"
    with pytest.raises(KatacheckError) as raised:
        sandbox.resolve("bwrap")
    assert raised.value.exit_code == ExitCode.USAGE_ERROR
    assert "No permissions" in raised.value.message and "--sandbox none" in raised.value.fix
    monkeypatch.setattr(sandbox, "probe", lambda: (False, None))
    with pytest.raises(KatacheckError) as raised:
        sandbox.resolve("bwrap")
    assert "apt-get install bubblewrap" in raised.value.fix
    with pytest.raises(ValueError):
        sandbox.resolve("docker")


def test_the_probe_runs_once() -> None:
    sandbox.probe()
    before = sandbox.probe.cache_info()
    assert sandbox.resolve("auto") == sandbox.resolve("auto")
    after = sandbox.probe.cache_info()
    assert (after.misses, after.hits) == (before.misses, before.hits + 2)


def test_the_cli_offers_the_same_modes() -> None:
    from katacheck.cli.grade import SANDBOX_MODES

    assert SANDBOX_MODES == sandbox.MODES
