# expect: pass
"""Kata 10 — além da validação, imprime a perda do treino medida com avaliar (sem gradientes): não é um passo a mais."""

import torch
from torch import nn


def avaliar(modelo, X, y, criterio):
    modelo.eval()
    with torch.no_grad():
        return criterio(modelo(X), y).item()


def treinar_e_avaliar(modelo, X, y, X_val, y_val, epocas=20, lr=0.01):
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    treino, val = [], []
    for epoca in range(epocas):
        modelo.train()
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        treino.append(perda.item())
        val.append(avaliar(modelo, X_val, y_val, criterio))
        print("treino em modo de avaliação:", avaliar(modelo, X, y, criterio))
    return treino, val
