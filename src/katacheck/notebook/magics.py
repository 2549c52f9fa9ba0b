"""The magics of ``%load_ext katacheck``: katas in Jupyter and Colab.

- ``%%katacheck KATA`` makes the cell's body the learner's file: it writes ``KATA.py`` into the
  workspace (so ``katacheck verify``, CI and ``grade`` see the same file) and verifies it
  exactly as ``katacheck verify KATA`` does (:mod:`katacheck.verifying`: the same child process,
  sandbox, judge, progress and hint schedule), then shows the verdict as HTML
  (:mod:`katacheck.render.html`). Nothing of the cell runs in the kernel: its names never reach
  the notebook, the notebook's never reach the check, and a hang or a crash of the child is a
  verdict while the kernel goes on answering.
- ``%katacheck next``, ``%katacheck hint [KATA]``, ``%katacheck list`` do what the commands do,
  on the same progress; ``%katacheck init DIR`` chooses the workspace.

This is the kernel's process, the parent's side: IPython is imported here (only ``%load_ext``
imports this module), torch never is.
"""

from __future__ import annotations

import contextlib
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.display import Markdown, display

from katacheck.errors import KatacheckError, NoCurrentKataError, UnknownKataError
from katacheck.i18n import t
from katacheck.notebook import place
from katacheck.notebook.course import kata_file_text
from katacheck.render.html import render_error, render_html, text_html

if TYPE_CHECKING:
    from katacheck.packs import Kata
    from katacheck.result import KataResult
    from katacheck.verifying import HintOffer
    from katacheck.workspace import Workspace

#: The katacheck commands the magic also has: a fix that names one is shown as the magic.
_MAGIC_COMMANDS = ("next", "hint", "list", "init")


def load(shell) -> None:
    """Register the magics on ``shell`` and start a worker, whose torch import then overlaps the
    learner's reading: the first check costs only the checks."""
    shell.register_magics(KatacheckMagics(shell, start=Path.cwd()))
    from katacheck.runner.parent import warm_up

    warm_up(1)


@magics_class
class KatacheckMagics(Magics):
    """``%%katacheck KATA`` and ``%katacheck next|hint|list|init``."""

    def __init__(self, shell, *, start: Path) -> None:
        super().__init__(shell)
        #: The folder the notebook runs in (Jupyter starts the kernel in the notebook's folder).
        self.start = start
        #: The folder ``%katacheck init`` chose, if any.
        self.chosen: Path | None = None
        #: What this kernel last wrote to each kata file: anything else there is kept in a backup
        #: before the cell replaces it (an edit made in a terminal is never lost).
        self._written: dict[Path, str] = {}

    # -- %%katacheck KATA -------------------------------------------------------------------

    @cell_magic("katacheck")
    def katacheck_cell(self, line: str, cell: str) -> None:
        """``%%katacheck KATA``: the cell is the kata's file; write it, verify it, show the verdict."""
        arguments = line.split()
        if len(arguments) != 1:
            _show_error(t("notebook.usage.cell"), "%%katacheck 01_duas_camadas")
            return
        with self._errors():
            workspace = self.workspace()
            kata = _resolve(workspace, arguments[0])
            self._write(workspace, kata, cell)
            result, offers = _verify(workspace, kata)
            display(NotebookReport(result, offers))

    def _write(self, workspace: Workspace, kata: Kata, cell: str) -> None:
        """Write the cell as the kata's file, and make the kata the current one (what the
        learner is working on, for ``%katacheck hint`` and ``katacheck verify``)."""
        from katacheck.workspace import write_atomically

        workspace.check_learner_file(kata)  # a folder or a link there: say what is wrong, touch nothing
        path = workspace.learner_file(kata)
        text = kata_file_text(cell)
        if path.is_file():
            before = path.read_text(encoding="utf-8")
            if before not in (text, self._written.get(path)):
                workspace.backup(path)
        write_atomically(path, text)
        self._written[path] = text
        with workspace.updating_progress() as progress:
            progress.current = kata.id

    # -- %katacheck COMMAND ------------------------------------------------------------------

    @line_magic("katacheck")
    def katacheck_line(self, line: str) -> None:
        """``%katacheck next``, ``hint [KATA]``, ``list``, ``init [DIR]``."""
        words = shlex.split(line)
        command, arguments = (words[0], words[1:]) if words else ("", [])
        actions = {"next": self._next, "hint": self._hint, "list": self._list, "init": self._init}
        if command not in actions or len(arguments) > 1:
            _show_error(t("notebook.usage.line"), "%katacheck next")
            return
        with self._errors():
            actions[command](*arguments)

    def _next(self) -> None:
        from katacheck.cli.next_ import advance

        workspace = self.workspace()
        kata = advance(workspace)
        if kata is None:
            display(Markdown(t("cli.next.all_done", total=len(workspace.pack.katas()))))
            return
        display(Markdown(f"## {kata.id} — {kata.title}\n\n{kata.statement()}"))
        source = f"%%katacheck {kata.id}\n{workspace.learner_file(kata).read_text(encoding='utf-8')}"
        edit = t("notebook.next.edit", kata=kata.id)
        _show(f"<div>{_escape(edit)}</div><pre>{_escape(source)}</pre>", f"{edit}\n\n{source}")
        # Jupyter opens the stub in a new cell below; a front end without it shows it above.
        self.shell.set_next_input(source, replace=False)

    def _hint(self, kata_id: str | None = None) -> None:
        workspace = self.workspace()
        kata_id = kata_id or workspace.load_progress().current
        if kata_id is None:
            raise NoCurrentKataError()
        kata = _resolve(workspace, kata_id)
        if not kata.hints:
            _show_text(t("cli.hint.none", kata=kata.id))
            return
        with workspace.updating_progress() as progress:  # the same count as `katacheck hint`
            revealed = progress.reveal_hint(kata.id, len(kata.hints))
        lines = [f'{t("cli.hint.label", number=n, total=len(kata.hints))} {hint}'
                 for n, hint in enumerate(kata.hints[:revealed], start=1)]
        _show(hints_html(kata, revealed), "\n".join(lines))

    def _list(self) -> None:
        from katacheck.cli.list_ import print_list

        print_list(self.workspace())  # rich draws its table as HTML in a notebook

    def _init(self, directory: str | None = None) -> None:
        from katacheck.builtin import PACK_NAME
        from katacheck.workspace import CONFIG_FILE, Workspace

        root = Path(directory).expanduser().resolve() if directory else place.default_root(self.start)
        if (root / CONFIG_FILE).is_file():
            message = t("notebook.init.exists", path=root)
        else:
            Workspace.create(root, PACK_NAME)
            message = t("notebook.init.created", path=root)
        self.chosen = root
        _show_text(message)

    # -- shared -------------------------------------------------------------------------------

    def workspace(self) -> Workspace:
        """The workspace of this notebook (:func:`katacheck.notebook.place.workspace`), in its
        language."""
        workspace, created = place.workspace(self.chosen, self.start)
        if created:
            _show_text(t("cli.init.created_short", path=workspace.root))
        place.use_language(workspace)
        return workspace

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """A usage error is shown as one, with what fixes it, never as a traceback."""
        try:
            yield
        except KatacheckError as error:
            _show_error(error.message, notebook_fix(error.fix))


def _resolve(workspace: Workspace, kata_id: str) -> Kata:
    kata = workspace.pack.get(kata_id)
    if kata is None:
        raise UnknownKataError(kata_id, workspace.pack.ids())
    return kata


def _verify(workspace: Workspace, kata: Kata) -> tuple[KataResult, list[HintOffer]]:
    """``katacheck verify KATA``: run, record, offer a hint after repeated failures."""
    from katacheck.runner.parent import stop_running, warm_up
    from katacheck.verifying import offer_hints, record, run_in_workspace

    warm_up(1)
    try:
        [result] = run_in_workspace(workspace, [kata])
    except KeyboardInterrupt:  # the notebook's interrupt button: the child stops now too
        stop_running()
        raise
    record(workspace, [result])
    offers = [] if result.passed else offer_hints(workspace, [result])
    return result, offers


def hints_html(kata: Kata, revealed: int) -> str:
    """The first ``revealed`` hints of ``kata``, each with its level, and what comes next."""
    lines = [f'<div><strong style="color: #9a6700">{_escape(t("cli.hint.label", number=number, total=len(kata.hints)))}'
             f"</strong> {text_html(hint)}</div>"
             for number, hint in enumerate(kata.hints[:revealed], start=1)]
    after = t("notebook.hint.more", kata=kata.id) if revealed < len(kata.hints) else t("cli.hint.last")
    lines.append(f'<div style="opacity: .65">{text_html(after)}</div>')
    return f'<div class="katacheck-hints">{"".join(lines)}</div>'


def notebook_fix(fix: str | None) -> str | None:
    """A fix that is a katacheck command the magic also has, written as the magic."""
    if fix and fix.startswith("katacheck ") and fix.split()[1:2] and fix.split()[1] in _MAGIC_COMMANDS:
        return "%" + fix
    return fix


def _escape(text: str) -> str:
    from html import escape

    return escape(text)


def _show(html: str, text: str) -> None:
    """Show ``html``, with ``text`` for front ends without HTML (IPython in a terminal)."""
    display({"text/html": html, "text/plain": text}, raw=True)


def _show_text(text: str) -> None:
    _show(f"<div>{_escape(text)}</div>", text)


def _show_error(message: str, fix: str | None) -> None:
    plain = f'{t("console.error_prefix")} {message}' + (f'\n  {t("console.fix_prefix")} {fix}' if fix else "")
    _show(render_error(message, fix), plain)


class NotebookReport:
    """A verdict as a notebook shows it: HTML, or the terminal's text where there is no HTML
    (IPython in a terminal, a notebook converted to text)."""

    def __init__(self, result: KataResult, offers: list[HintOffer]) -> None:
        self.result, self.offers = result, offers

    def _repr_html_(self) -> str:
        return render_html(self.result, offers=self.offers)

    def __repr__(self) -> str:
        import io

        from rich.console import Console

        from katacheck.render.report import render

        # render_text's console would see the kernel and display itself instead of writing:
        # inside Jupyter, rich draws to the notebook unless told it is not there.
        buffer = io.StringIO()
        Console(file=buffer, width=100, color_system=None, highlight=False, force_jupyter=False).print(render(self.result))
        return buffer.getvalue().rstrip()
