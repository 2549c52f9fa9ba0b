# expect: pass
"""Kata 18 — os parâmetros guardados numa lista, o recorte pelo nn.utils e a norma devolvida ignorada."""

import torch
from torch import nn


def treinar_estavel(modelo, X, y, epocas=100, lr=0.1, max_norma=1.0):
    parametros = list(modelo.parameters())
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(parametros, lr=lr)
    perdas = []
    for _ in range(epocas):
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        _norma = nn.utils.clip_grad_norm_(parametros, max_norma)
        otimizador.step()
        perdas.append(perda.item())
    return perdas
