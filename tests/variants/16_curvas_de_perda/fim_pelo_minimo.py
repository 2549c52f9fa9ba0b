# expect: curve_lr_alto_diverged
"""Usa min(treino) como a perda final: um treino que sobe devagar, sem saltos, vira lr_baixo."""

import math


def diagnosticar(treino, validacao):
    inicio, fim = treino[0], min(treino)
    # Divergiu (nan, inf ou terminou acima do começo) ou oscila: o passo é grande demais.
    if not all(math.isfinite(p) for p in treino + validacao) or fim > inicio:
        return "lr_alto"
    if any(depois - antes > 0.10 * inicio for antes, depois in zip(treino, treino[1:])):
        return "lr_alto"
    # Quase não saiu do lugar: o passo é pequeno demais.
    if (inicio - fim) / inicio < 0.10:
        return "lr_baixo"
    # A validação terminou acima do seu mínimo enquanto o treino caía: decorou o treino.
    if validacao[-1] > 1.05 * min(validacao):
        return "overfitting"
    # O treino ainda caía no último quarto das épocas: parou cedo demais.
    quarto = max(1, len(treino) // 4)
    if treino[-quarto - 1] - fim > 0.05 * (inicio - fim):
        return "underfitting"
    return "ok"


def melhor_epoca(validacao, paciencia=3):
    melhor, sem_melhora = 0, 0
    for epoca in range(1, len(validacao)):
        if validacao[epoca] < validacao[melhor]:
            melhor, sem_melhora = epoca, 0
        else:
            sem_melhora += 1
            if sem_melhora >= paciencia:
                break
    return melhor

