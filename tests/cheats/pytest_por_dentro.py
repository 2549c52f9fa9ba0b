# expect: fatal.tampered.import
# runtime: fatal.tampered.runtime
# kata: 04_zero_grad
"""Faz o pytest nunca rodar o corpo dos testes: sem exceção, todo teste "passaria"."""

import _pytest.python
import torch
from torch import nn

_pytest.python.Function.runtest = lambda self: None


def treinar(modelo, X, y, epocas=100, lr=0.01):
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    for _ in range(epocas):
        nn.functional.mse_loss(modelo(X), y).backward()
        otimizador.step()
    return []
