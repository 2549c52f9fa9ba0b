"""``katacheck dev check`` catches what a course author gets wrong, and accepts a sound pack.

Each mistake is made in a copy of the README's example pack (``tests/example_pack``), except
the flaky threshold: ``tests/dev_packs/sementes`` is a test-only pack whose hidden test reads
``KATACHECK_SEED`` itself (katacheck does not derive the tests' seeds from it yet), with a
threshold set, on purpose, between what two seeds give.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "tests" / "example_pack"
SEEDS_PACK = REPO / "tests" / "dev_packs" / "sementes"
KATA = "01_classificar"


def flat(text: str) -> str:
    """The output on one line: rich wraps long messages at the console's width."""
    return " ".join(text.split())


def row(output: str, kata_id: str) -> list[str]:
    """The cells of ``kata_id``'s line of the table."""
    line = next(line for line in output.splitlines() if f" {kata_id} " in line)
    return [cell.strip() for cell in line.strip("│ ").split("│")]


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """A copy of the example pack, ``pacote/``, in the folder the command runs in."""
    copy = tmp_path / "pacote"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def dev_check(cli, pack: Path, *options: str):
    return cli("dev", "check", "--pack", str(pack), "--jobs", "2", *options)


PROBE = """
import sys
from katacheck.cli import main
sys.argv = ["katacheck", *{args!r}]
try:
    main()
except SystemExit:
    pass
heavy = sorted(m for m in ("torch", "pytest", "numpy") if m in sys.modules)
print("HEAVY:", ",".join(heavy) or "none")
"""


@pytest.mark.parametrize("args", [["dev", "--help"], ["dev", "check", "--help"]])
def test_dev_help_imports_no_torch(tmp_path: Path, args: list[str]) -> None:
    found = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], cwd=tmp_path, capture_output=True,
                           text=True, timeout=60)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip().splitlines()[-1] == "HEAVY: none", found.stdout
    assert ("check" if args == ["dev", "--help"] else "--seeds") in found.stdout


def test_the_example_pack_is_clean(cli) -> None:
    result = dev_check(cli, EXAMPLE)
    assert result.exit_code == 0, result.output
    assert row(result.output, KATA) == [KATA, "✔", "✔", "·", "—"], result.output
    assert "O pacote example_pack está pronto: 1 kata(s), 2 execuções" in flat(result.output)


def test_a_solution_that_fails(cli, pack: Path) -> None:
    kata = pack / KATA
    shutil.copyfile(kata / "stub.py", kata / "solution.py")  # softmax before CrossEntropyLoss
    result = dev_check(cli, pack)
    assert result.exit_code == 1, result.output
    assert row(result.output, KATA)[1:3] == ["✔", "✘"], result.output
    text = flat(result.output)
    assert f"✘ pacote/{KATA}/solution.py A solução de referência não passa: «A perda recebe logits, não " \
           "probabilidades.» falhou:" in text, result.output
    assert "1 problema(s) no pacote pacote" in text


def test_a_stub_that_already_passes(cli, pack: Path) -> None:
    kata = pack / KATA
    solution = (kata / "solution.py").read_text(encoding="utf-8")
    (kata / "stub.py").write_text(solution.replace("    def forward", "    # TODO: nada\n    def forward"),
                                  encoding="utf-8")
    result = dev_check(cli, pack)
    assert result.exit_code == 1, result.output
    assert row(result.output, KATA)[1:3] == ["✘", "✔"], result.output
    assert f"✘ pacote/{KATA}/stub.py O esboço já passa em todas as verificações, então não há nada a fazer" \
        in flat(result.output), result.output


def test_a_flaky_threshold(cli) -> None:
    result = dev_check(cli, SEEDS_PACK, "--seeds", "2")
    assert result.exit_code == 1, result.output
    assert row(result.output, "01_limiar_apertado") == ["01_limiar_apertado", "✔ 2/2", "✘ 1/2", "·", "sim: solução"]
    text = flat(result.output)
    assert "dev check — sementes (2 sementes)" in text
    assert "01_limiar_apertado/solution.py A solução passa com a(s) semente(s) 1, mas não com 0: «O treino reduz " \
           "a perda.» falhou:" in text, result.output
    assert "(razão 0.175; o máximo aceito é 0.16)" in text
    assert "Um limite apertado demais no test_kata.py?" in text


def test_one_seed_measures_no_flakiness(cli) -> None:
    """With seed 0 alone the same solution just fails: nothing to compare it with."""
    result = dev_check(cli, SEEDS_PACK)
    assert result.exit_code == 1, result.output
    assert row(result.output, "01_limiar_apertado")[1:] == ["✔", "✘", "·", "—"], result.output
    assert "A solução de referência não passa: «O treino reduz a perda.» falhou" in flat(result.output)


def test_a_missing_translation(cli, pack: Path) -> None:
    kata = pack / KATA
    (kata / "statement.en.md").unlink()
    toml = kata / "kata.toml"
    toml.write_text(re.sub(r"test_perda_diminui = .*\n", "", toml.read_text(encoding="utf-8")), encoding="utf-8")
    result = dev_check(cli, pack)
    assert result.exit_code == 1, result.output
    text = flat(result.output)
    assert f"✘ pacote/{KATA}/statement.en.md Falta o enunciado em inglês: o pacote tem katas em inglês" in text
    assert f"✘ pacote/{KATA}/kata.toml Falta o título em inglês da verificação `test_perda_diminui`. Acrescente " \
           "`test_perda_diminui = \"…\"` à tabela `[en.checks]`." in text, result.output
    assert "2 problema(s)" in text


def test_a_missing_todo(cli, pack: Path) -> None:
    stub = pack / KATA / "stub.py"
    stub.write_text(re.sub(r" *# TODO.*\n", "", stub.read_text(encoding="utf-8")), encoding="utf-8")
    result = dev_check(cli, pack)
    assert result.exit_code == 1, result.output
    assert f"✘ pacote/{KATA}/stub.py O esboço não tem nenhum comentário `# TODO`." in flat(result.output)
    assert row(result.output, KATA)[1:3] == ["✔", "✔"], "the stub still fails as it must"


def test_the_other_rules_and_the_variants(cli, pack: Path) -> None:
    """One pack with one mistake of each other kind, and variants right and wrong."""
    first = pack / KATA
    toml = first / "kata.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text('dificuldade = 2\n'  # a field katacheck ignores; and 2 hints
                    + text.replace('    "Tire o torch.softmax do forward e devolva self.camada(x).",\n', ""),
                    encoding="utf-8")
    (first / "notas.txt").write_text("rascunho\n", encoding="utf-8")
    second = pack / "02_copia"
    shutil.copytree(first, second)
    (second / "notas.txt").unlink()
    shutil.copyfile(EXAMPLE / KATA / "kata.toml", second / "kata.toml")  # order = 1 again
    with (second / "kata.toml").open("a", encoding="utf-8") as extra:
        extra.write('\n[en.checks.extra]\n')  # not a title: katacheck itself refuses it
    tests = second / "test_kata.py"
    tests.write_text(tests.read_text(encoding="utf-8").replace('    """O treino reduz a perda."""\n', ""),
                     encoding="utf-8")
    (pack / "03_rascunho").mkdir()
    (pack / "03_rascunho" / "stub.py").write_text("# TODO\n", encoding="utf-8")
    variants = pack / "variants" / KATA
    variants.mkdir(parents=True)
    solution, stub = (first / "solution.py").read_text(encoding="utf-8"), (first / "stub.py").read_text(encoding="utf-8")
    (variants / "logits.py").write_text("# expect: pass\n" + solution, encoding="utf-8")
    (variants / "softmax.py").write_text("# expect: softmax_before_cross_entropy\n" + stub, encoding="utf-8")
    (variants / "errada.py").write_text("# expect: pass\n" + stub, encoding="utf-8")
    (variants / "sem_cabecalho.py").write_text(solution, encoding="utf-8")
    (pack / "variants" / "99_nada").mkdir()
    (pack / "variants" / "99_nada" / "x.py").write_text("# expect: pass\n", encoding="utf-8")

    result = dev_check(cli, pack)
    assert result.exit_code == 1, result.output
    output = flat(result.output)
    assert row(result.output, KATA) == [KATA, "✔", "✔", "✘ 2/3", "—"], result.output
    assert row(result.output, "02_copia") == ["02_copia", "!", "!", "!", "—"], result.output
    expected = [
        (f"pacote/{KATA}/kata.toml", "O campo `dificuldade` não existe no formato de kata"),
        (f"pacote/{KATA}/kata.toml", "`hints` tem 2 dica(s), e as dicas vêm em 3 níveis"),
        (f"pacote/{KATA}/notas.txt", "`notas.txt` não faz parte de uma kata"),
        ("pacote/02_copia/kata.toml", "O pacote de katas tem um erro em"),
        ("pacote/03_rascunho", "A pasta tem arquivos de kata (stub.py) mas não tem kata.toml"),
        ("pacote/variants/99_nada", "Esta pasta de variantes não tem o nome de nenhuma kata do pacote (99_nada)"),
        (f"pacote/variants/{KATA}/sem_cabecalho.py", "A primeira linha de uma variante diz o veredito"),
        (f"pacote/variants/{KATA}/errada.py",
         "A variante declara `# expect: pass`, mas falhou com `softmax_before_cross_entropy`."),
    ]
    for path, message in expected:
        assert f"✘ {path} {message}" in output, f"{path}: {message}\n{result.output}"
    assert f"{len(expected)} problema(s)" in output, result.output


def test_order_docstrings_sections_and_stale_titles(cli, pack: Path) -> None:
    """The rules that need two readable katas: unique order, one section scheme; and check titles."""
    first, second = pack / KATA, pack / "02_copia"
    shutil.copytree(first, second)
    toml = second / "kata.toml"
    toml.write_text('section = "Base"\n' + toml.read_text(encoding="utf-8") + 'test_velho = "Gone."\n',
                    encoding="utf-8")
    tests = second / "test_kata.py"
    tests.write_text(tests.read_text(encoding="utf-8").replace('    """O treino reduz a perda."""\n', ""),
                     encoding="utf-8")
    result = dev_check(cli, pack)
    assert result.exit_code == 1, result.output
    output = flat(result.output)
    expected = [
        ("pacote/02_copia/kata.toml", "Falta `section` na tabela `[en]`"),
        ("pacote/02_copia/test_kata.py", "A verificação `test_perda_diminui` não tem docstring"),
        ("pacote/02_copia/kata.toml", "`[en.checks]` dá título a `test_velho`, que não é uma verificação"),
        ("pacote/02_copia/kata.toml", "`order = 1` repete a ordem da kata 01_classificar"),
        (f"pacote/{KATA}/kata.toml", "Falta `section`: as outras katas do pacote dizem a que parte do curso"),
    ]
    for path, message in expected:
        assert f"✘ {path} {message}" in output, f"{path}: {message}\n{result.output}"
    assert f"{len(expected)} problema(s)" in output, result.output


def test_ci_runs_dev_check_over_the_built_in_pack(cli) -> None:
    """Every built-in kata validates, every stub fails and every solution passes, with one seed.

    Without the variants: tests/test_variants.py runs every one of them already, and asserts
    more of each (the message and hint of its diagnosis); running them twice would cost the
    suite about 160 s of its 2 cores (measured: 185 s with them, two jobs).
    """
    from katacheck.plugins import get_pack

    ids = get_pack("fundamentos").ids()
    result = cli("dev", "check", "--jobs", "2", "--no-variants")
    assert result.exit_code == 0, result.output
    for kata_id in ids:
        assert row(result.output, kata_id) == [kata_id, "✔", "✔", "não rodadas", "—"], result.output
    assert f"O pacote fundamentos está pronto: {len(ids)} kata(s), {2 * len(ids)} execuções" \
        in flat(result.output)
