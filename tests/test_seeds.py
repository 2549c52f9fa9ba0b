"""One base seed, KATACHECK_SEED, for everything a hidden test draws; 0 keeps today's seeds."""

from __future__ import annotations

import pytest
import torch

from katacheck.checks import seeds
from katacheck.checks.data import probe_inputs, regression_data
from katacheck.plugins import get_pack
from katacheck.runner.parent.dsession import run_kata


def test_the_default_base_seed_changes_nothing(monkeypatch):
    monkeypatch.delenv(seeds.VARIABLE, raising=False)
    assert [seeds.derive(n) for n in (0, 7, 2024)] == [0, 7, 2024]
    X, _ = regression_data()
    assert torch.equal(X, torch.randn(128, 10, generator=torch.Generator().manual_seed(2024)))


def test_another_base_seed_draws_other_data_the_same_way_every_time(monkeypatch):
    monkeypatch.setenv(seeds.VARIABLE, "3")
    first, again = probe_inputs(4, 3), probe_inputs(4, 3)
    assert torch.equal(first, again)
    monkeypatch.setenv(seeds.VARIABLE, "4")
    assert not torch.equal(first, probe_inputs(4, 3))
    assert len({seeds.derive(n) for n in range(100)}) == 100


@pytest.mark.parametrize("kata_id", get_pack("fundamentos").ids())
def test_a_solution_passes_under_another_base_seed_with_the_judge_on_the_same_one(kata_id):
    kata = get_pack("fundamentos").get(kata_id)
    result = run_kata(kata, kata.solution_path, seed=5)
    assert result.passed, [(c.name, c.diagnosis) for c in result.checks if not c.passed]


def test_a_base_seed_that_is_not_a_number_is_refused_before_anything_runs(cli, monkeypatch):
    monkeypatch.setenv("KATACHECK_SEED", "três")
    result = cli("list")
    assert result.exit_code == 2 and "KATACHECK_SEED" in result.output and "três" in result.output
