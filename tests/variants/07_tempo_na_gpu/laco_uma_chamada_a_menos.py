# expect: timing_calls
"""Kata 07 — aquece e depois cronometra range(1, repeticoes): uma chamada a menos que as pedidas."""

import time

import torch


def medir_tempo(funcao, dispositivo, repeticoes=10):
    na_gpu = torch.device(dispositivo).type == "cuda"
    funcao()  # aquecimento: a primeira chamada paga alocações e a escolha dos kernels
    if na_gpu:
        torch.cuda.synchronize()  # o aquecimento terminou antes de o relógio começar
    inicio = time.perf_counter()
    for _ in range(1, repeticoes):  # conta o aquecimento como a primeira repetição
        funcao()
    if na_gpu:
        torch.cuda.synchronize()  # os kernels são assíncronos: espere todos terminarem
    fim = time.perf_counter()
    return (fim - inicio) / repeticoes


def comparar(tamanho=2048):
    dispositivos = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    tempos = {}
    for dispositivo in dispositivos:
        a = torch.randn(tamanho, tamanho, device=dispositivo)
        b = torch.randn(tamanho, tamanho, device=dispositivo)
        tempos[dispositivo] = medir_tempo(lambda a=a, b=b: a @ b, dispositivo)
    return tempos


if __name__ == "__main__":
    tempos = comparar()
    for dispositivo, segundos in tempos.items():
        print(f"{dispositivo}: {segundos * 1000:.2f} ms por produto")
    if "cuda" in tempos:
        print(f"aceleração: {tempos['cpu'] / tempos['cuda']:.1f}×")
