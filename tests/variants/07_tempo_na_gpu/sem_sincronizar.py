# expect: clock_not_synchronized
"""Kata 07 — aquece e tira a média, mas nunca sincroniza a GPU: mede só os lançamentos."""

import time

import torch


def medir_tempo(funcao, dispositivo, repeticoes=10):
    funcao()
    inicio = time.perf_counter()
    for _ in range(repeticoes):
        funcao()
    fim = time.perf_counter()
    return (fim - inicio) / repeticoes


def comparar(tamanho=2048):
    tempos = {}
    for dispositivo in ["cpu"] + (["cuda"] if torch.cuda.is_available() else []):
        a = torch.randn(tamanho, tamanho, device=dispositivo)
        b = torch.randn(tamanho, tamanho, device=dispositivo)
        tempos[dispositivo] = medir_tempo(lambda a=a, b=b: a @ b, dispositivo)
    return tempos
