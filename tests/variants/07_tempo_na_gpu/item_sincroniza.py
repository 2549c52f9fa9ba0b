# expect: pass
"""Kata 07 — um torch.device, e na GPU espera pelo resultado com .item() em vez de synchronize()."""

import time

import torch


def medir_tempo(funcao, dispositivo, repeticoes=10):
    dispositivo = torch.device(dispositivo)
    funcao()
    if dispositivo.type == "cuda":
        torch.cuda.synchronize()
    inicio = time.perf_counter()
    for _ in range(repeticoes):
        funcao()
    if dispositivo.type == "cuda":
        torch.zeros(1, device=dispositivo).sum().item()  # ler um valor também espera a GPU
    return (time.perf_counter() - inicio) / repeticoes


def comparar(tamanho=2048):
    resultado = {}
    dispositivos = [torch.device("cpu")]
    if torch.cuda.is_available():
        dispositivos.append(torch.device("cuda"))
    for dispositivo in dispositivos:
        x = torch.randn(tamanho, tamanho).to(dispositivo)
        resultado[dispositivo.type] = medir_tempo(lambda x=x: x @ x, dispositivo)
    return resultado
