"""English is a complete second language: every message, every kata, the CLI end to end.

The ``.po`` files are read with Babel (the source); the runtime reads the compiled ``.mo`` files,
so a test also checks that each committed ``.mo`` is what Babel compiles from its ``.po``.
"""

from __future__ import annotations

import ast
import gettext
import io
import re
import string
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from rich.errors import StyleSyntaxError
from rich.style import Style

from conftest import run_katacheck
from katacheck.i18n import DEFAULT_LANGUAGE, LOCALE_DIR, catalog, language, set_language, t

LANGUAGES = ("pt_BR", "en")

#: Keys whose text is the same in both languages because it holds nothing to translate: only
#: placeholders, symbols, the unit "s" and "kata" (the same word in English and Portuguese).
#: ``test_language_neutral_keys_really_are_neutral`` keeps this list honest.
LANGUAGE_NEUTRAL = {
    "cli.next.title",  # "Kata {kata}: {title}"
    "cli.list.title",  # "Katas — {pack}"
    "cli.list.col.kata",  # "Kata"
    "report.kata_label",  # "kata {kata} — {title}"
    "report.seconds",  # "{seconds} s"
    "report.check_label",  # "{kata} — {check}"
    "report.summary.col.kata",  # "Kata"
}
NEUTRAL_WORDS = {"kata", "katas", "s"}

#: Something that looks like a rich markup tag: ``[bold]``, ``[bold cyan]``, ``[/bold]``, ``[/]``.
#: Only the ones whose name rich parses as a style are markup; ``[lote]`` or ``[batch]`` is text.
MARKUP_TAG = re.compile(r"\[(/?)([a-z][a-z ]*)?\]")
PERCENT_FIELD = re.compile(r"%\((\w+)\)[sd]")


def _po(language: str, domain: str = "katacheck"):
    with (LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
        return read_po(handle)


def _texts(language: str) -> dict[str, str]:
    return {message.id: message.string for message in _po(language) if message.id}


@pytest.fixture(scope="module")
def texts() -> dict[str, dict[str, str]]:
    return {lang: _texts(lang) for lang in LANGUAGES}


def _fields(text: str) -> list[tuple[str, str | None, str]]:
    """Every ``str.format`` field (name, conversion, spec) and ``%(name)s`` field, sorted."""
    fields = [(name, conversion, spec or "") for _, name, spec, conversion in string.Formatter().parse(text)
              if name is not None]
    fields += [(f"%{name}", None, "") for name in PERCENT_FIELD.findall(text)]
    return sorted(fields, key=repr)


def _is_style(name: str) -> bool:
    try:
        Style.parse(name)
    except StyleSyntaxError:
        return False
    return bool(name)


def _markup(text: str) -> list[str]:
    """The rich tags of ``text`` in order; fails when they don't open and close in pairs."""
    tags, open_tags = [], []
    for match in MARKUP_TAG.finditer(text):
        closing, name = match.group(1), (match.group(2) or "").strip()
        if not _is_style(name) and not (closing and not name):
            continue
        tags.append(match.group(0))
        if not closing:
            open_tags.append(name)
            continue
        assert open_tags, f"{match.group(0)} closes nothing in {text!r}"
        opened = open_tags.pop()
        assert not name or name == opened, f"{match.group(0)} closes [{opened}] in {text!r}"
    assert not open_tags, f"[{open_tags[-1]}] is never closed in {text!r}"
    return tags


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch):
    """Messages in English during the test; the previous language (and environment) after."""
    previous = language()
    monkeypatch.setenv("KATACHECK_LANG", previous)  # restored by monkeypatch after the test
    set_language("en")
    yield
    set_language(previous)


# -- the message catalogs --------------------------------------------------------------------


def test_both_languages_have_the_same_keys_each_with_a_text(texts):
    pt, en = texts["pt_BR"], texts["en"]
    assert len(pt) > 100, "the pt-BR catalog was read"
    assert sorted(pt.keys() - en.keys()) == [], "keys with no English entry"
    assert sorted(en.keys() - pt.keys()) == [], "keys with no pt-BR entry"
    for lang, messages in texts.items():
        assert sorted(key for key, text in messages.items() if not text.strip()) == [], f"empty {lang} texts"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_key_is_defined_twice(lang):
    # Babel keeps the first of two entries with the same msgid and drops the other silently.
    po = (LOCALE_DIR / lang / "LC_MESSAGES" / "katacheck.po").read_text(encoding="utf-8")
    keys = re.findall(r'^msgid "(.+)"$', po, flags=re.MULTILINE)
    assert len(keys) > 100
    assert sorted({key for key in keys if keys.count(key) > 1}) == []


def test_placeholders_are_the_same_in_both_languages(texts):
    for key, text in texts["pt_BR"].items():
        assert _fields(texts["en"].get(key, "")) == _fields(text), key


def test_rich_markup_is_balanced_and_the_same_in_both_languages(texts):
    for key, text in texts["pt_BR"].items():
        assert _markup(texts["en"].get(key, "")) == _markup(text), key


def test_code_spans_and_newlines_match_between_languages(texts):
    for key, text in texts["pt_BR"].items():
        english = texts["en"].get(key, "")
        assert english.count("`") == text.count("`"), key
        assert english.count("\n\n") == text.count("\n\n"), key


@pytest.mark.parametrize("domain, lang", [("katacheck", "pt_BR"), ("katacheck", "en"), ("click", "pt_BR")])
def test_compiled_mo_is_in_sync_with_its_po(domain, lang):
    compiled = io.BytesIO()
    write_mo(compiled, _po(lang, domain))
    compiled.seek(0)
    expected = gettext.GNUTranslations(compiled)._catalog
    mo = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.mo"
    with mo.open("rb") as handle:
        committed = gettext.GNUTranslations(handle)._catalog
    assert len(expected) > 10, "the .po was read"
    stale = sorted(key for key in expected.keys() | committed.keys() if expected.get(key) != committed.get(key))
    assert stale == [], f"{mo} is stale: run `uv run pybabel compile -d src/katacheck/locale -D {domain}`"


def test_switching_to_english_changes_every_message():
    pt, en = catalog("pt_BR"), catalog("en")
    assert len(en) == len(pt) > 100
    unchanged = sorted(key for key in pt if en.get(key) == pt[key] and key not in LANGUAGE_NEUTRAL)
    assert unchanged == [], "these messages are still in Portuguese in English"


def test_language_neutral_keys_really_are_neutral(texts):
    for key in LANGUAGE_NEUTRAL:
        text = texts["pt_BR"][key]
        assert texts["en"][key] == text, key
        words = set(re.findall(r"[^\W\d_]+", re.sub(r"\{[^}]*\}", "", text).lower()))
        assert words <= NEUTRAL_WORDS, f"{key}: {sorted(words - NEUTRAL_WORDS)} can be translated"


def test_t_formats_every_message_in_english(english, texts):
    for key, text in texts["pt_BR"].items():
        params = {name: f"<{name}>" for name, _, _ in _fields(text) if not name.startswith("%")}
        assert key in texts["en"], key
        shown = t(key, **params)
        expected = texts["en"][key].format(**params) if params else texts["en"][key]
        assert shown == expected, key
        for value in params.values():
            assert value in shown, key


# -- the kata content --------------------------------------------------------------------------


def _test_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_")]


def _headings(markdown: str) -> list[str]:
    # The statement's outline: heading levels and code fences, outside code blocks.
    return [line.split(" ")[0] for line in markdown.splitlines() if line.startswith(("#", "```"))]


def test_every_kata_is_translated_into_english(pack):
    katas = pack.katas()
    assert len(katas) >= 5
    for kata in katas:
        en = kata.translations.get("en", {})
        assert isinstance(en.get("title"), str) and en["title"].strip(), kata.id
        assert en["title"] != kata.source_title, kata.id
        hints = en.get("hints", [])
        assert len(hints) == len(kata.source_hints) > 0, kata.id
        assert all(h.strip() and h != pt for h, pt in zip(hints, kata.source_hints)), kata.id
        tests = _test_functions(kata.tests_path)
        assert tests, kata.id
        checks = en.get("checks", {})
        assert sorted(checks) == sorted(tests), f"{kata.id}: [en.checks] must name every test_* function"
        assert all(isinstance(title, str) and title.strip() for title in checks.values()), kata.id
        statement = kata.directory / "statement.en.md"
        assert statement.is_file(), kata.id
        english_text = statement.read_text(encoding="utf-8")
        assert english_text != kata.statement_path.read_text(encoding="utf-8"), kata.id
        assert _headings(english_text) == _headings(kata.statement_path.read_text(encoding="utf-8")), kata.id


def test_switching_to_english_switches_the_kata_content(pack, english):
    for kata in pack.katas():
        en = kata.translations["en"]
        assert kata.title == en["title"]
        assert kata.hints == tuple(en["hints"])
        assert kata.statement() == (kata.directory / "statement.en.md").read_text(encoding="utf-8")
        for name, title in en["checks"].items():
            assert kata.check_title(name, "docstring") == title
    set_language(DEFAULT_LANGUAGE)
    kata = pack.katas()[0]
    assert kata.title == kata.source_title
    assert kata.statement() == kata.statement_path.read_text(encoding="utf-8")


# -- end to end: a learner's real command --------------------------------------------------------


def test_help_in_english_with_lang_option(tmp_path):
    result = run_katacheck("--lang", "en", "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    english, portuguese = catalog("en"), catalog("pt_BR")
    assert "Usage:" in out and "Options:" in out and "Show this message and exit." in out
    assert "Uso:" not in out and "Opções" not in out
    assert english["cli.help"].splitlines()[0] in out
    assert f"{english['cli.commands']}:" in out
    # The top-level commands' (cli.<command>.short); katacheck dev lists its own (cli.dev.<name>.short).
    shorts = [key for key in english if key.startswith("cli.") and key.endswith(".short") and key.count(".") == 2]
    assert len(shorts) >= 7
    for key in shorts:
        assert english[key] in out, key
        assert portuguese[key] not in out, key
    assert portuguese["cli.help"].splitlines()[0] not in out


def test_next_in_english_with_the_environment_variable(tmp_path, pack, monkeypatch):
    result = run_katacheck("next", cwd=tmp_path, env={"KATACHECK_LANG": "en"})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    kata = pack.katas()[0]
    assert kata.translations["en"]["title"] in out
    assert kata.source_title not in out
    english_statement = (kata.directory / "statement.en.md").read_text(encoding="utf-8")
    portuguese_statement = kata.statement_path.read_text(encoding="utf-8")
    sections = [line.lstrip("# ") for line in english_statement.splitlines() if line.startswith("## ")]
    assert sections and all(section in out for section in sections)
    assert not any(line.lstrip("# ") in out for line in portuguese_statement.splitlines() if line.startswith("## "))
    assert catalog("en")["cli.init.created_short"].split("{")[0] in out
    assert catalog("pt_BR")["cli.init.created_short"].split("{")[0] not in out


def test_workspace_lang_setting_makes_list_english(tmp_path, pack, monkeypatch):
    monkeypatch.delenv("KATACHECK_LANG", raising=False)  # only the workspace chooses
    from katacheck.builtin import PACK_NAME

    (tmp_path / "katacheck.toml").write_text(f'pack = "{PACK_NAME}"\nlang = "en"\n', encoding="utf-8")
    result = run_katacheck("list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    english, portuguese = catalog("en"), catalog("pt_BR")
    for kata in pack.katas():
        assert kata.translations["en"]["title"] in out, kata.id
        assert kata.source_title not in out, kata.id
    for key in ("cli.list.col.title", "cli.list.col.status", "status.locked", "pack.fundamentos"):
        assert english[key] in out, key
        assert portuguese[key] not in out, key
    assert english["cli.list.summary"].format(passed=0, total=len(pack.katas())) in out
