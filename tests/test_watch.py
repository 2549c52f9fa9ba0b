"""``katacheck watch`` as a learner uses it: a real pseudo-terminal, real saves, single keys.

Each session runs ``python -m katacheck watch`` in a fresh workspace made by ``katacheck next``
and reads its output as plain text (rich's escape codes removed). The katas are 01 and 02,
whose checks are quick. One xdist group: the sessions run one after another, so their kata
workers never compete for the same cores and the timings below hold.

The loop's own rule, one re-run however many saves arrive during a run, is also tested
directly with a verifier that waits to be released, so it does not depend on timing.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pexpect
import pytest

from conftest import REPO, run_katacheck
from katacheck.i18n import catalog
from katacheck.plugins import get_pack

pytestmark = pytest.mark.xdist_group("watch")

PT = catalog("pt_BR")
KATAS = REPO / "katas"
VARIANTS = Path(__file__).parent / "variants"
#: Escape sequences: CSI (styles, cursor moves) and OSC (titles, links).
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-B]")
#: The first line of a verdict, as render() writes it.
VERDICT = re.compile(r"([✔✘]) (\d\d_\w+) — ")


def _text(key: str, **params: object) -> str:
    """A catalog message as the terminal shows it: placeholders filled in, rich markup gone."""
    return re.sub(r"\[/?[a-z ]*\]", "", PT[key]).format(**params)


class Terminal:
    """A command in a pseudo-terminal, its output read as plain text (no escape codes)."""

    def __init__(self, command: str, args: list[str], cwd: Path) -> None:
        env = {**os.environ, "KATACHECK_WIDTH": "200", "NO_COLOR": "1", "TERM": "xterm",
               "KATACHECK_LANG": "pt_BR"}
        env.pop("WATCHFILES_FORCE_POLLING", None)  # each test says how it wants the folder watched
        self.process = pexpect.spawn(command, args, cwd=str(cwd), env=env, encoding="utf-8",
                                     dimensions=(50, 200), timeout=60)
        self.raw = ""
        self.position = 0  # where the next wait starts looking: each wait moves forward

    @property
    def text(self) -> str:
        return ANSI.sub("", self.raw).replace("\r", "")

    def wait_for(self, pattern: str, timeout: float = 40) -> re.Match:
        """Wait until ``pattern`` (a regex) appears after everything already waited for."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.text, self.position)
            if match:
                self.position = match.end()
                return match
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{pattern!r} never appeared; the terminal shows:\n{self.text[-4000:]}")
            try:
                self.raw += self.process.read_nonblocking(65536, timeout=min(remaining, 0.5))
            except pexpect.TIMEOUT:
                pass
            except pexpect.EOF:
                if not regex.search(self.text, self.position):
                    raise AssertionError(f"{pattern!r}: the process ended; it showed:\n{self.text[-4000:]}") from None

    def wait_for_text(self, text: str, timeout: float = 40) -> re.Match:
        return self.wait_for(re.escape(text), timeout)

    def verdict(self, kata: str, timeout: float = 40) -> str:
        """The mark (✔ or ✘) of the next verdict on ``kata``, once the keys line follows it."""
        match = self.wait_for(VERDICT.pattern, timeout)
        assert match.group(2) == kata, self.text[-3000:]
        return match.group(1)

    def press(self, key: str) -> None:
        self.process.send(key)

    def end(self, timeout: float = 20) -> int:
        """Wait for the process to exit; its exit status (for a shell's ``exit N``, N)."""
        self.process.expect(pexpect.EOF, timeout=timeout)
        self.raw += self.process.before or ""
        self.process.close()
        return self.process.exitstatus if self.process.exitstatus is not None else -self.process.signalstatus


def _workspace(tmp_path: Path) -> Path:
    result = run_katacheck("next", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path


def _progress(workspace: Path) -> dict:
    return json.loads(next((workspace / ".katacheck").glob("progres*.json")).read_text(encoding="utf-8"))


def _save(path: Path, text: str) -> None:
    """Save as an editor does: a new file renamed over the old one."""
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _slow(source: Path) -> str:
    """``source``'s code, two seconds slower to import: a run that a save cannot outpace."""
    return "import time\ntime.sleep(2)\n" + source.read_text(encoding="utf-8")


def _watch_in_shell(workspace: Path) -> Terminal:
    # Through a shell, so that after watch exits, `stty -a` shows the terminal as watch left it.
    script = f'"{sys.executable}" -m katacheck watch; code=$?; stty -a; exit $code'
    return Terminal("/bin/sh", ["-c", script], workspace)


def test_a_learner_session_saves_keys_and_the_next_kata(tmp_path):
    workspace = _workspace(tmp_path)
    first, second = workspace / "01_duas_camadas.py", workspace / "02_relu.py"
    term = _watch_in_shell(workspace)

    # It verifies the current kata at once, saying so while it runs.
    term.wait_for_text(_text("cli.watch.started", file=first.name, kata="01_duas_camadas"))
    term.wait_for_text(_text("cli.watch.running", kata="01_duas_camadas"))
    assert term.verdict("01_duas_camadas") == "✘"
    term.wait_for_text(_text("cli.watch.failed", file=first.name))

    # A wrong save: ✘ and the cause, at the learner's line.
    _save(first, (VARIANTS / "01_duas_camadas" / "tamanhos_trocados.py").read_text(encoding="utf-8"))
    assert term.verdict("01_duas_camadas") == "✘"
    term.wait_for(r"A camada 1 \(camada1\) é 10 → 1; a kata pede 10 → 5\.")
    term.wait_for(r"→ 01_duas_camadas\.py:\d+")
    term.wait_for_text(_text("cli.watch.failed", file=first.name))

    # n before the kata passes: not yet.
    term.press("n")
    term.wait_for_text(_text("cli.watch.next_locked", kata="01_duas_camadas"))

    # Saves while a run is going: one re-run after it, on the last save (every version here
    # takes two seconds to import, so both saves land during the first run).
    _save(first, _slow(VARIANTS / "01_duas_camadas" / "tamanhos_trocados.py"))
    term.wait_for_text(_text("cli.watch.running", kata="01_duas_camadas"))
    _save(first, _slow(VARIANTS / "01_duas_camadas" / "uma_camada.py"))
    time.sleep(0.4)
    _save(first, _slow(KATAS / "01_duas_camadas" / "solution.py"))
    # ✘, then the fix. A run whose file changes before its child compiles it stops at once and
    # is neither shown nor counted (the file as it is then is verified instead), so on a loaded
    # machine the first verdict may already be the fix, or a save may land in the re-run:
    # never more than one verdict per save.
    verdicts = [term.verdict("01_duas_camadas")]
    while verdicts[-1] != "✔" and len(verdicts) < 3:
        verdicts.append(term.verdict("01_duas_camadas"))
    assert verdicts[-1] == "✔", verdicts
    term.wait_for_text(_text("cli.watch.passed"))
    term.wait_for(r"Teclas:")
    assert VERDICT.search(term.text, term.position) is None

    # h: the next hint; l: the list.
    term.press("h")
    term.wait_for(r"Dica 1/3: Um modelo de duas camadas")
    term.wait_for_text(_text("cli.watch.hint_more"))
    term.press("l")
    term.wait_for(r"01_duas_camadas +│ Duas camadas lineares +│ ✔ concluída ←")
    term.wait_for_text(PT["cli.list.summary"].format(passed=1, total=len(get_pack("fundamentos").katas())))

    # n: the next kata's stub is written, its statement shown, and it is watched.
    term.press("n")
    term.wait_for_text(PT["cli.next.title"].format(kata="02_relu", title="Uma ReLU entre as camadas"))
    term.wait_for_text(_text("cli.watch.now_watching", file=second.name))
    assert term.verdict("02_relu") == "✘"
    assert second.read_text(encoding="utf-8") == (KATAS / "02_relu" / "stub.py").read_text(encoding="utf-8")
    broken = "import torch\nclass DuasCamadasReLU(\n"
    second.write_text(broken, encoding="utf-8")  # a plain write this time
    assert term.verdict("02_relu") == "✘"
    term.wait_for(r"erro de sintaxe na linha 2")

    # r: once more, the same file.
    term.press("r")
    term.wait_for_text(_text("cli.watch.running", kata="02_relu"))
    assert term.verdict("02_relu") == "✘"
    term.wait_for(r"Teclas:")

    # x, then anything but yes: nothing changes. x, then s: back to the stub, with a backup.
    term.press("x")
    term.wait_for_text(_text("cli.watch.reset.confirm", file=second.name))
    term.press("n")
    term.wait_for_text(_text("cli.watch.reset.kept", file=second.name))
    assert second.read_text(encoding="utf-8") == broken
    term.press("x")
    term.wait_for_text(_text("cli.watch.reset.confirm", file=second.name))
    term.press("s")
    term.wait_for(r"Cópia do seu arquivo guardada em \.katacheck/backups/02_relu-[\d-]+\.py\.")
    term.wait_for_text(PT["cli.reset.done"].format(file=second.name))
    assert term.verdict("02_relu") == "✘"
    term.wait_for(r"Teclas:")
    assert second.read_text(encoding="utf-8") == (KATAS / "02_relu" / "stub.py").read_text(encoding="utf-8")
    backups = list((workspace / ".katacheck" / "backups").glob("02_relu-*.py"))
    assert [b.read_text(encoding="utf-8") for b in backups] == [broken]

    # q: a goodbye, exit 0, and the terminal as it was (canonical mode, echo).
    term.press("q")
    term.wait_for_text(_text("cli.watch.bye"))
    assert term.end() == 0
    settings = term.text[term.position:]
    assert re.search(r"(?<!-)icanon", settings) and re.search(r"(?<![-\w])echo(?!\w)", settings), settings
    assert "Traceback" not in term.text

    # Each run was recorded once, as verify records it: no run twice, none lost.
    progress = _progress(workspace)
    assert progress["current"] == "02_relu"
    assert progress["passed"] == ["01_duas_camadas"]
    # 01: the stub, the wrong save, then one per verdict the three saves gave (2 on an idle
    # machine: the run they landed in, its one re-run). 02: the stub after n, the broken save,
    # r, the reset.
    assert progress["attempts"] == {"01_duas_camadas": 2 + len(verdicts), "02_relu": 4}
    assert progress["hints_revealed"] == {"01_duas_camadas": 1}


def test_ctrl_c_during_a_run_leaves_cleanly_and_keeps_the_progress(tmp_path):
    workspace = _workspace(tmp_path)
    learner = workspace / "01_duas_camadas.py"
    term = Terminal(sys.executable, ["-m", "katacheck", "watch", "--poll"], workspace)
    term.wait_for_text(_text("cli.watch.polling.option", ms=250))
    assert term.verdict("01_duas_camadas") == "✘"
    term.wait_for(r"Teclas:")

    # Polling sees a save too; this run is interrupted half-way and never recorded.
    _save(learner, _slow(KATAS / "01_duas_camadas" / "solution.py"))
    running = term.wait_for_text(_text("cli.watch.running", kata="01_duas_camadas")).end()
    time.sleep(0.5)
    term.process.sendintr()
    term.wait_for_text(_text("cli.watch.bye"))
    assert term.end() == 130
    assert "Traceback" not in term.text
    assert VERDICT.search(term.text, running) is None, "the interrupted run shows no verdict"
    assert _progress(workspace)["attempts"] == {"01_duas_camadas": 1}


def test_without_a_terminal_it_points_to_verify(tmp_path):
    workspace = _workspace(tmp_path)
    result = subprocess.run([sys.executable, "-m", "katacheck", "watch"], cwd=workspace, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert PT["cli.watch.no_tty"].split("(")[0].strip() in " ".join(result.stderr.split())
    assert "katacheck verify" in result.stderr
    assert "Traceback" not in result.stderr


# -- the loop's rules, without a terminal -----------------------------------------------------


class _HeldVerifier:
    """A verifier that records the file it was given and waits until the test releases it."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.release = threading.Semaphore(0)

    def __call__(self, kata, learner_file: Path):
        from katacheck.result import CheckResult, KataResult

        self.seen.append(learner_file.read_text(encoding="utf-8"))
        assert self.release.acquire(timeout=10)
        return KataResult(kata.id, kata.title, checks=(CheckResult("test_x", "x", "passed"),))


def _next_event(session, kind: str):
    event = session.events.get(timeout=10)
    assert event[0] == kind, event
    return event


def test_saves_during_a_run_give_exactly_one_rerun_on_the_last_save(tmp_path, pack):
    from katacheck.cli._watchloop import WatchSession
    from katacheck.workspace import Workspace

    workspace = Workspace.find(_workspace(tmp_path))
    kata = pack.get("01_duas_camadas")
    learner = workspace.learner_file(kata)
    verifier = _HeldVerifier()
    session = WatchSession(workspace, kata, verifier)
    session.request_run()
    for version in ("v2", "v3", "v4"):  # three saves while the first run is held
        _save(learner, version)
        time.sleep(0.01)  # a new modification time, however coarse the file system's clock
        session.handle(("changed", {learner}))
    assert session.rerun_pending
    verifier.release.release()
    session.handle(_next_event(session, "verdict"))  # the first verdict starts the one re-run
    assert session.running and not session.rerun_pending
    verifier.release.release()
    session.handle(_next_event(session, "verdict"))
    assert not session.running and session.passed
    assert verifier.seen[1:] == ["v4"] and len(verifier.seen) == 2
    assert _progress(workspace.root)["attempts"] == {"01_duas_camadas": 2}

    # An event for a file as it already was when its run was asked for starts nothing (our
    # own writes: the stub of n, the reset of x); a real save does.
    session.handle(("changed", {learner}))
    assert not session.running
    _save(learner, "v5")
    session.handle(("changed", {learner}))
    assert session.running
    verifier.release.release()
    session.handle(_next_event(session, "verdict"))
    assert verifier.seen[-1] == "v5"


class _ChangedThenPassing(_HeldVerifier):
    """The first run ends as a run whose file changed before its child compiled it."""

    def __call__(self, kata, learner_file: Path):
        from katacheck.result import Diagnosis, KataResult

        result = super().__call__(kata, learner_file)
        if len(self.seen) == 1:
            return KataResult(kata.id, kata.title, fatal=Diagnosis("mudou", code="fatal.source_changed"))
        return result


def test_a_run_whose_file_changed_before_it_began_is_neither_shown_nor_counted(tmp_path, pack, capsys):
    from katacheck.cli._watchloop import WatchSession
    from katacheck.workspace import Workspace

    workspace = Workspace.find(_workspace(tmp_path))
    kata = pack.get("01_duas_camadas")
    verifier = _ChangedThenPassing()
    session = WatchSession(workspace, kata, verifier)
    session.request_run()
    verifier.release.release()
    session.handle(_next_event(session, "verdict"))  # source changed: straight to a new run
    assert session.running
    assert _text("cli.watch.changed_while_running", file="01_duas_camadas.py") in " ".join(capsys.readouterr().out.split())
    verifier.release.release()
    session.handle(_next_event(session, "verdict"))
    assert session.passed and len(verifier.seen) == 2
    assert _progress(workspace.root)["attempts"] == {"01_duas_camadas": 1}


@pytest.mark.parametrize(("option", "environ", "release", "reason"), [
    (False, {}, "6.8.0-45-generic", None),
    (True, {}, "6.8.0-45-generic", "option"),
    (False, {}, "5.15.153.1-microsoft-standard-WSL2", "wsl"),
    (False, {}, "4.4.0-19041-Microsoft", "wsl"),  # WSL 1, which watchfiles' own check misses
    (False, {"WATCHFILES_FORCE_POLLING": "1"}, "6.8.0-45-generic", "environment"),
    (False, {"WATCHFILES_FORCE_POLLING": "false"}, "5.15.153.1-microsoft-standard-WSL2", None),
    (True, {"WATCHFILES_FORCE_POLLING": "false"}, "6.8.0-45-generic", "option"),
])
def test_when_the_folder_is_polled(option, environ, release, reason):
    from katacheck.cli.watch import polling_reason

    uname = platform.uname_result("Linux", "host", release, "#1", "x86_64")
    assert polling_reason(option, environ, uname) == reason


def test_watch_help_does_not_import_torch(tmp_path):
    probe = ("import sys\nfrom katacheck.cli import main\nsys.argv = ['katacheck', 'watch', '--help']\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print('HEAVY:', ','.join(m for m in ('torch', 'pytest', 'watchfiles') if m in sys.modules) or 'none')\n")
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "HEAVY: none"
    assert "--poll" in result.stdout
