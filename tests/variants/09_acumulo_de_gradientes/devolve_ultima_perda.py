# expect: accumulation_loss_last_piece
"""Kata 09 — o passo está certo, mas devolve a perda da última parte, sem peso."""

import torch


def passo_acumulado(modelo, otimizador, criterio, X, y, partes):
    otimizador.zero_grad()
    for X_parte, y_parte in zip(torch.tensor_split(X, partes), torch.tensor_split(y, partes)):
        perda = criterio(modelo(X_parte), y_parte)
        (perda * len(X_parte) / len(X)).backward()
    otimizador.step()
    return perda.item()
