"""Kata 07 — Medir o tempo na GPU sem mentir.

O cronômetro abaixo é o do curso, mas ainda mede coisas demais (e, na GPU, de menos): veja o
enunciado com `katacheck next`, ou peça uma dica com `katacheck hint`.
"""

import time

import torch


def medir_tempo(funcao, dispositivo, repeticoes=10):
    # TODO: a primeira chamada é mais lenta (aquecimento): faça-a antes, fora da medição.
    # TODO: na GPU os kernels são assíncronos: sincronize antes de ler o relógio.
    inicio = time.perf_counter()
    for _ in range(repeticoes):
        funcao()
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
    for dispositivo, segundos in comparar().items():
        print(f"{dispositivo}: {segundos * 1000:.2f} ms por produto")
