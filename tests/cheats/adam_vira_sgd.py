# expect: fatal.tampered.patch
# runtime: fatal.tampered.runtime
# kata: 03_adam
"""Renomeia o SGD como Adam: `torch.optim.Adam(...)` cria, na verdade, um SGD.

A verificação compara a classe com a capturada antes do arquivo ser importado; e a troca
em si é detectada antes de qualquer verificação.
"""

import torch
from torch import nn

torch.optim.Adam = torch.optim.SGD


def treinar(modelo, X, y, epocas=100):
    otimizador = torch.optim.Adam(modelo.parameters(), lr=0.01)
    perdas = []
    for _ in range(epocas):
        otimizador.zero_grad()
        perda = nn.functional.mse_loss(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
