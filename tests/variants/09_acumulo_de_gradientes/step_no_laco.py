# expect: accumulation_step_count
"""Kata 09 — um step() por parte: vira um treino em minilotes, não um passo acumulado."""

import torch


def passo_acumulado(modelo, otimizador, criterio, X, y, partes):
    otimizador.zero_grad()
    perda_total = 0.0
    for X_parte, y_parte in zip(torch.tensor_split(X, partes), torch.tensor_split(y, partes)):
        perda = criterio(modelo(X_parte), y_parte) * len(X_parte) / len(X)
        perda.backward()
        otimizador.step()
        perda_total += perda.item()
    return perda_total
