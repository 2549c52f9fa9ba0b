# expect: pass
"""Um while que para na paciência, sorted() para o mínimo e um print das curvas."""

import math


def _oscila(treino):
    for i in range(len(treino) - 1):
        if treino[i + 1] - treino[i] > treino[0] / 10:
            return True
    return False


def diagnosticar(treino, validacao):
    print("treino:", treino[:3], "...", "validação:", validacao[:3], "...")
    for p in treino + validacao:
        if math.isnan(p) or math.isinf(p):
            return "lr_alto"
    if treino[-1] > treino[0] or _oscila(treino):
        return "lr_alto"
    caiu = treino[0] - treino[-1]
    if caiu / treino[0] < 0.1:
        return "lr_baixo"
    menor = sorted(validacao)[0]
    if (validacao[-1] - menor) / menor > 0.05:
        return "overfitting"
    n = len(treino)
    quarto = n // 4 if n >= 4 else 1
    if (treino[n - quarto - 1] - treino[n - 1]) / caiu > 0.05:
        return "underfitting"
    return "ok"


def melhor_epoca(validacao, paciencia=3):
    melhor_valor = float("inf")
    melhor = -1
    espera = 0
    i = 0
    while i < len(validacao) and espera < paciencia:
        if validacao[i] < melhor_valor:
            melhor_valor, melhor, espera = validacao[i], i, 0
        else:
            espera += 1
        i += 1
    return melhor
