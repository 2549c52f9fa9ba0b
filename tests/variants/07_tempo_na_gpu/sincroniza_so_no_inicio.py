# expect: clock_not_synchronized
"""Sincroniza antes de começar, mas lê o relógio do fim sem esperar a GPU."""
import statistics
import time
import timeit

import torch


def medir_tempo(funcao, dispositivo, repeticoes=10):
    funcao()
    if dispositivo == "cuda":
        torch.cuda.synchronize()
    inicio = time.perf_counter()
    for _ in range(repeticoes):
        funcao()
    fim = time.perf_counter()
    return (fim - inicio) / repeticoes


def comparar(tamanho=2048):
    tempos = {}
    for dispositivo in ["cpu", "cuda"]:
        if dispositivo == "cuda" and not torch.cuda.is_available():
            continue
        a = torch.randn(tamanho, tamanho, device=dispositivo)
        b = torch.randn(tamanho, tamanho, device=dispositivo)
        tempos[dispositivo] = medir_tempo(lambda: a @ b, dispositivo)
    return tempos

