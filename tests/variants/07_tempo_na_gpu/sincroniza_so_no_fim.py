# expect: clock_not_synchronized
"""Kata 07 — sincroniza só antes de parar o relógio: o aquecimento ainda rodava quando ele começou."""

import time

import torch


def medir_tempo(funcao, dispositivo, repeticoes=10):
    funcao()
    inicio = time.perf_counter()
    for _ in range(repeticoes):
        funcao()
    if dispositivo == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - inicio) / repeticoes


def comparar(tamanho=2048):
    tempos = {}
    for dispositivo in ["cpu"] + (["cuda"] if torch.cuda.is_available() else []):
        a = torch.randn(tamanho, tamanho, device=dispositivo)
        b = torch.randn(tamanho, tamanho, device=dispositivo)
        tempos[dispositivo] = medir_tempo(lambda a=a, b=b: a @ b, dispositivo)
    return tempos
