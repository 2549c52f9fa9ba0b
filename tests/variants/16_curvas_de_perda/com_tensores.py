# expect: pass
"""Kata 16 — as curvas como tensores do torch, uma função por sinal, e o early stopping com
enumerate e a perda da melhor época guardada."""

import torch


def _divergiu(treino, validacao):
    t = torch.tensor(treino)
    tudo = torch.tensor(treino + validacao)
    if not torch.isfinite(tudo).all():
        return True
    return bool(t[-1] > t[0]) or bool((t[1:] - t[:-1]).max() > 0.07 * t[0])


def _quase_parada(treino):
    return (treino[0] - treino[-1]) / treino[0] < 0.12


def _validacao_subiu(validacao):
    return validacao[-1] > min(validacao) * 1.04


def _ainda_caindo(treino):
    quarto = len(treino) // 4
    return treino[-quarto - 1] - treino[-1] > 0.06 * (treino[0] - treino[-1])


def diagnosticar(treino, validacao):
    if _divergiu(treino, validacao):
        return "lr_alto"
    if _quase_parada(treino):
        return "lr_baixo"
    if _validacao_subiu(validacao):
        return "overfitting"
    if _ainda_caindo(treino):
        return "underfitting"
    return "ok"


def melhor_epoca(validacao, paciencia=3):
    melhor_perda, melhor, espera = float("inf"), 0, 0
    for epoca, perda in enumerate(validacao):
        if perda < melhor_perda:
            melhor_perda, melhor, espera = perda, epoca, 0
        else:
            espera += 1
            if espera == paciencia:
                return melhor
    return melhor
