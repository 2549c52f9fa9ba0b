# expect: accumulation_zeroed_inside
"""Kata 09 — o zero_grad() do laço de treino do curso foi parar dentro do laço das partes."""

import torch


def passo_acumulado(modelo, otimizador, criterio, X, y, partes):
    perda_total = 0.0
    for X_parte, y_parte in zip(torch.tensor_split(X, partes), torch.tensor_split(y, partes)):
        otimizador.zero_grad()
        saida = modelo(X_parte)
        perda = criterio(saida, y_parte) * len(X_parte) / len(X)
        perda.backward()
        perda_total += perda.item()
    otimizador.step()
    return perda_total
