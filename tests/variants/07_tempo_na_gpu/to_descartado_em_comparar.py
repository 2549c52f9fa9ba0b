# expect: comparison_no_matmul
"""comparar chama a.to("cuda") sem guardar o resultado: o produto cronometrado como cuda roda na CPU."""
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
    if dispositivo == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - inicio) / repeticoes


def comparar(tamanho=2048):
    a, b = torch.randn(tamanho, tamanho), torch.randn(tamanho, tamanho)
    tempos = {"cpu": medir_tempo(lambda: a @ b, "cpu")}
    if torch.cuda.is_available():
        a.to("cuda")
        b.to("cuda")
        tempos["cuda"] = medir_tempo(lambda: a @ b, "cuda")
    return tempos

