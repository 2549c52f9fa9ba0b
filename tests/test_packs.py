"""Kata packs come from plugins: the built-in one through the same hook as external ones."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pluggy
import pytest

import katacheck
from conftest import run_katacheck
from katacheck import plugins
from katacheck.errors import PackConflictError
from katacheck.packs import KataPack

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
