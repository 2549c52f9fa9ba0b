# expect: phases_optimizer_per_epoch
"""Kata 10 — o SGD criado dentro do laço, um por época: com SGD puro os números saem iguais, mas a kata pede um só."""

import torch
from torch import nn


def avaliar(modelo, X, y, criterio):
    modelo.eval()
    with torch.no_grad():
        return criterio(modelo(X), y).item()


def treinar_e_avaliar(modelo, X, y, X_val, y_val, epocas=20, lr=0.01):
    criterio = nn.MSELoss()
    treino, val = [], []
    for epoca in range(epocas):
        otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
        modelo.train()
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        treino.append(perda.item())
        val.append(avaliar(modelo, X_val, y_val, criterio))
    return treino, val
