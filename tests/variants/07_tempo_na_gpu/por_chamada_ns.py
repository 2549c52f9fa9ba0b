# expect: pass
"""Kata 07 — cronometra cada chamada em nanossegundos e tira a média com statistics."""

import statistics
from time import perf_counter_ns

import torch


def _esperar(dispositivo):
    if str(dispositivo).startswith("cuda"):
        torch.cuda.synchronize()


def medir_tempo(funcao, dispositivo, repeticoes=10):
    funcao()
    tempos = []
    for _ in range(repeticoes):
        _esperar(dispositivo)
        inicio = perf_counter_ns()
        funcao()
        _esperar(dispositivo)
        tempos.append((perf_counter_ns() - inicio) / 1e9)
    return statistics.mean(tempos)


def comparar(tamanho=2048):
    tempos = {}
    for dispositivo in ("cpu", "cuda"):
        if dispositivo == "cuda" and not torch.cuda.is_available():
            continue
        a = torch.rand(tamanho, tamanho, device=dispositivo)
        b = torch.rand(tamanho, tamanho, device=dispositivo)
        tempos[dispositivo] = medir_tempo(lambda a=a, b=b: torch.mm(a, b), dispositivo)
    return tempos
