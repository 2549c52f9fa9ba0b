# expect: pass
"""Kata 16 — outros limiares (dentro da margem do enunciado), o último quarto contado pelo corte
de 3/4, e o early stopping com while."""

import math


def diagnosticar(treino, validacao):
    inicio, fim = treino[0], treino[-1]
    if any(math.isnan(p) or math.isinf(p) for p in treino + validacao):
        return "lr_alto"
    maior_subida = max(b - a for a, b in zip(treino, treino[1:]))
    if fim > inicio or maior_subida > 0.15 * inicio:
        return "lr_alto"
    if fim / inicio > 0.93:
        return "lr_baixo"
    if validacao[-1] / min(validacao) > 1.08:
        return "overfitting"
    corte = len(treino) * 3 // 4
    if treino[corte - 1] - fim > 0.08 * (inicio - fim):
        return "underfitting"
    return "ok"


def melhor_epoca(validacao, paciencia=3):
    melhor = 0
    epoca = 1
    while epoca < len(validacao) and epoca - melhor <= paciencia:
        if validacao[epoca] < validacao[melhor]:
            melhor = epoca
        epoca += 1
        if epoca - melhor > paciencia:
            break
    return melhor
