# expect: clock_not_synchronized
"""Kata 07 — timeit.default_timer sem sincronizar a GPU: o relógio com outro nome mede só os lançamentos."""

import timeit
import torch

def medir_tempo(funcao, dispositivo, repeticoes=10):
    gpu = str(dispositivo).startswith("cuda")
    funcao()
    inicio = timeit.default_timer()
    for _ in range(repeticoes):
        funcao()
    return (timeit.default_timer() - inicio) / repeticoes

def comparar(tamanho=2048):
    tempos = {}
    for d in ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]:
        a = torch.rand(tamanho, tamanho, device=d)
        tempos[d] = medir_tempo(lambda: torch.mm(a, a), d)
    return tempos
