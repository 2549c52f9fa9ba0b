# expect: pass
"""Kata 09 — zera pelo modelo e pesa com shape[0], percorrendo as partes por índice."""

import torch


def passo_acumulado(modelo, otimizador, criterio, X, y, partes):
    modelo.zero_grad()
    pedacos_X = torch.tensor_split(X, partes)
    pedacos_y = torch.tensor_split(y, partes)
    total = 0.0
    for i in range(partes):
        peso = pedacos_X[i].shape[0] / X.shape[0]
        perda = peso * criterio(modelo(pedacos_X[i]), pedacos_y[i])
        perda.backward()
        total += perda.item()
    otimizador.step()
    return total
