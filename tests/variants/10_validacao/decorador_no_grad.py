# expect: pass
"""Kata 10 — @torch.no_grad() na função inteira; o laço zera os gradientes depois do step."""

import torch
from torch import nn


@torch.no_grad()
def avaliar(modelo, X, y, criterio):
    modelo.eval()
    previsto = modelo(X)
    return criterio(previsto, y).item()


def treinar_e_avaliar(modelo, X, y, X_val, y_val, epocas=20, lr=0.01):
    mse = nn.MSELoss()
    sgd = torch.optim.SGD(modelo.parameters(), lr=lr)
    treino, validacao = [], []
    for epoca in range(epocas):
        modelo.train()
        perda = mse(modelo(X), y)
        perda.backward()
        sgd.step()
        sgd.zero_grad()
        treino.append(perda.item())
        validacao.append(avaliar(modelo, X_val, y_val, mse))
    return treino, validacao
