# expect: pass
"""time.monotonic, torch.cuda.synchronize(dispositivo), um laço while e "cuda" in str(dispositivo)."""
import statistics
import time
import timeit

import torch


def medir_tempo(funcao, dispositivo, repeticoes=10):
    gpu = "cuda" in str(dispositivo)
    funcao()
    if gpu:
        torch.cuda.synchronize(dispositivo)
    comeco = time.monotonic()
    contador = 0
    while contador < repeticoes:
        funcao()
        contador += 1
    if gpu:
        torch.cuda.synchronize(dispositivo)
    return (time.monotonic() - comeco) / contador


def comparar(tamanho=2048):
    tempos = {}
    for dispositivo in ["cpu", "cuda"]:
        if dispositivo == "cuda" and not torch.cuda.is_available():
            continue
        a = torch.randn(tamanho, tamanho, device=dispositivo)
        b = torch.randn(tamanho, tamanho, device=dispositivo)
        tempos[dispositivo] = medir_tempo(lambda: a @ b, dispositivo)
    return tempos

