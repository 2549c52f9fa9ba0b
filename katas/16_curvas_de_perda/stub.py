"""Kata 16 — Ler as curvas de perda.

Notas 4.5, "Interpretação de loss curves": o que cada formato de curva diz do treino
(veja o enunciado com `katacheck next`, ou peça uma dica com `katacheck hint`).
"""

import math


def diagnosticar(treino, validacao):
    inicio, fim = treino[0], treino[-1]
    # Divergiu (nan, inf ou terminou acima do começo) ou oscila: o passo é grande demais.
    if not all(math.isfinite(p) for p in treino + validacao) or fim > inicio:
        return "lr_alto"
    if any(depois - antes > 0.10 * inicio for antes, depois in zip(treino, treino[1:])):
        return "lr_alto"
    # TODO: "lr_baixo" (a perda de treino caiu menos de 10% da inicial), depois "overfitting"
    # (a validação terminou mais de 5% acima do seu mínimo) e "underfitting" (o treino ainda caía
    # no último quarto das épocas), nesta ordem; só o que sobrar é "ok".
    return "ok"


def melhor_epoca(validacao, paciencia=3):
    # TODO: early stopping. Percorra as épocas guardando a melhor (a de menor perda até ali) e
    # quantas épocas seguidas passaram sem um valor estritamente menor; ao chegar a paciencia,
    # pare. Devolva o índice (contando de 0) da melhor época vista até parar.
    return validacao.index(min(validacao))


if __name__ == "__main__":
    treino = [1.0, 0.6, 0.4, 0.3, 0.25, 0.22, 0.2, 0.19]
    validacao = [1.1, 0.7, 0.5, 0.45, 0.47, 0.52, 0.6, 0.7]
    print(diagnosticar(treino, validacao), melhor_epoca(validacao))
