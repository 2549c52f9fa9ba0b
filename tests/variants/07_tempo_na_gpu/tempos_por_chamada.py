# expect: pass
"""Kata 07 — cada repetição cronometrada sozinha, sincronizando antes de cada leitura, e a média da lista."""

import time

import torch


def _sincronizar(dispositivo):
    if str(dispositivo).startswith("cuda"):
        torch.cuda.synchronize()


def medir_tempo(funcao, dispositivo, repeticoes=10):
    funcao()
    tempos = []
    for _ in range(repeticoes):
        _sincronizar(dispositivo)
        inicio = time.perf_counter()
        funcao()
        _sincronizar(dispositivo)
        tempos.append(time.perf_counter() - inicio)
    return sum(tempos) / len(tempos)


def comparar(tamanho=2048):
    resultado = {}
    for dispositivo in ("cpu", "cuda"):
        if dispositivo == "cuda" and not torch.cuda.is_available():
            continue
        a = torch.rand(tamanho, tamanho, device=dispositivo)
        b = torch.rand(tamanho, tamanho, device=dispositivo)
        resultado[dispositivo] = medir_tempo(lambda: a @ b, dispositivo)
    return resultado
