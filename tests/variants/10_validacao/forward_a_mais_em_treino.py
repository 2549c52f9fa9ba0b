# expect: phases_extra_train_forward
"""Kata 10 — mede a perda depois do passo com um forward sob no_grad, ainda em modo de treino: a BatchNorm atualiza as médias de novo."""

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
        with torch.no_grad():
            print("perda depois do passo:", criterio(modelo(X), y).item())
        treino.append(perda.item())
        val.append(avaliar(modelo, X_val, y_val, criterio))
    return treino, val
