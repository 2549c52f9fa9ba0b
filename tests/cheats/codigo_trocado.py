# expect: fatal.tampered.patch
# runtime: fatal.tampered.code_patch
# kata: 04_zero_grad
"""Troca o código de `Optimizer.step` por um que zera os gradientes antes: sem mexer no laço."""

import torch
from torch import nn


def _passo(self, closure=None):
    return None


torch.optim.SGD.step.__code__ = _passo.__code__


def treinar(modelo, X, y, epocas=100, lr=0.01):
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    for _ in range(epocas):
        nn.functional.mse_loss(modelo(X), y).backward()
        otimizador.step()
    return []
