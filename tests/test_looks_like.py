"""Code that does not do what it looks like: each pattern found at its line, honest code left alone."""

from __future__ import annotations

import ast
import textwrap

import pytest

from katacheck.runner.parent.looks_like import discarded_activations, discarded_calls, named_not_called


def _found(finder, source: str) -> list[tuple[str, int]]:
    return [(f.name, f.line) for f in finder(ast.parse(textwrap.dedent(source)))]


@pytest.mark.parametrize(("source", "expected"), [
    ("x = camada(x)\ntorch.relu(x)\n", [("torch.relu", 2)]),
    ("F.relu(h)\n", [("F.relu", 1)]),
    ("x.view(x.size(0), -1)\n", [("x.view", 1)]),
    ("x = torch.relu(x)\n", []),                 # kept: right
    ("return self.camada2(torch.relu(x))\n", []),  # used: right
    ("modelo.to(dispositivo)\n", []),            # a module moves in place: right
    ("x.relu_()\n", []),                         # in place: it does change x
])
def test_a_pure_call_whose_result_is_thrown_away(source, expected):
    assert _found(discarded_calls, source) == expected


@pytest.mark.parametrize(("source", "expected"), [
    ("otimizador.zero_grad\n", [("otimizador.zero_grad", 1)]),
    ("perda.backward\n", [("perda.backward", 1)]),
    ("if torch.cuda.is_available:\n    pass\n", [("torch.cuda.is_available", 1)]),
    ("d = 'cuda' if torch.cuda.is_available else 'cpu'\n", [("torch.cuda.is_available", 1)]),
    ("otimizador.zero_grad()\n", []),
    ("if torch.cuda.is_available():\n    pass\n", []),
    ("passo = otimizador.step\n", []),  # kept to call later: not this pattern
])
def test_a_method_named_but_not_called(source, expected):
    assert _found(named_not_called, source) == expected


def test_a_missing_relu_is_explained_by_a_discarded_activation_only():
    source = "h = camada(x)\nh.float()\ntorch.relu(h)\n"
    assert _found(discarded_activations, source) == [("torch.relu", 3)]
