# expect: fatal.tampered.import
# runtime: fatal.tampered.runtime
# kata: 04_zero_grad
"""Troca as verificações do katacheck por funções que não verificam nada.

Os testes ocultos chamam `checks.expect_clean_gradients(...)` etc. pelo módulo: sem proteção,
as versões vazias abaixo fariam todas as verificações passarem sem zerar os gradientes.
"""

import torch
from torch import nn

from katacheck import checks

for _nome in ("expect_clean_gradients", "expect_optimizer", "expect_loss_decreased", "expect_loss_history"):
    setattr(checks, _nome, lambda *args, **kwargs: None)


def treinar(modelo, X, y, epocas=100, lr=0.01):
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    for _ in range(epocas):
        perda = nn.functional.mse_loss(modelo(X), y)
        perda.backward()  # nunca zera os gradientes
        otimizador.step()
        perdas.append(perda.item())
    return perdas
