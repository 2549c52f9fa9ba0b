# expect: timing_no_clock
"""Kata 07 — cronometra com time.process_time(), o tempo de CPU do processo: não conta a espera pela GPU nem o relógio de parede."""

import time

import torch


def medir_tempo(funcao, dispositivo, repeticoes=10):
    na_gpu = torch.device(dispositivo).type == "cuda"
    funcao()  # aquecimento: a primeira chamada paga alocações e a escolha dos kernels
    if na_gpu:
        torch.cuda.synchronize()  # o aquecimento terminou antes de o relógio começar
    inicio = time.process_time()
    for _ in range(repeticoes):
        funcao()
    if na_gpu:
        torch.cuda.synchronize()  # os kernels são assíncronos: espere todos terminarem
    fim = time.process_time()
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
