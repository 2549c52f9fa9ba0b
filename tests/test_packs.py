"""Kata packs come from plugins: the built-in one through the same hook as external ones."""

from __future__ import annotations

import contextlib
import json
import textwrap
from pathlib import Path

import pluggy
import pytest

import katacheck
from conftest import run_katacheck
from katacheck import hookspecs, plugins
from katacheck.errors import ExitCode, PackConflictError
from katacheck.i18n import language, set_language
from katacheck.packs import KataFormatError, KataPack

MINI_KATA = {
    "kata.toml": 'title = "Somar tensores"\norder = 1\ntimeout = 60\nhints = ["Use o operador +."]\n',
    "statement.md": "# Somar tensores\n\nDefina `somar(a, b)` que devolve `a + b`.\n",
    "stub.py": "def somar(a, b):\n    # TODO: devolva a soma\n    return a\n",
    "solution.py": "def somar(a, b):\n    return a + b\n",
    "test_kata.py": textwrap.dedent('''
        import torch
        from katacheck import checks

        def test_soma(learner):
            """somar(a, b) devolve a soma dos tensores."""
            somar = checks.require_attribute(learner, "somar")
            if not torch.equal(somar(torch.ones(2), torch.ones(2)), torch.full((2,), 2.0)):
                checks.fail("missing_definition", name="somar")
    '''),
}

PLUGIN = '''
from pathlib import Path
import katacheck
from katacheck.packs import KataPack

@katacheck.hookimpl
def katacheck_packs():
    return [KataPack.from_directory("mini", Path(__file__).parent / "mini_katas", title="Mini")]
'''


def _install_external_pack(site: Path) -> None:
    """A real distribution on sys.path: a module plus a dist-info with its entry point."""
    (site / "mini_pack.py").write_text(PLUGIN, encoding="utf-8")
    kata_dir = site / "mini_katas" / "01_somar"
    kata_dir.mkdir(parents=True)
    for name, text in MINI_KATA.items():
        (kata_dir / name).write_text(text, encoding="utf-8")
    info = site / "mini_pack-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: mini-pack\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[katacheck]\nmini = mini_pack\n", encoding="utf-8")


def test_an_external_pack_is_found_through_its_entry_point_and_verified(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    _install_external_pack(site)
    monkeypatch.delenv("KATACHECK_LOAD_PLUGINS")
    env = {"PYTHONPATH": str(site)}
    workspace = tmp_path / "ws"
    assert run_katacheck("init", "ws", "--pack", "mini", cwd=tmp_path, env=env).returncode == 0
    shown = run_katacheck("next", cwd=workspace, env=env)
    assert "Kata 01_somar: Somar tensores" in shown.stdout
    failing = run_katacheck("verify", cwd=workspace, env=env)
    assert failing.returncode == 1 and "✘ somar(a, b) devolve a soma dos tensores." in failing.stdout
    (workspace / "01_somar.py").write_text(MINI_KATA["solution.py"], encoding="utf-8")
    passing = run_katacheck("verify", cwd=workspace, env=env)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "✔ 01_somar — Somar tensores" in passing.stdout


def test_the_builtin_pack_is_registered_through_the_same_hook():
    manager = plugins.plugin_manager()
    implementers = [impl.plugin_name for impl in manager.hook.katacheck_packs.get_hookimpls()]
    assert "katacheck.builtin" in implementers
    assert "fundamentos" in plugins.packs()


def test_two_plugins_registering_one_pack_name_is_an_error_naming_both(monkeypatch):
    class Clone:
        @katacheck.hookimpl
        def katacheck_packs(self):
            return [KataPack.from_directory("fundamentos", "/nao/existe")]

    manager = plugins.plugin_manager()
    manager.register(Clone(), name="clone")
    plugins.packs.cache_clear()
    try:
        with pytest.raises(PackConflictError) as error:
            plugins.packs()
        assert "katacheck.builtin" in error.value.message and "clone" in error.value.message
    finally:
        manager.unregister(name="clone")
        plugins.packs.cache_clear()


def test_a_misspelled_hook_fails_loudly():
    class Typo:
        @katacheck.hookimpl
        def katacheck_pack(self):  # missing "s"
            return []

    manager = pluggy.PluginManager("katacheck")
    from katacheck import hookspecs

    manager.add_hookspecs(hookspecs)
    manager.register(Typo())
    with pytest.raises(pluggy.PluginValidationError):
        manager.check_pending()


# -- a malformed kata.toml: an author's error, named by file and field, exit code 2 -------------

VALID_META = 'title = "Somar tensores"\norder = 1\n'

BROKEN_META = {
    "toml syntax": ('title = "Somar tensores\norder = 1\n', None, "TOML inválido na linha 1"),
    "no title": ("order = 1\n", "title", "o campo é obrigatório e deve ser um texto não vazio entre aspas"),
    "no order": ('title = "Somar"\n', "order", "o campo é obrigatório e deve ser um número inteiro"),
    "order as text": ('title = "Somar"\norder = "1"\n', "order", 'deve ser um número inteiro, mas é "1"'),
    "order as bool": ('title = "Somar"\norder = true\n', "order", "deve ser um número inteiro, mas é true"),
    "hints as one text": (VALID_META + 'hints = "Use o operador +."\n', "hints",
                          'deve ser uma lista de textos, como ["primeira dica", "segunda dica"], mas é "Use o operador +."'),
    "hints of numbers": (VALID_META + "hints = [1, 2]\n", "hints", "mas é [1, 2]"),
    "timeout as text": (VALID_META + 'timeout = "60"\n', "timeout", 'um número de segundos maior que zero, mas é "60"'),
    "timeout zero": (VALID_META + "timeout = 0\n", "timeout", "um número de segundos maior que zero, mas é 0"),
    "negative points": (VALID_META + "points = -1\n", "points", "um número maior ou igual a zero, mas é -1"),
    "language not a table": (VALID_META + 'en = "Add tensors"\n', "en",
                             'deve ser uma tabela [en] com title, hints e checks traduzidos, mas é "Add tensors"'),
    "translated hints": (VALID_META + "[en]\nhints = [3]\n", "en.hints", "mas é [3]"),
    "translated checks": (VALID_META + "[en.checks]\ntest_soma = 1\n", "en.checks", "nome do teste → título"),
    "section as number": (VALID_META + "section = 1\n", "section", "deve ser um texto não vazio entre aspas, mas é 1"),
    "translated section": (VALID_META + '[en]\nsection = ""\n', "en.section", "um texto não vazio entre aspas"),
}


@pytest.fixture
def broken_pack(tmp_path):
    """Register a pack "quebrado" whose only kata is in tmp_path; write its kata.toml with it."""
    kata_dir = tmp_path / "katas" / "01_somar"
    kata_dir.mkdir(parents=True)
    for name, text in MINI_KATA.items():
        (kata_dir / name).write_text(text, encoding="utf-8")

    class Broken:
        @katacheck.hookimpl
        def katacheck_packs(self):
            return [KataPack.from_directory("quebrado", tmp_path / "katas")]

    manager = plugins.plugin_manager()
    manager.register(Broken(), name="quebrado")
    plugins.packs.cache_clear()
    try:
        yield kata_dir / "kata.toml"
    finally:
        manager.unregister(name="quebrado")
        plugins.packs.cache_clear()


@pytest.mark.parametrize("name", sorted(BROKEN_META))
def test_a_malformed_kata_toml_names_the_file_and_the_field(cli, tmp_path, broken_pack, name):
    meta, field, words = BROKEN_META[name]
    broken_pack.write_text(meta, encoding="utf-8")
    assert cli("init", "ws", "--pack", "quebrado").exit_code == 0
    result = cli("--workspace", "ws", "list")
    assert result.exit_code == ExitCode.USAGE_ERROR, result.output
    out = " ".join(result.output.split())
    where = f"{broken_pack}, campo `{field}`" if field else str(broken_pack)
    assert f"Erro: O pacote de katas tem um erro em {where}: " in out
    assert words in out
    assert "Para resolver: corrija kata.toml (o formato está no README do katacheck" in out


def test_kata_format_errors_are_still_value_errors(tmp_path, broken_pack):
    broken_pack.write_text("order = 1\n", encoding="utf-8")
    with pytest.raises(ValueError) as error:
        plugins.get_pack("quebrado").katas()
    assert isinstance(error.value, KataFormatError) and error.value.field == "title"
    assert error.value.path == broken_pack


def test_a_malformed_kata_toml_in_an_installed_pack_is_exit_2_not_a_traceback(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    _install_external_pack(site)
    (site / "mini_katas" / "01_somar" / "kata.toml").write_text('title = "Somar"\norder = 1\ntimeout = "muito"\n',
                                                               encoding="utf-8")
    env = {"PYTHONPATH": str(site), "KATACHECK_LOAD_PLUGINS": "mini"}
    assert run_katacheck("init", "ws", "--pack", "mini", cwd=tmp_path, env=env).returncode == 0
    result = run_katacheck("next", cwd=tmp_path / "ws", env=env)
    assert result.returncode == ExitCode.USAGE_ERROR
    assert "Traceback" not in result.stderr
    assert "campo `timeout`: deve ser um número de segundos maior que zero, mas é \"muito\"" in " ".join(result.stderr.split())


def test_load_plugins_accepts_an_installed_plugin_and_names_the_installed_ones_on_a_typo(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    _install_external_pack(site)
    env = {"PYTHONPATH": str(site)}
    good = run_katacheck("init", "ws", "--pack", "mini", cwd=tmp_path, env={**env, "KATACHECK_LOAD_PLUGINS": "mini"})
    assert good.returncode == 0, good.stderr
    typo = run_katacheck("list", cwd=tmp_path / "ws", env={**env, "KATACHECK_LOAD_PLUGINS": "mnii"})
    assert typo.returncode == ExitCode.USAGE_ERROR
    assert "'mnii' não está instalado (instalados: mini;" in " ".join(typo.stderr.split())


# -- hooks are called by argument name ------------------------------------------------------------


class FutureSpecs:
    """A katacheck_packs that gained an argument, as hookspecs.py allows."""

    @hookspecs.hookspec
    def katacheck_packs(self, workspace_root):
        """Return the kata packs that this plugin provides."""


def test_an_implementation_without_the_new_argument_still_works_and_one_with_it_gets_it():
    class Old:
        @katacheck.hookimpl
        def katacheck_packs(self):
            return ["antigo"]

    class New:
        @katacheck.hookimpl
        def katacheck_packs(self, workspace_root):
            return [f"novo em {workspace_root}"]

    manager = pluggy.PluginManager("katacheck")
    manager.add_hookspecs(FutureSpecs)
    manager.register(Old(), name="old")
    manager.register(New(), name="new")
    manager.check_pending()
    impls = {impl.plugin_name: impl for impl in manager.hook.katacheck_packs.get_hookimpls()}
    available = {"workspace_root": "/curso"}
    assert plugins.call_hookimpl(impls["old"], available) == ["antigo"]
    assert plugins.call_hookimpl(impls["new"], available) == ["novo em /curso"]
    with pytest.raises(TypeError):
        impls["new"].function()  # what calling without arguments did to such a plugin


# -- sections: the parts of the course ------------------------------------------------------------

#: The built-in pack's sections, in course order (issue 12): pt-BR and English.
COURSE_SECTIONS = [
    ("Fundamentos", "Fundamentals"),
    ("Autograd", "Autograd"),
    ("Modelos, perdas e otimizadores", "Models, losses and optimizers"),
    ("O laço de treino completo", "The complete training loop"),
]


def _kata_with(tmp_path: Path, kata_id: str, order: int, extra: str = "") -> None:
    kata_dir = tmp_path / "katas" / kata_id
    kata_dir.mkdir(parents=True)
    for name, text in MINI_KATA.items():
        (kata_dir / name).write_text(text, encoding="utf-8")
    (kata_dir / "kata.toml").write_text(f'title = "Kata {order}"\norder = {order}\n{extra}', encoding="utf-8")


@contextlib.contextmanager
def _in_language(name: str):
    previous = language()
    set_language(name, export=False)
    try:
        yield
    finally:
        set_language(previous, export=False)


def test_a_section_is_read_and_translated_like_the_title(tmp_path):
    _kata_with(tmp_path, "01_somar", 1, 'section = "Tensores"\n[en]\nsection = "Tensors"\n')
    _kata_with(tmp_path, "02_somar", 2, 'section = "Tensores"\n[en]\ntitle = "Kata 2"\n')
    first, second = KataPack.from_directory("mini", tmp_path / "katas").katas()
    assert first.section == second.section == "Tensores"
    with _in_language("en"):
        assert first.section == "Tensors"
        assert second.section == "Tensores", "a language without the section falls back to pt-BR"


def test_sections_group_the_katas_in_course_order_and_a_kata_without_one_has_none(tmp_path):
    _kata_with(tmp_path, "01_a", 1, 'section = "Base"\n')
    _kata_with(tmp_path, "03_c", 3, 'section = "Mais"\n')
    _kata_with(tmp_path, "02_b", 2, 'section = "Base"\n')
    _kata_with(tmp_path, "04_d", 4)  # an older kata.toml, without section
    sections = KataPack.from_directory("mini", tmp_path / "katas").sections()
    assert [(name, [kata.id for kata in katas]) for name, katas in sections] == [
        ("Base", ["01_a", "02_b"]), ("Mais", ["03_c"]), ("", ["04_d"])]


def test_a_pack_without_sections_is_one_group(tmp_path):
    _kata_with(tmp_path, "01_a", 1)
    _kata_with(tmp_path, "02_b", 2)
    pack = KataPack.from_directory("mini", tmp_path / "katas")
    assert [kata.section for kata in pack.katas()] == ["", ""]
    assert [(name, len(katas)) for name, katas in pack.sections()] == [("", 2)]


def test_the_builtin_pack_names_its_sections_in_course_order_in_both_languages():
    from katacheck.plugins import get_pack

    katas = get_pack("fundamentos").katas()
    by_language = {}
    for name in ("pt_BR", "en"):
        with _in_language(name):
            by_language[name] = [kata.section for kata in katas]
    pairs = list(zip(by_language["pt_BR"], by_language["en"]))
    assert all(pair in COURSE_SECTIONS for pair in pairs), pairs
    # Course order: the sections never go back (katas of a section are consecutive, in order).
    indices = [COURSE_SECTIONS.index(pair) for pair in pairs]
    assert indices == sorted(indices), pairs
    assert by_language["pt_BR"][:5] == ["Fundamentos"] * 5


def test_list_of_a_pack_without_sections_has_no_section_headings(cli, broken_pack):
    broken_pack.write_text(VALID_META, encoding="utf-8")  # a kata.toml written before sections
    assert cli("init", "ws", "--pack", "quebrado").exit_code == 0
    result = cli("--workspace", "ws", "list")
    assert result.exit_code == 0, result.output
    assert "01_somar" in result.output and "Seção" not in result.output
    rows = json.loads(cli("--workspace", "ws", "list", "--json").output)
    assert [(row["id"], row["section"]) for row in rows] == [("01_somar", "")]
