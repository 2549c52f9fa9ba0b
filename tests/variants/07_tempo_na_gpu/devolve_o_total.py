# expect: timing_sum
"""Kata 07 — aquece e sincroniza certo, mas devolve o tempo total em vez da média por chamada."""

import time

import torch


def medir_tempo(funcao, dispositivo, repeticoes=10):
    funcao()
    if dispositivo == "cuda":
        torch.cuda.synchronize()
    inicio = time.perf_counter()
    for _ in range(repeticoes):
        funcao()
    if dispositivo == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - inicio


def comparar(tamanho=2048):
    tempos = {}
    for dispositivo in ["cpu"] + (["cuda"] if torch.cuda.is_available() else []):
        a = torch.randn(tamanho, tamanho, device=dispositivo)
        b = torch.randn(tamanho, tamanho, device=dispositivo)
        tempos[dispositivo] = medir_tempo(lambda a=a, b=b: a @ b, dispositivo)
    return tempos
