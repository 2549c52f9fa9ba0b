# expect: timing_warmup_timed
"""Kata 07 — liga o relógio antes do aquecimento: a primeira chamada, a lenta, entra na média."""

import time

import torch


def medir_tempo(funcao, dispositivo, repeticoes=10):
    if dispositivo == "cuda":
        torch.cuda.synchronize()
    inicio = time.perf_counter()
    funcao()  # aquecimento
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
