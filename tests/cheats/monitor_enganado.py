# expect: fatal.tampered.internals
# runtime: none
# kata: 04_zero_grad
"""Alcança o monitor de treino pelos ganchos globais do otimizador e apaga o que ele viu.

Lacuna conhecida da camada de execução: os dados que as verificações entregam ao código de
quem aprende (o modelo, os ganchos registrados nele) são alcançáveis dentro do processo. Quem
pega isto é a leitura do código-fonte, antes de rodar: `_global_optimizer_pre_hooks` e
`__self__` não têm uso honesto numa kata.
"""

import torch
from torch import nn


def treinar(modelo, X, y, epocas=100, lr=0.01):
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    for _ in range(epocas):
        perda = nn.functional.mse_loss(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    for gancho in torch.optim.optimizer._global_optimizer_pre_hooks.values():
        gancho.__self__.stale_gradient_at = None
    return perdas
