# expect: training_in_eval_mode
"""Kata 10 — põe o modelo em eval() logo no começo, achando que é preciso para avaliar depois."""

import torch
from torch import nn


def avaliar(modelo, X, y, criterio):
    with torch.no_grad():
        return criterio(modelo(X), y).item()


def treinar_e_avaliar(modelo, X, y, X_val, y_val, epocas=20, lr=0.01):
    modelo.eval()
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas_treino, perdas_val = [], []
    for epoca in range(epocas):
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas_treino.append(perda.item())
        perdas_val.append(avaliar(modelo, X_val, y_val, criterio))
    return perdas_treino, perdas_val
