"""``katacheck grade`` under bubblewrap, end to end: what a submission's child can and cannot see.

Two submissions are graded in one real ``katacheck grade --sandbox bwrap`` process: one solves a
kata, one tries to read the reference solution, the other learner's file and the teacher's
home, and to reach the network, and says what it saw in the error it raises. Skipped where
bubblewrap cannot run (no package, or no user namespaces).
"""

from __future__ import annotations

import csv
import json
import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import run_katacheck
from katacheck.runner.parent import sandbox

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not sandbox.probe()[0], reason="bubblewrap cannot run here")

SNOOP = """
import os
import socket

vistos = []
for caminho in [{solution!r}, {other!r}, {home!r}]:
    try:
        with open(caminho, encoding="utf-8") as arquivo:
            vistos.append(f"{{os.path.basename(caminho)}}={{len(arquivo.read())}}")
    except OSError as erro:
        vistos.append(f"{{os.path.basename(caminho)}}={{type(erro).__name__}}")
servidor = socket.socket()
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2)
    vistos.append("rede=conectou")
except OSError as erro:
    vistos.append(f"rede={{type(erro).__name__}}")
raise RuntimeError("VISTOS " + " ".join(vistos))
"""


def test_each_child_sees_only_its_own_submission(tmp_path):
    import socket

    listener = socket.socket()  # a server the sandbox must not reach
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    home_secret = tmp_path / "casa_do_professor.txt"
    home_secret.write_text("notas da turma", encoding="utf-8")
    turma = tmp_path / "turma"
    for name in ("ana", "bia"):
        run_katacheck("init", str(turma / name), cwd=tmp_path)
    shutil.copy(REPO / "katas" / "03_adam" / "solution.py", turma / "ana" / "03_adam.py")
    (turma / "bia" / "01_duas_camadas.py").write_text(textwrap.dedent(SNOOP.format(
        solution=str(REPO / "katas" / "01_duas_camadas" / "solution.py"),
        other=str(turma / "ana" / "03_adam.py"), home=str(home_secret),
        port=listener.getsockname()[1])), encoding="utf-8")
    done = run_katacheck("grade", str(turma), "--sandbox", "bwrap", "--kata", "01_duas_camadas",
                         "--kata", "03_adam", "--csv", str(tmp_path / "notas.csv"),
                         "--report", str(tmp_path / "notas.json"), cwd=tmp_path)
    listener.close()
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {(row["learner"], row["kata"]): row for row in csv.DictReader((tmp_path / "notas.csv").open())}
    assert rows["ana", "03_adam"]["status"] == "pass", "a correct submission still passes in the sandbox"
    cause = rows["bia", "01_duas_camadas"]["cause"]
    seen = dict(item.split("=") for item in cause.split("VISTOS ")[1].split() if item.count("=") == 1)
    assert seen["solution.py"] in ("0", "PermissionError"), "the reference solution is masked"
    assert seen["03_adam.py"] == "FileNotFoundError", "another learner's file is not there"
    assert seen["casa_do_professor.txt"] == "FileNotFoundError", "the teacher's files are not there"
    assert seen["rede"] != "conectou", "no network"
    assert json.loads((tmp_path / "notas.json").read_text())["sandbox"] == "bwrap"


LEAVE_BEHIND = """
import subprocess, sys
open("/tmp/deixado-por-ana", "w").write("segredo")
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
raise RuntimeError("deixei um processo e um arquivo")
"""

LOOK_AROUND = """
import os
meus = {os.getpid(), os.getppid()}
outros = []
for pid in os.listdir("/proc"):
    if pid.isdigit() and int(pid) not in meus:
        try:
            outros.append(open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\\\\0", b" ").decode()[:40])
        except OSError:
            pass
tamanhos = [os.statvfs(pasta) for pasta in ("/tmp", "/dev/shm", ".")]
raise RuntimeError("VISTO tmp=" + ",".join(sorted(os.listdir("/tmp"))) + " procs=" + "|".join(outros)
                   + " mb=" + ",".join(str(t.f_blocks * t.f_frsize // 2**20) for t in tamanhos)
                   + " segredo=" + os.environ.get("SEGREDO_DO_PROFESSOR", "nenhum"))
"""


def test_nothing_a_learner_leaves_in_a_worker_reaches_the_next(tmp_path):
    """One job slot, so both submissions run in the same sandboxed worker, one after the other."""
    turma = tmp_path / "turma"
    for name, body in (("ana", LEAVE_BEHIND), ("bia", LOOK_AROUND)):
        run_katacheck("init", str(turma / name), cwd=tmp_path)
        (turma / name / "01_duas_camadas.py").write_text(textwrap.dedent(body), encoding="utf-8")
    done = run_katacheck("grade", str(turma), "--sandbox", "bwrap", "--jobs", "1", "--kata", "01_duas_camadas",
                         "--csv", str(tmp_path / "notas.csv"), cwd=tmp_path,
                         env={"SEGREDO_DO_PROFESSOR": "token-do-ci"})
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {row["learner"]: row for row in csv.DictReader((tmp_path / "notas.csv").open()) if row["kata"] != "TOTAL"}
    assert "deixei" in rows["ana"]["cause"], rows
    seen = rows["bia"]["cause"]
    assert "VISTO" in seen, seen
    assert "deixado-por-ana" not in seen, seen
    assert "time.sleep" not in seen, "ana's escaped grandchild is gone"
    # The teacher's environment (a CI token...) never reaches a submission, which could write it
    # into its own cause in the gradebook.
    assert "segredo=nenhum" in seen and "token-do-ci" not in seen, seen
    # /tmp and /dev/shm are the teacher's RAM, the working folder a tmpfs of the sandbox's own
    # (not the teacher's disk): all bounded, where bwrap can (0.8 and later).
    if sandbox._sizes_tmpfs(shutil.which("bwrap") or "bwrap"):
        sizes = [int(mb) for mb in seen.split(" mb=")[1].split()[0].split(",")]
        assert sizes and all(0 < mb <= sandbox.TMPFS_BYTES // 2**20 for mb in sizes), seen
