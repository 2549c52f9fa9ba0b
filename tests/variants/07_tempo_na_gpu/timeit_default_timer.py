# expect: pass
"""Kata 07 — cronometra com timeit.default_timer (o perf_counter com outro nome) e torch.mm."""

import timeit
import torch

def medir_tempo(funcao, dispositivo, repeticoes=10):
    gpu = str(dispositivo).startswith("cuda")
    funcao()
    if gpu:
        torch.cuda.synchronize()
    inicio = timeit.default_timer()
    for _ in range(repeticoes):
        funcao()
    if gpu:
        torch.cuda.synchronize()
    return (timeit.default_timer() - inicio) / repeticoes

def comparar(tamanho=2048):
    tempos = {}
    for d in ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]:
        a = torch.rand(tamanho, tamanho, device=d)
        tempos[d] = medir_tempo(lambda: torch.mm(a, a), d)
    return tempos
