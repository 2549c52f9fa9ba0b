# expect: accumulation_pieces_rows
"""Kata 09 — partes salteadas (X[i::partes]): os tamanhos certos, mas outras linhas que as de tensor_split."""

import torch


def passo_acumulado(modelo, otimizador, criterio, X, y, partes):
    otimizador.zero_grad()
    total = 0.0
    for i in range(partes):
        xp, yp = X[i::partes], y[i::partes]
        perda = criterio(modelo(xp), yp) * len(xp) / len(X)
        perda.backward()
        total += perda.item()
    otimizador.step()
    return total
