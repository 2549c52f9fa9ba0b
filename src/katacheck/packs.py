"""Katas and kata packs: what a kata folder holds and how a pack lists its katas.

A kata is a folder whose name is the kata id (``03_adam``)::

    03_adam/
        kata.toml       title, order, section, hints, timeout, points; [en] title, section, hints, checks
        statement.md    the statement, in pt-BR Markdown
        statement.en.md the statement in English (and so on, one file per language)
        stub.py         what the learner starts from (marked with ``# TODO``)
        solution.py     the reference solution
        test_kata.py    the hidden tests, run against the learner's file
        judge.py        the judge (optional): the kata's rule, recomputed from the tests' evidence
        CALIBRATION.md  how the thresholds of the tests were chosen (katas that train)

Text is written in pt-BR first. A kata translates it in its own folder: ``statement.<lang>.md``
and a ``[<lang>]`` table in ``kata.toml`` with the ``title``, the ``section``, the ``hints`` and
the ``checks`` (test function name → check title; pt-BR titles are the tests' docstrings).
Whatever a language lacks falls back to pt-BR.

A pack is a folder of kata folders with a name; plugins return packs from the
``katacheck_packs`` hook. Its katas come in course order (``order``), and ``section`` groups them
into the parts of the course (``katacheck list`` shows one heading per section). ``section`` is
optional: a pack whose katas name none (one written before sections existed) is one list without
headings, as it always was.

Anything in a kata folder that does not follow this format is a :class:`KataFormatError`
naming the file and the field: the CLI shows it as an error (exit code 2), not a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from katacheck._toml import tomllib
from katacheck.errors import (
    KatacheckError,
    toml_error_detail,
    toml_error_line,
    toml_value,
)
from katacheck.i18n import DEFAULT_LANGUAGE, language, normalize_language, t

__all__ = ["Kata", "KataFormatError", "KataPack"]

KATA_METADATA = "kata.toml"
KATA_ID = re.compile(r"^[0-9]{2}_[a-z0-9_]+$")

#: Seconds a kata's hidden tests may run, learner code included, when kata.toml says nothing.
DEFAULT_TIMEOUT = 60.0


class KataFormatError(KatacheckError, ValueError):
    """A kata folder does not follow the kata format (a course author's mistake).

    ``path`` is the file (or folder) at fault and ``field`` the ``kata.toml`` field, when there
    is one (``en.hints`` for a translated field). Still a ValueError, as it always was.
    """

    def __init__(self, path: Path, problem: str, field: str | None = None) -> None:
        where = t("error.kata_format.where_field", file=path, field=field) if field else str(path)
        super().__init__(t("error.kata_format", where=where, problem=problem),
                         fix=t("error.kata_format.fix", file=path.name))
        self.path = path
        self.field = field


@dataclass(frozen=True)
class Kata:
    """One exercise of a pack, read from its folder."""

    id: str
    pack: str
    source_title: str
    order: int
    directory: Path
    source_hints: tuple[str, ...] = ()
    #: The pt-BR section (``""``: the kata.toml names none).
    source_section: str = ""
    timeout: float = DEFAULT_TIMEOUT
    points: float = 1.0
    #: Language → ``{"title": ..., "hints": [...], "checks": {test name: title}}``.
    translations: dict[str, dict] = field(default_factory=dict, compare=False, repr=False)

    @property
    def title(self) -> str:
        """The title in the current language."""
        return self._translated().get("title") or self.source_title

    @property
    def section(self) -> str:
        """The part of the course this kata belongs to, in the current language.

        ``""`` when ``kata.toml`` has no ``section``: katas of packs written before sections
        existed belong to no section, and ``katacheck list`` shows them without a heading.
        """
        return self._translated().get("section") or self.source_section

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
    def judge_path(self) -> Path:
        """The kata's judge (optional): ``julgar(evidencias)`` over what its checks saw."""
        return self.directory / "judge.py"

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
            raise KataFormatError(directory, t("kata_format.bad_id"))
        path = directory / KATA_METADATA
        meta = _read_metadata(path)
        kata = cls(
            id=kata_id,
            pack=pack,
            source_title=_field(meta, "title", path, required=True),
            order=_field(meta, "order", path, required=True),
            directory=directory,
            source_hints=tuple(_field(meta, "hints", path, default=())),
            source_section=_field(meta, "section", path, default=""),
            timeout=float(_field(meta, "timeout", path, default=DEFAULT_TIMEOUT)),
            points=float(_field(meta, "points", path, default=1.0)),
            translations=_translations(meta, path),
        )
        missing = [p.name for p in kata._files() if not p.is_file()]
        if missing:
            raise KataFormatError(directory, t("kata_format.missing_files", files=", ".join(missing)))
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
            if not self.directory.is_dir():
                raise KataFormatError(self.directory, t("kata_format.no_pack_folder", pack=self.name))
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

    def sections(self) -> list[tuple[str, tuple[Kata, ...]]]:
        """The katas grouped by :attr:`Kata.section` (current language): the sections in the order
        of their first kata, each with its katas in course order. Katas without a section make a
        group named ``""`` (the whole pack, for a pack that names no sections)."""
        groups: dict[str, list[Kata]] = {}
        for kata in self.katas():
            groups.setdefault(kata.section, []).append(kata)
        return [(name, tuple(katas)) for name, katas in groups.items()]


def _read_metadata(path: Path) -> dict:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KataFormatError(path, t("kata_format.not_found")) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise KataFormatError(path, t("kata_format.encoding", line=data[: error.start].count(b"\n") + 1)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = toml_error_line(error, text) or "?"
        raise KataFormatError(path, t("kata_format.syntax", line=line, detail=toml_error_detail(error))) from None


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # `order = true` is not an order


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_text_list(value: object) -> bool:
    # A plain string would become a tuple of one-letter hints.
    return isinstance(value, list) and all(_is_text(item) for item in value)


def _is_check_titles(value: object) -> bool:
    return isinstance(value, dict) and all(_is_text(title) for title in value.values())


#: Field of kata.toml → (what its value must be, the catalog key that says so in words).
_FIELDS = {
    "title": (_is_text, "kata_format.kind.text"),
    "section": (_is_text, "kata_format.kind.text"),
    "order": (_is_integer, "kata_format.kind.integer"),
    "hints": (_is_text_list, "kata_format.kind.text_list"),
    "timeout": (lambda value: _is_number(value) and value > 0, "kata_format.kind.timeout"),
    "points": (lambda value: _is_number(value) and value >= 0, "kata_format.kind.points"),
    "checks": (_is_check_titles, "kata_format.kind.checks"),
}
#: The fields a ``[<lang>]`` table may translate.
_TRANSLATED = ("title", "section", "hints", "checks")


def _field(meta: dict, key: str, path: Path, *, required: bool = False, default=None, prefix: str = ""):
    """``meta[key]``, checked against :data:`_FIELDS`; ``default`` when absent and not required."""
    name = f"{prefix}{key}"
    check, kind = _FIELDS[key]
    if key not in meta:
        if required:
            raise KataFormatError(path, t("kata_format.required", kind=t(kind)), field=name)
        return default
    value = meta[key]
    if not check(value):
        raise KataFormatError(path, t("kata_format.wrong_type", kind=t(kind), value=toml_value(value)), field=name)
    return value


def _translations(meta: dict, path: Path) -> dict[str, dict]:
    """The ``[<lang>]`` tables, each field checked like the pt-BR one."""
    found = {}
    for key, value in meta.items():
        if key in _FIELDS:
            continue
        if not isinstance(value, dict):
            # Other stray keys are left alone (a newer katacheck may know them); a language that
            # is not a table would silently lose its whole translation.
            if normalize_language(key) is not None:
                raise KataFormatError(path, t("kata_format.not_a_table", lang=key, value=toml_value(value)), field=key)
            continue
        for name in _TRANSLATED:
            _field(value, name, path, prefix=f"{key}.")
        found[key] = value
    return found
