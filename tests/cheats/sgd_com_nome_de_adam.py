# expect: fatal.tampered.patch
# runtime: fatal.tampered.code_patch
# kata: 03_adam
"""Muda o nome da classe SGD para "Adam", na esperança de que a verificação compare nomes."""

import torch
from torch import nn

torch.optim.SGD.__name__ = "Adam"
torch.optim.SGD.__qualname__ = "Adam"


def treinar(modelo, X, y, epocas=100):
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.05)
    perdas = []
    for _ in range(epocas):
        otimizador.zero_grad()
        perda = nn.functional.mse_loss(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
