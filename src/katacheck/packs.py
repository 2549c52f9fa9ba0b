"""Katas and kata packs: what a kata folder holds and how a pack lists its katas.

A kata is a folder whose name is the kata id (``03_adam``)::

    03_adam/
        kata.toml       title, order, hints, timeout, points; [en] title, hints, checks
        statement.md    the statement, in pt-BR Markdown
        statement.en.md the statement in English (and so on, one file per language)
        stub.py         what the learner starts from (marked with ``# TODO``)
        solution.py     the reference solution
        test_kata.py    the hidden tests, run against the learner's file
        CALIBRATION.md  how the thresholds of the tests were chosen (katas that train)

Text is written in pt-BR first. A kata translates it in its own folder: ``statement.<lang>.md``
and a ``[<lang>]`` table in ``kata.toml`` with the ``title``, the ``hints`` and the ``checks``
(test function name → check title; pt-BR titles are the tests' docstrings). Whatever a language
lacks falls back to pt-BR.

A pack is a folder of kata folders with a name; plugins return packs from the
``katacheck_packs`` hook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from katacheck._toml import tomllib
from katacheck.i18n import DEFAULT_LANGUAGE, language

__all__ = ["Kata", "KataFormatError", "KataPack"]

KATA_METADATA = "kata.toml"
KATA_ID = re.compile(r"^[0-9]{2}_[a-z0-9_]+$")

#: Seconds a kata's hidden tests may run, learner code included, when kata.toml says nothing.
DEFAULT_TIMEOUT = 60.0


class KataFormatError(ValueError):
    """A kata folder does not follow the kata format (a course author's mistake)."""


@dataclass(frozen=True)
class Kata:
    """One exercise of a pack, read from its folder."""

    id: str
    pack: str
    source_title: str
    order: int
    directory: Path
    source_hints: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT
    points: float = 1.0
    #: Language → ``{"title": ..., "hints": [...], "checks": {test name: title}}``.
    translations: dict[str, dict] = field(default_factory=dict, compare=False, repr=False)

    @property
    def title(self) -> str:
        """The title in the current language."""
        return self._translated().get("title") or self.source_title

    @property
    def hints(self) -> tuple[str, ...]:
        """The hints in the current language, from the gentlest nudge to nearly the answer."""
        return tuple(self._translated().get("hints") or self.source_hints)

    def check_title(self, test_name: str, default: str) -> str:
        """The title of check ``test_name`` in the current language (``default``: its docstring)."""
        return self._translated().get("checks", {}).get(test_name, default)

    def _translated(self) -> dict:
        return {} if language() == DEFAULT_LANGUAGE else self.translations.get(language(), {})

    @property
    def statement_path(self) -> Path:
        return self.directory / "statement.md"

    @property
    def stub_path(self) -> Path:
        return self.directory / "stub.py"

    @property
    def solution_path(self) -> Path:
        return self.directory / "solution.py"

    @property
    def tests_path(self) -> Path:
        return self.directory / "test_kata.py"

    @property
    def learner_filename(self) -> str:
        """The name of the learner's file in the workspace: ``<id>.py``."""
        return f"{self.id}.py"

    def statement(self) -> str:
        """The statement in the current language, as Markdown."""
        translated = self.directory / f"statement.{language()}.md"
        path = translated if language() != DEFAULT_LANGUAGE and translated.is_file() else self.statement_path
        return path.read_text(encoding="utf-8")

    @classmethod
    def from_directory(cls, directory: Path, pack: str) -> Kata:
        """Read a kata folder, checking that it has every file the format asks for."""
        kata_id = directory.name
        if not KATA_ID.match(kata_id):
            raise KataFormatError(f"{directory}: a kata id looks like '03_adam' (NN_name)")
        meta = _read_metadata(directory / KATA_METADATA)
        kata = cls(
            id=kata_id,
            pack=pack,
            source_title=_required(meta, "title", str, directory),
            order=_required(meta, "order", int, directory),
            directory=directory,
            source_hints=tuple(meta.get("hints", ())),
            timeout=float(meta.get("timeout", DEFAULT_TIMEOUT)),
            points=float(meta.get("points", 1.0)),
            translations={key: value for key, value in meta.items() if isinstance(value, dict)},
        )
        missing = [p.name for p in kata._files() if not p.is_file()]
        if missing:
            raise KataFormatError(f"{directory}: missing {', '.join(missing)}")
        return kata

    def _files(self) -> tuple[Path, ...]:
        return (self.statement_path, self.stub_path, self.solution_path, self.tests_path)


@dataclass(frozen=True)
class KataPack:
    """A named, ordered collection of katas living in one folder."""

    name: str
    directory: Path
    title: str = ""
    _katas: tuple[Kata, ...] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_directory(cls, name: str, directory: Path | str, *, title: str = "") -> KataPack:
        """A pack made of every kata folder (one holding a ``kata.toml``) in ``directory``."""
        return cls(name=name, directory=Path(directory), title=title or name)

    def katas(self) -> tuple[Kata, ...]:
        """The pack's katas in course order (read once, then kept)."""
        if self._katas is None:
            katas = sorted(
                (
                    Kata.from_directory(child, self.name)
                    for child in self.directory.iterdir()
                    if (child / KATA_METADATA).is_file()
                ),
                key=lambda kata: (kata.order, kata.id),
            )
            # A frozen dataclass still lets us cache through object.__setattr__.
            object.__setattr__(self, "_katas", tuple(katas))
        return self._katas  # type: ignore[return-value]

    def get(self, kata_id: str) -> Kata | None:
        """The kata with this id, or None."""
        return next((kata for kata in self.katas() if kata.id == kata_id), None)

    def ids(self) -> list[str]:
        return [kata.id for kata in self.katas()]


def _read_metadata(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KataFormatError(f"{path}: not found") from None
    except tomllib.TOMLDecodeError as error:
        raise KataFormatError(f"{path}: {error}") from None


def _required(meta: dict, key: str, kind: type, directory: Path):
    value = meta.get(key)
    if not isinstance(value, kind):
        raise KataFormatError(f"{directory / KATA_METADATA}: '{key}' must be a {kind.__name__}")
    return value
