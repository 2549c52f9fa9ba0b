# expect: pass
"""Kata 10 — valida sob torch.inference_mode() e devolve float(perda)."""

import torch
from torch import nn


def avaliar(modelo, X, y, criterio):
    modelo.eval()
    with torch.inference_mode():
        return float(criterio(modelo(X), y))


def treinar_e_avaliar(modelo, X, y, X_val, y_val, epocas=20, lr=0.01):
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    historico_treino, historico_val = [], []
    for _ in range(epocas):
        modelo.train()
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        historico_treino.append(perda.item())
        historico_val.append(avaliar(modelo, X_val, y_val, criterio))
    return historico_treino, historico_val
