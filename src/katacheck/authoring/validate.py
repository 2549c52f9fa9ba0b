"""``dev check``'s validation: what a kata folder must hold, as a table of rules.

Each rule reads one kata folder (:class:`KataFolder`) and yields a :class:`Problem` per mistake:
the file at fault and a Portuguese sentence saying what to fix. The pack-wide rules (one order
per kata, one section scheme, folders katacheck would not even see) read every folder at once.
Nothing here runs code: the runs are :mod:`katacheck.authoring.check`'s.

**Languages.** pt-BR is every pack's language. A pack declares another one (English: ``en``)
by translating any kata into it, with a ``statement.en.md`` or an ``[en]`` table in
``kata.toml``: from then on every kata of the pack must have it all in that language (the
statement, ``[en]``'s ``title``, three ``hints``, the ``section`` when the kata has one, and a
title in ``[en.checks]`` for each check). A pack that translates nothing is a pt-BR pack.

**Files.** A kata folder holds :data:`ALLOWED_FILES`, a ``statement.<lang>.md`` per language
katacheck speaks, and Python's ``__pycache__``; anything else ships to every learner for
nothing, or is a file in the wrong place, and is a problem.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from katacheck._toml import tomllib
from katacheck.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from katacheck.packs import KATA_METADATA, Kata, KataFormatError, KataPack

#: Every file a kata folder may hold besides its ``statement.<lang>.md`` (see the module docstring).
ALLOWED_FILES = frozenset({KATA_METADATA, "statement.md", "stub.py", "solution.py", "test_kata.py", "judge.py",
                           "CALIBRATION.md"})
#: Folders Python writes next to the files it imports.
ALLOWED_FOLDERS = frozenset({"__pycache__"})
#: The top-level fields of ``kata.toml``, and those a ``[<lang>]`` table translates, as
#: :mod:`katacheck.packs` reads them (it leaves any other key alone, so a typo goes unseen).
FIELDS = ("title", "order", "section", "hints", "timeout", "points")
TRANSLATED_FIELDS = ("title", "section", "hints", "checks")
#: A kata's hints go from a nudge to nearly the answer, in this many levels.
HINT_LEVELS = 3
#: The mark of what the learner must write, in every stub.
TODO = re.compile(r"#\s*TODO\b")
#: Files that make a folder a kata, if only it had a ``kata.toml``.
KATA_FILES = ("stub.py", "solution.py", "test_kata.py")


@dataclass(frozen=True)
class Problem:
    """One mistake in a pack: the file (or folder) at fault and what to fix, in words."""

    path: Path
    message: str


@dataclass(frozen=True)
class KataFolder:
    """One kata folder as validation reads it, even where katacheck itself would refuse it."""

    directory: Path
    #: The kata, or None when katacheck cannot read the folder (``error`` says why).
    kata: Kata | None
    error: KataFormatError | None = None
    #: ``kata.toml`` as parsed ({} when it does not parse).
    meta: dict = field(default_factory=dict)
    #: The pack's languages besides pt-BR (see the module docstring).
    languages: tuple[str, ...] = ()

    @property
    def toml(self) -> Path:
        return self.directory / KATA_METADATA

    def translation(self, language: str) -> dict:
        table = self.meta.get(language)
        return table if isinstance(table, dict) else {}


@dataclass(frozen=True)
class Rule:
    """``name``: what the rule checks; ``find``: the problems of one readable kata folder."""

    name: str
    find: Callable[[KataFolder], Iterator[Problem]]


# -- the rules of one kata -----------------------------------------------------------------------


def _fields(folder: KataFolder) -> Iterator[Problem]:
    """Keys of kata.toml that katacheck would silently ignore: a typo (``hint =``) loses a field."""
    for key, value in folder.meta.items():
        if key in FIELDS or (key in LANGUAGES and key != DEFAULT_LANGUAGE and isinstance(value, dict)):
            continue
        yield Problem(folder.toml, t("dev.check.unknown_field", field=key, fields=", ".join(FIELDS)))
    for language in folder.languages:
        for key in folder.translation(language):
            if key not in TRANSLATED_FIELDS:
                yield Problem(folder.toml, t("dev.check.unknown_field", field=f"{language}.{key}",
                                             fields=", ".join(TRANSLATED_FIELDS)))


def _hints(folder: KataFolder) -> Iterator[Problem]:
    levels = [("hints", folder.meta.get("hints", []))]
    levels += [(f"{lang}.hints", folder.translation(lang).get("hints")) for lang in folder.languages
               if "hints" in folder.translation(lang)]  # a missing translation is _translations's
    for name, hints in levels:
        if len(hints) != HINT_LEVELS:
            yield Problem(folder.toml, t("dev.check.hint_levels", field=name, count=len(hints), levels=HINT_LEVELS))


def _todo(folder: KataFolder) -> Iterator[Problem]:
    stub = folder.directory / "stub.py"
    if not TODO.search(stub.read_text(encoding="utf-8", errors="replace")):
        yield Problem(stub, t("dev.check.no_todo"))


def _statements(folder: KataFolder) -> Iterator[Problem]:
    for language in (DEFAULT_LANGUAGE, *folder.languages):
        path = folder.directory / _statement_name(language)
        if not path.is_file():
            yield Problem(path, t("dev.check.statement_missing", language=_language_name(language)))
        elif not path.read_text(encoding="utf-8", errors="replace").strip():
            yield Problem(path, t("dev.check.statement_empty"))


def _translations(folder: KataFolder) -> Iterator[Problem]:
    """Each declared language translates the title, the hints and, when there is one, the section."""
    wanted = ["title", "hints"] + (["section"] if "section" in folder.meta else [])
    for language in folder.languages:
        table = folder.translation(language)
        for name in wanted:
            if name not in table:
                yield Problem(folder.toml, t("dev.check.translation_missing", field=name, lang=language,
                                             language=_language_name(language)))


def _check_titles(folder: KataFolder) -> Iterator[Problem]:
    """Every check has a pt-BR title (its docstring) and one in each declared language."""
    tests = folder.directory / "test_kata.py"
    try:
        functions = test_functions(tests)
    except SyntaxError as error:
        yield Problem(tests, t("dev.check.tests_syntax", line=error.lineno or "?", error=error.msg))
        return
    if not functions:
        yield Problem(tests, t("dev.check.no_checks"))
    for name, docstring in functions.items():
        if not docstring:
            yield Problem(tests, t("dev.check.no_docstring", test=name))
    for language in folder.languages:
        titles = folder.translation(language).get("checks", {})
        for name in functions:
            if name not in titles:
                yield Problem(folder.toml, t("dev.check.check_title_missing", test=name, lang=language,
                                             language=_language_name(language)))
        for name in titles:
            if name not in functions:
                yield Problem(folder.toml, t("dev.check.check_title_stale", test=name, lang=language))


def _files(folder: KataFolder) -> Iterator[Problem]:
    statements = {_statement_name(language) for language in LANGUAGES}
    for entry in sorted(folder.directory.iterdir()):
        allowed = ALLOWED_FOLDERS if entry.is_dir() else ALLOWED_FILES | statements
        if entry.name not in allowed:
            yield Problem(entry, t("dev.check.unexpected_file", name=entry.name,
                                   allowed=", ".join(sorted(ALLOWED_FILES | statements | ALLOWED_FOLDERS))))


#: The rules of one kata folder, in the order their problems are listed.
RULES: tuple[Rule, ...] = (
    Rule("fields", _fields),
    Rule("hints", _hints),
    Rule("todo", _todo),
    Rule("statements", _statements),
    Rule("translations", _translations),
    Rule("check_titles", _check_titles),
    Rule("files", _files),
)


# -- the rules of the whole pack -----------------------------------------------------------------


def _unique_order(folders: list[KataFolder], pack: KataPack) -> Iterator[Problem]:
    first: dict[int, Kata] = {}
    for kata in (folder.kata for folder in folders if folder.kata is not None):
        if kata.order in first:
            yield Problem(kata.directory / KATA_METADATA, t("dev.check.order_taken", order=kata.order,
                                                             other=first[kata.order].id))
        else:
            first[kata.order] = kata


def _one_section_scheme(folders: list[KataFolder], pack: KataPack) -> Iterator[Problem]:
    """Sections are all or nothing: a kata without one, in a pack with sections, is listed apart."""
    readable = [folder for folder in folders if folder.kata is not None]
    if any(folder.kata.source_section for folder in readable):
        for folder in readable:
            if not folder.kata.source_section:
                yield Problem(folder.toml, t("dev.check.section_missing"))


def _unseen_folders(folders: list[KataFolder], pack: KataPack) -> Iterator[Problem]:
    """A folder with a kata's files but no kata.toml: katacheck never lists it."""
    for child in sorted(pack.directory.iterdir()):
        found = [name for name in KATA_FILES if (child / name).is_file()]
        if child.is_dir() and found and not (child / KATA_METADATA).is_file():
            yield Problem(child, t("dev.check.not_a_kata", files=", ".join(found)))


def _some_kata(folders: list[KataFolder], pack: KataPack) -> Iterator[Problem]:
    """A folder with no kata folder in it is not a pack (often the folder above the right one)."""
    if not folders:
        yield Problem(pack.directory, t("dev.check.no_katas"))


PACK_RULES: tuple[Callable[[list[KataFolder], KataPack], Iterator[Problem]], ...] = (
    _some_kata,
    _unique_order,
    _one_section_scheme,
    _unseen_folders,
)


# -- reading the pack ----------------------------------------------------------------------------


def read_folders(pack: KataPack) -> list[KataFolder]:
    """Every kata folder of ``pack`` (a folder holding a ``kata.toml``), in course order where
    katacheck can read it, the unreadable ones last."""
    directories = [child for child in sorted(pack.directory.iterdir()) if (child / KATA_METADATA).is_file()]
    metas = {directory: _meta(directory) for directory in directories}
    languages = pack_languages(directories, metas)
    folders = []
    for directory in directories:
        try:
            kata, error = Kata.from_directory(directory, pack.name), None
        except KataFormatError as found:
            kata, error = None, found
        folders.append(KataFolder(directory, kata, error, metas[directory], languages))
    return sorted(folders, key=lambda f: (f.kata is None, f.kata.order if f.kata else 0, f.directory.name))


def pack_languages(directories: list[Path], metas: dict[Path, dict]) -> tuple[str, ...]:
    """The languages besides pt-BR that any kata of the pack translates into (see the module docstring)."""
    return tuple(
        language for language in LANGUAGES
        if language != DEFAULT_LANGUAGE and any(
            (directory / _statement_name(language)).is_file() or isinstance(metas[directory].get(language), dict)
            for directory in directories)
    )


def validate(pack: KataPack, folders: list[KataFolder]) -> list[Problem]:
    """Every problem the rules find in ``folders`` (from :func:`read_folders`), folder by folder."""
    problems: list[Problem] = []
    for folder in folders:
        if folder.kata is None:
            # The rest would only repeat what katacheck's own reader refuses, or guess around it.
            problems.append(Problem(folder.error.path, str(folder.error.message)))
            continue
        for rule in RULES:
            problems.extend(rule.find(folder))
    for pack_rule in PACK_RULES:
        problems.extend(pack_rule(folders, pack))
    return problems


def test_functions(path: Path) -> dict[str, str]:
    """The checks of a ``test_kata.py``: each module-level ``test_*`` function → its docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {node.name: (ast.get_docstring(node) or "").strip() for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test")}


def _meta(directory: Path) -> dict:
    try:
        return tomllib.loads((directory / KATA_METADATA).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}  # Kata.from_directory says what is wrong with it


def _statement_name(language: str) -> str:
    return "statement.md" if language == DEFAULT_LANGUAGE else f"statement.{language}.md"


def _language_name(language: str) -> str:
    return t(f"dev.check.language.{language}")
