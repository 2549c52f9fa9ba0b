# expect: pass
"""Sincroniza sempre que há CUDA, mesmo medindo na CPU (inofensivo), com timeit.default_timer e um print."""
import statistics
import time
import timeit

import torch


def medir_tempo(funcao, dispositivo, repeticoes=10):
    funcao()
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    t0 = timeit.default_timer()
    for _ in range(repeticoes):
        funcao()
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    t1 = timeit.default_timer()
    print(f"{dispositivo}: {(t1 - t0) / repeticoes:.6f} s")
    return float((t1 - t0) / repeticoes)


def comparar(tamanho=2048):
    tempos = {}
    for dispositivo in ["cpu", "cuda"]:
        if dispositivo == "cuda" and not torch.cuda.is_available():
            continue
        a = torch.randn(tamanho, tamanho, device=dispositivo)
        b = torch.randn(tamanho, tamanho, device=dispositivo)
        tempos[dispositivo] = medir_tempo(lambda: a @ b, dispositivo)
    return tempos

